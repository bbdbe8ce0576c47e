"""Contract tests of read_until_eof() (snippets/reference/helpers/closing.py).

Each test is named after the sentence of the docstring it proves and quotes
it. `ours` is the helper's end of the connection (an accepted socket, as in
a server), `peer` the other end.
"""

from __future__ import annotations

import errno
import math
import os
import select
import socket
import ssl
import struct
import sys
import threading
import time
import tracemalloc

import pytest

from closing import read_until_eof

pytestmark = pytest.mark.skipif(
    sys.platform != "linux", reason="the contracts are verified on Linux"
)

SLACK = 0.4  # how late a bounded call may return on a busy machine, in seconds
WAIT = 5.0  # the longest any one step may take
TCP_ESTABLISHED = 1  # tcpi_state (include/net/tcp_states.h)
LINGER_ZERO = struct.pack("ii", 1, 0)


def timed(call, *args, **kwargs):
    """(what call returned or raised, how long it took in seconds)."""
    start = time.monotonic()
    try:
        result = call(*args, **kwargs)
    except Exception as exc:
        result = exc
    return result, time.monotonic() - start


def message(size: int) -> bytes:
    return os.urandom(size)


# "closed first": all of it, and the FIN, arrive before the call, so the
# message must fit the receive window of a socket that reads nothing.
ENDINGS = [
    *(
        (ending, size)
        for ending in ["shuts down", "closes"]
        for size in [0, 1, 65536, 65537, 1 << 20]
    ),
    *(("closed first", size) for size in [0, 1, 30_000]),
]


@pytest.mark.parametrize(("peer_ends", "size"), ENDINGS)
def test_returns_what_was_read_until_the_fin(sockets, peers, peer_ends, size):
    """ "Read until the peer's FIN (recv() returns b''); return what was
    read": exactly the bytes sent, whether the peer half-closes (shutdown)
    or closes, while the call reads or before it started."""
    ours, peer = sockets.pair()
    sent = message(size)

    def send_then_end(sock, stop):
        sock.sendall(sent)
        if peer_ends == "shuts down":
            sock.shutdown(socket.SHUT_WR)
        else:
            sock.close()

    if peer_ends == "closed first":
        send_then_end(peer, None)
        sockets.wait_for_state(ours, sockets.TCP_CLOSE_WAIT)
    else:
        peers.start(send_then_end, peer)
    assert read_until_eof(ours, timeout=5) == sent


def send_then_unwrap(sent: bytes, keep_open: bool):
    """A TLS peer's role: send `sent`, then its close_notify (unwrap(),
    without waiting for ours); then close, or keep the TCP connection open
    (no FIN) until the test ends."""

    def role(sock, stop):
        sock.sendall(sent)
        sock.setblocking(False)  # unwrap() sends close_notify, waits for none
        with pytest.raises(ssl.SSLWantReadError):
            sock.unwrap()
        if keep_open:
            stop.wait(WAIT)
        else:
            sock.close()

    return role


def test_returns_what_a_tls_peer_sent_until_its_fin(sockets, peers):
    """ "Read until the peer's FIN ...; return what was read": on an
    ssl.SSLSocket too, the plaintext (its recv() returns b'' at the peer's
    close_notify)."""
    ours, peer = sockets.tls_pair()
    sent = message(100_000)
    tls = peers.start(send_then_unwrap(sent, keep_open=False), peer)
    assert read_until_eof(ours, timeout=5) == sent
    tls.result()


def test_over_tls_a_close_notify_with_no_fin_after_it_ends_the_read(sockets, peers):
    """On an ssl.SSLSocket the
    peer's close_notify ends the read as its FIN does, with no FIN after it
    (a peer that unwrap()s and keeps the connection open).

    The TLS peer sends 100 kB, then its close_notify (unwrap(), without
    waiting for ours), and keeps the TCP connection open: the call returns
    the 100 kB well before its timeout (5 s), the connection still
    ESTABLISHED."""
    ours, peer = sockets.tls_pair()
    sent = message(100_000)
    peers.start(send_then_unwrap(sent, keep_open=True), peer)
    result, took = timed(read_until_eof, ours, timeout=5)
    assert result == sent
    assert took < 1
    assert sockets.tcp_state(ours) == TCP_ESTABLISHED


def test_a_second_call_after_the_fin_returns_nothing(sockets):
    """ "Read until the peer's FIN ...; return what was read": called again
    after the FIN, nothing more is read: b''."""
    ours, peer = sockets.pair()
    peer.sendall(b"whole message")
    peer.close()
    assert read_until_eof(ours, timeout=5) == b"whole message"
    assert read_until_eof(ours, timeout=5) == b""


STALLED_PEERS = {
    "silent, no socket timeout": (None, "silent"),
    "silent, non-blocking socket": (0.0, "silent"),
    "silent, socket timeout 30 s": (30.0, "silent"),
    "trickles, no socket timeout": (None, "trickles"),
    "floods a slow reader, no socket timeout": (None, "floods"),
    "vanished, socket timeout 5 s": (5.0, "vanished"),
}


@pytest.mark.parametrize("case", STALLED_PEERS)
def test_timeout_bounds_the_whole_call_whatever_timeout_the_socket_has(
    sockets, peers, case
):
    """ "timeout, ... in seconds above 0 and at most 1e6, bounds the whole call,
    whatever timeout the socket has": a peer that sends no FIN (silent, a byte
    every 20 ms, more than a slow reader takes, or vanished) gets TimeoutError
    after the timeout, not later, on a socket without a timeout, non-blocking,
    or with a longer one."""
    socket_timeout, peer_kind = STALLED_PEERS[case]
    timeout = 0.3
    if peer_kind == "vanished":
        ours, peer = sockets.vanished_pair()
    else:
        ours, peer = sockets.pair()
    ours.settimeout(socket_timeout)
    # Each peer sends its FIN after 3 s at the latest: a call that ignored
    # its timeout would return then, and fail, rather than hang. (The
    # vanished peer's FIN is lost: the socket's own timeout bounds that.)
    if peer_kind == "trickles":
        peers.start(peers.trickle, peer, b"t" * 150, 0.02)
    elif peer_kind == "floods":
        ours = sockets.slow(ours)
        peers.start(peers.flood, peer, 3.0)
    else:
        peers.start(peers.silent_then_fin, peer)
    result, took = timed(read_until_eof, ours, 1 << 30, timeout=timeout)
    assert type(result) is TimeoutError
    assert timeout * 0.9 <= took <= timeout + SLACK


