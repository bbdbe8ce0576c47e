"""Step 5: an abort (SO_LINGER on, zero timeout, then close) sends a reset."""

import socket
import struct

with socket.create_server(("127.0.0.1", 0)) as listener:
    with socket.create_connection(listener.getsockname(), timeout=5) as client:
        server, _ = listener.accept()
        with server:
            server.settimeout(5)
            linger = struct.pack("ii", 1, 0)  # (1)!
            server.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, linger)
        try:
            client.recv(1024)
        except ConnectionResetError as exc:
            print("client got:", type(exc).__name__)  # (2)!
            #> client got: ConnectionResetError
