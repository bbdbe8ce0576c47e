"""Linux only: when shutdown() raises, and when it does not.

Each case builds its own socket and prints what shutdown() returned (None)
or the error it raised: the errno's name for an OSError, else the exception's
name. A case that makes several calls prints a tuple, one result per call
(the connected UDP cases: shutdown(), then send()).
"""

import contextlib
import errno
import select
import socket
import struct


def errno_name(call):
    """What call() returned, or the errno name of the OSError it raised.

    The exception class if errno holds no errno: a socket timeout's
    TimeoutError has none, and the exceptions that modules define (for TLS,
    for address lookups) hold codes of their own there.
    """
    try:
        return call()
    except OSError as exc:
        if exc.errno is None or type(exc).__module__ != "builtins":
            return type(exc).__name__
        return errno.errorcode.get(exc.errno, str(exc.errno))


@contextlib.contextmanager
def connection():
    """Both ends of a TCP connection over 127.0.0.1."""
    with socket.create_server(("127.0.0.1", 0)) as listener:
        with socket.create_connection(listener.getsockname(), timeout=5) as client:
            server, _ = listener.accept()
            with server:
                server.settimeout(5)
                yield client, server


# --8<-- [start:cases]
def never_connected():
    with socket.socket() as sock:
        return errno_name(lambda: sock.shutdown(socket.SHUT_WR))


def never_connected_then_connected():
    with socket.create_server(("127.0.0.1", 0)) as listener:
        with socket.socket() as sock:
            sock.settimeout(5)
            shut = errno_name(lambda: sock.shutdown(socket.SHUT_WR))
            sock.connect(listener.getsockname())  # the shutdown was kept
            return shut, errno_name(lambda: sock.send(b"data"))


def after_a_reset():
    with connection() as (sock, peer):
        peer.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        peer.close()  # an abort: RST
        select.select([sock], [], [], 5)  # until the reset has arrived
        return errno_name(lambda: sock.shutdown(socket.SHUT_WR))


def bad_how():
    with connection() as (sock, peer):
        return errno_name(lambda: sock.shutdown(3))  # only 0, 1, 2 are valid


def how_beyond_a_c_int():
    with connection() as (sock, peer):
        try:
            sock.shutdown(2**31)  # Python converts how to a C int first
        except OverflowError as exc:  # not an OSError: no system call made
            return type(exc).__name__


def twice():
    with connection() as (sock, peer):
        first = errno_name(lambda: sock.shutdown(socket.SHUT_WR))
        return first, errno_name(lambda: sock.shutdown(socket.SHUT_WR))


def twice_peer_closed():
    with connection() as (sock, peer):
        peer.close()
        sock.recv(1024)  # b'': the peer's FIN
        first = errno_name(lambda: sock.shutdown(socket.SHUT_WR))
        return first, errno_name(lambda: sock.shutdown(socket.SHUT_WR))


def listening():
    with socket.create_server(("127.0.0.1", 0)) as listener:
        listener.settimeout(5)
        wr = errno_name(lambda: listener.shutdown(socket.SHUT_WR))
        rdwr = errno_name(lambda: listener.shutdown(socket.SHUT_RDWR))
        return wr, rdwr, errno_name(listener.accept)


def udp_not_connected():
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return errno_name(lambda: sock.shutdown(socket.SHUT_WR))


def udp_connected(how):
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as receiver:
        receiver.bind(("127.0.0.1", 0))
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
            sock.connect(receiver.getsockname())
            shut = errno_name(lambda: sock.shutdown(how))
            return shut, errno_name(lambda: sock.send(b"datagram"))
# --8<-- [end:cases]


CASES = {
    "never connected": never_connected,
    "never connected: SHUT_WR, then connect() and send()": (
        never_connected_then_connected
    ),
    "after a reset": after_a_reset,
    "how=3": bad_how,
    "how=2**31": how_beyond_a_c_int,
    "SHUT_WR twice": twice,
    "SHUT_WR twice, the peer closed in between": twice_peer_closed,
    "listening: SHUT_WR, SHUT_RDWR, then accept()": listening,
    "UDP, not connected": udp_not_connected,
    "UDP, connected: SHUT_WR, then send()": lambda: udp_connected(socket.SHUT_WR),
    "UDP, connected: SHUT_RD, then send()": lambda: udp_connected(socket.SHUT_RD),
}
for name, case in CASES.items():
    print(f"{name}: {case()}")
    #> never connected: ENOTCONN
    #> never connected: SHUT_WR, then connect() and send(): ('ENOTCONN', 'EPIPE')
    #> after a reset: ENOTCONN
    #> how=3: EINVAL
    #> how=2**31: OverflowError
    #> SHUT_WR twice: (None, None)
    #> SHUT_WR twice, the peer closed in between: (None, 'ENOTCONN')
    #> listening: SHUT_WR, SHUT_RDWR, then accept(): (None, None, 'EINVAL')
    #> UDP, not connected: ENOTCONN
    #> UDP, connected: SHUT_WR, then send(): (None, 'EPIPE')
    #> UDP, connected: SHUT_RD, then send(): (None, 8)
