"""Contract tests of abort() (snippets/reference/helpers/closing.py).

Each test is named after the sentence of the docstring it proves and quotes
it. `ours` is the helper's end of the connection, `peer` the other end,
whose view of the end of the connection (a FIN or a reset) is read from its
raw TCP stream.
"""

from __future__ import annotations

import contextlib
import errno
import os
import select
import selectors
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
from closing import abort

pytestmark = pytest.mark.skipif(
    sys.platform != "linux", reason="the contracts are verified on Linux"
)

SLACK = 0.4  # how late a bounded call may return on a busy machine, in seconds
WAIT = 5.0  # the longest any one step may take
LINGER_ZERO = struct.pack("ii", 1, 0)


@pytest.mark.parametrize("case", ["idle", "unread data", "peer shut down first", "TLS"])
def test_resets_the_connection(sockets, case):
    """ "Reset the connection: SO_LINGER on with a zero timeout, then
    close()": the peer gets a reset (not a FIN), and the socket is closed;
    also with the peer's data unread, after the peer's FIN, and on an
    ssl.SSLSocket."""
    if case == "TLS":  # ours the TLS server: it has nothing unread
        ours, peer = sockets.tls_pair(ours_is_client=False)
    else:
        ours, peer = sockets.pair()
    if case == "unread data":
        peer.sendall(b"never read")
        sockets.wait_readable(ours)
    elif case == "peer shut down first":
        peer.shutdown(socket.SHUT_WR)
        sockets.wait_for_state(ours, sockets.TCP_CLOSE_WAIT)
    assert abort(ours) is None
    assert ours.fileno() == -1
    assert sockets.ending(peer)[1] == "RST"


def test_resets_a_connection_still_open_in_a_direction(sockets):
    """ "While the connection is still open in a direction, the RST goes
    out": after our own FIN, the peer's direction still open, the peer's end
    moves from CLOSE_WAIT to CLOSE, which only the reset brings (a plain
    close() leaves it in CLOSE_WAIT). The other case, after the peer's FIN,
    is test_resets_the_connection's "peer shut down first"."""
    ours, peer = sockets.pair()
    ours.shutdown(socket.SHUT_WR)
    sockets.wait_for_state(peer, sockets.TCP_CLOSE_WAIT)
    abort(ours)
    sockets.wait_for_state(peer, sockets.TCP_CLOSE)


def test_drops_unsent_data(sockets):
    """ "the RST goes out (...), and unsent data is dropped": the peer, which had
    read nothing, gets less than was sent, then the reset."""
    ours, peer = sockets.pair(buffers=16384)
    queued = sockets.fill(ours)
    abort(ours)
    received, end = sockets.ending(peer)
    assert end == "RST"
    assert 0 < len(received) < queued
    assert set(received) == {ord(".")}


@pytest.mark.parametrize("holder", ["makefile()", "dup()", "child process"])
def test_the_reset_waits_for_the_last_reference(sockets, holder):
    """ "while another
    reference still holds it (a makefile() object, a dup(), a child
    process, ... only when that lets go too": after abort(), the connection still
    carries data to the holder; the reset goes out when the holder closes."""
    ours, peer = sockets.pair()
    read_through = sockets.hold(ours, holder)
    abort(ours)
    assert ours.fileno() == (-1 if holder != "makefile()" else ours.fileno())
    assert sockets.nothing_arrived(peer)  # no reset yet
    peer.sendall(b"still connected")
    peer.shutdown(socket.SHUT_WR)
    assert read_through() == b"still connected"  # and the holder closed
    assert ours.fileno() == -1
    assert sockets.ending(peer) == (b"", "RST")


