"""Linux only: data sent after SHUT_RD is delivered; after SHUT_RDWR it draws a reset.

The same steps twice: this end shuts down, then the peer sends b"late",
then sends again. After SHUT_RD alone nothing changes on the wire and recv()
returns the late data. After SHUT_RDWR, Linux answers data arriving on a
shut-down read side with RST (RFC 1122): this end's recv() raises
ECONNRESET, and the peer, whose first send() succeeded, fails its next one.
The states are this end's, then the peer's.
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


# --8<-- [start:late_data]
def late_data(how):
    """This end shuts down with `how`; the peer sends. What each end sees."""
    with socket.create_server(("127.0.0.1", 0)) as listener:
        with socket.create_connection(listener.getsockname(), timeout=5) as peer:
            sock, _ = listener.accept()
            with sock:
                sock.settimeout(5)
                sock.shutdown(how)
                sent = peer.send(b"late")
                return [
                    sent,
                    f"{tcp_state(sock)} {tcp_state(peer)}",
                    outcome(lambda: sock.recv(1024)),
                    outcome(lambda: peer.send(b"again")),
                ]


ROWS = ["the peer's send():", "states:", "recv():", "the peer sends again:"]
after_rd = late_data(socket.SHUT_RD)
after_rdwr = late_data(socket.SHUT_RDWR)
print(f"{'':22}{'SHUT_RD':24}SHUT_RDWR")
#>                       SHUT_RD                 SHUT_RDWR
for row, rd, rdwr in zip(ROWS, after_rd, after_rdwr, strict=True):
    print(f"{row:22}{rd!s:24}{rdwr}")
    #> the peer's send():    4                       4
    #> states:               ESTABLISHED ESTABLISHED CLOSE CLOSE
    #> recv():               b'late'                 ConnectionResetError ECONNRESET
    #> the peer sends again: 5                       BrokenPipeError EPIPE
# --8<-- [end:late_data]
