"""SO_LINGER on with a zero timeout, then close(): the peer gets a reset."""

import errno
import socket
import struct

with socket.create_server(("127.0.0.1", 0)) as listener:
    with socket.create_connection(listener.getsockname(), timeout=5) as client:
        server, _ = listener.accept()
        with server:
            server.setsockopt(
                socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0)
            )
        # close() sent RST instead of FIN: the peer's next call fails.
        try:
            client.recv(1024)
        except ConnectionResetError as exc:
            print(type(exc).__name__, errno.errorcode[exc.errno])
            #> ConnectionResetError ECONNRESET
