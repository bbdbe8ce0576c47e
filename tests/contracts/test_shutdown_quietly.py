"""Contract tests of shutdown_quietly() (snippets/reference/helpers/closing.py).

Each test is named after the sentence of the docstring it proves and quotes
it. `ours` is the helper's end of the connection, `peer` the other end.
"""

from __future__ import annotations

import errno
import os
import socket
import struct
import sys
import time

import pytest

from closing import shutdown_quietly

pytestmark = pytest.mark.skipif(
    sys.platform != "linux", reason="the contracts are verified on Linux"
)

LINGER_ZERO = struct.pack("ii", 1, 0)


def test_shuts_down_the_sending_side_by_default(sockets):
    """ "shutdown(how)", how=SHUT_WR by default: True; the peer reads b'',
    and this end still receives what the peer sends."""
    ours, peer = sockets.pair()
    assert shutdown_quietly(ours) is True
    assert peer.recv(1024) == b""
    peer.sendall(b"reply")
    assert ours.recv(1024) == b"reply"


@pytest.mark.parametrize("how", ["SHUT_RD", "SHUT_WR", "SHUT_RDWR"])
def test_returns_true_if_it_shut_the_connection_down(sockets, how):
    """ "Returns True if it shut the connection down": in the direction how
    names, and only that one (SHUT_RD: this end reads b'' and the peer
    gets nothing; SHUT_WR: the peer reads b'')."""
    ours, peer = sockets.pair()
    assert shutdown_quietly(ours, getattr(socket, how)) is True
    if how in ("SHUT_RD", "SHUT_RDWR"):
        assert ours.recv(1024) == b""
    if how in ("SHUT_WR", "SHUT_RDWR"):
        assert peer.recv(1024) == b""
    else:
        assert sockets.nothing_arrived(peer)
        ours.sendall(b"still sending")
        assert peer.recv(1024) == b"still sending"


@pytest.mark.parametrize("holder", ["makefile()", "dup()", "TLS"])
def test_returns_true_and_shuts_down_a_connection_held_elsewhere_too(sockets, holder):
    """ "Returns True if it shut the connection down": also while a
    makefile() or a dup() holds the descriptor, and on an ssl.SSLSocket
    (no close_notify): the peer reads the end of the stream."""
    if holder == "TLS":
        ours, peer = sockets.tls_pair()
    else:
        ours, peer = sockets.pair()
    if holder == "makefile()":
        held = ours.makefile("rb")
    elif holder == "dup()":
        held = sockets.keep(ours.dup())
    try:
        assert shutdown_quietly(ours) is True
        assert sockets.ending(peer)[1] == "FIN"
    finally:
        if holder != "TLS":
            held.close()


def test_a_second_call_returns_true_while_the_peer_is_open(sockets):
    """ "Returns True if it shut the connection down": called twice while
    the peer is still open, True both times, and the peer sees one end of
    stream."""
    ours, peer = sockets.pair()
    assert [shutdown_quietly(ours), shutdown_quietly(ours)] == [True, True]
    assert sockets.ending(peer) == (b"", "FIN")


def test_returns_true_when_the_peer_vanished(sockets):
    """ "Returns True if it shut the connection down": a peer that vanished
    does not matter (the FIN is queued; nothing waits for an answer)."""
    ours, peer = sockets.vanished_pair()
    start = time.monotonic()
    assert shutdown_quietly(ours) is True
    assert time.monotonic() - start < 0.4


@pytest.mark.parametrize("how", ["SHUT_RD", "SHUT_WR", "SHUT_RDWR"])
@pytest.mark.parametrize("closed_by", ["close()", "a with block", "TLS close()"])
def test_returns_false_if_the_socket_is_already_closed(sockets, how, closed_by):
    """ "Returns False if the socket is already closed (fileno() is -1...)":
    no EBADF."""
    if closed_by == "TLS close()":
        ours, _ = sockets.tls_pair()
        ours.close()
    elif closed_by == "a with block":
        with sockets.pair()[0] as ours:
            pass
    else:
        ours, _ = sockets.pair()
        ours.close()
    assert ours.fileno() == -1
    assert shutdown_quietly(ours, getattr(socket, how)) is False


@pytest.mark.parametrize("how", ["SHUT_RD", "SHUT_WR", "SHUT_RDWR"])
def test_returns_false_if_the_connection_was_reset(sockets, how):
    """ "or the kernel answers ENOTCONN: the connection was reset": False."""
    ours, peer = sockets.pair()
    peer.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, LINGER_ZERO)
    peer.close()
    sockets.wait_for_state(ours, sockets.TCP_CLOSE)
    assert shutdown_quietly(ours, getattr(socket, how)) is False


