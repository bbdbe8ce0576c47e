"""Contract tests of heartbeat() (snippets/reference/helpers/closing.py).

Each test is named after the sentence of the docstring it proves and quotes
it. `ours` is the helper's end of the connection, `peer` the other end,
which plays a role in a thread: it answers pings, late, wrongly or not at
all.
"""

from __future__ import annotations

import errno
import math
import os
import select
import signal
import socket
import struct
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

import closing
from closing import heartbeat

pytestmark = pytest.mark.skipif(
    sys.platform != "linux", reason="the contracts are verified on Linux"
)

SLACK = 0.4  # how late a bounded call may return on a busy machine, in seconds
WAIT = 5.0  # the longest any one step may take
LINGER_ZERO = struct.pack("ii", 1, 0)


def read_exactly(sock, size: int) -> bytes:
    """size bytes, or fewer if the stream ends first."""
    data = b""
    while len(data) < size:
        chunk = sock.recv(size - len(data))
        if not chunk:
            break
        data += chunk
    return data


def answer(sock, stop, pieces=(b"pong",), delay=0.0, count=1) -> list[bytes]:
    """Answer count pings: for each, wait delay before each piece of the
    answer. Return the pings received."""
    pings = []
    for _ in range(count):
        ping = read_exactly(sock, 4)
        pings.append(ping)
        if ping != b"ping":
            break
        for piece in pieces:
            if stop.wait(delay):
                return pings
            try:
                sock.sendall(piece)
            except OSError:
                return pings
    return pings


def answer_then_read_to_end(sock, stop, reply: bytes) -> tuple[bytes, bytes]:
    """Read the ping, send reply (b"": none; None: the FIN), then read until
    the stream ends. Return (the ping, what came after it)."""
    ping = read_exactly(sock, 4)
    if reply is None:
        sock.shutdown(socket.SHUT_WR)
    elif reply:
        sock.sendall(reply)
    rest = b""
    for _ in range(100):
        chunk = sock.recv(1024)
        if not chunk:
            break
        rest += chunk
    return ping, rest


def timed(call, *args):
    start = time.monotonic()
    result = call(*args)
    return result, time.monotonic() - start


HITS = {
    "at once": ((b"pong",), 0.0),
    "a byte at a time": ((b"p", b"o", b"n", b"g"), 0.03),
    "after 0.3 s": ((b"pong",), 0.3),
}


@pytest.mark.parametrize("case", [*HITS, "TLS"])
def test_true_if_exactly_pong_comes_back_within_the_deadline(sockets, peers, case):
    """ "Send b"ping"; True if exactly b"pong" comes back within deadline
    seconds": the peer receives b"ping"; its b"pong" counts at once, in
    pieces, or late but in time, and over TLS."""
    if case == "TLS":
        ours, peer = sockets.tls_pair()
        pieces, delay = HITS["at once"]
    else:
        ours, peer = sockets.pair()
        pieces, delay = HITS[case]
    responder = peers.start(answer, peer, pieces, delay)
    assert heartbeat(ours, 2.0) is True
    assert responder.result() == [b"ping"]


def test_true_for_each_ping_answered(sockets, peers):
    """ "True if exactly b"pong" comes back within deadline seconds": call
    after call, one ping each."""
    ours, peer = sockets.pair()
    responder = peers.start(answer, peer, (b"pong",), 0.0, 3)
    assert [heartbeat(ours, 2.0) for _ in range(3)] == [True, True, True]
    assert responder.result() == [b"ping"] * 3


MISSES = {
    "no pong in time": b"",
    "another answer": b"pang",
    "part of pong": b"pon",
    "b''": None,
}


@pytest.mark.parametrize("case", [*MISSES, "TLS, no pong in time"])
def test_on_a_miss_shuts_the_connection_down_both_ways_and_returns_false(
    sockets, peers, case
):
    """ "On a miss (no pong in time, another answer, b'', ...) it shuts the
    connection down in both directions and returns False": the peer gets
    the ping, then the FIN; this end reads b'' and cannot send."""
    if case.startswith("TLS"):
        # ours the TLS server, so that no TLS record (a session ticket) is
        # on its way to it; the peer reads the ping, then the raw stream (a
        # TLS peer that meets the FIN sends an alert, which this end,
        # shut down, would answer with a reset)
        ours, peer = sockets.tls_pair(ours_is_client=False)
        responder = peers.start(answer, peer, ())
    else:
        ours, peer = sockets.pair()
        responder = peers.start(answer_then_read_to_end, peer, MISSES[case])
    assert heartbeat(ours, 0.2) is False
    if case.startswith("TLS"):
        assert responder.result() == [b"ping"]
        assert sockets.ending(peer) == (b"", "FIN")
    else:
        assert responder.result() == (b"ping", b"")
    assert ours.recv(1024) == b""
    with pytest.raises(BrokenPipeError):
        ours.send(b"more")


def test_a_miss_in_syn_sent_abandons_the_connect_and_records_no_shutdown(
    sockets, peers
):
    """A miss
    while a non-blocking connect() is still in progress (SYN_SENT) abandons
    that connect instead, and leaves the socket unconnected with no
    shutdown recorded: connected again before any other call, later calls
    ping the new connection.

    A listener whose accept queue is full (backlog 0 holds one connection)
    drops our SYN: the call, deadline 0.3 s, returns False and the socket
    is unconnected (TCP_CLOSE); connect() to another listener then
    succeeds, and a call pings that connection: True."""
    with socket.create_server(("127.0.0.1", 0), backlog=0) as full:
        address = full.getsockname()
        sockets.keep(socket.create_connection(address, timeout=WAIT))  # queued
        ours = sockets.unconnected()
        ours.setblocking(False)
        assert ours.connect_ex(address) == errno.EINPROGRESS
        assert sockets.tcp_state(ours) == sockets.TCP_SYN_SENT
        assert heartbeat(ours, 0.3) is False
        assert sockets.tcp_state(ours) == sockets.TCP_CLOSE
    with socket.create_server(("127.0.0.1", 0)) as listener:
        listener.settimeout(WAIT)
        ours.settimeout(WAIT)
        ours.connect(listener.getsockname())
        peer = sockets.keep(listener.accept()[0])
    peer.settimeout(WAIT)
    responder = peers.start(answer, peer)
    assert heartbeat(ours, WAIT) is True
    assert responder.result() == [b"ping"]


