"""Contract tests of close_gracefully() (snippets/reference/helpers/closing.py).

Each test is named after the sentence of the docstring it proves and quotes
it. `ours` is the helper's end of the connection (an accepted socket, as in
a server), `peer` the other end.
"""

from __future__ import annotations

import errno
import math
import os
import socket
import ssl
import struct
import sys
import time

import pytest

from closing import close_gracefully

pytestmark = pytest.mark.skipif(
    sys.platform != "linux", reason="the contracts are verified on Linux"
)

SLACK = 0.4  # how late a bounded call may return on a busy machine, in seconds
REPLY = b"413 Content Too Large\r\nConnection: close\r\n\r\n"


def timed(call, *args, **kwargs):
    """(what call returned, how long it took in seconds)."""
    start = time.monotonic()
    result = call(*args, **kwargs)
    return result, time.monotonic() - start


@pytest.mark.parametrize("peer_reads", ["during the call", "after the call"])
def test_sends_fin_after_what_was_sent(sockets, peers, peer_reads):
    """ "Send FIN": the peer gets everything sent before, then b'' (a FIN,
    not a reset), whether it reads during the call or only after it."""
    ours, peer = sockets.pair()
    reply = bytes(range(256)) * 4096  # 1 MiB: more than a segment or a window
    if peer_reads == "during the call":
        reader = peers.start(peers.read_to_eof_then_close, peer)
        ours.sendall(reply)
        assert close_gracefully(ours, timeout=5) is True
        assert reader.result() == reply
    else:
        ours.sendall(REPLY)
        assert close_gracefully(ours, timeout=0.1) is False  # the peer is silent
        assert sockets.ending(peer) == (REPLY, "FIN")


@pytest.mark.parametrize("size", [0, 1, 3_000_000])
def test_discards_what_the_peer_sends_until_its_fin(sockets, peers, size):
    """ "discard what the peer still sends until its FIN, then close": a peer
    that sends after our FIN, then closes, sends all of it without a reset,
    and the call returns True."""
    ours, peer = sockets.pair()
    late = peers.start(peers.send_after_fin, peer, b"x" * size)
    assert close_gracefully(ours, timeout=5) is True
    assert late.result() == b""  # its sendall() and close() raised nothing
    assert ours.fileno() == -1


@pytest.mark.parametrize("size", [5_000_000, 50_000_000], ids=["5MB", "50MB"])
def test_discards_an_upload_of_any_size_so_the_client_gets_the_reply(
    sockets, peers, size
):
    """ "discard what the peer still sends until its FIN" (no byte budget
    unless max_bytes is given): a server reads 1 KiB of an upload, replies
    413 and calls close_gracefully(sock, timeout=5); the client, which does
    sendall(whole body) and only then reads until b'', gets the reply every
    time."""
    body = b"PUT /upload HTTP/1.1\r\n\r\n" + b"u" * size
    for _ in range(3):
        ours, peer = sockets.pair()
        client = peers.start(peers.upload_then_read, peer, body)
        assert len(ours.recv(1024)) > 0
        ours.sendall(REPLY)
        assert close_gracefully(ours, timeout=5) is True
        assert client.result() == REPLY


@pytest.mark.parametrize("timeout", [5, 0.5, 0])
@pytest.mark.parametrize("before_fin", [b"", b"last words"], ids=["FIN", "data+FIN"])
def test_returns_true_when_the_peers_fin_arrived_in_time(sockets, timeout, before_fin):
    """ "Returns True if the peer's FIN arrived in time": here it had arrived
    before the call (the peer closed first), alone or behind data; timeout 0
    takes it too ("so 0 takes a FIN already queued, behind data or
    not")."""
    ours, peer = sockets.pair()
    peer.sendall(before_fin)
    peer.close()
    sockets.wait_for_state(ours, sockets.TCP_CLOSE_WAIT)
    assert close_gracefully(ours, timeout=timeout) is True
    assert ours.fileno() == -1


def test_timeout_zero_does_not_wait(sockets):
    """ "once timeout is spent: it still discards, without waiting, what has
    arrived": with nothing arrived, timeout 0 returns False at once, and the
    FIN still went out."""
    ours, peer = sockets.pair()
    result, took = timed(close_gracefully, ours, timeout=0)
    assert (result, ours.fileno()) == (False, -1)
    assert took < SLACK
    assert sockets.ending(peer) == (b"", "FIN")


PEERS_THAT_NEVER_FINISH = ["silent", "trickles", "floods", "never reads", "vanished"]


@pytest.mark.parametrize("peer_kind", PEERS_THAT_NEVER_FINISH)
def test_timeout_bounds_the_whole_call(sockets, peers, peer_kind):
    """ "timeout, ... in seconds from 0 to 1e6, bounds the whole call, ... once
    timeout is spent: it still discards, without waiting, what has arrived ..., up
    to SO_RCVBUF bytes more": a peer that never sends its FIN (silent, sending
    a byte every 20 ms, sending faster than a slow server reads, reading
    nothing of a full send buffer, or vanished) gets False after the timeout,
    not later (nor much sooner)."""
    timeout = 0.3
    if peer_kind == "vanished":
        ours, peer = sockets.vanished_pair()
    else:
        ours, peer = sockets.pair()
    # Each peer sends its FIN after 3 s at the latest (but the vanished
    # one, whose FIN is lost): a call that ignored its timeout would
    # return then, and fail, rather than hang.
    if peer_kind == "trickles":
        peers.start(peers.trickle, peer, b"t" * 150, 0.02)
    elif peer_kind == "floods":
        ours = sockets.slow(ours)
        peers.start(peers.flood, peer, 3.0)
    else:
        peers.start(peers.silent_then_fin, peer)
    if peer_kind == "never reads":
        sockets.fill(ours)
    result, took = timed(close_gracefully, ours, timeout=timeout)
    assert (result, ours.fileno()) == (False, -1)
    assert timeout * 0.9 <= took <= timeout + SLACK


MILLISECOND_TIMEOUTS = [1e-4, 5e-4, 1.1e-3, 1.9e-3]
RUNS = 7  # calls per timeout: the fastest shows the bound, unslowed by the machine


@pytest.mark.parametrize("timeout", MILLISECOND_TIMEOUTS)
def test_the_call_may_return_up_to_about_1_ms_after_timeout(sockets, timeout):
    """ "bounds the whole call, to within about 1 ms (CPython waits in poll()
    in whole milliseconds, rounded up: the call may return up to about 1 ms
    after timeout)": a silent peer, False each time; the fastest of 7 calls
    returns within the timeout rounded up to a whole millisecond, plus a
    millisecond for a busy machine, none later than that plus SLACK, and one
    at least takes that rounded-up millisecond whole."""
    rounded = math.ceil(timeout * 1000) / 1000  # what poll() waits
    took = []
    for _ in range(RUNS):
        ours, _ = sockets.pair()
        result, seconds = timed(close_gracefully, ours, timeout=timeout)
        assert result is False
        took.append(seconds)
    assert min(took) <= rounded + 0.001
    assert max(took) <= rounded + SLACK
    assert max(took) >= rounded


