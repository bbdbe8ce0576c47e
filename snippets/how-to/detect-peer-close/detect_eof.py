"""Here recv() returning b'' is an orderly end of file: the peer sent FIN.

A FIN only ends the peer's sending. A peer that called shutdown(SHUT_WR)
still reads, so the connection stays writable in our direction.
"""

import socket

with socket.create_server(("127.0.0.1", 0)) as listener:
    with socket.create_connection(listener.getsockname(), timeout=5) as peer:
        conn, _ = listener.accept()
        with conn:
            conn.settimeout(5)
            peer.sendall(b"request")
            peer.shutdown(socket.SHUT_WR)  # (1)!
            print("recv():", conn.recv(1024))
            #> recv(): b'request'
            print("recv():", conn.recv(1024))  # (2)!
            #> recv(): b''
            print("recv() again:", conn.recv(1024))  # (3)!
            #> recv() again: b''
            conn.sendall(b"reply")  # (4)!
        print("the peer reads:", peer.recv(1024), peer.recv(1024))
        #> the peer reads: b'reply' b''
