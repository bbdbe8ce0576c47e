"""Step 6: the pattern to copy. Say you are done, read until b'', then close."""

import socket


def read_until_eof(sock, max_bytes=1 << 20):
    """Read until the peer's FIN (recv() returns b''), at most max_bytes."""
    chunks = []
    size = 0
    while size <= max_bytes:
        chunk = sock.recv(65536)
        if not chunk:
            return b"".join(chunks)
        chunks.append(chunk)
        size += len(chunk)
    raise ValueError(f"peer sent more than {max_bytes} bytes")


with socket.create_server(("127.0.0.1", 0)) as listener:
    with socket.create_connection(listener.getsockname(), timeout=5) as client:
        server, _ = listener.accept()
        with server:
            server.settimeout(5)
            client.sendall(b"hello\n")
            client.shutdown(socket.SHUT_WR)  # (1)!
            request = read_until_eof(server)  # (2)!
            print("server got:", request)
            #> server got: b'hello\n'
            server.sendall(b"hi, you said " + request)  # (3)!
        print("client got:", read_until_eof(client))  # (4)!
        #> client got: b'hi, you said hello\n'