def test_the_reset_waits_for_a_thread_blocked_in_a_call_on_sock(sockets):
    """ "while another
    reference still holds it (... another thread
    blocked in a call on sock, ... only when that lets go too": a thread
    waits in ours.recv() (timeout 1 s) when abort() is called. abort()
    returns at once and the socket is closed, but the peer gets nothing
    while the recv() waits; the reset arrives when it returns (with an
    OSError), not before."""
    blocked = 1.0  # seconds: the recv()'s timeout
    ours, peer = sockets.pair(timeout=blocked)
    outcome = {}

    def reader():
        outcome["started"] = time.monotonic()
        try:
            outcome["returned"] = ours.recv(100)
        except OSError as exc:
            outcome["raised"] = exc
        outcome["ended"] = time.monotonic()

    thread = threading.Thread(target=reader)
    thread.start()
    try:
        sockets.wait_until_in_poll(thread, "recv()")
        start = time.monotonic()
        assert abort(ours) is None
        assert time.monotonic() - start < SLACK
        assert ours.fileno() == -1
        # when the reset arrives (a delay in this thread only makes it later)
        sockets.wait_readable(peer)
        arrived = time.monotonic()
    finally:
        thread.join(5)
    assert not thread.is_alive()
    assert isinstance(outcome.get("raised"), OSError), outcome
    # not while the recv() still waited (which began after "started")
    assert arrived - outcome["started"] >= blocked - 0.01, "the reset came early"
    assert arrived <= outcome["ended"] + SLACK
    assert sockets.ending(peer) == (b"", "RST")


WAITERS = {
    "select()": lambda fd, timeout: select.select([fd], [], [], timeout),
    "poll()": lambda fd, timeout: poll_once(select.poll(), fd, timeout),
    "PollSelector": lambda fd, timeout: select_once(
        selectors.PollSelector, fd, timeout
    ),
    "SelectSelector": lambda fd, timeout: select_once(
        selectors.SelectSelector, fd, timeout
    ),
    "EpollSelector": lambda fd, timeout: select_once(
        selectors.EpollSelector, fd, timeout
    ),
}


def poll_once(poller, fd: int, timeout: float):
    poller.register(fd, select.POLLIN)
    return poller.poll(timeout * 1000)


def select_once(kind, fd: int, timeout: float):
    with kind() as selector:
        selector.register(fd, selectors.EVENT_READ)
        return selector.select(timeout)


def abort_while_another_thread_waits(sockets, waiter: str, blocked: float):
    """Abort ours while another thread waits for it to be readable with
    waiter (blocked seconds at most); return (when the reset reached the
    peer, when the wait began, when it ended)."""
    ours, peer = sockets.pair()
    fd = ours.fileno()
    times = {}

    def wait():
        times["started"] = time.monotonic()
        try:
            WAITERS[waiter](fd, blocked)
        except OSError:
            pass  # the descriptor is closed when the wait returns
        times["ended"] = time.monotonic()

    thread = threading.Thread(target=wait)
    thread.start()
    try:
        sockets.wait_until_in_poll(thread, waiter)
        abort(ours)
        assert ours.fileno() == -1
        sockets.wait_readable(peer)
        arrived = time.monotonic()
    finally:
        thread.join(blocked + 5)
    assert not thread.is_alive()
    assert sockets.ending(peer) == (b"", "RST")
    return arrived, times["started"], times["ended"]


@pytest.mark.parametrize(
    "waiter", ["select()", "poll()", "PollSelector", "SelectSelector"]
)
def test_the_reset_waits_for_a_thread_waiting_for_it_in_select_or_poll(sockets, waiter):
    """or one waiting for its descriptor in select()
    or poll(), selectors' PollSelector and SelectSelector too)

    Another thread waits for ours to be readable (0.5 s at most) when
    abort() is called: the peer gets nothing while it waits; the reset
    arrives as the wait ends, not before."""
    blocked = 0.5
    arrived, started, ended = abort_while_another_thread_waits(sockets, waiter, blocked)
    assert arrived - started >= blocked - 0.01, "the reset came early"
    assert arrived <= ended + SLACK


@pytest.mark.parametrize("waiter", ["select()", "poll()"])
def test_a_select_or_poll_wait_ends_at_the_sockets_next_event(sockets, waiter):
    """a select() or poll() wait for it to be readable
    ends at the socket's next event, data or a FIN from the peer, not only
    at its timeout

    Another thread waits for ours to be readable (5 s at most) when abort()
    is called; the peer then sends a byte: the wait ends, and the reset
    reaches the peer, within SLACK, not at the wait's timeout."""
    ours, peer = sockets.pair()
    fd = ours.fileno()
    ended = threading.Event()

    def wait():
        with contextlib.suppress(OSError):  # the descriptor is closed by then
            WAITERS[waiter](fd, 5.0)
        ended.set()

    thread = threading.Thread(target=wait)
    thread.start()
    try:
        sockets.wait_until_in_poll(thread, waiter)
        abort(ours)
        start = time.monotonic()
        peer.sendall(b"x")  # the scenario: an event on the socket
        assert ended.wait(SLACK), "the wait went on"
        sockets.wait_readable(peer)
        assert time.monotonic() - start < SLACK
    finally:
        thread.join(5 + 1)
    assert sockets.ending(peer) == (b"", "RST")


