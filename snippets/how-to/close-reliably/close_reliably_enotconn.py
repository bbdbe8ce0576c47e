"""Linux only: shutdown() on a connection the peer has reset raises ENOTCONN.

socketserver's shutdown_request() ignores that OSError and closes anyway.
"""

import errno
import select
import socket
import struct

with socket.create_server(("127.0.0.1", 0)) as listener:
    with socket.create_connection(listener.getsockname(), timeout=5) as client:
        conn, _ = listener.accept()
        with conn:
            conn.settimeout(5)
            linger_zero = struct.pack("ii", 1, 0)
            client.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, linger_zero)
            client.close()  # the client aborts: RST
            select.select([conn], [], [], 5)  # wait until the reset has arrived
            try:
                conn.shutdown(socket.SHUT_WR)
            except OSError as exc:
                print("shutdown():", type(exc).__name__, errno.errorcode[exc.errno])
                #> shutdown(): OSError ENOTCONN