def test_returns_false_once_the_connection_is_over(sockets):
    """ "or it is over (you shut it down, the peer sent its FIN, and yours was
    acknowledged)": the first call True, the one after the peer's FIN False
    (on loopback the ACK of the first FIN is back at once)."""
    ours, peer = sockets.pair()
    assert shutdown_quietly(ours) is True
    assert peer.recv(1024) == b""
    peer.close()
    assert ours.recv(1024) == b""  # the peer's FIN
    assert shutdown_quietly(ours) is False


def test_after_a_close_that_a_makefile_outlives_the_shutdown_happens(sockets):
    """ "(fileno() is -1: after a close() that a makefile() object outlives,
    it is not yet, and the shutdown happens)": close(), then the call, with
    a makefile() object still open: True, and the peer reads b''."""
    ours, peer = sockets.pair()
    with ours.makefile("rb") as file:
        ours.close()
        assert ours.fileno() != -1
        assert shutdown_quietly(ours) is True
        assert peer.recv(1) == b""
    assert file.closed


def test_returns_true_on_linux_if_the_peer_closed_first(sockets):
    """ "or (on macOS, by its source, for SHUT_RD and SHUT_RDWR) the peer sent
    its FIN first": on Linux that is no ENOTCONN: True, and the FIN goes out."""
    ours, peer = sockets.pair()
    peer.shutdown(socket.SHUT_WR)
    sockets.wait_for_state(ours, sockets.TCP_CLOSE_WAIT)
    assert shutdown_quietly(ours) is True
    assert peer.recv(1024) == b""


@pytest.mark.parametrize("how", ["SHUT_RD", "SHUT_WR", "SHUT_RDWR"])
@pytest.mark.parametrize("state", ["fresh", "bound"])
def test_returns_false_if_the_socket_was_never_connected(sockets, how, state):
    """ "or the socket was never connected": False (ENOTCONN), whether the
    socket is fresh or bound."""
    ours = sockets.unconnected()
    if state == "bound":
        ours.bind(("127.0.0.1", 0))
    assert shutdown_quietly(ours, getattr(socket, how)) is False


@pytest.mark.parametrize("how", ["SHUT_WR", "SHUT_RD"])
def test_on_linux_a_tcp_socket_never_connected_is_shut_down_all_the_same(sockets, how):
    """ "On Linux a TCP socket never connected is shut down all the same, for
    a later connect(): then send() raises BrokenPipeError after SHUT_WR, and
    recv() returns b'' without waiting for the peer after SHUT_RD, while
    nothing has arrived": False first; the peer sends nothing, so b'' is not
    its FIN."""
    ours = sockets.unconnected()
    assert shutdown_quietly(ours, getattr(socket, how)) is False
    with socket.create_server(("127.0.0.1", 0)) as listener:
        listener.settimeout(5)
        ours.connect(listener.getsockname())
        theirs = sockets.keep(listener.accept()[0])
    if how == "SHUT_WR":
        with pytest.raises(BrokenPipeError):
            ours.send(b"x")
    else:
        assert ours.recv(1024) == b""
        theirs.sendall(b"late")  # "(what the peer sends is still read)"
        sockets.wait_readable(ours)
        assert ours.recv(1024) == b"late"


@pytest.mark.parametrize("case", ["never connected", "socketpair(), peer closed"])
def test_on_af_unix_sockets_linux_never_answers_enotconn(sockets, case):
    """ "On AF_UNIX sockets Linux never answers ENOTCONN: True, even for a
    socket never connected or one whose peer closed"."""
    if case == "never connected":
        ours = sockets.keep(socket.socket(socket.AF_UNIX, socket.SOCK_STREAM))
    else:
        ours, peer = (sockets.keep(sock) for sock in socket.socketpair())
        peer.close()
    assert shutdown_quietly(ours) is True


def test_raises_any_other_oserror(sockets):
    """ "On a socket not closed yet, it raises any other OSError (EBADF for a
    descriptor closed behind the socket's back, while its number is
    unused ...)"."""
    ours, _ = sockets.pair()
    os.close(ours.fileno())  # behind the socket's back
    try:
        with pytest.raises(OSError) as raised:
            shutdown_quietly(ours)
        assert raised.value.errno == errno.EBADF
    finally:
        ours.detach()  # its descriptor is gone: nothing left to close


