"""Linux only: b'', ConnectionResetError and BrokenPipeError the peer did not cause.

In each case the peer neither closes nor aborts. recv(0) returns b'' on an
open connection. After this end's own shutdown(SHUT_RD), recv() returns b''
while nothing is queued, yet still returns data that arrives later (Linux).
After this end's own shutdown(SHUT_RDWR), ordinary data from the peer makes
this end's kernel reset the connection: this end's recv() raises
ConnectionResetError, and the peer's next send() BrokenPipeError. After
this end's own shutdown(SHUT_WR), its send() raises BrokenPipeError while
the peer can still send. The peer's state comes from TCP_INFO.
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


def settle(read, passing, limit=500):
    """Read a state until it is no longer `passing`: at most limit rounds of
    a 10 ms wait and a read."""
    now = read()
    for _ in range(limit):
        if now != passing:
            break
        select.select([], [], [], 0.01)  # a bounded wait, not a sleep
        now = read()
    return now


def wait_for_reset(sock, timeout=5.0):
    """Wait until the socket reports an error or a hang-up; True if it did."""
    poller = select.poll()
    poller.register(sock, 0)
    return bool(poller.poll(timeout * 1000))


def connected(listener):
    """A new connection: (this end, the peer), each with a timeout."""
    peer = socket.create_connection(listener.getsockname(), timeout=5)
    sock, _ = listener.accept()
    sock.settimeout(5)
    return sock, peer


with socket.create_server(("127.0.0.1", 0)) as listener:
    listener.settimeout(5)
    # --8<-- [start:empty]
    sock, peer = connected(listener)
    with sock, peer:
        print(f"recv(0): {sock.recv(0)}; the peer: {tcp_state(peer)}")  # (1)!
        #> recv(0): b''; the peer: ESTABLISHED

    sock, peer = connected(listener)
    with sock, peer:
        sock.shutdown(socket.SHUT_RD)  # (2)!
        print(f"SHUT_RD, recv(): {sock.recv(1024)}; the peer: {tcp_state(peer)}")
        #> SHUT_RD, recv(): b''; the peer: ESTABLISHED
        peer.sendall(b"late")
        settle(lambda: sock.recv(1024, socket.MSG_PEEK), b"")  # until it arrives
        print("the peer sends, recv():", sock.recv(1024))  # (3)!
        #> the peer sends, recv(): b'late'
    # --8<-- [end:empty]

    # --8<-- [start:errors]
    sock, peer = connected(listener)
    with sock, peer:
        sock.shutdown(socket.SHUT_RDWR)  # (1)!
        print("SHUT_RDWR, the peer sends:", peer.send(b"data"))
        #> SHUT_RDWR, the peer sends: 4
        wait_for_reset(peer)  # (2)!
        print("recv():", outcome(lambda: sock.recv(1024)))
        #> recv(): ConnectionResetError ECONNRESET
        print("the peer sends again:", outcome(lambda: peer.send(b"more")))
        #> the peer sends again: BrokenPipeError EPIPE

    sock, peer = connected(listener)
    with sock, peer:
        sock.shutdown(socket.SHUT_WR)  # (3)!
        print("SHUT_WR, send():", outcome(lambda: sock.send(b"x")))
        #> SHUT_WR, send(): BrokenPipeError EPIPE
        print("the peer:", tcp_state(peer), outcome(lambda: peer.send(b"reply")))
        #> the peer: CLOSE_WAIT 5
    # --8<-- [end:errors]