def test_over_tcp_a_late_pong_after_a_miss_draws_a_reset(sockets):
    """ "(over TCP, a late pong, or any other data the peer sends once the miss
    has shut the connection down, makes this side's kernel reset it)": the
    peer reads the ping but answers only after the miss; its end is then
    reset (CLOSE), and its next send() fails."""
    ours, peer = sockets.pair()
    assert heartbeat(ours, 0.05) is False
    assert peer.recv(64) == b"ping"
    peer.sendall(b"pong")
    sockets.wait_for_state(peer, sockets.TCP_CLOSE)
    with pytest.raises((ConnectionResetError, BrokenPipeError)):
        peer.send(b"more")


@pytest.mark.parametrize(
    "case", ["reset", "vanished", "never connected", "already closed"]
)
def test_on_a_miss_by_oserror_returns_false(sockets, case):
    """ "On a miss (... an OSError) ... returns False": a reset, a vanished
    peer (whose silence is a timeout), a socket never connected or already
    closed: False, nothing raised, within the deadline."""
    if case == "never connected":
        ours = sockets.unconnected()
    elif case == "vanished":
        ours, _ = sockets.vanished_pair()
    else:
        ours, peer = sockets.pair()
    if case == "reset":
        peer.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, LINGER_ZERO)
        peer.close()
        sockets.wait_for_state(ours, sockets.TCP_CLOSE)
    elif case == "already closed":
        ours.close()
    result, took = timed(heartbeat, ours, 0.3)
    assert result is False
    assert took <= 0.3 + SLACK


def drain_late(sock, stop, queued: int) -> int:
    """A peer that hung with its receive buffer full: after 0.5 s it reads
    everything queued and the ping, then answers nothing."""
    if stop.wait(0.5):
        return 0
    return len(read_exactly(sock, queued + 4))


STALLS = ["silent", "p, o, n, never g", "send buffer full, drained late", "vanished"]


@pytest.mark.parametrize("stall", STALLS)
def test_whole_call_is_bounded_by_the_deadline(sockets, peers, stall):
    """ "deadline, an int or a float, bounds the whole call (sending and
    waiting), in seconds": False after the deadline, not later (nor much
    sooner), for a silent peer, a peer that sends three bytes of b"pong" one
    by one, a peer that lets the ping through only late in the deadline
    (sendall() waits, and the recv() gets only what remains), and a vanished
    peer."""
    deadline = 0.3
    if stall == "vanished":
        ours, peer = sockets.vanished_pair()
    elif stall == "send buffer full, drained late":
        deadline = 1.2  # a heartbeat that waited twice would take 1.7 s
        ours, peer = sockets.pair(buffers=16384)
        queued = sockets.fill(ours, b"ping")
        drainer = peers.start(drain_late, peer, queued)
    else:
        ours, peer = sockets.pair()
    if stall == "p, o, n, never g":
        peers.start(answer, peer, (b"p", b"o", b"n"), 0.08)
    result, took = timed(heartbeat, ours, deadline)
    assert result is False
    assert deadline * 0.9 <= took <= deadline + SLACK
    if stall == "send buffer full, drained late":
        assert drainer.result() == queued + 4  # the ping went out in time


@pytest.mark.parametrize(
    "deadline", [None, 0, -1, math.nan, math.inf, 1e6 + 1, 2_147_484, 4_294_967.3, 1e10]
)
def test_raises_valueerror_unless_deadline_is_above_0_and_at_most_1e6(
    sockets, peers, deadline
):
    """ "in seconds above 0 and at most 1e6 (ValueError for None or a number
    out of that range)": None, 0,
    negative, NaN, inf (not the OverflowError of settimeout()), 1e10;
    at once, and the socket is left as it was: open, its timeout kept, no
    ping sent. (The peer sends its FIN after 2 s: a heartbeat that waited
    would return then, and fail.)"""
    ours, peer = sockets.pair()
    peers.start(peers.silent_then_fin, peer, 2.0)
    start = time.monotonic()
    with pytest.raises(ValueError):
        heartbeat(ours, deadline)
    assert time.monotonic() - start < SLACK
    assert ours.fileno() != -1 and ours.gettimeout() == WAIT
    assert sockets.nothing_arrived(peer)


def test_a_deadline_of_1e6_is_in_range(sockets, peers):
    """ "in seconds above 0 and at most 1e6": 1e6 is no error and waits: a
    pong that comes 0.3 s later gives True."""
    ours, peer = sockets.pair()
    responder = peers.start(answer, peer, (b"pong",), 0.3)
    result, took = timed(heartbeat, ours, 1e6)
    assert result is True
    assert 0.25 < took < 0.3 + SLACK
    assert responder.result() == [b"ping"]
    assert ours.gettimeout() == WAIT


def late_then_prompt(
    sock, stop, first_call_done, late_pong_sent, on_ping=lambda: None
) -> int:
    """Answer the first ping only after the first call gave up (having
    called on_ping() once the ping arrived), then every later ping at once.
    Return how many later pings were answered."""
    read_exactly(sock, 4)
    on_ping()
    first_call_done.wait(WAIT)
    try:
        sock.sendall(b"pong")  # late
    except OSError:
        pass
    late_pong_sent.set()
    answered = 0
    for _ in range(10):
        try:
            if read_exactly(sock, 4) != b"ping":
                break
            sock.sendall(b"pong")
        except OSError:
            break
        answered += 1
    return answered


def test_a_late_pong_does_not_answer_a_later_ping(sockets, peers):
    """ "a late pong could otherwise answer the next ping, so every later
    call on this socket returns False too": even once the late pong has
    arrived, and even with a peer that would answer later pings at once."""
    ours, peer = sockets.pair()
    first_call_done, late_pong_sent = threading.Event(), threading.Event()
    responder = peers.start(late_then_prompt, peer, first_call_done, late_pong_sent)
    first = heartbeat(ours, 0.2)
    first_call_done.set()
    assert late_pong_sent.wait(WAIT)
    later = [heartbeat(ours, 0.5), heartbeat(ours, 0.5)]
    assert [first, *later] == [False, False, False]
    assert responder.result() == 0