def test_once_its_number_is_reused_it_shuts_down_an_unrelated_connection(sockets):
    """ "once another socket reuses it, as the next socket() or accept()
    does, it shuts that socket's connection down, an unrelated one": no
    EBADF but True, and the
    unrelated connection's peer gets a FIN."""
    ours, _ = sockets.pair()
    unrelated = sockets.reuse_number(ours)
    assert shutdown_quietly(ours) is True
    assert sockets.ending(unrelated) == (b"", "FIN")


@pytest.mark.parametrize(
    "how", [3, 7, -1, 2**31, -(2**31) - 1, 2**64, "1", 1.0, True, False]
)
@pytest.mark.parametrize("state", ["open", "closed"])
def test_a_how_that_is_not_a_shut_constant_raises_valueerror_first(sockets, how, state):
    """ "A how that is not socket.SHUT_RD, SHUT_WR or SHUT_RDWR raises
    ValueError first, with no system call": on an open socket or a closed one;
    the connection is not shut down: the peer reads nothing, and a later
    SHUT_WR still sends the FIN."""
    ours, peer = sockets.pair()
    if state == "closed":
        ours.close()
    with pytest.raises(ValueError, match="how must be SHUT_RD, SHUT_WR or SHUT_RDWR"):
        shutdown_quietly(ours, how)
    if state == "open":
        assert sockets.nothing_arrived(peer)
        assert shutdown_quietly(ours) is True
        assert sockets.ending(peer) == (b"", "FIN")


def test_a_bad_how_leaves_an_ssl_socket_speaking_tls(sockets):
    """ "(an SSLSocket's shutdown() would drop TLS, and only then the kernel
    refuse it)": after the ValueError, the TLS layer is still there: what is sent
    next reaches the peer decrypted, through its own TLS layer."""
    ours, peer = sockets.tls_pair()
    with pytest.raises(ValueError):
        shutdown_quietly(ours, 3)
    ours.sendall(b"still TLS")
    assert peer.recv(1024) == b"still TLS"


@pytest.mark.parametrize("how", ["SHUT_RD", "SHUT_WR", "SHUT_RDWR"])
def test_a_connect_still_in_progress_is_abandoned(sockets, how):
    """ "a connect() still in progress (non-blocking, SYN_SENT) is
    abandoned: True, and a later send() raises ConnectionResetError". The
    listener's accept queue is full (backlog 0 holds one connection), so
    Linux drops the second SYN and that connect() stays in SYN_SENT."""
    with socket.create_server(("127.0.0.1", 0), backlog=0) as listener:
        address = listener.getsockname()
        first = sockets.keep(socket.create_connection(address, timeout=5))
        assert first.getsockname()  # connected, queued, never accepted
        ours = sockets.unconnected()
        ours.setblocking(False)
        assert ours.connect_ex(address) == errno.EINPROGRESS
        assert sockets.tcp_state(ours) == sockets.TCP_SYN_SENT
        assert shutdown_quietly(ours, getattr(socket, how)) is True
        assert sockets.tcp_state(ours) == sockets.TCP_CLOSE
        ours.settimeout(5)
        with pytest.raises(ConnectionResetError):
            ours.send(b"x")


@pytest.mark.parametrize("family", ["TCP", "AF_UNIX"])
@pytest.mark.parametrize("how", ["SHUT_RD", "SHUT_WR", "SHUT_RDWR"])
def test_a_listening_socket_is_no_error_on_linux(sockets, tmp_path, how, family):
    """ "On Linux a listening socket is no error: True (SHUT_RD and
    SHUT_RDWR stop it listening: a new connection is refused; over TCP the
    connections queued unaccepted are reset, on AF_UNIX they can still be
    accepted)": a connection queued before the call; with SHUT_WR the
    listener still accepts it and a new one."""
    if family == "TCP":
        listener = sockets.keep(socket.create_server(("127.0.0.1", 0)))
        client = sockets.unconnected()
    else:
        listener = sockets.keep(socket.socket(socket.AF_UNIX))
        listener.bind(str(tmp_path / "listener"))
        listener.listen()
        client = sockets.keep(socket.socket(socket.AF_UNIX))
        client.settimeout(5)
    address = listener.getsockname()
    queued = sockets.keep(socket.socket(listener.family))
    queued.settimeout(5)
    queued.connect(address)
    assert shutdown_quietly(listener, getattr(socket, how)) is True
    listener.settimeout(5)
    if how == "SHUT_WR":
        sockets.keep(listener.accept()[0])
        client.connect(address)
        sockets.keep(listener.accept()[0])
        return
    with pytest.raises(ConnectionRefusedError):
        client.connect(address)
    if family == "TCP":
        with pytest.raises(ConnectionResetError):
            queued.recv(1)
    else:
        accepted = sockets.keep(listener.accept()[0])
        queued.sendall(b"request")
        accepted.settimeout(5)
        assert accepted.recv(64) == b"request"


