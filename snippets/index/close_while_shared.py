"""close() drops one reference; shutdown() acts on the connection at once.

Here a dup() keeps the connection alive after close(): the peer sees nothing
(an inherited descriptor or an open makefile() object does the same: see
close_shared.py on the close() page).
shutdown() acts on the connection itself, whoever else holds it: its FIN
goes out behind any data still queued.
"""

import select
import socket

with socket.create_server(("127.0.0.1", 0)) as listener:
    with socket.create_connection(listener.getsockname(), timeout=5) as client:
        server, _ = listener.accept()
        with server.dup() as copy:  # or a child process, or server.makefile()
            server.close()
            readable, _, _ = select.select([client], [], [], 0.2)
            print("after close(), the peer has something to read:", bool(readable))
            #> after close(), the peer has something to read: False
            copy.shutdown(socket.SHUT_WR)
            print("after shutdown():", client.recv(1024))
            #> after shutdown(): b''
