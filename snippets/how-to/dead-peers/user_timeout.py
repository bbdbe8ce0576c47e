"""Linux only: TCP_USER_TIMEOUT and what ends the connection are Linux's.

The peer is alive but reads nothing, so its receive buffer fills and it
advertises a zero window; the sender's data waits. With TCP_USER_TIMEOUT,
Linux ends the connection once that lasts longer than the timeout and
reports ETIMEDOUT; without it, here only the socket timeout of the blocked
call fires, and the connection stays. Reads TCP_INFO.
"""

import contextlib
import errno
import select
import socket

# Linux's TCP states (include/net/tcp_states.h): the first byte of TCP_INFO,
# and the st column of /proc/net/tcp, which writes them in hex.
STATES = {
    1: "ESTABLISHED", 2: "SYN_SENT", 3: "SYN_RECV", 4: "FIN_WAIT1",
    5: "FIN_WAIT2", 6: "TIME_WAIT", 7: "CLOSE", 8: "CLOSE_WAIT", 9: "LAST_ACK",
    10: "LISTEN", 11: "CLOSING", 12: "NEW_SYN_RECV", 13: "BOUND_INACTIVE",
}


def tcp_state(sock):
    """The kernel's TCP state of sock: the first byte of struct tcp_info."""
    state = sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_INFO, 1)[0]
    return STATES.get(state, str(state))


def outcome(call):
    """What call() returned, or the class and errno name of the OSError it raised.

    The errno name only if errno holds one: a socket timeout's TimeoutError
    has none, and the exceptions that modules define (for TLS, for address
    lookups) hold codes of their own there. Other exceptions propagate.
    """
    try:
        return call()
    except OSError as exc:
        if exc.errno is None or type(exc).__module__ != "builtins":
            return type(exc).__name__
        return f"{type(exc).__name__} {errno.errorcode.get(exc.errno, exc.errno)}"


@contextlib.contextmanager
def connection():
    """Both ends of a TCP connection over 127.0.0.1."""
    with socket.create_server(("127.0.0.1", 0)) as listener:
        with socket.create_connection(listener.getsockname(), timeout=5) as client:
            server, _ = listener.accept()
            with server:
                server.settimeout(5)
                yield client, server


def send_until_full(sock, limit=1000):
    """Send while select() says writable (at most limit sends); return the count."""
    sent = 0
    for _ in range(limit):
        _, writable, _ = select.select([], [sock], [], 0)
        if not writable:
            break
        sent += sock.send(b"." * 65536)
    return sent


def raised(call):
    """The exception call() raised: class and message as printed, then errno name."""
    try:
        call()
    except OSError as exc:
        return f"{type(exc).__name__}: {exc}; errno: {errno.errorcode.get(exc.errno)}"
    return "nothing"


def read_until_error(sock, limit=10_000):
    """What ends the peer's reading: b'' or the OSError, as outcome() names it.

    At most limit reads; other exceptions propagate.
    """

    def read():
        for _ in range(limit):
            if not sock.recv(65536):
                return "b''"
        return "no end within the limit"

    return outcome(read)


# --8<-- [start:readback]
with socket.socket() as sock:
    print("default:", sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_USER_TIMEOUT))
    #> default: 0
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_USER_TIMEOUT, 1000)  # (1)!
    print("set:", sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_USER_TIMEOUT))
    #> set: 1000
# --8<-- [end:readback]

# --8<-- [start:without]
with connection() as (sock, peer):
    send_until_full(sock)  # (1)!
    sock.settimeout(2)
    print("recv():", raised(lambda: sock.recv(1024)))  # (2)!
    #> recv(): TimeoutError: timed out; errno: None
    print("states:", tcp_state(sock), tcp_state(peer))
    #> states: ESTABLISHED ESTABLISHED
# --8<-- [end:without]

# --8<-- [start:with]
with connection() as (sock, peer):
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_USER_TIMEOUT, 1000)
    send_until_full(sock)
    sock.settimeout(5)
    print("recv():", raised(lambda: sock.recv(1024)))  # (1)!
    #> recv(): TimeoutError: [Errno 110] Connection timed out; errno: ETIMEDOUT
    print("states:", tcp_state(sock), tcp_state(peer))  # (2)!
    #> states: CLOSE ESTABLISHED
    print("then:", outcome(lambda: sock.recv(1024)), outcome(lambda: sock.send(b"x")))
    #> then: b'' BrokenPipeError EPIPE
    print("the peer reads until:", read_until_error(peer))  # (3)!
    #> the peer reads until: ConnectionResetError ECONNRESET
# --8<-- [end:with]