@contextlib.contextmanager
def aborted_while_select_waits(sockets, ours, others=(), wait_for=5.0):
    """Abort ours while another thread waits in select() (wait_for seconds
    at most) for it, or one of the descriptors in others, to be readable;
    yield (that thread, an Event set once its wait has ended). The thread is
    joined on exit."""
    descriptors = [ours.fileno(), *others]
    ended = threading.Event()

    def wait():
        with contextlib.suppress(OSError):  # the descriptor is closed by then
            select.select(descriptors, [], [], wait_for)
        ended.set()

    thread = threading.Thread(target=wait)
    thread.start()
    try:
        sockets.wait_until_in_poll(thread, "select()")
        abort(ours)
        yield thread, ended
    finally:
        thread.join(wait_for + 1)


@pytest.mark.parametrize("ready", ["before", "between", "never", "freed again"])
def test_a_wait_whose_number_was_reused_ends_at_its_timeout_or_if_that_is_ready(
    sockets, ready
):
    """(except while the descriptor's number is taken again, by
    any call that makes a descriptor, such as the next socket(), accept()
    or pipe(): an event of the socket's then ends the wait only if what
    that number names is ready at that event (...; each event checks it again;
    its becoming ready ends nothing), else the wait runs on, to its
    timeout at most)

    Another thread waits in select() for ours (3 s at most; 1 s "never")
    when abort() is called; the read end of a pipe then takes the freed
    number (dup2(), where the next pipe() would take the lowest free one).
    "before": with a byte in the pipe before the peer's data, that data
    ends the wait, and the reset goes out, within SLACK. Otherwise the
    peer's data ends neither the wait nor the connection (no reset within
    0.3 s), nor does a byte then written to the pipe (0.2 s more); then,
    "between", the peer's next data ends both within SLACK (an earlier
    clause said only the socket's next event could); "never", the peer's
    FIN came before the byte, and the wait ends at its timeout, the reset
    with it. "freed again": the number is closed again before the peer's
    data, which then ends the wait at once, as with no reuse."""
    ours, peer = sockets.pair()
    number = ours.fileno()
    reading, writing = os.pipe()
    if ready == "before":
        os.write(writing, b"x")
    wait_for = 1.0 if ready == "never" else 3.0
    with aborted_while_select_waits(sockets, ours, wait_for=wait_for) as (_, ended):
        start = time.monotonic()
        os.dup2(reading, number)  # the scenario: the number taken again
        open_numbers = [number, reading, writing]
        try:
            if ready == "freed again":
                os.close(number)
                open_numbers.remove(number)
            peer.sendall(b"data")
            if ready in ("before", "freed again"):
                assert ended.wait(SLACK), "the socket's event did not end it"
                sockets.wait_readable(peer)
                assert time.monotonic() - start < SLACK
            else:
                if ready == "never":
                    peer.shutdown(socket.SHUT_WR)
                readable, _, _ = select.select([peer], [], [], 0.3)
                assert not readable and not ended.is_set(), (
                    "the socket's event ended it"
                )
                os.write(writing, b"x")  # what the number names becomes ready
                readable, _, _ = select.select([peer], [], [], 0.2)
                assert not readable and not ended.is_set(), "the pipe's byte ended it"
                if ready == "between":
                    peer.sendall(b"more")  # the socket's next event
                    assert ended.wait(SLACK), "the socket's later event did not end it"
                    sockets.wait_readable(peer)
                    assert time.monotonic() - start < 0.5 + SLACK
                else:
                    assert ended.wait(1.0 + SLACK), "the wait outlived its timeout"
                    sockets.wait_readable(peer)
                    assert time.monotonic() - start >= 1.0 - 0.3 - 0.05
        finally:
            for descriptor in open_numbers:
                os.close(descriptor)
    assert sockets.ending(peer) == (b"", "RST")