class CountingRecv(socket.socket):
    """A socket that notes SO_RCVBUF when the helper reads it, and counts
    what recv() returns from then on."""

    rcvbuf = None
    discarded_after = 0

    def getsockopt(self, *args):
        value = super().getsockopt(*args)
        if args[:2] == (socket.SOL_SOCKET, socket.SO_RCVBUF):
            self.rcvbuf = value
        return value

    def recv(self, *args):
        data = super().recv(*args)
        if self.rcvbuf is not None:
            self.discarded_after += len(data)
        return data


def test_once_the_time_is_spent_it_discards_up_to_so_rcvbuf_bytes_more(sockets):
    """ "once timeout is spent: it still discards, without waiting, what has
    arrived ..., up to SO_RCVBUF bytes more (one receive buffer, as getsockopt()
    reads it then ...)": a peer whose full send buffer refills our receive
    buffer as fast as it is read gets False at once, after at most SO_RCVBUF
    bytes read from the moment the time was spent (an earlier body read up to
    64 KiB past it)."""
    ours, peer = sockets.pair()
    sockets.fill(peer)  # our receive buffer full, and the peer's send buffer
    ours = sockets.keep(CountingRecv(fileno=ours.detach()))
    result, took = timed(close_gracefully, ours, timeout=0)
    assert (result, ours.fileno()) == (False, -1)
    assert took < SLACK
    assert ours.rcvbuf is not None
    assert 0 < ours.discarded_after <= ours.rcvbuf


MB = 1 << 20


def test_over_tcp_0_takes_a_fin_queued_behind_megabytes(sockets):
    """ "plus the time it takes to copy what it discards once timeout is
    spent: it still discards, without waiting, what has arrived ..., up to
    SO_RCVBUF bytes more (...: Linux's autotuning can grow it to tens of MB,
    milliseconds of copying), so over TCP 0 takes a FIN already queued":
    SO_RCVBUF raised to 4 MB before connecting (the kernel doubles it, up to
    net.core.rmem_max: 4 MB here), 3 MB and the peer's FIN queued: timeout
    0 returns True, having discarded all 3 MB (the call may take
    milliseconds: bounded by SLACK only), and the close then sends no
    reset."""
    ours, peer = sockets.pair(buffers=4 * MB)
    assert ours.getsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF) >= 4 * MB
    peer.sendall(os.urandom(3 * MB))
    peer.shutdown(socket.SHUT_WR)
    sockets.wait_for_state(ours, sockets.TCP_CLOSE_WAIT)  # all 3 MB, then the FIN
    ours = sockets.keep(CountingRecv(fileno=ours.detach()))
    result, took = timed(close_gracefully, ours, timeout=0)
    assert (result, ours.fileno()) == (True, -1)
    assert ours.discarded_after == 3 * MB
    assert took < SLACK
    assert sockets.ending(peer) == (b"", "FIN")


def test_with_so_linger_on_close_may_block_for_that_time_more(sockets):
    """ "If SO_LINGER is on with a time, close() may block for that time
    more": with SO_LINGER on for 1 s and data that the peer never reads
    still queued to send, the call takes its timeout plus about 1 s."""
    ours, peer = sockets.pair(buffers=16384)
    ours.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 1))
    sockets.fill(ours)
    timeout = 0.2
    result, took = timed(close_gracefully, ours, timeout=timeout)
    assert (result, ours.fileno()) == (False, -1)
    assert (timeout + 1) * 0.9 <= took <= timeout + 1 + SLACK


@pytest.mark.parametrize(
    "case, expected, end",
    [
        ("the peer's FIN, data unsent", True, "RST"),
        ("a silent peer, data unsent", False, "RST"),
        ("the peer's FIN, all sent", True, "FIN"),
    ],
)
def test_with_so_linger_on_and_0_close_resets_unless_all_is_sent_and_true(
    sockets, case, expected, end
):
    """ "on a TCP socket, on with a time of 0 (abort()'s setting, which an
    accepted socket inherits from a listener that has it; ...), close()
    resets the connection,
    dropping the data of yours still unsent, unless the peer's FIN is in
    (True) and nothing of yours is left to send: then close() sends no reset":
    a listener with SO_LINGER on and 0 accepts a connection whose socket
    has it too. With more queued for the peer than it has read, the call
    returns True (the peer's FIN came) or False (a silent peer, at the
    timeout), and the peer then gets a reset, not all the data; with 10 kB
    sent and the peer's FIN in, True, and the peer reads the 10 kB, then
    the FIN."""
    linger_0 = struct.pack("ii", 1, 0)
    with socket.create_server(("127.0.0.1", 0)) as listener:
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, linger_0)
        peer = sockets.keep(socket.create_connection(listener.getsockname(), 5))
        ours = sockets.keep(listener.accept()[0])
    assert ours.getsockopt(socket.SOL_SOCKET, socket.SO_LINGER, 8) == linger_0
    if case.endswith("data unsent"):
        queued = sockets.fill(ours)
    else:
        queued = ours.send(bytes(10_000))
        assert queued == 10_000
    if case.startswith("the peer's FIN"):
        peer.shutdown(socket.SHUT_WR)
    assert close_gracefully(ours, timeout=0.2) is expected
    data, how = sockets.ending(peer)
    assert how == end
    assert (len(data) == queued) is (end == "FIN")


def test_on_af_unix_linux_ignores_so_linger_0(sockets):
    """ "on a TCP socket, on with a time of 0 ... (... Linux ignores it on
    AF_UNIX)": on a socketpair() with SO_LINGER on and 0 (accepted, and read
    back), a silent peer: False at the timeout, and the peer then reads
    all 5000 bytes of ours, then b'': no reset, nothing dropped."""
    ours, peer = (sockets.keep(s) for s in socket.socketpair())
    linger_0 = struct.pack("ii", 1, 0)
    ours.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, linger_0)
    assert ours.getsockopt(socket.SOL_SOCKET, socket.SO_LINGER, 8) == linger_0
    ours.sendall(b"r" * 5000)
    peer.settimeout(5)
    assert close_gracefully(ours, timeout=0.1) is False
    got = b""
    for _ in range(10_000):  # bounded: b'' ends it
        chunk = peer.recv(65536)
        if not chunk:
            break
        got += chunk
    assert got == b"r" * 5000


def sends_records_then_fin(tls, stop, records: int, size: int) -> str:
    """Send records TLS records of size bytes of data each, then a raw FIN."""
    for _ in range(records):
        tls.sendall(b"u" * size)
    socket.socket.shutdown(tls, socket.SHUT_WR)
    return "sent"


