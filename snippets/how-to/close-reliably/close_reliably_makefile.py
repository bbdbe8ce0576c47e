"""An open makefile() object keeps the connection open after with closes the socket.

The peer sees no end-of-file until the file object is closed too.
"""

import select
import socket

with socket.create_server(("127.0.0.1", 0)) as listener:
    with socket.create_connection(listener.getsockname(), timeout=5) as client:
        conn, _ = listener.accept()
        conn.settimeout(5)
        # --8<-- [start:trap]
        with conn:
            out = conn.makefile("wb")  # (1)!
            out.write(b"hello")
            out.flush()
        # The with block has closed conn, but not the connection.
        print(client.recv(1024))
        #> b'hello'
        readable, _, _ = select.select([client], [], [], 0.2)
        print("end-of-file while the file is open:", bool(readable))  # (2)!
        #> end-of-file while the file is open: False
        out.close()  # (3)!
        print("after out.close():", client.recv(1024))
        #> after out.close(): b''
        # --8<-- [end:trap]

    with socket.create_connection(listener.getsockname(), timeout=5) as client:
        conn, _ = listener.accept()
        conn.settimeout(5)
        # --8<-- [start:fix]
        with conn, conn.makefile("wb") as out:  # (1)!
            out.write(b"hello")
        print(client.recv(1024), client.recv(1024))
        #> b'hello' b''
        # --8<-- [end:fix]