@pytest.mark.parametrize(
    "new_socket", ["never connected", "connecting", "listening", "accepted"]
)
def test_a_number_taken_by_a_new_tcp_socket_is_ready_if_it_never_connected(
    sockets, new_socket
):
    """an event of the socket's then ends the wait only if what
    that number names is ready at that event (a TCP socket that never
    connected nor listened, as socket() alone makes, is, as poll() reports
    it hung up; one connecting, listening, accepted or connected, with
    nothing queued, is not; ...)

    As in the test above, but a new TCP socket takes the freed number
    (dup2(), where the next socket() or accept() would take the lowest
    free one): never connected, the peer's data ends the wait, and the
    reset goes out, within SLACK, as with a pipe that holds a byte; with
    its connect() in progress (SYN_SENT, to a listener whose queue is
    full), listening, or accepted, with nothing queued, the peer's data
    ends nothing, and the wait ends at its timeout (1 s), the reset with it
    (earlier clauses said any socket not yet connected, then any never
    connected, listener included, would end it)."""
    ours, peer = sockets.pair()
    number = ours.fileno()
    if new_socket == "accepted":
        new, _ = sockets.pair()
    elif new_socket == "listening":
        new = sockets.keep(socket.create_server(("127.0.0.1", 0)))
    else:
        new = sockets.unconnected()
    if new_socket == "connecting":
        full = sockets.keep(socket.create_server(("127.0.0.1", 0), backlog=0))
        for sock in [*(sockets.unconnected() for _ in range(3)), new]:
            sock.setblocking(False)
            sock.connect_ex(full.getsockname())  # the last one's SYN is dropped
        assert sockets.tcp_state(new) == sockets.TCP_SYN_SENT
    ready = new_socket == "never connected"
    wait_for = 5.0 if ready else 1.0
    with aborted_while_select_waits(sockets, ours, wait_for=wait_for) as (_, ended):
        start = time.monotonic()
        os.dup2(new.fileno(), number)  # the scenario: the number taken again
        try:
            peer.sendall(b"data")
            if ready:
                assert ended.wait(SLACK), "the socket's event did not end it"
                sockets.wait_readable(peer)
                assert time.monotonic() - start < SLACK
            else:
                readable, _, _ = select.select([peer], [], [], 0.3)
                assert not readable and not ended.is_set(), "the event ended it"
                assert ended.wait(1.0 + SLACK), "the wait outlived its timeout"
                sockets.wait_readable(peer)
        finally:
            os.close(number)
    assert sockets.ending(peer) == (b"", "RST")


def test_with_so_rcvlowat_a_wait_to_read_ends_at_that_many_bytes(sockets):
    """but on a TCP socket with SO_RCVLOWAT above 1, data only
    once that many bytes are queued

    ours has SO_RCVLOWAT 1000; another thread waits in select() for it to be
    readable (5 s at most) when abort() is called: the peer's 5 bytes end
    neither the wait nor the connection (no reset within 0.3 s); its FIN
    then ends both."""
    ours, peer = sockets.pair()
    ours.setsockopt(socket.SOL_SOCKET, socket.SO_RCVLOWAT, 1000)
    with aborted_while_select_waits(sockets, ours) as (_, ended):
        peer.sendall(b"hello")
        readable, _, _ = select.select([peer], [], [], 0.3)
        assert not readable and not ended.is_set(), "5 bytes ended the wait"
        peer.shutdown(socket.SHUT_WR)  # the peer's FIN
        assert ended.wait(SLACK), "the FIN did not end the wait"
        sockets.wait_readable(peer)
    assert sockets.ending(peer) == (b"", "RST")


