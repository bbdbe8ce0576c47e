"""Linux only: a reset in CLOSE_WAIT gives EPIPE, not ECONNRESET.

The peer closes with unread data, so its kernel sends RST. What this end's
next calls report depends on the TCP state the reset finds, not on whether
the program has read the end-of-file: in ESTABLISHED, Linux records
ECONNRESET (ConnectionResetError) for the first call, send() or recv(); in
CLOSE_WAIT (the peer's FIN came first) it records EPIPE (BrokenPipeError),
which send() reports while recv() returns b'' once any data that came
before it is read. After the one error, send() fails with EPIPE in every
case here, and recv() returns b'' once that data is read.
"""

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


# --8<-- [start:reset]
def after_reset(peer_fin, read_fin, order):
    """The peer resets the connection; then sock makes the calls in `order`.

    Returns sock's TCP state when the reset came and what each call gave.
    """
    with socket.create_server(("127.0.0.1", 0)) as listener:
        with socket.create_connection(listener.getsockname(), timeout=5) as sock:
            peer, _ = listener.accept()
            with peer:
                if peer_fin:
                    peer.shutdown(socket.SHUT_WR)
                if read_fin:
                    sock.recv(1024)  # b'': the peer's FIN
                sock.sendall(b"unread")
                select.select([peer], [], [], 5)  # it has arrived, unread
                state = tcp_state(sock)
            # The peer's close() with data unread sent RST, not FIN.
            poller = select.poll()
            poller.register(sock, 0)
            poller.poll(5000)  # returns once the reset has arrived
            calls = {
                "send()": lambda: sock.send(b"x"),
                "recv()": lambda: sock.recv(1024),
            }
            return state, [f"{name} {errno_name(calls[name])}" for name in order]


CASES = {  # name: (the peer sent FIN first, sock's recv() read it)
    "no FIN": (False, False),
    "FIN not read": (True, False),
    "FIN read": (True, True),
}
for order in (("send()", "recv()"), ("recv()", "send()")):
    for case, (peer_fin, read_fin) in CASES.items():
        state, seen = after_reset(peer_fin, read_fin, order)
        print(f"{state}, {case}:".ljust(25), ", ".join(seen))
        #> ESTABLISHED, no FIN:      send() ECONNRESET, recv() b''
        #> CLOSE_WAIT, FIN not read: send() EPIPE, recv() b''
        #> CLOSE_WAIT, FIN read:     send() EPIPE, recv() b''
        #> ESTABLISHED, no FIN:      recv() ECONNRESET, send() EPIPE
        #> CLOSE_WAIT, FIN not read: recv() b'', send() EPIPE
        #> CLOSE_WAIT, FIN read:     recv() b'', send() EPIPE
# --8<-- [end:reset]
