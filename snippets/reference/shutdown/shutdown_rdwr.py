"""Linux only: shutdown(SHUT_RDWR) is not close().

The descriptor stays open until close(). The peer gets a FIN, as with
SHUT_WR, and nothing else; data it sends afterwards draws a reset.
"""

import errno
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


with socket.create_server(("127.0.0.1", 0)) as listener:
    with socket.create_connection(listener.getsockname(), timeout=5) as peer:
        sock, _ = listener.accept()
        with sock:
            sock.settimeout(5)
            # --8<-- [start:shut_rdwr]
            sock.shutdown(socket.SHUT_RDWR)
            print("descriptor still open:", sock.fileno() != -1)  # (1)!
            #> descriptor still open: True
            print("the peer reads:", peer.recv(1024))  # (2)!
            #> the peer reads: b''
            peer.setsockopt(socket.IPPROTO_TCP, socket.TCP_QUICKACK, 1)
            print("states:", tcp_state(sock), tcp_state(peer))
            #> states: FIN_WAIT2 CLOSE_WAIT
            print("the peer sends:", outcome(lambda: peer.send(b"late")))  # (3)!
            #> the peer sends: 4
            print("states:", tcp_state(sock), tcp_state(peer))
            #> states: CLOSE CLOSE
            print("the peer sends again:", outcome(lambda: peer.send(b"late")))
            #> the peer sends again: BrokenPipeError EPIPE
            # --8<-- [end:shut_rdwr]
        print("after close():", sock.fileno())
        #> after close(): -1