def test_with_so_rcvlowat_fewer_bytes_end_the_wait_once_they_fill_the_buffer(
    sockets,
):
    """or fewer once they fill the receive
    buffer, as many small segments can

    ours has SO_RCVBUF 8192 and SO_RCVLOWAT 4000; another thread waits in
    select() for it to be readable (5 s at most) when abort() is called;
    the peer (TCP_NODELAY) sends 10-byte segments, 2 ms apart, 3990 bytes
    at most: the wait ends, and the reset reaches the peer (each segment
    costs the buffer far more than its 10 bytes), read by its next send()
    if it comes between two segments (as a soak run once saw)."""
    ours, peer = sockets.pair()
    ours.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 8192)
    ours.setsockopt(socket.SOL_SOCKET, socket.SO_RCVLOWAT, 4000)
    peer.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    reset = False  # the reset came between two segments, seen by send()
    with aborted_while_select_waits(sockets, ours) as (_, ended):
        for _ in range(399):  # 3990 bytes at most: below SO_RCVLOWAT
            try:
                peer.send(b"0123456789")
            except ConnectionResetError:
                reset = True
                break
            if ended.wait(0.002):  # a bounded wait, for the segment to land
                break
        assert ended.wait(SLACK), "3990 bytes in 10-byte segments: still waiting"
    assert reset or sockets.ending(peer)[1] == "RST"


def test_a_wait_on_several_descriptors_ends_at_an_event_on_any_of_them(sockets):
    """a wait on several descriptors
    ends at an event on any of them

    Another thread waits in select() for ours or a pipe to be readable (5 s
    at most) when abort() is called; nothing comes on ours, a byte on the
    pipe: the wait ends, and the reset reaches the peer, within SLACK."""
    ours, peer = sockets.pair()
    wake, wakes = os.pipe()
    try:
        with aborted_while_select_waits(sockets, ours, [wake]) as (_, ended):
            start = time.monotonic()
            os.write(wakes, b"x")  # the scenario: an event on the other descriptor
            assert ended.wait(SLACK), "the wait went on"
            sockets.wait_readable(peer)
            assert time.monotonic() - start < SLACK
    finally:
        os.close(wake)
        os.close(wakes)
    assert sockets.ending(peer) == (b"", "RST")


def test_a_signal_that_interrupts_the_wait_ends_the_hold(sockets):
    """whatever makes the kernel leave a
    wait or a blocked call lets go of the socket too: a signal with a
    handler delivered to the waiting thread itself

    Another thread waits in select() for ours to be readable (5 s at most)
    when abort() is called; nothing comes from the peer; SIGUSR1, which has
    a handler, is sent to that thread: the reset reaches the peer within
    SLACK."""
    ours, peer = sockets.pair()
    previous = signal.signal(signal.SIGUSR1, lambda signum, frame: None)
    try:
        with aborted_while_select_waits(sockets, ours) as (thread, _):
            start = time.monotonic()
            signal.pthread_kill(thread.ident, signal.SIGUSR1)
            sockets.wait_readable(peer)
            assert time.monotonic() - start < SLACK
    finally:
        signal.signal(signal.SIGUSR1, previous)
    assert sockets.ending(peer) == (b"", "RST")


# A child whose thread waits for its socket in select(), or in recv() with a
# timeout, while its main thread aborts the socket; it then reads its stdin.
STOPPED_CHILD = """
import importlib.util, select, socket, sys, threading, time
spec = importlib.util.spec_from_file_location("closing", sys.argv[1])
closing = importlib.util.module_from_spec(spec)
spec.loader.exec_module(closing)
sock = socket.create_connection(("127.0.0.1", int(sys.argv[2])), timeout=5)
def wait():
    try:
        if sys.argv[3] == "select()":
            select.select([sock.fileno()], [], [], 5)
        else:
            sock.recv(1)
    except OSError:
        pass  # the descriptor is closed by then
thread = threading.Thread(target=wait, daemon=True)
thread.start()
deadline = time.monotonic() + 5
while "poll" not in open(f"/proc/self/task/{thread.native_id}/wchan").read():
    assert time.monotonic() < deadline, "the thread does not wait"
    select.select([], [], [], 0.001)
closing.abort(sock)
print("aborted", flush=True)
sys.stdin.read()
"""


