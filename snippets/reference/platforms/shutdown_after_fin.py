"""Linux only: shutdown() after the peer's FIN, and the same direction twice.

Each case builds its own connection over 127.0.0.1 and prints what
shutdown() returned (None) or the errno name of the OSError it raised.
Linux accepts each of these calls. XNU's source answers ENOTCONN to SHUT_RD
and SHUT_RDWR after the peer's FIN, and to a direction already shut down (the
second SHUT_RD or SHUT_RDWR), not to SHUT_WR after the peer's FIN nor to the
first call of a pair (see the Platforms page).
"""

import contextlib
import errno
import socket

# Linux's TCP states (include/net/tcp_states.h): the first byte of TCP_INFO,
# and the st column of /proc/net/tcp, which writes them in hex.
STATES = {
    1: "ESTABLISHED", 2: "SYN_SENT", 3: "SYN_RECV", 4: "FIN_WAIT1",
    5: "FIN_WAIT2", 6: "TIME_WAIT", 7: "CLOSE", 8: "CLOSE_WAIT", 9: "LAST_ACK",
    10: "LISTEN", 11: "CLOSING", 12: "NEW_SYN_RECV", 13: "BOUND_INACTIVE",
}


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


def tcp_state(sock):
    """The kernel's TCP state of sock: the first byte of struct tcp_info."""
    state = sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_INFO, 1)[0]
    return STATES.get(state, str(state))


@contextlib.contextmanager
def connection():
    """Both ends of a TCP connection over 127.0.0.1."""
    with socket.create_server(("127.0.0.1", 0)) as listener:
        with socket.create_connection(listener.getsockname(), timeout=5) as client:
            server, _ = listener.accept()
            with server:
                server.settimeout(5)
                yield client, server


def after_the_peers_fin(how):
    """shutdown(how) once the peer has closed and its FIN has been read."""
    with connection() as (sock, peer):
        peer.close()  # (1)!
        eof = sock.recv(1024)
        return eof, tcp_state(sock), errno_name(lambda: sock.shutdown(how))


def same_direction_twice(how):
    """shutdown(how), twice, on a live connection."""
    with connection() as (sock, peer):
        first = errno_name(lambda: sock.shutdown(how))
        return first, errno_name(lambda: sock.shutdown(how))  # (2)!


for name in ("SHUT_RD", "SHUT_WR", "SHUT_RDWR"):
    eof, state, result = after_the_peers_fin(getattr(socket, name))
    print(f"the peer closed, recv() {eof}, {state}: {name} {result}")
    #> the peer closed, recv() b'', CLOSE_WAIT: SHUT_RD None
    #> the peer closed, recv() b'', CLOSE_WAIT: SHUT_WR None
    #> the peer closed, recv() b'', CLOSE_WAIT: SHUT_RDWR None
for name in ("SHUT_RD", "SHUT_RDWR"):
    print(f"{name} twice: {same_direction_twice(getattr(socket, name))}")
    #> SHUT_RD twice: (None, None)
    #> SHUT_RDWR twice: (None, None)
