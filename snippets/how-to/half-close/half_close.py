"""Half-close: send a request, shutdown(SHUT_WR), then read the whole reply.

One thread plays both ends: the kernel buffers each side's data, so the
calls can run one after the other.
"""

import errno
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
            # --8<-- [start:client]
            client.sendall(b"sum 1 2 3")
            client.shutdown(socket.SHUT_WR)  # (1)!
            # --8<-- [end:client]

            # --8<-- [start:server]
            request = read_until_eof(server)  # (1)!
            print("server got:", request)
            #> server got: b'sum 1 2 3'
            numbers = [int(n) for n in request.split()[1:]]
            server.sendall(str(sum(numbers)).encode())  # (2)!
            # --8<-- [end:server]

        # --8<-- [start:reply]
        print("client got:", read_until_eof(client))
        #> client got: b'6'
        try:
            client.sendall(b"one more thing")  # (1)!
        except BrokenPipeError as exc:
            print(type(exc).__name__, errno.errorcode[exc.errno])
            #> BrokenPipeError EPIPE
        # --8<-- [end:reply]