class Stop(Exception):
    """What a signal handler of yours may raise: not an OSError."""


@pytest.mark.parametrize("raised", [KeyboardInterrupt, Stop])
def test_an_exception_that_interrupts_the_call_shuts_the_connection_down_too(
    sockets, peers, raised
):
    """ "An exception raised while the call runs (KeyboardInterrupt from
    Ctrl+C, or one a signal handler raises) shuts the connection down too,
    then propagates": a signal handler raises once the peer has the ping;
    the peer's pong comes late, after the call, and a later call returns
    False, even with a peer that would answer it at once (an earlier body
    let the late pong answer it: True)."""

    def handler(signum, frame):
        raise raised

    ours, peer = sockets.pair()
    first_call_done, late_pong_sent = threading.Event(), threading.Event()
    main = threading.get_ident()
    previous = signal.signal(signal.SIGUSR1, handler)
    try:
        responder = peers.start(
            late_then_prompt,
            peer,
            first_call_done,
            late_pong_sent,
            lambda: signal.pthread_kill(main, signal.SIGUSR1),
        )
        with pytest.raises(raised):
            heartbeat(ours, WAIT)  # the peer would answer only after it
    finally:
        signal.signal(signal.SIGUSR1, previous)
    assert ours.gettimeout() == WAIT  # restored, as always
    first_call_done.set()
    assert late_pong_sent.wait(WAIT)
    assert heartbeat(ours, 0.5) is False
    assert responder.result() == 0


@pytest.mark.parametrize(("deadline", "alive"), [(0.1, False), (1.5, True)])
def test_patience_is_the_deadline(sockets, peers, deadline, alive):
    """ "Patience is the deadline: to tolerate a slow peer, pass a longer
    one": a peer that answers after 0.3 s misses a 0.1 s deadline and meets
    a 1.5 s one."""
    ours, peer = sockets.pair()
    peers.start(answer, peer, (b"pong",), 0.3)
    assert heartbeat(ours, deadline) is alive


OUTCOMES = ["pong", "no pong", "reset"]


def prepare(sockets, peers, outcome):
    ours, peer = sockets.pair()
    if outcome == "pong":
        peers.start(answer, peer)
    elif outcome == "no pong":
        peers.start(peers.silent_then_fin, peer)  # a call that hung would end
    elif outcome == "reset":
        peer.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, LINGER_ZERO)
        peer.close()
        sockets.wait_for_state(ours, sockets.TCP_CLOSE)
    return ours


@pytest.mark.parametrize("outcome", OUTCOMES)
@pytest.mark.parametrize("previous", [None, 0.0, 3.0])
def test_restores_the_sockets_own_timeout(sockets, peers, previous, outcome):
    """ "The socket's own timeout is restored": after a pong, a miss or an
    OSError."""
    ours = prepare(sockets, peers, outcome)
    ours.settimeout(previous)
    assert heartbeat(ours, 0.2) is (outcome == "pong")
    assert ours.gettimeout() == previous


@pytest.mark.parametrize("outcome", [*OUTCOMES, "ValueError"])
def test_never_closes_the_socket(sockets, peers, outcome):
    """ "the socket is never closed": its descriptor is still open after a
    pong, a miss, an OSError or a ValueError."""
    ours = prepare(sockets, peers, outcome)
    descriptor = ours.fileno()
    if outcome == "ValueError":
        with pytest.raises(ValueError):
            heartbeat(ours, 0)
    else:
        heartbeat(ours, 0.2)
    assert ours.fileno() == descriptor


def test_on_an_ssl_socket_a_miss_ends_the_tls_layer(sockets):
    """ "On an ssl.SSLSocket a miss also ends the TLS layer (shutdown()
    does)": after a miss, unwrap() finds no TLS layer to end."""
    ours, _ = sockets.tls_pair()
    assert heartbeat(ours, 0.1) is False
    with pytest.raises(ValueError, match="No SSL wrapper"):
        ours.unwrap()


def test_a_descriptor_closed_behind_its_back_is_a_miss(sockets):
    """ "On a miss (... an OSError) it ... returns False": also for EBADF (an
    earlier body raised it from its finally:)."""
    ours, _ = sockets.pair()
    os.close(ours.fileno())
    try:
        assert heartbeat(ours, 0.5) is False
    finally:
        ours.detach()  # its descriptor is gone: nothing left to close


MILLISECOND_DEADLINES = [1e-7, 1e-5, 1e-4, 5e-4, 1.1e-3, 1.9e-3]
RUNS = 7  # calls per deadline: the fastest shows the bound, unslowed by the machine


@pytest.mark.parametrize("deadline", MILLISECOND_DEADLINES)
def test_the_call_may_return_up_to_about_1_ms_after_the_deadline(sockets, deadline):
    """ "to within about 1 ms (CPython waits in poll() in whole milliseconds,
    rounded up: the call may return up to about 1 ms after deadline)": a
    silent peer, False each time; the fastest of 7 calls returns within the
    deadline rounded up to a whole millisecond, plus a millisecond for a
    busy machine, none later than that plus SLACK; from 0.1 ms, where the
    ping goes out with time left to wait, one at least takes that
    rounded-up millisecond whole (an earlier docstring said a deadline
    under 1 ms takes at most about 1 ms; the page, that the call returns
    within the deadline)."""
    rounded = math.ceil(deadline * 1000) / 1000  # what poll() waits
    took = []
    for _ in range(RUNS):
        ours, _ = sockets.pair()
        result, seconds = timed(heartbeat, ours, deadline)
        assert result is False
        took.append(seconds)
    assert min(took) <= rounded + 0.001
    assert max(took) <= rounded + SLACK
    if deadline >= 1e-4:
        assert max(took) >= rounded


