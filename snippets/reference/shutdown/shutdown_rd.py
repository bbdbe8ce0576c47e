"""Linux only: shutdown(SHUT_RD) stops nothing on the wire.

Data already queued is still returned, then recv() returns b'' at once
instead of blocking; the peer is told nothing, and what it sends later is
still delivered. macOS discards the queued data and Windows resets (see the
platforms page).
"""

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


with socket.create_server(("127.0.0.1", 0)) as listener:
    with socket.create_connection(listener.getsockname(), timeout=5) as peer:
        sock, _ = listener.accept()
        with sock:
            sock.settimeout(5)
            peer.sendall(b"queued")
            select.select([sock], [], [], 5)  # until it has arrived
            # --8<-- [start:shut_rd]
            sock.shutdown(socket.SHUT_RD)
            print("queued data:", sock.recv(1024))  # (1)!
            #> queued data: b'queued'
            sock.setblocking(False)
            print("then, without blocking:", sock.recv(1024))  # (2)!
            #> then, without blocking: b''
            readable, _, _ = select.select([peer], [], [], 0.2)
            print("the peer has something to read:", bool(readable))  # (3)!
            #> the peer has something to read: False
            print("states:", tcp_state(sock), tcp_state(peer))
            #> states: ESTABLISHED ESTABLISHED
            peer.sendall(b"sent later")
            print("sent later:", sock.recv(1024), sock.recv(1024))  # (4)!
            #> sent later: b'sent later' b''
            sock.sendall(b"still sending")
            print("the peer gets:", peer.recv(1024))  # (5)!
            #> the peer gets: b'still sending'
            # --8<-- [end:shut_rd]
