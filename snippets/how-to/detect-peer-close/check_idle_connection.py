"""Linux only: a reset reported by recv(MSG_PEEK) is what Linux does here.

Before reusing an idle connection (one kept in a pool), check it without
reading its data: a selector polled with a zero timeout says whether
anything arrived; if something did, recv(1, MSG_PEEK) tells a FIN (b''), data, or a
reset (ConnectionResetError) apart and leaves the data in place. A reset is
reported once: the check consumes it, and a second check says 'closed'.
"""

import select
import selectors
import socket
import struct

TIMEOUT = 5  # seconds: the bound for every wait in this program
LINGER_0 = struct.pack("ii", 1, 0)  # SO_LINGER on, linger time 0: close() resets


# --8<-- [start:check]
def peer_state(sock):
    """'open', 'data', 'closed', 'reset' or 'failed', without reading the data.

    'closed': the peer's FIN, or an error already reported (a reset, a
    kernel time-out), or your own shutdown(SHUT_RD). 'reset' is
    reported once (this check consumes it): treat it as final, and close.
    'failed': any other error, such as the kernel giving the connection up
    (keepalive, TCP_USER_TIMEOUT: ETIMEDOUT, or an ICMP error it met first,
    such as EHOSTUNREACH); final too.
    A closed socket (fileno() -1) raises ValueError. The selector (epoll
    on Linux) takes any descriptor; select.select() refuses one at or
    above FD_SETSIZE (1024), which a process holding many connections
    reaches.
    """
    with selectors.DefaultSelector() as selector:  # (1)!
        selector.register(sock, selectors.EVENT_READ)
        if not selector.select(0):
            return "open"
    try:
        data = sock.recv(1, socket.MSG_PEEK)  # (2)!
    except ConnectionResetError:
        return "reset"
    except OSError:  # the selector said readable: no wait timed out here
        return "failed"
    return "data" if data else "closed"
# --8<-- [end:check]


def connect(listener):
    """A client socket and the server's end of its connection."""
    client = socket.create_connection(listener.getsockname(), timeout=TIMEOUT)
    conn, _ = listener.accept()
    return client, conn


def arrived(sock):
    """Wait until something reached sock (this program only)."""
    select.select([sock], [], [], TIMEOUT)


with socket.create_server(("127.0.0.1", 0)) as listener:
    listener.settimeout(TIMEOUT)
    client, conn = connect(listener)
    with client, conn:
        print("idle, nothing sent:", peer_state(client))
        #> idle, nothing sent: open
        conn.sendall(b"hello")
        arrived(client)
        print("the peer sent b'hello':", peer_state(client))
        #> the peer sent b'hello': data
        print("then recv():", client.recv(1024))  # still queued
        #> then recv(): b'hello'

    client, conn = connect(listener)
    with client:
        conn.close()
        arrived(client)
        print("the peer closed:", peer_state(client))
        #> the peer closed: closed

    client, conn = connect(listener)
    with client:
        conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, LINGER_0)
        conn.close()
        arrived(client)
        print("the peer reset:", peer_state(client))
        #> the peer reset: reset
        print("checked again:", peer_state(client))  # the reset was consumed
        #> checked again: closed
        print("after the reset, recv():", client.recv(1024))
        #> after the reset, recv(): b''
