"""Linux only: step 4, close() with unread data resets the connection.

The server answers without reading the client's line, then closes. Linux
then sends a reset instead of the end of the stream.
"""

import select
import socket

with socket.create_server(("127.0.0.1", 0)) as listener:
    with socket.create_connection(listener.getsockname(), timeout=5) as client:
        server, _ = listener.accept()
        with server:
            server.settimeout(5)
            client.sendall(b"hello\n")
            select.select([server], [], [], 5)  # (1)!
            server.sendall(b"hi\n")
        # The server closed with b"hello\n" unread.
        print("client got:", client.recv(1024))  # (2)!
        #> client got: b'hi\n'
        try:
            client.recv(1024)
        except ConnectionResetError as exc:
            print("then:", type(exc).__name__)  # (3)!
            #> then: ConnectionResetError
