"""Linux only: shutdown(SHUT_RDWR) is not close().

The descriptor stays open until close(). The peer gets a FIN, as with
SHUT_WR, and nothing else; data it sends afterwards draws a reset.
"""

import errno
import socket

STATES = {1: "ESTABLISHED", 5: "FIN_WAIT2", 7: "CLOSE", 8: "CLOSE_WAIT"}


def tcp_state(sock):
    """The kernel's TCP state of sock: the first byte of struct tcp_info."""
    return STATES.get(sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_INFO, 1)[0])


def outcome(call):
    """What call() returned, or the exception class and errno name it raised."""
    try:
        return call()
    except OSError as exc:
        return f"{type(exc).__name__} {errno.errorcode[exc.errno]}"


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