@pytest.mark.parametrize("max_bytes, expected", [(1000, False), (1220, True)])
def test_over_tls_max_bytes_counts_the_records_on_the_wire(
    sockets, peers, max_bytes, expected
):
    """ "its shutdown() ends the TLS layer, so what the call discards is the
    peer's TLS records, raw, and max_bytes counts their bytes on the wire
    (about 22 more per record, in TLS 1.3, than the data they carry)": ours
    the TLS 1.3 server; the client sends 1000 bytes as 10 records of 100,
    then its FIN. With max_bytes 1000, False: more than that was discarded;
    with 1220, the bytes on the wire, True."""
    ours, peer = sockets.tls_pair(ours_is_client=False)
    assert ours.version() == "TLSv1.3"
    sender = peers.start(sends_records_then_fin, peer, 10, 100)
    assert sender.result() == "sent"
    assert close_gracefully(ours, timeout=5, max_bytes=max_bytes) is expected


@pytest.mark.parametrize("max_bytes, expected", [(400, False), (600, True)])
def test_a_tls_13_client_also_discards_the_servers_session_tickets(
    sockets, max_bytes, expected
):
    """on a TLS 1.3 client that has read nothing since the handshake, for
    the server's session tickets, records it never saw (OpenSSL's server
    sends two by default, about 255 bytes each here)

    ours the TLS 1.3 client, which reads nothing after the handshake; the
    server sends no data, only its FIN (SSLSocket.shutdown(): no
    close_notify). What ours discards is the two tickets, 510 bytes on the
    wire: max_bytes 400 gives False, 600 True."""
    ours, peer = sockets.tls_pair()
    assert ours.version() == "TLSv1.3"
    peer.shutdown(socket.SHUT_WR)
    sockets.wait_readable(ours)
    assert close_gracefully(ours, timeout=5, max_bytes=max_bytes) is expected


def test_after_the_valueerror_a_holder_keeps_the_connection_without_fin(sockets):
    """ "the FIN still goes out (not after that ValueError ..., raised before the
    call's shutdown(), nor after an exception that lands before it: then no
    FIN, until the last holder closes)": a dup() holds the descriptor;
    timeout=None raises ValueError, the socket is closed, and the peer
    reads nothing within 0.3 s, no FIN; once the dup() closes, b''."""
    ours, peer = sockets.pair()
    holder = sockets.keep(ours.dup())
    with pytest.raises(ValueError):
        close_gracefully(ours, timeout=None)
    assert ours.fileno() == -1
    peer.settimeout(0.3)
    with pytest.raises(TimeoutError):
        peer.recv(1)
    holder.close()
    peer.settimeout(5)
    assert peer.recv(1) == b""


def test_on_af_unix_a_connection_already_over_gives_true(sockets):
    """ "on AF_UNIX, which Linux never answers with ENOTCONN, True": a
    socketpair() whose two ends have both shut down their sending side
    before the call: True, the socket closed."""
    ours, peer = (sockets.keep(s) for s in socket.socketpair())
    ours.shutdown(socket.SHUT_WR)
    peer.shutdown(socket.SHUT_WR)
    assert close_gracefully(ours, timeout=0.2) is True
    assert ours.fileno() == -1


@pytest.mark.parametrize("reported_by", ["recv()", "getsockopt(SO_ERROR)"])
@pytest.mark.parametrize("family", ["TCP", "AF_UNIX"])
def test_a_reset_an_earlier_call_reported_is_false_on_tcp_true_on_af_unix(
    sockets, family, reported_by
):
    """ "or a connection error, a reset or the kernel's ETIMEDOUT, that an
    earlier call, recv(), send() or getsockopt(SO_ERROR), reported, before
    the call: its shutdown() gets ENOTCONN; on AF_UNIX, which Linux never
    answers with ENOTCONN, True, which then says nothing of whether the
    peer read your data": the peer closes with our byte unread (a reset),
    our recv() or getsockopt(SO_ERROR) reports it, then the call: False
    over TCP, True over AF_UNIX; the socket closed either way."""
    if family == "TCP":
        ours, peer = sockets.pair()
    else:
        ours, peer = (sockets.keep(s) for s in socket.socketpair())
        ours.settimeout(5)
    ours.sendall(b"x")
    if family == "TCP":
        sockets.wait_until_sent(ours)
    peer.close()  # our byte unread: a reset
    if reported_by == "recv()":
        with pytest.raises(ConnectionResetError):
            ours.recv(1)
    else:
        if family == "TCP":
            sockets.wait_for_state(ours, sockets.TCP_CLOSE)
        error = ours.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR)
        assert error == errno.ECONNRESET
    assert close_gracefully(ours, timeout=0.2) is (family == "AF_UNIX")
    assert ours.fileno() == -1


def test_the_kernels_etimedout_an_earlier_send_reported_is_false(sockets):
    """ "or a connection error, a reset or the kernel's ETIMEDOUT, that an
    earlier call, recv(), send() or getsockopt(SO_ERROR), reported, before
    the call: its shutdown() gets ENOTCONN": a vanished peer; the kernel
    gives the connection up and a send() reports it (TimeoutError,
    ETIMEDOUT); the call then returns False at once, the socket closed."""
    ours = sockets.given_up()
    with pytest.raises(TimeoutError) as reported:
        ours.send(b"y")
    assert reported.value.errno == errno.ETIMEDOUT
    result, took = timed(close_gracefully, ours, timeout=5)
    assert result is False
    assert took < SLACK
    assert ours.fileno() == -1


def sends_without_reading(sock, stop) -> str:
    """Send until stopped or refused, never reading; how sending ended."""
    try:
        for _ in range(100_000):  # bounded: stop, or the reset, ends it first
            if stop.is_set():
                return "stopped"
            sock.send(bytes(65536))
    except OSError as error:
        return type(error).__name__
    return "bounded"


@pytest.mark.parametrize("budget", ["max_bytes", "timeout"])
def test_false_with_the_peers_bytes_unread_resets_and_drops_yours(
    sockets, peers, budget
):
    """When it returns False with bytes of the peer's still unread (the time
    or max_bytes ran out while the peer sent), close() resets the
    connection, and the data of yours still unsent is dropped.

    Our socket queues data that the peer never reads; the peer sends
    without pause. The call returns False (more than 100 000 bytes
    discarded, or its 0.2 s timeout spent) and the peer's sending ends in
    ConnectionResetError: no orphaned connection is left sending ours."""
    ours, peer = sockets.pair()
    sockets.fill(ours)
    sender = peers.start(sends_without_reading, peer)
    if budget == "max_bytes":
        result = close_gracefully(ours, timeout=5, max_bytes=100_000)
    else:
        result = close_gracefully(ours, timeout=0.2)
    assert result is False
    assert sender.result() == "ConnectionResetError"


