"""shutdown() and close() do different jobs; neither one includes the other.

close() alone ends a connection that nothing else holds. shutdown(SHUT_WR)
and shutdown(SHUT_RDWR) end this side's sending, and release nothing. After
close(), the calls that reach the kernel fail (unless a makefile() object
still holds it).
"""

import socket

with socket.create_server(("127.0.0.1", 0)) as listener:
    # --8<-- [start:close_alone]
    with socket.create_connection(listener.getsockname(), timeout=5) as peer:
        conn, _ = listener.accept()
        with conn:
            conn.sendall(b"bye\n")
        print("after close() alone:", peer.recv(1024), peer.recv(1024))  # (1)!
        #> after close() alone: b'bye\n' b''
    # --8<-- [end:close_alone]

    # --8<-- [start:shutdown]
    with socket.create_connection(listener.getsockname(), timeout=5) as peer:
        conn, _ = listener.accept()
        with conn:
            conn.settimeout(5)
            conn.shutdown(socket.SHUT_WR)
            print("the peer reads:", peer.recv(1024))
            #> the peer reads: b''
            peer.sendall(b"reply\n")
            print("the connection goes on:", conn.recv(1024))  # (1)!
            #> the connection goes on: b'reply\n'
            conn.shutdown(socket.SHUT_RDWR)
            print("after SHUT_RDWR, still open:", conn.fileno() != -1)  # (2)!
            #> after SHUT_RDWR, still open: True
        try:
            conn.recv(1024)
        except OSError as exc:
            print("after close():", conn.fileno(), type(exc).__name__)  # (3)!
            #> after close(): -1 OSError
    # --8<-- [end:shutdown]
