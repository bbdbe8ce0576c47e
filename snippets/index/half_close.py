"""shutdown(SHUT_WR): the peer reads b'' yet can still answer, and we read it."""

import socket

with socket.create_server(("127.0.0.1", 0)) as listener:
    with socket.create_connection(listener.getsockname(), timeout=5) as client:
        server, _ = listener.accept()
        with server:
            server.settimeout(5)
            client.sendall(b"ping")
            client.shutdown(socket.SHUT_WR)
            print(server.recv(1024), server.recv(1024))
            #> b'ping' b''
            server.sendall(b"pong")
        print(client.recv(1024))
        #> b'pong'
