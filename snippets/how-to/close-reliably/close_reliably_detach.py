"""detach() closes the socket object but not its file descriptor.

The descriptor stays open, and so does the connection, until something
closes it: os.close(), or a new socket object built with fileno=.
"""

import errno
import os
import select
import socket

with socket.create_server(("127.0.0.1", 0)) as listener:
    with socket.create_connection(listener.getsockname(), timeout=5) as client:
        conn, _ = listener.accept()
        # --8<-- [start:detach]
        with conn:
            fd = conn.detach()  # (1)!
        try:
            conn.recv(1024)
        except OSError as exc:
            print("the old object:", type(exc).__name__, errno.errorcode[exc.errno])
            #> the old object: OSError EBADF
        readable, _, _ = select.select([client], [], [], 0.2)
        print("the peer sees end-of-file:", bool(readable))  # (2)!
        #> the peer sees end-of-file: False

        with socket.socket(fileno=fd) as again:  # (3)!
            again.settimeout(5)
            again.sendall(b"same connection")
        print(client.recv(1024), client.recv(1024))
        #> b'same connection' b''
        # --8<-- [end:detach]

    with socket.create_connection(listener.getsockname(), timeout=5) as client:
        conn, _ = listener.accept()
        # --8<-- [start:os_close]
        with conn:
            fd = conn.detach()
        os.close(fd)  # (1)!
        print("after os.close():", client.recv(1024))
        #> after os.close(): b''
        # --8<-- [end:os_close]