@pytest.mark.parametrize("sent", [b"", b"partial"], ids=["nothing", "data"])
def test_raises_timeouterror_when_no_fin_in_time(sockets, sent):
    """ "Raises TimeoutError if reading up to the FIN does not finish within
    timeout": no FIN in time, after nothing or after data: TimeoutError, not
    what was read so far."""
    ours, peer = sockets.pair()
    peer.sendall(sent)
    with pytest.raises(TimeoutError) as raised:
        read_until_eof(ours, timeout=0.1)
    assert raised.value.errno is None  # "(errno None; ...)"


def test_a_timeouterror_with_errno_etimedout_is_the_kernels(sockets):
    """ "a TimeoutError with errno ETIMEDOUT is the kernel's: ... or
    TCP_USER_TIMEOUT": the peer vanished while a byte of ours was
    unacknowledged; TCP_USER_TIMEOUT (200 ms) ends the connection long
    before the call's own timeout."""
    ours, _ = sockets.vanished_pair()
    ours.setsockopt(socket.IPPROTO_TCP, socket.TCP_USER_TIMEOUT, 200)
    ours.sendall(b"x")
    result, took = timed(read_until_eof, ours, timeout=30)
    assert type(result) is TimeoutError
    assert result.errno == errno.ETIMEDOUT
    assert took < 5


def test_unanswered_retransmissions_give_etimedout_too(sockets):
    """ "a TimeoutError with errno ETIMEDOUT is the kernel's: it gave the
    connection up, its retransmissions unanswered (tcp_retries2)": no
    keepalive, no TCP_USER_TIMEOUT; the peer vanished while a byte of ours
    was unacknowledged, and after tcp_retries2 (2 here, in the pair's own
    namespace: about 1.4 s) the kernel gives up."""
    ours, _ = sockets.vanished_pair(retries2=2)
    assert not ours.getsockopt(socket.SOL_SOCKET, socket.SO_KEEPALIVE)
    assert not ours.getsockopt(socket.IPPROTO_TCP, socket.TCP_USER_TIMEOUT)
    ours.sendall(b"x")
    result, took = timed(read_until_eof, ours, timeout=30)
    assert type(result) is TimeoutError
    assert result.errno == errno.ETIMEDOUT
    assert took < 10


def test_a_peer_that_keeps_sending_does_not_extend_the_timeout(sockets, peers):
    """ "timeout ... bounds the whole call": a peer that sends a byte every
    0.1 ms for up to 3 s, faster than any wait for it, and no FIN: TimeoutError
    after the timeout (an earlier body went on reading after the deadline
    while data kept arriving)."""
    ours, peer = sockets.pair()
    peers.start(peers.trickle, peer, b"t" * 30_000, 0.0001)
    result, took = timed(read_until_eof, ours, 1 << 30, timeout=0.3)
    assert type(result) is TimeoutError
    assert 0.27 <= took <= 0.3 + SLACK


MILLISECOND_TIMEOUTS = [1e-4, 5e-4, 1.1e-3, 1.9e-3]
RUNS = 7  # calls per timeout: the fastest shows the bound, unslowed by the machine


@pytest.mark.parametrize("timeout", MILLISECOND_TIMEOUTS)
def test_the_call_may_return_up_to_about_1_ms_after_timeout(sockets, timeout):
    """ "bounds the whole call, ..., to within about 1 ms (CPython waits in
    poll() in whole milliseconds, rounded up: the call may return up to
    about 1 ms after timeout)": a silent peer, TimeoutError each time; the
    fastest of 7 calls returns within the timeout rounded up to a whole
    millisecond, plus a millisecond for a busy machine, none later than
    that plus SLACK, and one at least takes that rounded-up millisecond
    whole."""
    rounded = math.ceil(timeout * 1000) / 1000  # what poll() waits
    took = []
    for _ in range(RUNS):
        ours, _ = sockets.pair()
        result, seconds = timed(read_until_eof, ours, timeout=timeout)
        assert type(result) is TimeoutError
        took.append(seconds)
    assert min(took) <= rounded + 0.001
    assert max(took) <= rounded + SLACK
    assert max(took) >= rounded


def reset_after_sending(sock, data):
    sock.sendall(data)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, LINGER_ZERO)
    sock.close()


OUTCOMES = {
    "returns": bytes,
    "TimeoutError": TimeoutError,
    "ValueError": ValueError,
    "ConnectionResetError": ConnectionResetError,
}


@pytest.mark.parametrize("outcome", OUTCOMES)
@pytest.mark.parametrize("previous", [None, 0.0, 2.5])
def test_restores_the_sockets_own_timeout(sockets, peers, previous, outcome):
    """ "The socket's own timeout is restored afterwards": whether the call
    returns or raises."""
    ours, peer = sockets.pair()
    ours.settimeout(previous)
    if outcome == "TimeoutError":
        peers.start(peers.silent_then_fin, peer)  # a safety net, see above
    elif outcome == "returns":
        peer.close()
    elif outcome == "ValueError":
        peer.sendall(b"too much")
        peer.close()
    elif outcome == "ConnectionResetError":
        reset_after_sending(peer, b"lost")
    result, _ = timed(read_until_eof, ours, max_bytes=4, timeout=0.1)
    assert type(result) is OUTCOMES[outcome]
    assert ours.gettimeout() == previous


@pytest.mark.parametrize("max_bytes", [0, 10, 65536, 100_000])
def test_raises_valueerror_past_max_bytes(sockets, max_bytes):
    """ "ValueError if the peer sends more than max_bytes": max_bytes + 1
    bytes, then the FIN, raise ValueError."""
    ours, peer = sockets.pair()
    peer.sendall(b"v" * (max_bytes + 1))
    peer.close()
    with pytest.raises(ValueError):
        read_until_eof(ours, max_bytes, timeout=5)


@pytest.mark.parametrize("max_bytes", [0, 10, 65536, 100_000])
def test_returns_a_message_of_exactly_max_bytes(sockets, max_bytes):
    """ "ValueError if the peer sends more than max_bytes": exactly max_bytes,
    then the FIN, is returned whole."""
    ours, peer = sockets.pair()
    sent = message(max_bytes)
    peer.sendall(sent)
    peer.close()
    assert read_until_eof(ours, max_bytes, timeout=5) == sent


@pytest.mark.parametrize("max_bytes", [0, 1000, 65536, 100_000])
def test_never_reads_more_than_max_bytes_plus_one(sockets, max_bytes):
    """ "(it never reads more than max_bytes + 1, ...)": after the ValueError, all
    but max_bytes + 1 of what the peer sent is still there to read."""
    ours, peer = sockets.pair()
    sent = max_bytes + 300_000
    peer.sendall(b"w" * sent)
    peer.close()
    with pytest.raises(ValueError):
        read_until_eof(ours, max_bytes=max_bytes, timeout=5)
    assert len(sockets.ending(ours)[0]) == sent - (max_bytes + 1)


