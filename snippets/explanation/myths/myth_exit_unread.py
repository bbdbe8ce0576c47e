"""Linux only: a program that exits with unread bytes resets its connection.

The child connects, waits until our bytes have arrived, and reaches its
last line without reading them or closing its socket. Its exit closes the
socket with bytes still unread in it, and Linux then sends RST, not FIN.
"""

import errno
import socket
import subprocess
import sys

UNREAD = """
import select, socket, sys
sock = socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=10)
select.select([sock], [], [], 10)  # until our bytes arrive; never read them
"""

with socket.create_server(("127.0.0.1", 0)) as listener:
    listener.settimeout(10)
    port = str(listener.getsockname()[1])
    with subprocess.Popen([sys.executable, "-I", "-c", UNREAD, port]) as child:
        conn, _ = listener.accept()
        with conn:
            conn.settimeout(10)
            conn.sendall(b"never read")
            code = child.wait(timeout=10)
            try:
                received = conn.recv(1024)
            except ConnectionResetError as exc:
                received = f"{type(exc).__name__} {errno.errorcode[exc.errno]}"
            print("exit code:", code, "| we read:", received)
            #> exit code: 0 | we read: ConnectionResetError ECONNRESET
