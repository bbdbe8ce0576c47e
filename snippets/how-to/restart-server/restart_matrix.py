"""Linux only: rebinding a port in TIME_WAIT is Linux's SO_REUSEADDR rule.

The old listener (whose accepted connection closed first and is now in
TIME_WAIT) and the new one each run with and without SO_REUSEADDR. The
flag that counts on the old side is the one on the connection in
TIME_WAIT, which it inherits from its listener when accepted. SO_REUSEPORT
on the old listener and the new one lets the bind through as well.
"""

import errno
import socket


def listener(port, reuse_address, reuse_port=0):
    """A listening socket on 127.0.0.1:port, the options set before bind()."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, reuse_address)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, reuse_port)
        sock.bind(("127.0.0.1", port))
        sock.listen()
    except OSError:
        sock.close()
        raise
    return sock


def serve_one_and_close_first(old, conn_reuse=None):
    """One complete exchange, the server closing first; returns the port.

    conn_reuse, if not None, sets SO_REUSEADDR on the accepted connection.
    """
    port = old.getsockname()[1]
    with socket.create_connection(("127.0.0.1", port), timeout=5) as client:
        conn, _ = old.accept()
        with conn:
            conn.settimeout(5)
            if conn_reuse is not None:
                conn.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, conn_reuse)
            client.sendall(b"request")
            conn.recv(1024)
            conn.sendall(b"reply")
        assert client.recv(1024) == b"reply"
        assert client.recv(1024) == b""
    return port


# --8<-- [start:matrix]
def restart(old_reuse, new_reuse, conn_reuse=None, reuse_port=0):
    """Serve once with the old setting, then bind the same port with the new one."""
    with listener(0, old_reuse, reuse_port) as old:
        port = serve_one_and_close_first(old, conn_reuse)
    try:
        with listener(port, new_reuse, reuse_port):
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


# --8<-- [start:connection]
def inherited(reuse_address):
    """SO_REUSEADDR on a connection accepted by a listener that has this setting."""
    with listener(0, reuse_address) as server:
        with socket.create_connection(server.getsockname(), timeout=5):
            conn, _ = server.accept()
            with conn:
                return conn.getsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR)


print("accepted by a listener with 0:", inherited(0))  # (1)!
#> accepted by a listener with 0: 0
print("accepted by a listener with 1:", inherited(1))
#> accepted by a listener with 1: 1
print("old listener 0, its connection 1, new 1:", restart(0, 1, conn_reuse=1))  # (2)!
#> old listener 0, its connection 1, new 1: bound
print("old listener 1, its connection 0, new 1:", restart(1, 1, conn_reuse=0))
#> old listener 1, its connection 0, new 1: EADDRINUSE
print("SO_REUSEPORT 1 on both, SO_REUSEADDR 0:", restart(0, 0, reuse_port=1))  # (3)!
#> SO_REUSEPORT 1 on both, SO_REUSEADDR 0: bound
# --8<-- [end:connection]