@pytest.mark.parametrize(
    ("timeout", "max_bytes"),
    [
        (None, 10),
        (0, 10),
        (-1, 10),
        (-0.001, 10),
        (math.nan, 10),
        (math.inf, 10),
        (1e6 + 1, 10),
        (2_147_484, 10),
        (4_294_967.3, 10),
        (1e10, 10),
        (5, -1),
    ],
)
def test_raises_valueerror_for_a_timeout_or_max_bytes_out_of_range(
    sockets, timeout, max_bytes
):
    """ "ValueError for a timeout out of range or a max_bytes below 0": a
    timeout of None, 0, negative or above 1e6 (inf, which settimeout() would
    refuse with OverflowError), or a max_bytes of -1, and it reads nothing,
    nor changes the socket's timeout."""
    ours, peer = sockets.pair()
    peer.sendall(b"unread")
    peer.close()
    with pytest.raises(ValueError):
        read_until_eof(ours, max_bytes, timeout=timeout)
    assert ours.gettimeout() == 5
    assert read_until_eof(ours, timeout=5) == b"unread"


@pytest.mark.parametrize(
    "max_bytes", [None, 10.0, 1e6, math.inf, True, False, "10"], ids=repr
)
def test_raises_typeerror_for_a_max_bytes_that_is_not_an_int(sockets, max_bytes):
    """ "TypeError for a max_bytes that is not an int (None, a float, a
    bool)": also for a float that is whole, or infinite (an earlier body
    took inf as no limit), and it reads nothing, nor changes the socket's
    timeout."""
    ours, peer = sockets.pair()
    peer.sendall(b"unread")
    peer.close()
    with pytest.raises(TypeError):
        read_until_eof(ours, max_bytes, timeout=5)
    assert ours.gettimeout() == 5
    assert read_until_eof(ours, timeout=5) == b"unread"


@pytest.mark.parametrize("default", [None, 3.0])
def test_an_accepted_socket_has_no_timeout_unless_setdefaulttimeout_was_called(
    sockets, default
):
    """ "(an accepted socket has none, unless socket.setdefaulttimeout() was
    called)": accept() gives a socket without a timeout, even from a
    listener with one, or with the default timeout; either way timeout
    bounds the call, and the socket's own is restored."""
    previous_default = socket.getdefaulttimeout()
    socket.setdefaulttimeout(default)
    try:
        listener = sockets.keep(socket.create_server(("127.0.0.1", 0)))
        listener.settimeout(5)
        peer = sockets.keep(socket.create_connection(listener.getsockname(), 5))
        ours = sockets.keep(listener.accept()[0])
    finally:
        socket.setdefaulttimeout(previous_default)
    assert ours.gettimeout() == default
    result, took = timed(read_until_eof, ours, timeout=0.2)
    assert type(result) is TimeoutError
    assert 0.2 * 0.9 <= took <= 0.2 + SLACK
    assert ours.gettimeout() == default
    assert peer.fileno() != -1


RECV_ERRORS = {
    "reset": ConnectionResetError,
    "never connected": OSError,
    "already closed": OSError,
    "TLS peer without close_notify": ssl.SSLEOFError,
}


@pytest.mark.parametrize("case", RECV_ERRORS)
def test_raises_whatever_oserror_recv_raises(sockets, case):
    """ "and whatever OSError recv() raises (ConnectionResetError: what was
    read is lost)": a reset after data (ConnectionResetError, the data not
    returned), a socket never connected (ENOTCONN) or already closed
    (EBADF), a TLS peer that closes without close_notify on a socket that
    rejects a ragged EOF (SSLEOFError)."""
    if case == "never connected":
        ours = sockets.unconnected()
    elif case == "already closed":
        ours, _ = sockets.pair()
        ours.close()
    elif case == "reset":
        ours, peer = sockets.pair()
        reset_after_sending(peer, b"read, then lost")
    else:
        ours, peer = sockets.tls_pair(suppress_ragged_eofs=False)
        peer.sendall(b"read, then lost")
        peer.close()
    with pytest.raises(OSError) as raised:
        read_until_eof(ours, timeout=5)
    assert type(raised.value) is RECV_ERRORS[case]
    if case == "never connected":
        assert raised.value.errno == errno.ENOTCONN
    elif case == "already closed":
        assert raised.value.errno == errno.EBADF


@pytest.mark.parametrize("outcome", [*OUTCOMES, "ValueError (timeout -1)"])
def test_never_closes_the_socket(sockets, outcome):
    """ "It never closes the socket": its descriptor is still open after the
    call, whether it returned or raised; after a TimeoutError the
    connection still works both ways."""
    ours, peer = sockets.pair()
    descriptor = ours.fileno()
    timeout = 0.1
    if outcome == "returns":
        peer.shutdown(socket.SHUT_WR)
    elif outcome == "ValueError":
        peer.sendall(b"too much")
    elif outcome == "ConnectionResetError":
        reset_after_sending(peer, b"")
    elif outcome == "ValueError (timeout -1)":
        timeout = -1
    result, _ = timed(read_until_eof, ours, max_bytes=4, timeout=timeout)
    assert type(result) is OUTCOMES.get(outcome, ValueError)
    assert ours.fileno() == descriptor
    if outcome == "TimeoutError":
        ours.sendall(b"still open")
        assert peer.recv(1024) == b"still open"
        peer.sendall(b"both ways")
        assert ours.recv(1024) == b"both ways"


def test_a_timeout_of_1e6_is_in_range_and_waits(sockets, peers):
    """ "timeout, ... in seconds above 0 and at most 1e6": 1e6 is no error and
    waits: a FIN that comes 0.3 s later ends the call with what was read."""
    ours, peer = sockets.pair()
    peer.sendall(b"body")
    peers.start(peers.silent_then_fin, peer, 0.3)
    result, took = timed(read_until_eof, ours, timeout=1e6)
    assert result == b"body"
    assert 0.25 < took < 0.3 + SLACK


@pytest.mark.parametrize("ending", ["FIN without close_notify", "reset"])
def test_a_default_ssl_socket_may_take_a_ragged_end_for_the_fin(sockets, ending):
    """ "On an ssl.SSLSocket made with suppress_ragged_eofs=True (the
    default), a peer that closes without close_notify reads as a FIN, and so
    does a connection error (a reset, ...) on 3.10.13 to 3.12.1 as run here
    (OpenSSL 3.0): what it had read before is returned as if complete. 3.13
    raises the error": here the reset; 3.13 raises ConnectionResetError."""
    ours, peer = sockets.tls_pair()  # suppress_ragged_eofs=True, the default
    peer.sendall(b"first half")
    sockets.wait_readable(ours)
    if ending == "reset":
        peer.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, LINGER_ZERO)
    peer.close()  # no close_notify: SSLSocket.close() sends none
    if ending == "reset" and sys.version_info >= (3, 13):
        with pytest.raises(ConnectionResetError):
            read_until_eof(ours, timeout=5)
    elif ending == "reset":  # part of the data, or (seen here) none of it
        assert b"first half".startswith(read_until_eof(ours, timeout=5))
    else:
        assert read_until_eof(ours, timeout=5) == b"first half"


