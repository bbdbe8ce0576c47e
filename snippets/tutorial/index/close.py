"""Step 2: close() with nothing unread ends the connection; the other side reads b''."""

import socket

with socket.create_server(("127.0.0.1", 0)) as listener:
    with socket.create_connection(listener.getsockname(), timeout=5) as client:
        server, _ = listener.accept()
        with server:
            server.settimeout(5)
            client.sendall(b"hello\n")
            client.close()  # (1)!
            print("server got:", server.recv(1024), server.recv(1024))  # (2)!
            #> server got: b'hello\n' b''
            print("and again:", server.recv(1024))  # (3)!
            #> and again: b''
