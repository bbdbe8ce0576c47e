"""Step 1: open a connection on localhost and send a line."""

import socket

with socket.create_server(("127.0.0.1", 0)) as listener:  # (1)!
    with socket.create_connection(listener.getsockname(), timeout=5) as client:  # (2)!
        server, _ = listener.accept()  # (3)!
        with server:
            server.settimeout(5)
            client.sendall(b"hello\n")
            print("server got:", server.recv(1024))
            #> server got: b'hello\n'
            server.sendall(b"hi\n")
            print("client got:", client.recv(1024))
            #> client got: b'hi\n'