def test_a_default_ssl_socket_takes_the_kernels_etimedout_for_the_fin_before_3_13(
    sockets,
):
    """ "a connection error (a reset, the kernel's ETIMEDOUT) on 3.10.13 to
    3.12.1 as run here (OpenSSL 3.0): what it had read before is returned as
    if complete. 3.13 raises the error": the TLS peer sent part of a message,
    then vanished; our byte goes unacknowledged and TCP_USER_TIMEOUT
    (200 ms) makes the kernel give the connection up. Before 3.13 the call
    returns the part as if it were the whole message; 3.13 raises
    TimeoutError with errno ETIMEDOUT."""
    ours, _ = sockets.vanished_tls_pair(peer_sends=b"first half")
    ours.setsockopt(socket.IPPROTO_TCP, socket.TCP_USER_TIMEOUT, 200)
    ours.sendall(b"x")  # a TLS record the vanished peer never acknowledges
    result, took = timed(read_until_eof, ours, timeout=30)
    if sys.version_info >= (3, 13):
        assert type(result) is TimeoutError
        assert result.errno == errno.ETIMEDOUT
    else:
        assert result == b"first half"
    assert took < 5  # the kernel's 200 ms, not the call's 30 s


def shut_for_reading_once_read(sockets, sock, done) -> None:
    """Once sock's receive queue is empty (the call read what had come),
    shut sock down for reading, as a thread does to wake a blocked recv();
    WAIT at most."""
    deadline = time.monotonic() + WAIT
    while sockets.queued_bytes(sock) and time.monotonic() < deadline:
        select.select([], [], [], 0.001)  # a bounded poll, not a sleep
    sock.shutdown(socket.SHUT_RD)
    done.set()


@pytest.mark.parametrize(
    "when",
    [
        "SHUT_RD before the call",
        "SHUT_RDWR before the call",
        "SHUT_RD by another thread",
    ],
)
def test_its_own_shutdown_for_reading_reads_as_a_fin(sockets, when):
    """ "So does this socket's own shutdown for reading (shutdown(SHUT_RD) or
    SHUT_RDWR, made before the call or by another thread to wake it):
    recv() then returns b'' with no FIN from the peer, and what was read
    may be incomplete": the peer sent half a message and no FIN; the call
    returns that half, at once (timeout 5 s), while the peer's end is
    still open (ESTABLISHED, or CLOSE_WAIT after our SHUT_RDWR's FIN)."""
    ours, peer = sockets.pair()
    half = b"PUT /x 100\n0123456789"
    peer.sendall(half)
    sockets.wait_until_queued(ours, len(half))
    woken = threading.Event()
    if when == "SHUT_RD by another thread":
        waker = threading.Thread(
            target=shut_for_reading_once_read, args=(sockets, ours, woken)
        )
        waker.start()
    else:
        ours.shutdown(getattr(socket, when.split()[0]))
    try:
        result, took = timed(read_until_eof, ours, timeout=WAIT)
    finally:
        if when == "SHUT_RD by another thread":
            waker.join(WAIT)
            assert woken.is_set()
    assert result == half
    assert took < SLACK
    assert sockets.tcp_state(peer) in (TCP_ESTABLISHED, sockets.TCP_CLOSE_WAIT)


@pytest.mark.parametrize("how", ["SHUT_RDWR", "SHUT_RD", "SHUT_WR, then SHUT_RD"])
def test_over_tcp_data_after_its_own_shut_rdwr_resets(sockets, how):
    """ "Over TCP, after SHUT_RDWR, data the peer sends once it is made resets
    the connection (this side's own kernel sends the reset): if it arrives
    before the call's next read, the call raises ConnectionResetError, and
    what it had read is lost; after SHUT_RD alone, on a socket whose
    sending is still open, Linux still hands such data to the call, which
    returns it (once its sending is shut down too, SHUT_WR before or after,
    SHUT_RD acts as SHUT_RDWR)": the peer sends half a message, we shut
    down, the peer sends the rest, which arrives before the call; after
    SHUT_RDWR, or SHUT_WR then SHUT_RD, the peer's end is reset (CLOSE) and
    the call raises ConnectionResetError at once; after SHUT_RD alone it
    returns both parts at once."""
    ours, peer = sockets.pair()
    half, rest = b"PUT /x 100\n0123456789", b"rest"
    peer.sendall(half)
    sockets.wait_until_queued(ours, len(half))
    for name in how.split(", then "):
        ours.shutdown(getattr(socket, name))
    peer.sendall(rest)
    if how != "SHUT_RD":
        sockets.wait_for_state(peer, sockets.TCP_CLOSE)  # our reset came
        start = time.monotonic()
        with pytest.raises(ConnectionResetError):
            read_until_eof(ours, timeout=WAIT)
        assert time.monotonic() - start < SLACK
    else:
        sockets.wait_until_queued(ours, len(half + rest))
        result, took = timed(read_until_eof, ours, timeout=WAIT)
        assert (result, took < SLACK) == (half + rest, True)


@pytest.mark.parametrize("how", ["SHUT_RDWR", "SHUT_RD"])
def test_data_after_the_call_returned_is_left_to_the_next_read(sockets, how):
    """ "Data that arrives once the call has returned (a call woken by
    another thread returns at once) is left to the next read: the reset, or
    the data": the peer sends half a message, we shut down, the call
    returns that half; only then the peer sends the rest; the next call
    raises ConnectionResetError (SHUT_RDWR: the peer's end is reset) or
    returns the rest (SHUT_RD)."""
    ours, peer = sockets.pair()
    half, rest = b"PUT /x 100\n0123456789", b"rest"
    peer.sendall(half)
    sockets.wait_until_queued(ours, len(half))
    ours.shutdown(getattr(socket, how))
    assert read_until_eof(ours, timeout=WAIT) == half
    peer.sendall(rest)
    if how == "SHUT_RDWR":
        sockets.wait_for_state(peer, sockets.TCP_CLOSE)
        with pytest.raises(ConnectionResetError):
            read_until_eof(ours, timeout=WAIT)
    else:
        sockets.wait_until_queued(ours, len(rest))
        assert read_until_eof(ours, timeout=WAIT) == rest


