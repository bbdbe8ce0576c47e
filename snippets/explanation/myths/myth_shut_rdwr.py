"""Linux only: with nothing unread, SHUT_RDWR, SHUT_WR and close() look alike to a peer.

They look alike until the peer sends; close() with bytes unread would reset instead.

Here each sends one FIN. The peer reads b'' and its side of the connection waits
in CLOSE_WAIT (read with TCP_INFO) until its own program closes it. What it
sends then tells them apart: after SHUT_WR it is delivered, after SHUT_RDWR
it draws a reset.
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


def reset_arrived(sock, timeout=5.0):
    """Wait, bounded, until the socket reports an error or hang-up.

    POLLHUP also follows an orderly close in both directions; here the peer
    sends no FIN, so what it reports is a reset.
    """
    poller = select.poll()
    poller.register(sock, 0)  # POLLERR and POLLHUP are always reported
    return bool(poller.poll(timeout * 1000))


def what_the_peer_sees(end):
    with socket.create_server(("127.0.0.1", 0)) as listener:
        with socket.create_connection(listener.getsockname(), timeout=5) as peer:
            conn, _ = listener.accept()
            with conn:
                conn.settimeout(5)
                end(conn)
                return peer.recv(1024), tcp_state(peer)


# --8<-- [start:same]
print("SHUT_WR:  ", what_the_peer_sees(lambda s: s.shutdown(socket.SHUT_WR)))
#> SHUT_WR:   (b'', 'CLOSE_WAIT')
print("SHUT_RDWR:", what_the_peer_sees(lambda s: s.shutdown(socket.SHUT_RDWR)))
#> SHUT_RDWR: (b'', 'CLOSE_WAIT')
print("close():  ", what_the_peer_sees(lambda s: s.close()))
#> close():   (b'', 'CLOSE_WAIT')
# --8<-- [end:same]

# --8<-- [start:answer]
with socket.create_server(("127.0.0.1", 0)) as listener:
    with socket.create_connection(listener.getsockname(), timeout=5) as peer:
        conn, _ = listener.accept()
        with conn:
            conn.settimeout(5)
            conn.shutdown(socket.SHUT_RDWR)
            peer.recv(1024)  # b''
            print("the peer answers:", peer.send(b"answer"))  # (1)!
            #> the peer answers: 6
            print("and gets a reset:", reset_arrived(peer), tcp_state(peer))
            #> and gets a reset: True CLOSE
# --8<-- [end:answer]
