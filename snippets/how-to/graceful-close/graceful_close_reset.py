"""Linux only: close() with unread request bytes sends RST instead of FIN.

The server reads the first 1 KiB of a 10 KB upload, answers and closes.
The bytes it never read make the kernel reset the connection: the client
gets ConnectionResetError instead of b'', and reply bytes still queued in
the server's kernel are thrown away. One thread plays both ends.
"""

import errno
import select
import socket

REQUEST = b"PUT /upload\n" + b"x" * 10_000


def send_until_full(sock, limit=1000):
    """Send while select() says writable (at most limit sends); return the count."""
    sent = 0
    for _ in range(limit):
        _, writable, _ = select.select([], [sock], [], 0)
        if not writable:
            break
        sent += sock.send(b"." * 65536)
    return sent


# A short reply: it reaches the client's receive buffer before the reset.
with socket.create_server(("127.0.0.1", 0)) as listener:
    with socket.create_connection(listener.getsockname(), timeout=5) as client:
        server, _ = listener.accept()
        with server:
            server.settimeout(5)
            # --8<-- [start:short]
            client.sendall(REQUEST)
            server.recv(1024)  # (1)!
            server.sendall(b"413 Content Too Large\n")
            server.close()  # (2)!
            print(client.recv(1024))  # (3)!
            #> b'413 Content Too Large\n'
            try:
                client.recv(1024)  # (4)!
            except ConnectionResetError as exc:
                print(type(exc).__name__, errno.errorcode[exc.errno])
                #> ConnectionResetError ECONNRESET
            # --8<-- [end:short]

# A long reply: part of it is still queued in the server's kernel at close().
with socket.create_server(("127.0.0.1", 0)) as listener:
    with socket.create_connection(listener.getsockname(), timeout=5) as client:
        server, _ = listener.accept()
        with server:
            server.settimeout(5)
            # --8<-- [start:long]
            client.sendall(REQUEST)
            server.recv(1024)
            queued = send_until_full(server)  # (1)!
            server.close()
            received = 0
            try:
                for _ in range(1000):
                    chunk = client.recv(65536)
                    if not chunk:
                        break
                    received += len(chunk)
            except ConnectionResetError as exc:
                print("client got", type(exc).__name__)
                #> client got ConnectionResetError
            print("client received everything the server queued:", received == queued)
            #> client received everything the server queued: False
            # --8<-- [end:long]