@pytest.mark.parametrize(
    ("ragged", "ignore"),
    [(True, False), (False, False), (False, True)],
    ids=["default", "strict EOFs", "strict EOFs, OP_IGNORE_UNEXPECTED_EOF"],
)
def test_over_tls_the_reset_after_its_own_shut_rdwr_differs_by_version(
    sockets, tls_contexts, ragged, ignore
):
    """ "on an ssl.SSLSocket the reset raises ConnectionResetError on 3.13,
    while on 3.10.13 to 3.12.1 it reads as the end (the call returns what it
    had read; ssl.SSLEOFError with suppress_ragged_eofs=False, whatever the
    context's options)": the TLS
    peer sends half a message; socket.socket.shutdown(ours, SHUT_RDWR); the
    peer sends the rest, which draws our reset (its end in CLOSE); then the
    call. With ssl.OP_IGNORE_UNEXPECTED_EOF on our context too, the same
    SSLEOFError (CPython's own EOF error, which the option does not touch;
    an earlier clause said the option made the call return)."""
    server_context, _ = tls_contexts
    options = server_context.options  # the session's context: restored below
    if ignore:
        server_context.options |= ssl.OP_IGNORE_UNEXPECTED_EOF
    try:
        ours, peer = sockets.tls_pair(ours_is_client=False, suppress_ragged_eofs=ragged)
    finally:
        server_context.options = options
    half = b"PUT /x 100\n0123456789"
    peer.sendall(half)
    sockets.wait_until_queued(ours, len(half))
    socket.socket.shutdown(ours, socket.SHUT_RDWR)
    peer.sendall(b"rest")
    sockets.wait_for_state(peer, sockets.TCP_CLOSE)
    if sys.version_info >= (3, 13):
        with pytest.raises(ConnectionResetError):
            read_until_eof(ours, timeout=WAIT)
    elif ragged:
        assert read_until_eof(ours, timeout=WAIT) == half
    else:
        with pytest.raises(ssl.SSLEOFError):
            read_until_eof(ours, timeout=WAIT)


@pytest.mark.parametrize("ragged", [True, False], ids=["default", "strict EOFs"])
def test_over_tls_data_after_a_read_ended_at_its_own_shutdown_is_never_read(
    sockets, ragged
):
    """ "once a read has ended at its own shutdown, later reads end the same
    way (b'', or that error): data that arrives after it is never returned":
    the TLS peer sends half a message; socket.socket.shutdown(ours,
    SHUT_RD); the call ends (the half, or SSLEOFError); the peer then sends
    the rest, which is queued in the kernel; the next call ends the same
    way: b'', or SSLEOFError."""
    ours, peer = sockets.tls_pair(ours_is_client=False, suppress_ragged_eofs=ragged)
    half = b"PUT /x 100\n0123456789"
    peer.sendall(half)
    sockets.wait_until_queued(ours, len(half))
    socket.socket.shutdown(ours, socket.SHUT_RD)
    if ragged:
        assert read_until_eof(ours, timeout=WAIT) == half
    else:
        with pytest.raises(ssl.SSLEOFError):
            read_until_eof(ours, timeout=WAIT)
    peer.sendall(b"rest")
    sockets.wait_until_queued(ours, len(b"rest"))
    if ragged:
        assert read_until_eof(ours, timeout=WAIT) == b""
    else:
        with pytest.raises(ssl.SSLEOFError):
            read_until_eof(ours, timeout=WAIT)


def test_an_ssl_socket_without_ragged_eofs_raises_on_its_own_shutdown_for_reading(
    sockets,
):
    """ "(an ssl.SSLSocket made with suppress_ragged_eofs=False, its context
    without ssl.OP_IGNORE_UNEXPECTED_EOF, raises ssl.SSLEOFError there
    instead)": the TLS peer sent half a message and no
    FIN; after socket.socket.shutdown(ours, SHUT_RD) the call raises
    SSLEOFError at once, and what it had read is lost."""
    ours, peer = sockets.tls_pair(ours_is_client=False, suppress_ragged_eofs=False)
    half = b"PUT /x 100\n0123456789"
    peer.sendall(half)
    sockets.wait_until_queued(ours, len(half))
    socket.socket.shutdown(ours, socket.SHUT_RD)
    result, took = timed(read_until_eof, ours, timeout=WAIT)
    assert isinstance(result, ssl.SSLEOFError), result
    assert took < SLACK


def test_an_interrupt_just_before_the_restore_skips_it(sockets, interrupt_before):
    """ "own timeout is restored afterwards (except when an exception raised
    asynchronously, by a signal handler or Ctrl+C, lands in the few
    bytecodes before the restore: no Python code can cover that)": the
    peer's FIN is queued, and KeyboardInterrupt lands as the call reaches
    the restore (a trace function stands in for the signal handler): it
    propagates, and the socket keeps the call's timeout, not its own
    (None)."""
    ours, peer = sockets.pair(timeout=None)
    peer.sendall(b"whole")
    peer.shutdown(socket.SHUT_WR)
    with interrupt_before(read_until_eof, "sock.settimeout(previous)"):
        with pytest.raises(KeyboardInterrupt):
            read_until_eof(ours, timeout=WAIT)
    assert ours.gettimeout() is not None
    assert 0 < ours.gettimeout() <= WAIT


def test_a_reused_number_reads_an_unrelated_connection_and_sets_its_blocking_mode(
    sockets,
):
    """ "A descriptor closed behind the socket's back whose number another
    socket has since reused (the next socket() or accept() takes the lowest
    free number) reads from that socket, an unrelated connection, and
    restoring the timeout sets that descriptor's blocking mode": the call
    returns what the unrelated connection's peer sent, and the number,
    non-blocking before (that connection's socket had a timeout), is
    blocking after, as our socket's own timeout (None) implies."""
    import fcntl  # POSIX only

    ours, _ = sockets.pair(timeout=None)
    unrelated = sockets.reuse_number(ours)
    number = ours.fileno()
    assert fcntl.fcntl(number, fcntl.F_GETFL) & os.O_NONBLOCK
    unrelated.sendall(b"for another connection")
    unrelated.shutdown(socket.SHUT_WR)
    assert read_until_eof(ours, timeout=5) == b"for another connection"
    assert not fcntl.fcntl(number, fcntl.F_GETFL) & os.O_NONBLOCK