@pytest.mark.parametrize(("max_bytes", "sent"), [(10.5, 11), (10.5, 10)])
def test_a_float_max_bytes_is_a_budget_too(sockets, max_bytes, sent):
    """ "max_bytes, None, an int or a float, if not None also stops the wait
    once more than that many bytes were discarded": with 10.5, a silent peer
    that sent 11 bytes gets False long before the timeout; one that sent 10
    and its FIN, True."""
    ours, peer = sockets.pair()
    peer.sendall(b"m" * sent)
    if sent == 10:
        peer.shutdown(socket.SHUT_WR)
    result, took = timed(close_gracefully, ours, timeout=5, max_bytes=max_bytes)
    assert result is (sent == 10)
    assert took < SLACK


@pytest.mark.parametrize("max_bytes", [0, 1, 100_000])
def test_max_bytes_stops_the_wait_once_more_were_discarded(sockets, max_bytes):
    """ "max_bytes, None, an int or a float, if not None also stops the wait
    once more than that many bytes were discarded": a silent peer that sent
    max_bytes + 1 gets False long before the timeout."""
    ours, peer = sockets.pair()
    peer.sendall(b"m" * (max_bytes + 1))
    result, took = timed(close_gracefully, ours, timeout=2, max_bytes=max_bytes)
    assert (result, ours.fileno()) == (False, -1)
    assert took < 1


@pytest.mark.parametrize("max_bytes", [0, 1, 100_000])
def test_max_bytes_lets_a_peer_send_that_many_then_its_fin(sockets, max_bytes):
    """ "max_bytes ... once more than that many bytes were discarded": a peer
    that sends exactly max_bytes, then its FIN, gets True."""
    ours, peer = sockets.pair()
    peer.sendall(b"m" * max_bytes)
    peer.shutdown(socket.SHUT_WR)
    assert close_gracefully(ours, timeout=5, max_bytes=max_bytes) is True


@pytest.mark.parametrize("max_bytes", [0, 10])
def test_max_bytes_gives_false_even_with_the_fin_right_behind(sockets, max_bytes):
    """discarded (False, even when the peer's FIN came right behind them).

    The peer sends max_bytes + 10 bytes, then its FIN, all queued before the
    call: one read takes the bytes, more than max_bytes, and the call
    returns False without reading on to the FIN."""
    ours, peer = sockets.pair()
    peer.sendall(b"m" * (max_bytes + 10))
    peer.shutdown(socket.SHUT_WR)
    sockets.wait_for_state(ours, sockets.TCP_CLOSE_WAIT)
    assert close_gracefully(ours, timeout=5, max_bytes=max_bytes) is False


def reset_after_fin(sock, stop):
    """Read until our FIN, then reset the connection."""
    got = sock.recv(1024)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    sock.close()
    return got


CONNECTION_FAILED = [
    "reset before the call",
    "reset during the wait",
    "never connected",
    "already closed",
    "called twice",
]


@pytest.mark.parametrize("case", CONNECTION_FAILED)
def test_returns_false_when_the_connection_failed(sockets, peers, case):
    """ "False if ... the connection failed (reset, ..., never connected,
    ..., already closed)": False at once, nothing raised; a second call is a call on a
    closed socket."""
    if case == "never connected":
        ours = sockets.unconnected()
    else:
        ours, peer = sockets.pair()
    if case == "reset before the call":
        peer.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, sockets.LINGER_ZERO)
        peer.close()
        sockets.wait_for_state(ours, sockets.TCP_CLOSE)
    elif case == "reset during the wait":
        resetter = peers.start(reset_after_fin, peer)
    elif case == "already closed":
        ours.close()
    elif case == "called twice":
        peer.close()
        assert close_gracefully(ours, timeout=5) is True
    result, took = timed(close_gracefully, ours, timeout=2)
    assert (result, ours.fileno()) == (False, -1)
    assert took < 1
    if case == "reset during the wait":
        assert resetter.result() == b""  # it reset after our FIN


class FailingRecv(socket.socket):
    """A socket whose recv() raises what no socket should: a bug elsewhere."""

    def recv(self, *args):
        raise RuntimeError("recv() failed unexpectedly")


CLOSED_IN_EVERY_CASE = {
    "returns True": ({"timeout": 5}, None),
    "returns False (time)": ({"timeout": 0.05}, None),
    "returns False (bytes)": ({"timeout": 5, "max_bytes": 0}, None),
    "timeout None": ({"timeout": None}, ValueError),
    "max_bytes -1": ({"timeout": 5, "max_bytes": -1}, ValueError),
    "timeout '5'": ({"timeout": "5"}, TypeError),
    "recv() raises": ({"timeout": 5}, RuntimeError),
}


@pytest.mark.parametrize("case", CLOSED_IN_EVERY_CASE)
def test_closes_the_socket_in_every_case(sockets, case):
    """ "The socket is closed when this returns or raises, in every case":
    after True, after False, and after ValueError, TypeError or whatever
    else it raises."""
    kwargs, raises = CLOSED_IN_EVERY_CASE[case]
    ours, peer = sockets.pair()
    if case == "returns True":
        peer.close()
    elif case == "returns False (bytes)":
        peer.sendall(b"more than nothing")
    elif case == "recv() raises":
        ours = sockets.keep(FailingRecv(fileno=ours.detach()))
    if raises is None:
        close_gracefully(ours, **kwargs)
    else:
        with pytest.raises(raises):
            close_gracefully(ours, **kwargs)
    assert ours.fileno() == -1


BAD_ARGUMENTS = {
    "timeout None": {"timeout": None},
    "timeout -1": {"timeout": -1},
    "timeout -0.001": {"timeout": -0.001},
    "timeout NaN": {"timeout": math.nan},
    "timeout inf": {"timeout": math.inf},
    "timeout 1e10": {"timeout": 1e10},
    "max_bytes -1": {"timeout": 5, "max_bytes": -1},
    "max_bytes NaN": {"timeout": 5, "max_bytes": math.nan},
}


@pytest.mark.parametrize("case", BAD_ARGUMENTS)
def test_raises_valueerror_for_a_bad_timeout_or_max_bytes_and_closes(sockets, case):
    """ "also when it raises ValueError for a timeout that is None, negative,
    NaN or above 1e6, or a max_bytes below 0 or NaN": ValueError (for inf, not the
    OverflowError of settimeout(), and for 1e10 no wait), at once, and the
    socket is closed. (The peer sends nothing: a call that waited would
    wait for ever.)"""
    ours, peer = sockets.pair()
    start = time.monotonic()
    with pytest.raises(ValueError):
        close_gracefully(ours, **BAD_ARGUMENTS[case])
    assert time.monotonic() - start < SLACK
    assert ours.fileno() == -1


