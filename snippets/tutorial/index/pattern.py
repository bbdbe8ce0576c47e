"""Step 6: the pattern to copy. Say you are done, read until b'', then close."""

import socket


def read_all(sock, max_bytes=1 << 20):
    """Read until the peer's FIN (b''), at most max_bytes."""
    data = b""
    while len(data) <= max_bytes:
        chunk = sock.recv(65536)
        if not chunk:
            return data
        data += chunk
    raise ValueError("the peer sent too much")


with socket.create_server(("127.0.0.1", 0)) as listener:
    with socket.create_connection(listener.getsockname(), timeout=5) as client:
        server, _ = listener.accept()
        with server:
            server.settimeout(5)
            client.sendall(b"hello\n")
            client.shutdown(socket.SHUT_WR)  # (1)!
            request = read_all(server)  # (2)!
            print("server got:", request)
            #> server got: b'hello\n'
            server.sendall(b"hi, you said " + request)  # (3)!
        print("client got:", read_all(client))  # (4)!
        #> client got: b'hi, you said hello\n'