@pytest.mark.parametrize("shutdown", ["socket.socket.shutdown", "SSLSocket.shutdown"])
def test_an_ssl_socket_is_shut_down_for_reading_with_socket_socket_shutdown(
    sockets, shutdown
):
    """ "Shut an ssl.SSLSocket down for reading with
    socket.socket.shutdown(sock, socket.SHUT_RD): SSLSocket.shutdown() ends
    the TLS layer first, and the call then returns the peer's TLS records
    raw": the TLS peer sent half a message and no FIN; after
    socket.socket.shutdown(ours, SHUT_RD) the call returns that half, the
    plaintext, at once; after ours.shutdown(SHUT_RD) it returns the TLS
    record that carried it (an application-data record, 0x17 0x03 0x03,
    encrypted: the half is not in it)."""
    ours, peer = sockets.tls_pair(ours_is_client=False)  # no session tickets
    half = b"PUT /x 100\n0123456789"
    peer.sendall(half)
    sockets.wait_until_queued(ours, len(half))  # the record, and more
    if shutdown == "socket.socket.shutdown":
        socket.socket.shutdown(ours, socket.SHUT_RD)
    else:
        ours.shutdown(socket.SHUT_RD)
    result, took = timed(read_until_eof, ours, timeout=WAIT)
    if shutdown == "socket.socket.shutdown":
        assert result == half
    else:
        assert result.startswith(b"\x17\x03\x03")
        assert len(result) > len(half)
        assert half not in result
    assert took < SLACK


@pytest.mark.parametrize(
    "reported_by", ["read_until_eof()", "send()", "getsockopt(SO_ERROR)"]
)
def test_a_reset_already_reported_reads_as_a_fin(sockets, reported_by):
    """On Linux, so does a connection error (a reset, the kernel's ETIMEDOUT)
    that an earlier call (recv(), send(), getsockopt(SO_ERROR)) already
    reported (Linux reports it once: recv() then returns b'')

    The peer sends data, then resets, and no FIN ever comes. Once a first
    call has raised ConnectionResetError, the next returns b'' at once;
    once a send() has raised it, or getsockopt(SO_ERROR) has returned it,
    before any call, the call returns at once what had arrived before the
    reset, as if complete."""
    ours, peer = sockets.pair()
    reset_after_sending(peer, b"read, then lost")
    if reported_by == "read_until_eof()":
        with pytest.raises(ConnectionResetError):
            read_until_eof(ours, timeout=5)
    else:
        sockets.wait_for_state(ours, sockets.TCP_CLOSE)
        if reported_by == "send()":
            with pytest.raises(ConnectionResetError):
                for _ in range(3):
                    ours.send(b"x")
        else:
            error = ours.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR)
            assert error == errno.ECONNRESET
    result, took = timed(read_until_eof, ours, timeout=5)
    assert result == (b"" if reported_by == "read_until_eof()" else b"read, then lost")
    assert took < SLACK


def test_the_kernels_etimedout_already_reported_reads_as_a_fin(sockets):
    """On Linux, so does a connection error (a reset, the kernel's ETIMEDOUT)
    that an earlier call (recv(), send(), getsockopt(SO_ERROR)) already
    reported (Linux reports it once: recv() then returns b'')

    A vanished peer; the kernel gives the connection up, and a send()
    reports it (TimeoutError, ETIMEDOUT); the call then returns b'' at once,
    no FIN having come."""
    ours = sockets.given_up()
    with pytest.raises(TimeoutError) as reported:
        ours.send(b"y")
    assert reported.value.errno == errno.ETIMEDOUT
    result, took = timed(read_until_eof, ours, timeout=5)
    assert result == b""
    assert took < SLACK


def test_with_so_rcvlowat_above_1_fewer_bytes_end_no_wait(sockets):
    """On a TCP socket with SO_RCVLOWAT above 1 (Linux's poll()
    ignores it on AF_UNIX), fewer bytes than that, or a TLS
    close_notify in a record shorter than that, end no wait, ...: the call
    may raise TimeoutError with them queued.

    SO_RCVLOWAT 64, and a peer that sends 10 bytes and nothing more: the
    call raises TimeoutError at its timeout, and the 10 bytes are still
    queued (with the default, 1, it would have read them)."""
    ours, peer = sockets.pair()
    ours.setsockopt(socket.SOL_SOCKET, socket.SO_RCVLOWAT, 64)
    peer.sendall(b"ten bytes.")
    result, took = timed(read_until_eof, ours, timeout=0.3)
    assert type(result) is TimeoutError
    assert 0.3 <= took < 0.3 + SLACK
    ours.setsockopt(socket.SOL_SOCKET, socket.SO_RCVLOWAT, 1)
    assert ours.recv(64) == b"ten bytes."


def test_on_af_unix_so_rcvlowat_is_ignored(sockets):
    """(Linux's poll() ignores it on AF_UNIX)

    The same 10 bytes and SO_RCVLOWAT 64 on a socketpair(), with max_bytes
    5: the bytes end the first wait, ValueError at once (more than
    max_bytes)."""
    ours, peer = (sockets.keep(s) for s in socket.socketpair())
    ours.setsockopt(socket.SOL_SOCKET, socket.SO_RCVLOWAT, 64)
    peer.sendall(b"ten bytes.")
    result, took = timed(read_until_eof, ours, max_bytes=5, timeout=5)
    assert type(result) is ValueError
    assert took < SLACK


def test_it_reads_the_socket_not_what_a_makefile_buffered(sockets):
    """It reads the socket itself: what a makefile() object (a
    StreamRequestHandler's rfile) has already buffered is not in what it
    returns.

    A request line and a 5000-byte body arrive, then the FIN; the server
    reads the line through makefile("rb"), whose buffer takes the body too:
    read_until_eof() on the socket then returns b'', and the body is still
    in the makefile's buffer."""
    ours, peer = sockets.pair()
    peer.sendall(b"PUT /x\n" + b"b" * 5000)
    peer.shutdown(socket.SHUT_WR)
    sockets.wait_readable(ours)
    with ours.makefile("rb") as rfile:
        assert rfile.readline() == b"PUT /x\n"
        assert read_until_eof(ours, timeout=5) == b""
        assert rfile.read() == b"b" * 5000


def trickle(sock, stop, data: bytes) -> None:
    """Send data one byte per segment (TCP_NODELAY), then the FIN."""
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    for byte in data:
        if stop.is_set():
            return
        sock.sendall(bytes([byte]))
    sock.shutdown(socket.SHUT_WR)