@pytest.mark.parametrize("answers", [True, False], ids=["pong", "miss"])
def test_a_reused_number_pings_and_on_a_miss_shuts_down_an_unrelated_connection(
    sockets, peers, answers
):
    """ "A descriptor closed behind the socket's back whose number another
    socket has since reused pings, and on a miss shuts down, that socket's
    connection, an unrelated one, and restoring the timeout sets that
    descriptor's blocking mode, pong or not": the unrelated connection's peer gets the
    ping; if it answers, True, and that connection stays open; if not,
    False, and it gets a FIN after the ping. Either way the number,
    non-blocking before (that connection's socket has a timeout), is
    blocking after, as our socket's own timeout (None) implies."""
    import fcntl  # POSIX only

    ours, _ = sockets.pair(timeout=None)
    unrelated = sockets.reuse_number(ours)
    number = ours.fileno()
    assert fcntl.fcntl(number, fcntl.F_GETFL) & os.O_NONBLOCK
    if answers:
        peer = peers.start(answer, unrelated)
        assert heartbeat(ours, 2) is True
        assert peer.result() == [b"ping"]
        assert sockets.nothing_arrived(unrelated)  # no FIN: still open
    else:
        assert heartbeat(ours, 0.1) is False
        assert sockets.ending(unrelated) == (b"ping", "FIN")
    assert not fcntl.fcntl(number, fcntl.F_GETFL) & os.O_NONBLOCK


def test_an_exception_after_the_pong_came_shuts_the_connection_down_too(sockets, peers):
    """ "An exception raised while the call runs (KeyboardInterrupt from
    Ctrl+C, or one a signal handler raises) shuts the connection down too,
    then propagates": also one that lands once the whole pong has arrived,
    before the call returns (a trace function stands in for a signal
    handler that raises there). The connection is shut down: the peer
    reads b'' after its pong. (An earlier body decided on the answer alone:
    a complete pong left the connection open.)"""
    ours, peer = sockets.pair()
    peers.start(answer, peer, (b"pong",), 0)

    def trace(frame, event, arg):
        if frame.f_code is heartbeat.__code__:
            return in_heartbeat
        return None

    def in_heartbeat(frame, event, arg):
        if event == "line" and frame.f_locals.get("answer") == b"pong":
            sys.settrace(None)
            frame.f_trace = None
            raise KeyboardInterrupt
        return in_heartbeat

    sys.settrace(trace)
    try:
        with pytest.raises(KeyboardInterrupt):
            heartbeat(ours, WAIT)
    finally:
        sys.settrace(None)
    assert ours.gettimeout() == WAIT  # restored, as always
    with pytest.raises(OSError):  # shut down: nothing more can be sent
        for _ in range(3):
            ours.send(b"x")


@pytest.mark.parametrize("reply", [b"pang", b"pong"], ids=["a miss", "the pong"])
def test_ctrl_c_as_it_restores_the_timeout_still_shuts_the_connection_down(
    sockets, peers, reply
):
    """An exception raised while the call runs (KeyboardInterrupt from
    Ctrl+C, or one a signal handler raises) shuts the connection down too,
    then propagates

    The peer answers b"pang", a miss, or b"pong", and KeyboardInterrupt
    lands as the call restores the socket's timeout, in its cleanup (the
    third settimeout(), after the deadline's and the one before its one
    recv()): the connection is shut down all the same (the peer reads the
    ping, then b''), and the interrupt propagates. (Earlier bodies shut down
    after the restore in the same cleanup, which the interrupt skipped;
    then decided on a whole pong before the restore, so that an interrupt
    there left the connection open.)"""
    ours, peer = sockets.pair()
    responder = peers.start(answer_then_read_to_end, peer, reply)
    ours = sockets.raising(ours, "settimeout", 3)
    with pytest.raises(KeyboardInterrupt):
        heartbeat(ours, WAIT)
    assert ours.gettimeout() == WAIT  # the restore ran: the interrupt came after
    assert responder.result() == (b"ping", b"")
    assert ours.recv(1024) == b""
    with pytest.raises(OSError):  # shut down: nothing more can be sent
        ours.send(b"more")


def test_an_interrupt_just_before_the_restore_skips_it(
    sockets, peers, interrupt_before
):
    """ "The socket's own timeout is restored (except when an exception
    raised asynchronously lands in the few bytecodes before the restore)":
    the peer answers b"pong", and KeyboardInterrupt lands as the call
    reaches the restore (a trace function stands in for the signal
    handler): it propagates, the connection is shut down (the peer reads the
    ping, then b''), and the socket keeps the call's timeout, not its own
    (None)."""
    ours, peer = sockets.pair(timeout=None)
    responder = peers.start(answer_then_read_to_end, peer, b"pong")
    with interrupt_before(heartbeat, "sock.settimeout(previous)"):
        with pytest.raises(KeyboardInterrupt):
            heartbeat(ours, WAIT)
    assert responder.result() == (b"ping", b"")
    assert ours.gettimeout() is not None
    assert 0 < ours.gettimeout() <= WAIT


def test_an_oserror_a_signal_handler_raises_may_count_as_a_miss(sockets, peers):
    """one that is an OSError (a TimeoutError, say) may instead count as a
    miss (False)

    SIGALRM's handler raises TimeoutError 0.3 s into the call's wait for
    the pong (the timer is set as that wait begins: set before the call,
    it could land before the call's try block on a busy machine), the peer
    never answering, a deadline of 5 s: False at once, nothing raised, and
    the connection shut down (the peer reads the ping, then b'')."""

    ours, peer = sockets.pair()
    responder = peers.start(answer_then_read_to_end, peer, b"")
    with sockets.watchdog(ours, 0.3) as ours:
        result, took = timed(heartbeat, ours, 5.0)
    assert result is False
    assert 0.3 <= took < 0.3 + SLACK
    assert responder.result() == (b"ping", b"")


FIRST_READ = "sock.settimeout(max(end - time.monotonic(), 0))"