@pytest.mark.parametrize("waiter", ["select()", "recv()"])
def test_a_stop_of_the_process_ends_the_hold(sockets, waiter):
    """a stop of the process (SIGSTOP
    or Ctrl+Z's SIGTSTP: the reset goes out while it is stopped)

    A child process connects; a thread of it waits for its socket in
    select(), or in recv() (timeout 5 s), and its main thread aborts the
    socket: the peer, in this process, gets nothing within 0.3 s; SIGSTOP
    to the child: the reset reaches the peer within SLACK, the child still
    stopped."""
    with socket.create_server(("127.0.0.1", 0)) as listener:
        listener.settimeout(WAIT)
        port = str(listener.getsockname()[1])
        command = [sys.executable, "-c", STOPPED_CHILD, closing.__file__, port, waiter]
        child = subprocess.Popen(
            command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
        )
        try:
            peer = sockets.keep(listener.accept()[0])
            assert child.stdout.readline() == "aborted\n"
            readable, _, _ = select.select([peer], [], [], 0.3)
            assert not readable, "the reset came before the stop"
            os.kill(child.pid, signal.SIGSTOP)
            start = time.monotonic()
            sockets.wait_readable(peer)
            assert time.monotonic() - start < SLACK
            assert Path(f"/proc/{child.pid}/stat").read_text().split()[2] == "T"
        finally:
            child.kill()  # stopped or not
            child.communicate(timeout=WAIT)
    assert sockets.ending(peer) == (b"", "RST")


def test_so_rcvlowat_is_the_value_read_back(sockets):
    """(as many as getsockopt() reads back:
    Linux may cap what you set)

    ours has SO_RCVBUF 65536 (the kernel doubles it), then SO_RCVLOWAT set
    to 1 000 000, which reads back as 65536, the SO_RCVBUF set; another
    thread waits in select() for ours to be readable when abort() is
    called; the peer sends those 65536 bytes: the wait ends, and the reset
    reaches the peer."""
    ours, peer = sockets.pair()
    ours.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 65536)
    ours.setsockopt(socket.SOL_SOCKET, socket.SO_RCVLOWAT, 1_000_000)
    lowat = ours.getsockopt(socket.SOL_SOCKET, socket.SO_RCVLOWAT)
    assert lowat == 65536
    with aborted_while_select_waits(sockets, ours) as (_, ended):
        peer.sendall(b"x" * lowat)
        assert ended.wait(SLACK), f"{lowat} bytes did not end the wait"
    assert sockets.ending(peer)[1] == "RST"


def test_the_reset_waits_for_a_copy_in_flight_in_an_scm_rights_message(sockets):
    """a copy in flight in an SCM_RIGHTS message

    ours's descriptor is sent over an AF_UNIX socketpair (socket.send_fds())
    and not yet received when abort() is called: the peer gets nothing
    while the message waits; the reset arrives when the receiving socket
    closes, which drops the copy."""
    ours, peer = sockets.pair()
    sender, receiver = (sockets.keep(s) for s in socket.socketpair())
    socket.send_fds(sender, [b"x"], [ours.fileno()])
    abort(ours)
    assert ours.fileno() == -1
    readable, _, _ = select.select([peer], [], [], 0.3)
    assert not readable, "the reset came while the copy was in flight"
    receiver.close()
    sockets.wait_readable(peer)
    assert sockets.ending(peer) == (b"", "RST")


def test_a_thread_waiting_for_it_in_epoll_does_not_hold_it(sockets):
    """a thread waiting in epoll, selectors.DefaultSelector on Linux, holds
    nothing

    Another thread waits for ours to be readable with an EpollSelector (1.2
    s at most) when abort() is called: the reset arrives at once, while that
    wait goes on."""
    blocked = 1.2
    arrived, started, ended = abort_while_another_thread_waits(
        sockets, "EpollSelector", blocked
    )
    assert arrived - started < SLACK
    assert ended - arrived >= 0.7  # the wait went on after the reset


def test_the_reset_goes_at_once_if_sock_is_the_only_reference(sockets):
    """ "at once if sock is the only one": the reset has arrived when the
    peer first looks, with no other step in between."""
    ours, peer = sockets.pair()
    abort(ours)
    start = time.monotonic()
    sockets.wait_readable(peer)
    assert time.monotonic() - start < SLACK
    assert sockets.ending(peer) == (b"", "RST")


@pytest.mark.parametrize("holder", ["none", "makefile()"])
def test_a_second_call_does_nothing(sockets, holder):
    """ "A second call ... does nothing (like close())": no error (not
    EBADF), and one reset, when the last reference closes."""
    ours, peer = sockets.pair()
    file = ours.makefile("rb") if holder == "makefile()" else None
    assert abort(ours) is None
    assert abort(ours) is None
    if file is not None:
        assert sockets.nothing_arrived(peer)
        file.close()
    assert ours.fileno() == -1
    assert sockets.ending(peer) == (b"", "RST")