def test_a_peer_that_trickles_bytes_costs_one_buffer(sockets, peers):
    """(it never reads more than max_bytes + 1, and holds them in one buffer,
    however the peer splits them ...)

    A peer sends 20,000 bytes one per segment, then its FIN: the call
    returns them all, and the most memory it held meanwhile (tracemalloc's
    peak) stays under four times max_bytes (the buffer, its spare room as it
    grows, and the bytes object returned). (An earlier body kept each
    recv()'s bytes object in a list: about 40 bytes per byte that came
    alone.)"""
    data = bytes(range(256)) * 78 + bytes(32)  # 20,000 bytes
    ours, peer = sockets.pair()
    peers.start(trickle, peer, data)
    tracemalloc.start()
    try:
        tracemalloc.reset_peak()
        result = read_until_eof(ours, max_bytes=len(data), timeout=30)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert result == data
    assert peak < 4 * len(data), peak


def test_as_it_returns_the_buffer_and_its_copy_coexist(sockets, peers):
    """as it returns, that buffer and the bytes object it returns coexist:
    about twice what it read

    A peer sends 4 MiB, then its FIN: the most memory the call held
    (tracemalloc's peak) is at least twice 4 MiB, and under three times."""
    data = PAYLOAD_4_MIB
    ours, peer = sockets.pair()
    peer.sendall(data[:65536])  # the rest from a thread: more than buffers hold
    peers.start(send_then_fin, peer, data[65536:])
    tracemalloc.start()
    try:
        tracemalloc.reset_peak()
        result = read_until_eof(ours, max_bytes=len(data), timeout=WAIT)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert result == data
    assert 2 * len(data) <= peak < 3 * len(data), peak


def send_then_fin(sock, stop, data: bytes) -> None:
    sock.sendall(data)
    sock.shutdown(socket.SHUT_WR)


PAYLOAD_4_MIB = bytes(range(256)) * (4 << 12)


def test_another_thread_running_python_code_can_delay_the_return(sockets, busy_thread):
    """Another thread running Python code meanwhile can delay the return
    past that bound by a switch interval (sys.getswitchinterval(), 5 ms by
    default) or more: the call waits for the GIL after each system call

    A silent peer, a timeout of 0.05 s, and another thread running Python
    code with a switch interval of 0.1 s: TimeoutError, raised 30 ms or
    more after the timeout (the bound alone allows 1 ms)."""
    ours, peer = sockets.pair()
    with busy_thread(0.1):
        result, took = timed(read_until_eof, ours, timeout=0.05)
    assert isinstance(result, TimeoutError)
    assert took >= 0.05 + 0.03  # far past the 1 ms of the bound


@pytest.mark.parametrize("message", ["empty", "longer than one read"])
def test_on_a_seqpacket_socket_messages_are_not_a_stream(sockets, message):
    """For stream sockets (SOCK_STREAM, TLS over them included): on a
    SOCK_SEQPACKET socket, an empty message reads as the FIN, and a message
    longer than one read is cut short, with no error

    The peer, still open, sends b"head", an empty message, then b"rest": the
    call returns b"head". Or it sends one message of 70000 bytes and
    closes: the call returns its first 65536 bytes."""
    ours, peer = (
        sockets.keep(sock)
        for sock in socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
    )
    if message == "empty":
        for part in (b"head", b"", b"rest"):
            peer.send(part)
        assert read_until_eof(ours, timeout=WAIT) == b"head"
    else:
        peer.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 1 << 20)
        peer.send(bytes(70000))
        peer.close()
        assert len(read_until_eof(ours, timeout=WAIT)) == 65536


def test_another_thread_using_the_socket_gets_the_calls_timeout(
    sockets, timeout_seen_by_another_thread
):
    """Another thread that uses this socket during the call gets the
    timeout the call sets

    Our socket has no timeout (None); while the call waits for a silent
    peer (timeout 0.3 s), another thread reads the socket's timeout: a
    number, the call's, at most 0.3."""
    ours, peer = sockets.pair(timeout=None)
    seen = timeout_seen_by_another_thread(ours)
    result, took = timed(read_until_eof, ours, timeout=0.3)
    assert isinstance(result, TimeoutError)
    timeout = seen()
    assert timeout is not None and 0 <= timeout <= 0.3


@pytest.mark.parametrize("family", ["TCP", "AF_UNIX"])
def test_a_listening_socket_gives_timeouterror_once_the_whole_timeout_has_run(
    sockets, tmp_path, family
):
    """A listening socket with no connection waiting to be accepted has
    nothing to read: TimeoutError once the whole timeout has run."""
    if family == "TCP":
        listener = sockets.keep(socket.create_server(("127.0.0.1", 0)))
    else:
        listener = sockets.keep(socket.socket(socket.AF_UNIX))
        listener.bind(str(tmp_path / "listener"))
        listener.listen()
    result, took = timed(read_until_eof, listener, timeout=0.2)
    assert type(result) is TimeoutError and result.errno is None
    assert 0.2 <= took < 0.2 + SLACK


URGENT = {  # what the peer sends, with MSG_OOB or not: what the call returns
    "one MSG_OOB send": ([(b"abc", True), (b"def", False)], b"abdef"),
    "two MSG_OOB sends": (
        [(b"abc", True), (b"def", True), (b"ghi", False)],
        b"abcdeghi",  # the first urgent byte, overtaken, is data
    ),
    "two, with data between": (
        [(b"abc", True), (b"xyz", False), (b"def", True), (b"ghi", False)],
        b"abcxyzdeghi",
    ),
}


@pytest.mark.parametrize("family", ["TCP", "AF_UNIX"])
@pytest.mark.parametrize("oobinline", [False, True], ids=["", "SO_OOBINLINE"])
@pytest.mark.parametrize("case", URGENT)
def test_urgent_data_is_left_out_unless_so_oobinline(sockets, case, oobinline, family):
    """Over TCP, and over AF_UNIX stream sockets on a kernel that supports
    MSG_OOB there (as the one run here does), urgent data is not in what it
    returns, unless SO_OOBINLINE is set: ... One urgent mark is kept: an
    earlier urgent byte the call had not reached when a later MSG_OOB send
    arrived is read as data

    The peer sends, then its FIN, all before the call: b"abc" with MSG_OOB
    and b"def" gives b"abdef"; two MSG_OOB sends, b"abc" and b"def", then
    b"ghi", give b"abcdeghi" (only the latest urgent b"f" left out), also
    with b"xyz" between them, and recv(1, MSG_OOB) then raises EINVAL; with
    SO_OOBINLINE, everything sent. The same over TCP and over an AF_UNIX
    socketpair()."""
    sends, expected = URGENT[case]
    if family == "TCP":
        ours, peer = sockets.pair()
    else:
        ours, peer = (sockets.keep(s) for s in socket.socketpair())
    if oobinline:
        ours.setsockopt(socket.SOL_SOCKET, socket.SO_OOBINLINE, 1)
    for data, urgent in sends:
        peer.send(data, socket.MSG_OOB if urgent else 0)
    peer.shutdown(socket.SHUT_WR)
    if family == "TCP":
        sockets.wait_for_state(ours, sockets.TCP_CLOSE_WAIT)  # all of it arrived
    everything = b"".join(data for data, _ in sends)
    assert read_until_eof(ours, timeout=5) == (everything if oobinline else expected)
    if not oobinline:
        with pytest.raises(OSError) as lost:
            ours.recv(1, socket.MSG_OOB)
        assert lost.value.errno == errno.EINVAL