@pytest.mark.parametrize("max_bytes", ["5", [1], b"5"], ids=["str", "list", "bytes"])
def test_raises_typeerror_for_a_max_bytes_that_is_no_number_and_closes(
    sockets, max_bytes
):
    """ "or TypeError for a max_bytes
    that is no number (a str, say; ...)": at once, the socket closed, and with a
    dup() holding the descriptor the peer gets no FIN (raised before the
    call's shutdown())."""
    ours, peer = sockets.pair()
    holder = sockets.keep(ours.dup())
    start = time.monotonic()
    with pytest.raises(TypeError):
        close_gracefully(ours, timeout=5, max_bytes=max_bytes)
    assert time.monotonic() - start < SLACK
    assert ours.fileno() == -1
    assert sockets.ending(peer, timeout=0.3) == (b"", "no end")
    holder.close()
    assert sockets.ending(peer) == (b"", "FIN")


def test_timeout_is_in_seconds_from_0_to_1e6(sockets, peers):
    """ "timeout, ... in seconds from 0 to 1e6": 1e6 is no error and waits: a
    FIN that comes 0.3 s later gives True."""
    ours, peer = sockets.pair()
    peers.start(peers.silent_then_fin, peer, 0.3)
    result, took = timed(close_gracefully, ours, timeout=1e6)
    assert (result, ours.fileno()) == (True, -1)
    assert 0.25 < took < 0.3 + SLACK


@pytest.mark.parametrize("timeout", [1e6 + 1, 2_147_484, 4_294_967.3])
def test_a_timeout_above_1e6_raises_valueerror(sockets, timeout):
    """ "ValueError for a timeout that is ... above 1e6": also for the
    values that poll()'s milliseconds would wrap to a short wait or none."""
    ours, _ = sockets.pair()
    with pytest.raises(ValueError, match="timeout must be from 0 to 1e6"):
        close_gracefully(ours, timeout=timeout)
    assert ours.fileno() == -1


@pytest.mark.parametrize("timeout", [None, 5.0], ids=["blocking", "timeout"])
@pytest.mark.parametrize("holder_mode", ["same", "other"])
def test_restores_the_blocking_mode_its_timeout_implies(sockets, timeout, holder_mode):
    """ "the socket's own timeout is restored first, and with it the
    blocking mode that timeout implies, which such a holder shares": a dup()
    shares the O_NONBLOCK flag of the open file; after the call it is the
    mode of the socket's own timeout, also when the holder had set another."""
    ours, peer = sockets.pair(timeout=timeout)
    holder = sockets.keep(ours.dup())
    if holder_mode == "other":
        holder.setblocking(timeout is not None)  # the opposite of ours
    peer.close()
    assert close_gracefully(ours, timeout=1) is True
    assert os.get_blocking(holder.fileno()) is (timeout is None)


def test_an_interrupt_just_before_the_restore_leaves_a_holder_non_blocking(
    sockets, interrupt_before
):
    """ "which such a holder shares (except when an exception raised
    asynchronously lands in the few bytecodes before that restore: the
    holder is then left non-blocking)": our socket has no timeout (blocking),
    a dup() holds its descriptor, the peer's FIN is queued, and
    KeyboardInterrupt lands as the call reaches the restore (a trace
    function stands in for the signal handler): it propagates, our socket
    is closed, and the dup is non-blocking, the mode of the call's own
    timeout."""
    ours, peer = sockets.pair(timeout=None)
    holder = sockets.keep(ours.dup())
    peer.close()
    with interrupt_before(close_gracefully, "sock.settimeout(previous)"):
        with pytest.raises(KeyboardInterrupt):
            close_gracefully(ours, timeout=5)
    assert ours.fileno() == -1
    assert os.get_blocking(holder.fileno()) is False


@pytest.mark.parametrize("max_bytes", [None, 100])
@pytest.mark.parametrize("how", ["SHUT_RD", "SHUT_RDWR"])
def test_on_a_socket_shut_down_for_reading_true_says_nothing_of_the_peer(
    sockets, how, max_bytes
):
    """ "A socket already shut
    down for reading (shutdown(SHUT_RD) or SHUT_RDWR, as a heartbeat() miss
    does) whose connection is still open reads, without waiting, what had
    already arrived, then b'': True then says nothing of the peer (False
    if what had arrived was more than max_bytes)".

    The peer's 5000 bytes arrive, then ours is shut down for reading: the
    call returns at once, True with no max_bytes, False with max_bytes 100
    (an earlier clause said b'' came at once), while the peer, which sent
    no FIN, is still open (its end is in CLOSE_WAIT: it got ours)."""
    ours, peer = sockets.pair()
    peer.sendall(b"x" * 5000)
    sockets.wait_until_queued(ours, 5000)
    ours.shutdown(getattr(socket, how))
    result, took = timed(close_gracefully, ours, timeout=2, max_bytes=max_bytes)
    assert (result, ours.fileno()) == (max_bytes is None, -1)
    assert took < SLACK
    assert sockets.tcp_state(peer) == sockets.TCP_CLOSE_WAIT


def test_a_connect_still_in_progress_gives_false_at_once(sockets):
    """never connected, still connecting (a non-blocking connect() in
    SYN_SENT, which the call's shutdown() abandons: False at once),
    already closed

    A listener whose accept queue is full (backlog 0 holds one connection)
    drops our SYN; the call, timeout 2 s, returns False at once, the socket
    closed."""
    with socket.create_server(("127.0.0.1", 0), backlog=0) as full:
        address = full.getsockname()
        sockets.keep(socket.create_connection(address, timeout=5))  # queued
        ours = sockets.unconnected()
        ours.setblocking(False)
        assert ours.connect_ex(address) == errno.EINPROGRESS
        assert sockets.tcp_state(ours) == sockets.TCP_SYN_SENT
        result, took = timed(close_gracefully, ours, timeout=2)
        assert (result, ours.fileno()) == (False, -1)
        assert took < SLACK


def test_a_descriptor_closed_behind_its_back_makes_close_raise_ebadf(sockets):
    """ "A descriptor closed behind the socket's back makes close() raise
    EBADF, after the socket has let go of it, but only while its number is
    unused": OSError EBADF, and fileno() is -1 (an earlier body raised from
    its finally: and left it open)."""
    ours, _ = sockets.pair()
    os.close(ours.fileno())
    with pytest.raises(OSError) as raised:
        close_gracefully(ours, timeout=1)
    assert raised.value.errno == errno.EBADF
    assert ours.fileno() == -1


def test_once_its_number_is_reused_it_closes_an_unrelated_connection(sockets):
    """ "once another socket reuses it (the next socket() or accept() takes
    the lowest free number), the call acts on that socket, and shuts down
    and closes an unrelated connection": no EBADF; the unrelated
    connection's peer gets a FIN, and the number is closed."""
    ours, _ = sockets.pair()
    number = ours.fileno()
    unrelated = sockets.reuse_number(ours)
    assert close_gracefully(ours, timeout=0.1) is False  # that peer sent no FIN
    assert ours.fileno() == -1
    assert sockets.ending(unrelated) == (b"", "FIN")
    with pytest.raises(OSError) as raised:
        os.fstat(number)  # no thread of this test opens a descriptor meanwhile
    assert raised.value.errno == errno.EBADF


