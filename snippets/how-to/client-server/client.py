"""Terminal 2: python client.py PORT, with the PORT the server was given.

Reads until the server's FIN (recv() returns b''), then closes.
"""

import socket
import sys

if len(sys.argv) != 2 or not sys.argv[1].isdigit():
    sys.exit(f"usage: python {sys.argv[0]} PORT   (the same PORT for server.py)")
port = int(sys.argv[1])
with socket.create_connection(("127.0.0.1", port), timeout=5) as sock:
    chunks = []
    for _ in range(1000):  # at most 1000 reads
        chunk = sock.recv(4096)
        if not chunk:
            break
        chunks.append(chunk)
    print("client:", b"".join(chunks))
    #> client: b'hello from the server'
