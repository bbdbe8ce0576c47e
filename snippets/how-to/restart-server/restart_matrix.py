"""Linux only: rebinding a port in TIME_WAIT needs SO_REUSEADDR on both listeners.

The old listener (whose accepted connection closed first and is now in
TIME_WAIT) and the new one each run with and without SO_REUSEADDR.
"""

import errno
import socket


def listener(port, reuse_address):
    """A listening socket on 127.0.0.1:port, SO_REUSEADDR set before bind()."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, reuse_address)
        sock.bind(("127.0.0.1", port))
        sock.listen()
    except OSError:
        sock.close()
        raise
    return sock


def serve_one_and_close_first(old):
    """One complete exchange, the server closing first; returns the port."""
    port = old.getsockname()[1]
    with socket.create_connection(("127.0.0.1", port), timeout=5) as client:
        conn, _ = old.accept()
        with conn:
            conn.settimeout(5)
            client.sendall(b"request")
            conn.recv(1024)
            conn.sendall(b"reply")
        assert client.recv(1024) == b"reply"
        assert client.recv(1024) == b""
    return port


# --8<-- [start:matrix]
def restart(old_reuse, new_reuse):
    """Serve once with the old setting, then bind the same port with the new one."""
    with listener(0, old_reuse) as old:
        port = serve_one_and_close_first(old)
    try:
        with listener(port, new_reuse):
            return "bound"
    except OSError as exc:
        return errno.errorcode[exc.errno]


for old_reuse in (0, 1):
    for new_reuse in (0, 1):
        result = restart(old_reuse, new_reuse)
        print(f"old SO_REUSEADDR={old_reuse}, new SO_REUSEADDR={new_reuse}: {result}")
        #> old SO_REUSEADDR=0, new SO_REUSEADDR=0: EADDRINUSE
        #> old SO_REUSEADDR=0, new SO_REUSEADDR=1: EADDRINUSE
        #> old SO_REUSEADDR=1, new SO_REUSEADDR=0: EADDRINUSE
        #> old SO_REUSEADDR=1, new SO_REUSEADDR=1: bound
# --8<-- [end:matrix]