def held_before_its_first_read(hold, *args) -> tuple[bool, float, bool]:
    """heartbeat(*args), with a trace function that calls hold(frame) once,
    as the call reaches the line before its first read (a thread that gets
    the CPU late); returns (the result, how long the call took, whether it
    was held)."""
    held = []

    def in_heartbeat(frame, event, arg):
        if event == "line" and not held:
            source = Path(frame.f_code.co_filename).read_text().splitlines()
            if source[frame.f_lineno - 1].strip() == FIRST_READ:
                held.append(True)
                hold(frame)
        return in_heartbeat

    def trace(frame, event, arg):
        return in_heartbeat if frame.f_code is heartbeat.__code__ else None

    sys.settrace(trace)
    try:
        result, took = timed(heartbeat, *args)
    finally:
        sys.settrace(None)
    return result, took, bool(held)


def answer_each_piece_once_waited_for(
    sock, stop, sockets, ours, caller, pieces
) -> list[bytes]:
    """Read the ping; send each piece once all this end sent is acknowledged
    (so it has arrived: Nagle's algorithm may hold a piece back) and the
    caller (a native thread id) waits in poll() on ours with nothing
    queued. Return the pings read."""
    ping = read_exactly(sock, 4)
    for piece in pieces:
        sockets.wait_until_sent(sock)
        sockets.wait_until_waiting(ours, caller)
        sock.sendall(piece)
    return [ping]


@pytest.mark.parametrize(
    ("transport", "lowat", "pieces"),
    [
        ("TCP", 64, (b"pong",)),
        ("TCP", 2, (b"pon", b"g")),
        ("TLS", 64, (b"pong",)),
        ("TLS", 24, (b"pon", b"g")),
    ],
    ids=["TCP, 64, one piece", "TCP, 2, the last byte alone", "TLS, 64", "TLS, 24"],
)
def test_with_so_rcvlowat_above_1_a_short_pong_is_read_at_the_deadline(
    sockets, peers, transport, lowat, pieces
):
    """On a TCP socket whose SO_RCVLOWAT is above 1, poll() waits until that
    many bytes are queued (over TLS, counted on the wire), ...: a pong, or
    the rest of one, that arrives in a shorter piece while the call waits, with
    nothing after it (no FIN), is read only once the time is up, and the
    call returns True then, at the deadline

    The peer sends the pong in one piece, or with its last byte alone (over
    TLS, a record each: 23 bytes for b"g", below 24), each piece once the
    call waits in poll() with nothing queued: True, after the deadline,
    within SLACK. (An earlier body gave up at the deadline without reading:
    a miss, the pong left unread.)"""
    if transport == "TLS":
        ours, peer = sockets.tls_pair()
    else:
        ours, peer = sockets.pair()
    ours.setsockopt(socket.SOL_SOCKET, socket.SO_RCVLOWAT, lowat)
    caller = threading.get_native_id()
    responder = peers.start(
        answer_each_piece_once_waited_for, peer, sockets, ours, caller, pieces
    )
    result, took = timed(heartbeat, ours, 0.3)
    assert result is True
    assert 0.3 <= took < 0.3 + SLACK
    assert responder.result() == [b"ping"]


def test_over_tls_a_pong_already_queued_when_the_call_reads_is_read_at_once(
    sockets, peers
):
    """(Over TLS
    one already queued when the call reads is read at once: the ssl module
    reads before it waits.)

    TLS 1.3, SO_RCVLOWAT 64 (set after a first ping, whose call read the
    session tickets): a trace function holds the second call before its
    first read until the pong's record (26 bytes on the wire, below 64) is
    queued: True at once, long before the deadline (1 s). Over plain TCP
    the same hold gives True at the deadline (the test above)."""
    ours, peer = sockets.tls_pair()
    assert ours.version() == "TLSv1.3"
    responder = peers.start(answer, peer, (b"pong",), 0.0, 2)
    assert heartbeat(ours, WAIT) is True
    ours.setsockopt(socket.SOL_SOCKET, socket.SO_RCVLOWAT, 64)
    result, took, held = held_before_its_first_read(
        lambda frame: sockets.wait_until_queued(ours, 26), ours, 1.0
    )
    assert held
    assert result is True
    assert took < 0.5
    assert responder.result() == [b"ping", b"ping"]


@pytest.mark.parametrize("sent", [0.0, 0.3], ids=["in time", "after the deadline"])
def test_a_pong_queued_when_the_time_is_up_counts(sockets, peers, sent):
    """Once the time is up, it reads once more, without waiting: a pong
    queued by then counts, also one that arrived after the deadline while
    the call ran late

    A trace function stands in for a thread that gets the CPU late: it holds
    the call before its first read until the pong is queued and the deadline
    (0.2 s) has passed. The peer answers at once, or 0.3 s after the ping:
    True both ways. (An earlier body checked the time first and gave up: a
    miss, with the pong queued.)"""
    ours, peer = sockets.pair()
    responder = peers.start(answer, peer, (b"pong",), sent)

    def until_queued_and_the_time_is_up(frame):
        sockets.wait_until_queued(ours, 4)
        late = frame.f_locals["end"] - time.monotonic()
        select.select([], [], [], max(late, 0) + 0.01)  # the time is up

    result, _, held = held_before_its_first_read(
        until_queued_and_the_time_is_up, ours, 0.2
    )
    assert held
    assert result is True
    assert responder.result() == [b"ping"]


@pytest.mark.parametrize(
    ("at", "nth", "outcome"),
    [("gettimeout", 1, "raised"), ("settimeout", 3, "returned True")],
    ids=["as it reads the timeout: propagates", "as it restores it: lost"],
)
def test_an_oserror_a_signal_handler_raises_may_propagate_or_be_lost(
    sockets, peers, at, nth, outcome
):
    """or, landing as the timeout is restored, be lost ...: raise one that is
    not an OSError to interrupt the call

    TimeoutError as the call reads the socket's timeout: no ping yet, the
    error propagates, and the connection is shut down; as it restores the
    timeout after a prompt pong: the error is lost, the call returns True,
    and the connection stays open (one more ping is answered)."""
    ours, peer = sockets.pair()
    responder = peers.start(answer, peer, (b"pong",), 0.0, 2)
    ours = sockets.raising(ours, at, nth, TimeoutError)
    if outcome == "raised":
        with pytest.raises(TimeoutError, match="as if from a signal handler"):
            heartbeat(ours, WAIT)
        with pytest.raises(OSError):  # shut down: nothing more can be sent
            ours.send(b"ping")
        assert responder.result() == [b""]  # no ping: the shutdown's EOF
    else:
        assert heartbeat(ours, WAIT) is True
        assert heartbeat(ours, WAIT) is True
        assert responder.result() == [b"ping", b"ping"]