def send_each_once_waited_for(sock, stop, sockets, ours, caller, sends) -> None:
    """Send each (data, urgent), then the FIN: each once what came before
    has arrived and the caller (a native thread id) waits in poll() on ours
    having read it all and stepped over each urgent byte (on AF_UNIX one
    stepped over stays queued, unread: Linux's manage_oob())."""
    tcp = sock.family != socket.AF_UNIX
    stepped_over = 0  # urgent bytes queued on AF_UNIX that the call passed
    for data, urgent in sends:
        if tcp:
            sockets.wait_until_sent(sock)
        sockets.wait_until_waiting(ours, caller, leaving=stepped_over)
        sock.send(data, socket.MSG_OOB if urgent else 0)
        stepped_over += urgent and not tcp
    sock.shutdown(socket.SHUT_WR)


@pytest.mark.parametrize("family", ["TCP", "AF_UNIX"])
def test_an_urgent_byte_the_call_reached_first_is_left_out_too(sockets, peers, family):
    """the last byte of each send with MSG_OOB that was still the latest
    when the call's reads reached it (the latest send's, and an earlier
    send's that the call reached before the next MSG_OOB send arrived), and
    it is lost: recv() with MSG_OOB finds no urgent byte after the call

    The peer sends b"abc" with MSG_OOB while the call waits, then, once it
    waits again, b"def" with MSG_OOB, then b"ghi" and its FIN: b"abdeghi",
    both urgent bytes left out; then recv(1, MSG_OOB) raises EINVAL. The
    same over TCP and over an AF_UNIX socketpair()."""
    if family == "TCP":
        ours, peer = sockets.pair()
    else:
        ours, peer = (sockets.keep(s) for s in socket.socketpair())
    sends = [(b"abc", True), (b"def", True), (b"ghi", False)]
    peers.start(
        send_each_once_waited_for, peer, sockets, ours, threading.get_native_id(), sends
    )
    assert read_until_eof(ours, timeout=5) == b"abdeghi"
    with pytest.raises(OSError) as lost:
        ours.recv(1, socket.MSG_OOB)
    assert lost.value.errno == errno.EINVAL


@pytest.mark.parametrize("how", ["connect()", "connect_ex()"])
@pytest.mark.parametrize("timeout", [5.0, None], ids=["with a timeout", "blocking"])
def test_a_refused_connect_on_a_socket_with_a_timeout_reads_as_a_fin(
    sockets, how, timeout
):
    """also a connect() or connect_ex() refused on a socket with a timeout
    (CPython then connects without blocking and reads the error with
    getsockopt(SO_ERROR); on a socket with no timeout, the call raises
    ENOTCONN instead)

    A port nobody listens on (a listener's, closed): the connect is
    refused; then the call returns b'' at once, or, after a blocking
    connect, raises OSError ENOTCONN."""
    with socket.create_server(("127.0.0.1", 0)) as listener:
        address = listener.getsockname()
    sock = sockets.unconnected()
    sock.settimeout(timeout)
    if how == "connect()":
        with pytest.raises(ConnectionRefusedError):
            sock.connect(address)
    else:
        assert sock.connect_ex(address) == errno.ECONNREFUSED
    result, took = timed(read_until_eof, sock, timeout=5)
    if timeout is None:
        assert type(result) is OSError and result.errno == errno.ENOTCONN
    else:
        assert result == b""
    assert took < SLACK


def test_whatever_it_raises_what_it_had_read_is_lost(sockets):
    """Whatever the call raises, what it had read is lost.

    The peer sends b"abc"; the call reads it, and a KeyboardInterrupt
    lands before its second read (as the call sets the timeout for it, as
    a signal handler's would): it propagates, and once the peer has sent
    b"def" and its FIN, the next call returns b"def" alone."""
    ours, peer = sockets.pair()
    peer.sendall(b"abc")
    sockets.wait_until_queued(ours, 3)
    ours = sockets.raising(ours, "settimeout", 2, KeyboardInterrupt)
    with pytest.raises(KeyboardInterrupt, match="as if from a signal handler"):
        read_until_eof(ours, timeout=5)
    peer.sendall(b"def")
    peer.shutdown(socket.SHUT_WR)
    assert read_until_eof(ours, timeout=5) == b"def"


@pytest.mark.parametrize(
    ("error", "outcome"),
    [(TimeoutError, "returned"), (KeyboardInterrupt, "raised")],
    ids=["an OSError: lost", "another kind: propagates"],
)
def test_an_oserror_landing_as_the_timeout_is_restored_is_lost(sockets, error, outcome):
    """An OSError (a
    TimeoutError, say) landing as the timeout is restored is lost instead,
    and the call ends as it would have (returns, or raises its own error):
    raise one that is not an OSError to interrupt the call for sure.

    The peer sends b"data" and its FIN; the exception is raised as the
    call restores the socket's timeout (its third settimeout(), after one
    before each of its two reads), as a
    signal handler's would: a TimeoutError is lost and the call returns
    b"data"; a KeyboardInterrupt propagates."""
    ours, peer = sockets.pair()
    peer.sendall(b"data")
    peer.shutdown(socket.SHUT_WR)
    ours = sockets.raising(ours, "settimeout", 3, error)
    if outcome == "raised":
        with pytest.raises(error, match="as if from a signal handler"):
            read_until_eof(ours, timeout=5)
    else:
        assert read_until_eof(ours, timeout=5) == b"data"


def test_a_signal_handlers_exception_propagates_the_timeout_restored(sockets):
    """An exception that a signal handler of yours raises during the call
    propagates, the timeout restored: a TimeoutError from it has errno None,
    as the call's own has; raise another kind to tell them apart.

    SIGALRM's handler raises TimeoutError("watchdog") 0.3 s into the call's
    first wait (timeout 5 s, the peer silent): that TimeoutError, errno
    None, at 0.3 s; the socket's own timeout back, the socket open."""

    ours, peer = sockets.pair()
    with sockets.watchdog(ours, 0.3) as ours:
        result, took = timed(read_until_eof, ours, timeout=5)
    assert type(result) is TimeoutError and str(result) == "watchdog"
    assert result.errno is None
    assert 0.3 <= took < 0.3 + SLACK
    assert ours.gettimeout() == WAIT and ours.fileno() != -1