def test_a_lowered_so_rcvbuf_can_hide_a_queued_fin_from_timeout_0(sockets):
    """ "(unless SO_RCVBUF was lowered once the connection was up ...)": 100 kB
    and the FIN queued, then SO_RCVBUF set to 4096: timeout 0 gives False."""
    ours, peer = sockets.pair()
    peer.sendall(bytes(100_000))
    peer.shutdown(socket.SHUT_WR)
    sockets.wait_until_queued(ours, 100_000)
    ours.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    assert close_gracefully(ours, timeout=0) is False


def test_on_af_unix_timeout_0_may_miss_a_queued_fin(sockets):
    """ "on AF_UNIX the sender's SO_SNDBUF bounds what is queued, which can be
    more: then 0 may return False with the FIN queued": the peer queues more
    than our SO_RCVBUF, then its FIN."""
    ours, peer = (sockets.keep(sock) for sock in socket.socketpair())
    peer.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 1 << 20)
    peer.setblocking(False)
    sent = 0
    for _ in range(10_000):  # bounded: stops once the queue is full
        try:
            sent += peer.send(bytes(65536))
        except BlockingIOError:
            break
    peer.shutdown(socket.SHUT_WR)
    assert sent > ours.getsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF)
    assert close_gracefully(ours, timeout=0) is False


@pytest.mark.parametrize("holder", ["makefile()", "dup()", "child process"])
def test_fin_goes_out_while_another_object_holds_the_descriptor(sockets, holder):
    """ "If another object still holds the descriptor (a makefile(), a dup(),
    a child process), the FIN still goes out ..., but close() only drops this
    reference": the peer gets b'', and the connection lives on through the
    holder, which still reads what the peer sends afterwards."""
    ours, peer = sockets.pair()
    read_through = sockets.hold(ours, holder)
    assert close_gracefully(ours, timeout=0.1) is False  # the peer is silent
    assert peer.recv(1024) == b""  # our FIN
    peer.sendall(b"still open")
    peer.close()
    assert read_through() == b"still open"
    assert ours.fileno() == -1


def test_a_makefile_keeps_the_descriptor_until_it_closes(sockets):
    """ "close() only drops this reference": with a makefile() open, the
    socket's descriptor stays open (fileno() is not -1) until the file
    closes."""
    ours, peer = sockets.pair()
    descriptor = ours.fileno()
    file = ours.makefile("rb")
    peer.close()
    assert close_gracefully(ours, timeout=5) is True
    assert ours.fileno() == descriptor
    file.close()
    assert ours.fileno() == -1


def test_sends_no_close_notify_on_an_ssl_socket(sockets, peers):
    """ "On an ssl.SSLSocket, no close_notify is sent": a TLS peer that
    rejects a ragged EOF gets SSLEOFError, not b''; the call still returns
    True once the peer closes."""
    ours, peer = sockets.tls_pair(suppress_ragged_eofs=False)

    def tls_peer(sock, stop):
        try:
            return sock.recv(1024)
        except ssl.SSLEOFError as exc:
            return type(exc)
        finally:
            sock.close()

    tls = peers.start(tls_peer, peer)
    assert close_gracefully(ours, timeout=5) is True
    assert tls.result() is ssl.SSLEOFError
    assert ours.fileno() == -1


def test_unwrap_first_sends_close_notify(sockets, peers):
    """ "call unwrap() first if the peer needs one": after unwrap(), the same
    TLS peer gets b'' (close_notify), then the FIN, and the call returns
    True."""
    ours, peer = sockets.tls_pair(suppress_ragged_eofs=False)

    def tls_peer(sock, stop):
        got = sock.recv(1024)  # close_notify: b'', no error
        plain = sock.unwrap()  # our close_notify back
        with plain:
            return got, plain.recv(1024)  # then the FIN: b''

    tls = peers.start(tls_peer, peer)
    plain = sockets.keep(ours.unwrap())
    assert close_gracefully(plain, timeout=5) is True
    assert tls.result() == (b"", b"")


@pytest.mark.parametrize("how", ["SHUT_WR", "SHUT_RDWR"])
def test_returns_false_when_the_connection_was_already_over(sockets, how):
    """ "or was already over (both FINs exchanged, ... before the call:
    its shutdown() gets ENOTCONN ...)": our FIN went out, the peer's came back
    (our end is in CLOSE, its socket's state once in TIME_WAIT): False,
    and the socket is closed."""
    ours, peer = sockets.pair()
    ours.shutdown(getattr(socket, how))
    assert peer.recv(1024) == b""
    peer.close()
    sockets.wait_for_state(ours, sockets.TCP_CLOSE)
    assert close_gracefully(ours, timeout=1) is False
    assert ours.fileno() == -1


@pytest.mark.parametrize(
    ("at", "nth"),
    [("gettimeout", 1), ("settimeout", 2)],
    ids=["as it reads the timeout", "in the cleanup, as the timeout is restored"],
)
def test_closes_the_socket_when_ctrl_c_lands_in_its_first_step_or_its_cleanup(
    sockets, at, nth
):
    """The socket is closed when this returns or raises, in every case
    (except when an exception raised asynchronously, by a signal handler or
    Ctrl+C, lands as the call begins, before its try block, or in the few
    bytecodes of the close() call itself: no Python code can cover that)

    KeyboardInterrupt as the call reads the socket's timeout, its first
    step, and as it restores it, after the peer's FIN was read: the socket
    is closed, and the interrupt propagates. (An earlier body read the
    timeout before its try, and closed after the restore in the same
    cleanup: both left the socket open.)"""
    ours, peer = sockets.pair()
    peer.shutdown(socket.SHUT_WR)
    ours = sockets.raising(ours, at, nth)
    with pytest.raises(KeyboardInterrupt):
        close_gracefully(ours, timeout=5)
    assert ours.fileno() == -1


def test_an_oserror_a_signal_handler_raises_usually_gives_false(sockets):
    """An OSError that a signal handler of yours raises during the call (a
    TimeoutError, say) usually gives False, as a failed connection does

    SIGALRM's handler raises TimeoutError 0.3 s into the call's first wait
    (the timer is set as that wait begins: set before the call, it could
    land before the call's try block on a busy machine), the peer silent,
    a timeout of 5 s: False at once, the socket closed."""

    ours, peer = sockets.pair()
    with sockets.watchdog(ours, 0.3) as ours:
        result, took = timed(close_gracefully, ours, timeout=5)
    assert result is False
    assert 0.3 <= took < 0.3 + SLACK
    assert ours.fileno() == -1