def test_another_thread_running_python_code_can_delay_the_return(sockets, busy_thread):
    """another thread running Python code meanwhile can delay the return by
    a switch interval (sys.getswitchinterval(), 5 ms by default) or more:
    the call waits for the GIL after each system call

    A silent peer, a deadline of 0.05 s, and another thread running Python
    code with a switch interval of 0.1 s: False, returned 30 ms or more
    after the deadline (the bound alone allows 1 ms)."""
    ours, peer = sockets.pair()
    with busy_thread(0.1):
        result, took = timed(heartbeat, ours, 0.05)
    assert result is False
    assert took >= 0.05 + 0.03  # far past the 1 ms of the bound


class LateTimeout(socket.socket):
    """A socket whose first recv() waits until the pong is queued and the
    deadline (`until`) has passed, then raises TimeoutError, as a signal
    handler's would if its signal landed then."""

    until = 0.0

    def recv(self, size, *flags):
        if self.until:
            ready = select.select([self], [], [], WAIT)[0]
            assert ready, "no pong queued"
            late = self.until - time.monotonic()
            select.select([], [], [], max(late, 0) + 0.01)  # the time is up
            self.until = 0.0
            raise TimeoutError("as if from a signal handler")
        return super().recv(size, *flags)


def test_a_timeout_error_raised_once_the_time_is_up_may_be_lost(sockets, peers):
    """so may a TimeoutError that a wait raises once the time is up: it
    reads as the deadline's

    The pong is queued; a TimeoutError not the socket's is raised in the
    wait once the deadline has passed: the call reads the pong, without
    waiting, and returns True; the error is lost."""
    ours, peer = sockets.pair()
    timeout = ours.gettimeout()
    late = sockets.keep(LateTimeout(fileno=ours.detach()))
    late.settimeout(timeout)
    responder = peers.start(answer, peer, (b"pong",), 0.0)
    late.until = time.monotonic() + 0.2
    assert heartbeat(late, 0.2) is True
    assert responder.result() == [b"ping"]


def test_another_thread_using_the_socket_gets_the_calls_timeout(
    sockets, timeout_seen_by_another_thread
):
    """Another thread that uses this socket during the call gets the
    timeout the call sets

    Our socket has no timeout (None); while the call waits for a silent
    peer (deadline 0.3 s), another thread reads the socket's timeout: a
    number, the call's, at most 0.3."""
    ours, peer = sockets.pair(timeout=None)
    seen = timeout_seen_by_another_thread(ours)
    assert heartbeat(ours, 0.3) is False
    timeout = seen()
    assert timeout is not None and 0 <= timeout <= 0.3


@pytest.mark.parametrize(("deadline", "expected"), [(0.05, False), (1.0, True)])
def test_with_tcp_cork_the_ping_may_wait_200_ms(sockets, peers, deadline, expected):
    """With TCP_CORK on (Linux), the kernel may hold the ping back for up to
    200 ms: a shorter deadline then misses a live peer

    The peer answers each ping at once; with TCP_CORK on, a deadline of
    0.05 s is a miss, and one of 1 s gets the pong after 0.15 s or more."""
    ours, peer = sockets.pair()
    ours.setsockopt(socket.IPPROTO_TCP, socket.TCP_CORK, 1)
    peers.start(answer, peer, (b"pong",), 0.0)
    result, took = timed(heartbeat, ours, deadline)
    assert result is expected
    if expected:
        assert took >= 0.15


def answers_pings_after_a_note(sock, stop) -> list[bytes]:
    """Answer pings with pongs; a b"note" gets no answer, and once it is read
    SO_RCVLOWAT goes back to 1 (the test raises it before the note; Linux
    then holds a 4-byte read back too). Return what came."""
    got = []
    for _ in range(100):
        message = read_exactly(sock, 4)
        got.append(message)
        if message == b"ping":
            sock.sendall(b"pong")
        elif message == b"note":
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVLOWAT, 1)
        else:
            break
    return got


HELD_DEADLINE = 0.015  # the deadline of a ping that Nagle's algorithm may hold


def in_the_scenario(attempt, needed: bool, what: str):
    """Run attempt() until one ran in the scenario, 5 times at most (else the
    test fails, saying `what`); return heartbeat()'s result on it.

    attempt() pings with HELD_DEADLINE and returns (heartbeat()'s result,
    how long the call took, whether the segment sent before the ping was
    unacknowledged as the ping left or came, how many ms old it was). The
    scenario: unacknowledged, under 20 ms old, and the call on time (one
    that ran late counts a pong that came after the deadline). If not
    `needed`, the first attempt counts."""
    for _ in range(5):  # bounded: a loaded machine can miss the scenario
        alive, took, unacknowledged, since = attempt()
        on_time = took < HELD_DEADLINE + 0.005
        if not needed or (unacknowledged and since < 20 and on_time):
            return alive
    pytest.fail(f"in 5 attempts, {what}")


