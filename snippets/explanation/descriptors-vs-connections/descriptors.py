"""One connection, several references: close() drops one, shutdown() acts on all.

conn.dup() makes a second descriptor for the same connection; detach() hands
the descriptor over without closing it. Here the connection ends only when
the last descriptor is closed, while shutdown() reaches the peer at once.
"""

import select
import socket


def seen_by(peer):
    """What the peer can read now: its bytes, b'' (a FIN), or nothing."""
    readable, _, _ = select.select([peer], [], [], 0.2)
    return peer.recv(1024) if readable else "nothing"


with socket.create_server(("127.0.0.1", 0)) as listener:
    with socket.create_connection(listener.getsockname(), timeout=5) as peer:
        conn, _ = listener.accept()
        conn.settimeout(5)
        # --8<-- [start:references]
        copy = conn.dup()  # (1)!
        print("two descriptors:", conn.fileno() != copy.fileno())
        #> two descriptors: True
        # --8<-- [end:references]

        # --8<-- [start:close]
        conn.close()  # (1)!
        print("released:", conn.fileno() == -1, "| peer sees:", seen_by(peer))
        #> released: True | peer sees: nothing
        copy.sendall(b"via copy\n")  # (2)!
        print("peer sees:", seen_by(peer))
        #> peer sees: b'via copy\n'
        # --8<-- [end:close]

        # --8<-- [start:shutdown]
        copy.shutdown(socket.SHUT_WR)  # (1)!
        print("shutdown | peer sees:", seen_by(peer))
        #> shutdown | peer sees: b''
        peer.sendall(b"reply\n")
        print("copy still receives:", copy.recv(1024))  # (2)!
        #> copy still receives: b'reply\n'
        # --8<-- [end:shutdown]

        # --8<-- [start:detach]
        fd = copy.detach()  # (1)!
        peer.sendall(b"more\n")
        with socket.socket(fileno=fd) as last:  # (2)!
            last.settimeout(5)
            print("copy closed:", copy.fileno() == -1, "| last:", last.recv(1024))
            #> copy closed: True | last: b'more\n'
        # --8<-- [end:detach]
