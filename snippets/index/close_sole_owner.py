"""close() on the only reference, nothing unread: the peer reads all data, then b''."""

import socket

with socket.create_server(("127.0.0.1", 0)) as listener:
    with socket.create_connection(listener.getsockname(), timeout=5) as client:
        server, _ = listener.accept()
        with server:
            server.sendall(b"last words")
        # The server's socket is closed: its FIN follows the data.
        print(client.recv(1024))
        #> b'last words'
        print(client.recv(1024))
        #> b''
