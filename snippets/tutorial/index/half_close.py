"""Step 3: shutdown(SHUT_WR) ends one direction; the other still works."""

import socket

with socket.create_server(("127.0.0.1", 0)) as listener:
    with socket.create_connection(listener.getsockname(), timeout=5) as client:
        server, _ = listener.accept()
        with server:
            server.settimeout(5)
            client.sendall(b"hello\n")
            client.shutdown(socket.SHUT_WR)  # (1)!
            print("server got:", server.recv(1024), server.recv(1024))
            #> server got: b'hello\n' b''
            server.sendall(b"hi\n")  # (2)!
        print("client got:", client.recv(1024), client.recv(1024))  # (3)!
        #> client got: b'hi\n' b''