@pytest.mark.parametrize("kind", ["plain", "TLS"])
def test_a_call_on_a_closed_socket_does_nothing(sockets, kind):
    """ "or a call on a closed socket (fileno() is -1), does nothing": no
    error, and the peer still sees the FIN of the close(), not a reset."""
    if kind == "TLS":  # ours the TLS server: it has nothing unread
        ours, peer = sockets.tls_pair(ours_is_client=False)
    else:
        ours, peer = sockets.pair()
    ours.close()
    assert abort(ours) is None
    assert sockets.ending(peer)[1] == "FIN"


def test_after_a_close_that_a_makefile_outlives_abort_still_resets(sockets):
    """ "after a close() that a makefile() outlives, fileno() is not -1 yet,
    and abort() still makes the last close a reset"."""
    ours, peer = sockets.pair()
    file = ours.makefile("rb")
    ours.close()
    assert ours.fileno() != -1
    abort(ours)
    assert sockets.nothing_arrived(peer)
    file.close()
    assert ours.fileno() == -1
    assert sockets.ending(peer) == (b"", "RST")


def test_raises_oserror_if_setsockopt_fails(sockets):
    """ "Raises OSError if setsockopt() fails (...; EBADF for a descriptor
    closed behind the socket's back, while its number is unused ...), after
    an ordinary close() of the socket": EBADF, and fileno() is -1."""
    ours, _ = sockets.pair()
    os.close(ours.fileno())
    try:
        with pytest.raises(OSError) as raised:
            abort(ours)
        assert raised.value.errno == errno.EBADF
        assert ours.fileno() == -1
    finally:
        ours.detach()  # its descriptor is gone: nothing left to close


def test_once_its_number_is_reused_it_resets_an_unrelated_connection(sockets):
    """ "once another socket reuses it, as the next socket() or accept()
    does, it resets that socket's connection, an unrelated one": no EBADF; the unrelated
    connection's peer gets a reset."""
    ours, _ = sockets.pair()
    unrelated = sockets.reuse_number(ours)
    assert abort(ours) is None
    assert ours.fileno() == -1
    assert sockets.ending(unrelated) == (b"", "RST")


def test_on_linux_a_socket_the_peer_has_reset_is_no_error(sockets):
    """ "(EINVAL on a socket the peer has already reset, on some systems, not
    Linux; ...)": on Linux it closes without error."""
    ours, peer = sockets.pair()
    peer.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, LINGER_ZERO)
    peer.close()
    sockets.wait_for_state(ours, sockets.TCP_CLOSE)
    assert abort(ours) is None
    assert ours.fileno() == -1


@pytest.mark.parametrize("state", ["never connected", "listening", "vanished peer"])
def test_closes_the_socket_whatever_its_state(sockets, state):
    """ "then close()": at once, without error, whatever the socket's state
    (even if nothing reaches the peer any more)."""
    if state == "never connected":
        ours = sockets.unconnected()
    elif state == "listening":
        ours = sockets.keep(socket.create_server(("127.0.0.1", 0)))
    else:
        ours, _ = sockets.vanished_pair()
    start = time.monotonic()
    assert abort(ours) is None
    assert time.monotonic() - start < SLACK
    assert ours.fileno() == -1


@pytest.mark.parametrize("unread", [False, True], ids=["nothing unread", "data unread"])
def test_af_unix_has_no_reset_on_a_wire(sockets, unread):
    """ "An AF_UNIX stream socket has no reset on a wire: on Linux the peer
    reads what was sent, then b'', or ConnectionResetError if this end had
    data unread (as after a close())": nothing sent is dropped."""
    ours, peer = (sockets.keep(sock) for sock in socket.socketpair())
    peer.settimeout(5)
    ours.sendall(b"reply")
    if unread:
        peer.sendall(b"unread")
    abort(ours)
    assert ours.fileno() == -1
    assert peer.recv(1024) == b"reply"
    if unread:
        with pytest.raises(ConnectionResetError):
            peer.recv(1024)
    else:
        assert peer.recv(1024) == b""