@pytest.mark.parametrize("nodelay", [False, True], ids=["Nagle", "TCP_NODELAY"])
def test_nagle_holds_a_ping_behind_an_unacknowledged_message(sockets, peers, nodelay):
    """Nagle's algorithm (on unless TCP_NODELAY is set) holds back a small
    message sent while an earlier one is not yet acknowledged until that ACK
    comes, which may be delayed (about 40 ms on Linux): on this end, a ping
    sent after a small message of yours; ... Set TCP_NODELAY on both ends,
    or allow for it in the deadline

    After 20 pings answered (the connection settles into delayed ACKs), we
    send b"note", which the peer does not answer, then ping with a deadline
    of 15 ms: with Nagle's algorithm on, a miss; with TCP_NODELAY, True.

    The scenario needs the peer's ACK of the note still to come when the
    ping leaves, and not for a while: the peer's SO_RCVLOWAT is 8 by then,
    so it reads the note (a read that can send the ACK at once) only once
    the ping is there too, which leaves the ACK to its delayed-ACK timer (40
    ms at least on Linux); and the ping leaves within 20 ms of the note. On a
    loaded machine this thread can lose the CPU between the two, so with
    Nagle's algorithm on, the note is checked to be unacknowledged and less
    than 20 ms old just before the ping, and the call to have returned on
    time (one that ran late counts a pong that came after the deadline), and
    an attempt where they were not is run again (5 at most): the assertion
    is on an attempt where they were."""

    def attempt():
        ours, peer = sockets.pair()
        if nodelay:
            ours.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        peers.start(answers_pings_after_a_note, peer)
        for _ in range(20):
            assert heartbeat(ours, WAIT) is True
        peer.setsockopt(socket.SOL_SOCKET, socket.SO_RCVLOWAT, 8)
        ours.sendall(b"note")
        unacknowledged, since = sockets.unacknowledged(ours)
        return (*timed(heartbeat, ours, HELD_DEADLINE), unacknowledged, since)

    alive = in_the_scenario(
        attempt, not nodelay, "the note was acknowledged or old before the ping"
    )
    assert alive is nodelay


def answer_noting_unacknowledged(sock, stop, unacknowledged) -> tuple[int, int]:
    """Answer one ping with b"pong"; return, as the ping arrived, how many of
    this end's segments were unacknowledged and how many ms since it last
    sent data (unacknowledged(sock): tcpi_unacked, tcpi_last_data_sent)."""
    assert read_exactly(sock, 4) == b"ping"
    state = unacknowledged(sock)
    sock.sendall(b"pong")
    return state


@pytest.mark.parametrize(
    "peer_nodelay", [False, True], ids=["Nagle on the peer", "TCP_NODELAY on both"]
)
def test_over_tls_1_3_the_peers_nagle_holds_the_pong_behind_its_tickets(
    sockets, peers, peer_nodelay
):
    """on the peer's, a pong sent after one of its own (over TLS 1.3, the
    session tickets a server sends after the handshake, which a ping sent
    right after it does not acknowledge). Set TCP_NODELAY on both ends

    Ours is the TLS 1.3 client, TCP_NODELAY set; the server, which sent its
    session tickets as the handshake ended, answers at once. A ping right
    after the handshake, deadline 15 ms: a miss while the peer's Nagle's
    algorithm holds the pong; True with TCP_NODELAY on the peer too.

    "Right after" is the scenario: a ping that leaves once our delayed ACK
    (40 ms at least on Linux) has acknowledged the tickets finds nothing for
    Nagle's algorithm to wait for, and one that leaves just before it waits
    less than the deadline. On a loaded machine the ping can be that late,
    so the peer reports whether its tickets were still unacknowledged when
    the ping came, and less than 20 ms old, and the call checks that it
    returned on time (one that ran late counts a pong that came after the
    deadline); with Nagle's algorithm on the peer an attempt where either
    fails is run again (5 at most): the assertion is on one where both
    held. (TCP_NODELAY, set on the peer after the handshake, sends what
    Nagle's algorithm held at once: True whatever our ACKs.)"""

    def attempt():
        ours, peer = sockets.tls_pair(ours_is_client=True)
        assert ours.version() == "TLSv1.3"
        ours.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        if peer_nodelay:
            peer.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        answering = peers.start(
            answer_noting_unacknowledged, peer, sockets.unacknowledged
        )
        alive, took = timed(heartbeat, ours, HELD_DEADLINE)
        return (alive, took, *answering.result())

    alive = in_the_scenario(
        attempt, not peer_nodelay, "the tickets were acknowledged or old at the ping"
    )
    assert alive is peer_nodelay


# A process that pings twice a peer that never answers, or once a peer whose
# reset a read has reported; with SIGPIPE's default action restored, or not.
SIGPIPE_CHILD = """
import importlib.util, signal, socket, struct, sys
spec = importlib.util.spec_from_file_location("closing", sys.argv[1])
closing = importlib.util.module_from_spec(spec)
spec.loader.exec_module(closing)
if sys.argv[3] == "SIG_DFL":
    signal.signal(signal.SIGPIPE, signal.SIG_DFL)
if sys.argv[2] == "AF_UNIX, peer closed":
    ours, peer = socket.socketpair()
else:
    with socket.create_server(("127.0.0.1", 0)) as listener:
        peer = socket.create_connection(listener.getsockname(), timeout=5)
        ours, _ = listener.accept()
with ours, peer:
    ours.settimeout(5)
    if sys.argv[2] == "AF_UNIX, peer closed":
        peer.close()
        print("peer closed", flush=True)
    elif sys.argv[2] == "after a reset":
        peer.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        peer.close()
        try:
            ours.recv(1)
        except ConnectionResetError:
            print("reset read", flush=True)
    else:
        print(closing.heartbeat(ours, 0.05), flush=True)
    print(closing.heartbeat(ours, 0.05), flush=True)
"""