def tls_records(data: bytes) -> list[tuple[int, int]]:
    """(content type, length) of each TLS record in data, which must hold
    whole records and nothing else."""
    records = []
    while data:
        assert len(data) >= 5, f"a partial record header: {data!r}"
        content_type, _, length = struct.unpack("!BHH", data[:5])
        assert len(data) >= 5 + length, "a partial record"
        records.append((content_type, length))
        data = data[5 + length :]
    return records


def test_on_an_ssl_socket_after_shut_rd_later_sends_are_plaintext(sockets):
    """and after SHUT_RD, which leaves sending open,
    later send() calls send plaintext.

    shutdown_quietly(ours, SHUT_RD) on a TLS connection: True; then
    ours.sendall(b"secret"), and the peer's raw socket reads b"secret", the
    plaintext, not a TLS record."""
    ours, peer = sockets.tls_pair()
    assert shutdown_quietly(ours, socket.SHUT_RD) is True
    ours.sendall(b"secret")
    raw = bytearray()
    for _ in range(100):  # bounded; each recv() by the socket's timeout
        raw += socket.socket.recv(peer, 6 - len(raw))
        if len(raw) == 6:
            break
    assert bytes(raw) == b"secret"


def test_on_an_ssl_socket_later_recv_calls_read_the_peers_tls_records_raw(sockets):
    """ "On an ssl.SSLSocket, shutdown() ends the TLS layer first, without
    close_notify: later recv() calls read the peer's TLS records raw".

    The peer's reply has arrived, unread, when shutdown_quietly() returns
    True; the peer gets a FIN, and no close_notify before it; it sends
    another reply and closes. recv() on ours then returns the raw stream:
    whole TLS application-data records (content type 23, 0x17), not the
    plaintext of either reply."""
    ours, peer = sockets.tls_pair()
    peer.sendall(b"reply before the shutdown")
    sockets.wait_readable(ours)
    assert shutdown_quietly(ours) is True
    assert sockets.ending(peer) == (b"", "FIN")  # no bytes: no close_notify
    peer.sendall(b"reply after the shutdown")
    peer.close()
    data = bytearray()
    for _ in range(100):  # bounded; each recv() by the socket's timeout
        chunk = ours.recv(65536)
        if not chunk:
            break
        data += chunk
    assert data[0] == 0x17
    assert {content_type for content_type, _ in tls_records(bytes(data))} == {0x17}
    assert b"reply" not in data


@pytest.mark.parametrize("how", ["SHUT_WR", "SHUT_RDWR"])
def test_returns_false_once_the_kernel_timed_the_connection_out(sockets, how):
    """Returns False if ... the kernel answers ENOTCONN: ... or the kernel
    timed it out (keepalive, TCP_USER_TIMEOUT)

    The peer vanished while a byte of ours was unacknowledged, and
    TCP_USER_TIMEOUT (200 ms) ends the connection: once the kernel has
    reported ETIMEDOUT (to a recv() here), shutdown_quietly() returns
    False, and the socket stays open."""
    ours, _ = sockets.vanished_pair()
    ours.setsockopt(socket.IPPROTO_TCP, socket.TCP_USER_TIMEOUT, 200)
    ours.sendall(b"x")
    ours.settimeout(5)
    with pytest.raises(TimeoutError) as raised:
        ours.recv(1)
    assert raised.value.errno == errno.ETIMEDOUT
    assert shutdown_quietly(ours, getattr(socket, how)) is False
    assert ours.fileno() != -1


def test_a_udp_socket_never_connected_gives_false_but_is_shut_down(sockets):
    """A UDP socket never connected gives ENOTCONN, so False, but Linux shuts
    it down all the same: a later sendto() raises BrokenPipeError after
    SHUT_WR."""
    udp = sockets.keep(socket.socket(socket.AF_INET, socket.SOCK_DGRAM))
    udp.settimeout(5)
    target = sockets.keep(socket.socket(socket.AF_INET, socket.SOCK_DGRAM))
    target.bind(("127.0.0.1", 0))
    assert shutdown_quietly(udp) is False
    with pytest.raises(BrokenPipeError):
        udp.sendto(b"x", target.getsockname())