@pytest.mark.parametrize(
    ("at", "nth", "outcome"),
    [("gettimeout", 1, "raised"), ("settimeout", 2, "returned True")],
    ids=["as it reads the timeout: propagates", "as it restores it: lost"],
)
def test_an_oserror_a_signal_handler_raises_may_propagate_or_be_lost(
    sockets, at, nth, outcome
):
    """but may propagate, or, landing as the timeout is restored, be lost:
    raise one that is not an OSError to interrupt the call

    TimeoutError as the call reads the socket's timeout, its first step:
    it propagates; as it restores the timeout, after the peer's FIN was
    read: it is lost, and the call returns True. The socket is closed
    either way."""
    ours, peer = sockets.pair()
    peer.shutdown(socket.SHUT_WR)
    ours = sockets.raising(ours, at, nth, TimeoutError)
    if outcome == "raised":
        with pytest.raises(TimeoutError, match="as if from a signal handler"):
            close_gracefully(ours, timeout=5)
    else:
        assert close_gracefully(ours, timeout=5) is True
    assert ours.fileno() == -1


def test_with_so_rcvlowat_above_1_fewer_bytes_are_read_once_the_time_is_up(sockets):
    """On a TCP socket with SO_RCVLOWAT above 1 (Linux's poll() ignores it
    on AF_UNIX), fewer bytes than that, with no FIN after
    them, end no wait, ...: they are read only once the time is up, by the
    call's reads without waiting

    SO_RCVLOWAT 64, and a peer that sends 10 bytes and no FIN: False at
    the timeout, the 10 bytes discarded by the last read, so the close
    sends no reset: the peer gets the call's FIN and its side stays in
    CLOSE_WAIT. (An earlier version returned with the bytes unread, and
    close() reset the connection.)"""
    ours, peer = sockets.pair()
    ours.setsockopt(socket.SOL_SOCKET, socket.SO_RCVLOWAT, 64)
    peer.sendall(b"ten bytes.")
    result, took = timed(close_gracefully, ours, timeout=0.3)
    assert result is False
    assert 0.3 <= took < 0.3 + SLACK
    sockets.wait_for_state(peer, sockets.TCP_CLOSE_WAIT)
    assert sockets.ending(peer, timeout=0.2) == (b"", "FIN")


def test_on_af_unix_so_rcvlowat_is_ignored(sockets):
    """(Linux's poll() ignores it on AF_UNIX)

    The same 10 bytes and SO_RCVLOWAT 64 on a socketpair(), with max_bytes
    5: the bytes end the first wait, False at once (max_bytes spent)."""
    ours, peer = (sockets.keep(s) for s in socket.socketpair())
    ours.setsockopt(socket.SOL_SOCKET, socket.SO_RCVLOWAT, 64)
    peer.sendall(b"ten bytes.")
    result, took = timed(close_gracefully, ours, timeout=5, max_bytes=5)
    assert result is False
    assert took < SLACK


class LateReturning(socket.socket):
    """A socket whose wait, once it has run out, returns late: before its
    TimeoutError propagates, `meanwhile` runs (the peer sends), as if
    another thread or a signal handler held the call up."""

    meanwhile = staticmethod(lambda: None)

    def recv(self, *args):
        try:
            return super().recv(*args)
        except TimeoutError:
            self.meanwhile()
            raise


def test_what_arrives_while_a_wait_that_ran_out_returns_late_is_read(sockets):
    """once timeout is spent: it still discards, without waiting, what has
    arrived (also while a wait that ran out was slow to return)

    The call's wait runs out (timeout 0.1 s, a silent peer); before it
    returns, the peer sends 1000 bytes and its FIN, and they are queued:
    the call reads them without waiting and returns True. (An earlier
    version returned False, with them unread, and close() reset the
    connection.)"""
    ours, peer = sockets.pair()
    late = sockets.keep(LateReturning(fileno=ours.detach()))
    late.settimeout(5)

    def peer_sends_then_fin():
        peer.sendall(b"l" * 1000)
        peer.shutdown(socket.SHUT_WR)
        # both FINs acknowledged: ours has all of it queued
        sockets.wait_for_state(peer, sockets.TCP_CLOSE)

    late.meanwhile = peer_sends_then_fin
    assert close_gracefully(late, timeout=0.1) is True


def test_the_kernels_etimedout_first_reported_after_the_time_is_up_is_false(sockets):
    """False if ... the connection failed (reset, the kernel's ETIMEDOUT,
    also one first reported to a read made once the time is up, ...)

    A vanished peer, TCP_USER_TIMEOUT 200 ms; the call sends its FIN, its
    wait runs out (timeout 0.05 s) and returns late, once the kernel has
    given the connection up: the read made then gets ETIMEDOUT (a
    TimeoutError with errno ETIMEDOUT, not the call's own timeout), and
    the call returns False. (An earlier version took that TimeoutError for
    its own, read once more, got b'', and returned True.)"""
    ours, _ = sockets.vanished_pair()
    ours.setsockopt(socket.IPPROTO_TCP, socket.TCP_USER_TIMEOUT, 200)
    late = sockets.keep(LateReturning(fileno=ours.detach()))
    late.settimeout(5)
    late.meanwhile = lambda: sockets.wait_for_state(late, sockets.TCP_CLOSE)
    assert close_gracefully(late, timeout=0.05) is False
    assert late.fileno() == -1


def test_another_thread_running_python_code_can_delay_the_return(sockets, busy_thread):
    """Another thread running Python code meanwhile can delay the return
    past these bounds by a switch interval (sys.getswitchinterval(), 5 ms
    by default) or more: the call waits for the GIL after each system call

    A silent peer, a timeout of 0.05 s, and another thread running Python
    code with a switch interval of 0.1 s: False, returned 30 ms or more
    after the timeout (the bound alone allows 1 ms), the socket closed."""
    ours, peer = sockets.pair()
    with busy_thread(0.1):
        result, took = timed(close_gracefully, ours, timeout=0.05)
    assert result is False
    assert took >= 0.05 + 0.03  # far past the 1 ms of the bound
    assert ours.fileno() == -1


def fin_once_in_fin_wait1(sock, stop, local, remote) -> str:
    """Send our FIN once the other end, local to remote, is in FIN_WAIT1
    (its shutdown() called: the call has begun); bounded by stop and a
    count."""
    for _ in range(100_000):
        if stop.is_set():
            return "stopped"
        if proc_net_tcp(local, remote)[0] == "04":
            sock.shutdown(socket.SHUT_WR)
            return "FIN"
        time.sleep(0.001)  # a test's bounded poll
    return "bounded"