@pytest.mark.parametrize(
    "case, action, expected",
    [
        ("after a miss", "SIG_DFL", ("False\n", -signal.SIGPIPE)),
        ("after a reset", "SIG_DFL", ("reset read\n", -signal.SIGPIPE)),
        ("after a miss", "ignored", ("False\nFalse\n", 0)),
        ("after a reset", "ignored", ("reset read\nFalse\n", 0)),
        ("AF_UNIX, peer closed", "SIG_DFL", ("peer closed\n", -signal.SIGPIPE)),
        ("AF_UNIX, peer closed", "ignored", ("peer closed\nFalse\n", 0)),
    ],
)
def test_with_sigpipe_default_a_ping_on_a_dead_connection_kills(case, action, expected):
    """ "It counts on SIGPIPE being ignored, as Python sets it at startup: in a
    process that restored its default action (signal.signal(signal.SIGPIPE,
    signal.SIG_DFL)), a ping whose send on a stream socket gets EPIPE kills
    the process, as on
    a connection already shut down (a later call, after a miss), one reset
    (once a call has reported the reset, ...), ... an AF_UNIX one whose
    peer closed": in a child process, the second call after a miss, the call
    after a reset a read reported, or the first call on an AF_UNIX
    socketpair whose peer closed, ends it by SIGPIPE; with SIGPIPE ignored
    (Python's default), each call returns False."""
    child = subprocess.run(
        [sys.executable, "-c", SIGPIPE_CHILD, closing.__file__, case, action],
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert (child.stdout, child.returncode) == expected, child.stderr


HEARTBEAT_ON_INHERITED = """
import importlib.util, signal, socket, sys
spec = importlib.util.spec_from_file_location("closing", sys.argv[1])
closing = importlib.util.module_from_spec(spec)
spec.loader.exec_module(closing)
if sys.argv[3] == "SIG_DFL":
    signal.signal(signal.SIGPIPE, signal.SIG_DFL)
with socket.socket(fileno=int(sys.argv[2])) as sock:
    print(closing.heartbeat(sock, 0.05), flush=True)
"""


def heartbeat_in_children(sock: socket.socket) -> list[tuple[str, int]]:
    """heartbeat(sock, 0.05) in a child that inherits sock, first with
    SIGPIPE's default action restored, then with it ignored (the kill first:
    before the second child's miss shuts the connection down): each child's
    (stdout, returncode)."""
    ends = []
    for action in ("SIG_DFL", "ignored"):
        child = subprocess.run(
            [sys.executable, "-c", HEARTBEAT_ON_INHERITED]
            + [closing.__file__, str(sock.fileno()), action],
            pass_fds=(sock.fileno(),),
            capture_output=True,
            text=True,
            timeout=30,
        )
        assert not child.stderr, child.stderr
        ends.append((child.stdout, child.returncode))
    return ends


def test_with_sigpipe_default_a_ping_on_a_connection_the_kernel_gave_up_kills(
    sockets,
):
    """ "a ping whose send on a stream socket gets EPIPE kills the process,
    as on ... one the
    kernel gave up (ETIMEDOUT) once a call has reported that": a vanished
    peer; the kernel gives the connection up and a send() reports it
    (TimeoutError, ETIMEDOUT); then a child process that inherited the
    socket calls it: with SIGPIPE ignored (Python's default), False; with
    its default action restored, SIGPIPE ends the child."""
    ours = sockets.given_up()
    with pytest.raises(TimeoutError):
        ours.send(b"y")
    assert heartbeat_in_children(ours) == [("", -signal.SIGPIPE), ("False\n", 0)]


def test_with_sigpipe_default_a_ping_on_a_socket_never_connected_kills(sockets):
    """ "a ping whose send on a stream socket gets EPIPE kills the process,
    as on ... or a TCP socket never connected": a child process that
    inherited a TCP socket that never connected calls it: with SIGPIPE at
    its default action, SIGPIPE ends the child; with it ignored (Python's
    default), False."""
    sock = sockets.unconnected()
    assert heartbeat_in_children(sock) == [("", -signal.SIGPIPE), ("False\n", 0)]


def answers_with_urgent_data(sock, stop) -> bytes:
    """Read the ping; answer b"pong" sent with MSG_OOB (its b"g" urgent)."""
    ping = read_exactly(sock, 4)
    sock.send(b"pong", socket.MSG_OOB)
    return ping


@pytest.mark.parametrize(("inline", "expected"), [(False, False), (True, True)])
def test_a_pong_sent_as_urgent_data_is_a_miss_unless_so_oobinline(
    sockets, peers, inline, expected
):
    """Urgent data is not read: a pong sent with
    MSG_OOB (over TCP, its last byte urgent) is a miss, unless SO_OOBINLINE
    is set.

    The peer answers with b"pong" sent with MSG_OOB: False at the deadline
    (0.3 s: recv() reads b"pon" only); with SO_OOBINLINE set on ours, True
    at once."""
    ours, peer = sockets.pair()
    if inline:
        ours.setsockopt(socket.SOL_SOCKET, socket.SO_OOBINLINE, 1)
    responder = peers.start(answers_with_urgent_data, peer)
    alive, took = timed(heartbeat, ours, 0.3)
    assert alive is expected
    assert responder.result() == b"ping"
    if expected:
        assert took < SLACK
    else:
        assert 0.3 <= took < 0.3 + SLACK


def answers_pong_and_more(sock, stop) -> bytes:
    """Read the ping (one message), answer with a longer message."""
    ping = sock.recv(64)
    sock.send(b"pong and more")
    return ping


def test_on_a_message_socket_a_reply_that_begins_with_pong_gives_true(sockets, peers):
    """For stream sockets (SOCK_STREAM, TLS over them included): on a message
    socket (SOCK_SEQPACKET, UDP) its recv() cuts a longer message short, so
    a reply that begins with b"pong" gives True.

    An AF_UNIX SOCK_SEQPACKET pair; the peer answers the ping with the one
    message b"pong and more": True."""
    ours, peer = (
        sockets.keep(s)
        for s in socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
    )
    ours.settimeout(5)
    peer.settimeout(5)
    answering = peers.start(answers_pong_and_more, peer)
    assert heartbeat(ours, 5) is True
    assert answering.result() == b"ping"


@pytest.mark.parametrize("family", ["TCP", "AF_UNIX"])
def test_a_listening_socket_gives_false_once_the_whole_deadline_has_run(
    sockets, tmp_path, family
):
    """A listening socket with no connection waiting to be accepted is no
    connection, and its waits never end early: False once the whole
    deadline has run, and the miss's shutdown stops it listening (a new
    connection is refused).

    A TCP or AF_UNIX listener, nothing connecting: False after the 0.2 s
    deadline; then a connect() to it is refused."""
    if family == "TCP":
        listener = sockets.keep(socket.create_server(("127.0.0.1", 0)))
    else:
        listener = sockets.keep(socket.socket(socket.AF_UNIX))
        listener.bind(str(tmp_path / "listener"))
        listener.listen()
    start = time.monotonic()
    assert heartbeat(listener, 0.2) is False
    assert 0.2 <= time.monotonic() - start < 0.2 + SLACK
    client = sockets.keep(socket.socket(listener.family))
    client.settimeout(5)
    with pytest.raises(ConnectionRefusedError):
        client.connect(listener.getsockname())