@pytest.mark.parametrize(
    ("peer_fin", "expected", "state"),
    [("none", False, "04"), ("before", True, "09"), ("during", True, "0B")],
    ids=["False: FIN_WAIT1", "True: LAST_ACK", "True: CLOSING"],
)
def test_unsent_data_stays_queued_in_an_orphaned_connection(
    sockets, peers, peer_fin, expected, state
):
    """When it returns, True or False, with data of yours still unsent (a
    peer that stopped reading), nothing of the peer's unread and SO_LINGER
    off (...), the connection outlives the socket: on Linux the kernel keeps it,
    orphaned (in FIN_WAIT1; once the peer's FIN came, in LAST_ACK if it
    came before the call, CLOSING if during it), with that data queued,
    and goes on sending it, ...; True says the peer's FIN arrived, not that
    your data did

    Our socket queues data until the peer, which reads nothing, lets no
    more in; the peer sends its FIN before the call, once the call has
    sent ours, or never. The call returns True (the FIN) or False (at its
    timeout), the socket closed; the kernel still lists the connection, in
    LAST_ACK (09 in /proc/net/tcp), CLOSING (0B) or FIN_WAIT1 (04), with
    bytes in its send queue, and the peer can still read them."""
    ours, peer = sockets.pair()
    ours.setblocking(False)
    queued = 0
    for _ in range(10_000):  # bounded: stops once nothing more fits
        try:
            queued += ours.send(bytes(65536))
        except BlockingIOError:
            break
    ours.settimeout(5)
    local, remote = ours.getsockname(), ours.getpeername()
    if peer_fin == "before":
        peer.shutdown(socket.SHUT_WR)
    elif peer_fin == "during":
        finisher = peers.start(fin_once_in_fin_wait1, peer, local, remote)
    timeout = 5 if peer_fin == "during" else 0.2
    assert close_gracefully(ours, timeout=timeout) is expected
    if peer_fin == "during":
        assert finisher.result() == "FIN"
    assert ours.fileno() == -1
    found, unsent = proc_net_tcp(local, remote)
    assert found == state
    assert unsent > 0
    peer.settimeout(5)
    assert peer.recv(65536)  # the queued data is still on its way


def test_a_dropped_orphan_resets_a_peer_that_reads_later(sockets):
    """a peer that
    keeps its window shut or never answers gets no reset, but the kernel
    drops the orphan once its probes or retransmissions reach
    tcp_orphan_retries (with TCP_USER_TIMEOUT set, retransmissions go on
    until that time instead, ...), and a peer that
    sends once it is dropped, or reads on until its kernel reopens its window
    (a small read does not; how much it takes depends on the peer's buffers),
    gets a reset: the rest of your data is lost

    Ours has SO_SNDBUF 4096 and TCP_USER_TIMEOUT 1 s, the peer SO_RCVBUF
    4096 and reads nothing: ours queues what fits, and the call returns
    False at its timeout (0.2 s). The kernel drops the orphan (gone from
    /proc/net/tcp within 5 s) and the peer gets no reset (still no error),
    nor once it has read one byte (0.2 s later: an earlier clause said any
    read drew it); the peer then reads on, and gets ConnectionResetError."""
    with socket.create_server(("127.0.0.1", 0)) as listener:
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        listener.settimeout(5)
        ours = sockets.unconnected()
        ours.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 4096)
        ours.connect(listener.getsockname())
        peer = sockets.keep(listener.accept()[0])
    ours.setsockopt(socket.IPPROTO_TCP, socket.TCP_USER_TIMEOUT, 1000)
    ours.setblocking(False)
    for _ in range(10_000):  # bounded: stops once nothing more fits
        try:
            ours.send(bytes(65536))
        except BlockingIOError:
            break
    local, remote = ours.getsockname(), ours.getpeername()
    assert close_gracefully(ours, timeout=0.2) is False
    assert proc_net_tcp(local, remote)[1] > 0  # orphaned, with data queued
    for _ in range(500):  # bounded: 5 s at most
        if proc_net_tcp(local, remote, missing_ok=True) is None:
            break
        time.sleep(0.01)  # a test's poll of the kernel's table
    else:
        raise AssertionError("the orphan was not dropped within 5 s")
    assert peer.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR) == 0
    peer.settimeout(5)
    got = len(peer.recv(1))
    time.sleep(0.2)  # the scenario: no reset within that time
    assert peer.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR) == 0
    with pytest.raises(ConnectionResetError):
        for _ in range(10_000):  # bounded: ends in the reset
            chunk = peer.recv(65536)
            assert chunk, "the peer read an end, not a reset"
            got += len(chunk)
    assert got > 1


def proc_net_tcp(local, remote, missing_ok=False) -> tuple[str, int] | None:
    """The state (hex) and the send queue of the IPv4 connection from local
    to remote, as /proc/net/tcp lists it (Linux); if it is not listed, None
    when missing_ok, else an AssertionError."""

    def hexed(address):
        host, port = address
        packed = struct.unpack("=I", socket.inet_aton(host))[0]
        return f"{packed:08X}:{port:04X}"

    with open("/proc/net/tcp") as table:
        for line in table.readlines()[1:]:
            fields = line.split()
            if fields[1:3] == [hexed(local), hexed(remote)]:
                return fields[3], int(fields[4].split(":")[0], 16)
    if missing_ok:
        return None
    raise AssertionError(f"no connection {local} -> {remote} in /proc/net/tcp")


def test_on_a_seqpacket_socket_an_empty_message_reads_as_the_fin(sockets):
    """For stream sockets (SOCK_STREAM, TLS over them included): on a
    SOCK_SEQPACKET socket, an empty message reads as the peer's FIN

    The peer sends an empty message and stays open: True, at once."""
    ours, peer = (
        sockets.keep(sock)
        for sock in socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
    )
    peer.send(b"")
    result, took = timed(close_gracefully, ours, timeout=5)
    assert result is True
    assert took < SLACK
    assert peer.fileno() != -1


def test_on_a_seqpacket_socket_max_bytes_counts_what_the_reads_take(sockets):
    """... and max_bytes counts
    what the reads take: of a message longer than a read (65536 bytes, or
    less once the time is up), the rest is dropped, uncounted.

    The peer sends one 100000-byte message, then closes: with max_bytes
    70000, True (65536 counted), at once."""
    ours, peer = (
        sockets.keep(sock)
        for sock in socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
    )
    peer.send(bytes(100_000))
    peer.close()
    result, took = timed(close_gracefully, ours, timeout=5, max_bytes=70_000)
    assert result is True
    assert took < SLACK


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
    assert close_gracefully(ours, timeout=0.3) is False
    timeout = seen()
    assert timeout is not None and 0 <= timeout <= 0.3


@pytest.mark.parametrize("family", ["TCP", "AF_UNIX"])
def test_a_listening_socket_gives_false_once_the_whole_timeout_has_run(
    sockets, tmp_path, family
):
    """A listening socket with no connection waiting to be accepted is no
    connection, yet never fails the call's waits: False once the whole
    timeout has run.

    A TCP or AF_UNIX listener, nothing connecting: False after the 0.2 s
    timeout, the socket closed."""
    if family == "TCP":
        listener = sockets.keep(socket.create_server(("127.0.0.1", 0)))
    else:
        listener = sockets.keep(socket.socket(socket.AF_UNIX))
        listener.bind(str(tmp_path / "listener"))
        listener.listen()
    result, took = timed(close_gracefully, listener, timeout=0.2)
    assert result is False
    assert 0.2 <= took < 0.2 + SLACK
    assert listener.fileno() == -1
