"""Linux only: a TCP reset under a TLS connection, read by SSLSocket.recv().

The server sends b"data", then aborts the connection (SO_LINGER 0, then
close()): a reset, with no close_notify. The client reads the data, then
waits for the reset and reads again, once as a default client
(suppress_ragged_eofs=True) and once as a strict one. What the second read
gives depends on the Python version. Needs `pip install trustme`, which makes
a throwaway certificate authority at run time.
"""

import select
import socket
import ssl
import struct
import sys
import threading

import trustme

TIMEOUT = 5  # seconds: every socket gets this timeout


def make_contexts(version):
    """A server and a client context, trusting a fresh throwaway CA."""
    ca = trustme.CA()
    server_ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert("localhost").configure_cert(server_ctx)
    client_ctx = ssl.create_default_context()
    ca.configure_trust(client_ctx)
    client_ctx.minimum_version = client_ctx.maximum_version = version
    return server_ctx, client_ctx


def abort(sock):
    """Reset the connection: SO_LINGER on with a zero timeout, then close().

    Its whole contract (inputs, results, errors, limits) is its docstring in
    closing.py, on the Helpers page (reference/helpers/) of shutdown-vs-close.
    """
    if sock.fileno() == -1:
        return
    # struct linger is two ints on Linux and macOS, two u_shorts on Windows.
    layout = "HH" if sys.platform == "win32" else "ii"
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack(layout, 1, 0))
    finally:
        sock.close()


def serve(listener, server_ctx, client_has_read):
    conn, _ = listener.accept()
    conn.settimeout(TIMEOUT)
    tls = server_ctx.wrap_socket(conn, server_side=True)
    tls.sendall(b"data")
    client_has_read.wait(TIMEOUT)
    abort(tls)


def reads_after_reset(strict):
    """What the client's recv() gives: the data, then after the reset."""
    server_ctx, client_ctx = make_contexts(ssl.TLSVersion.TLSv1_3)
    client_has_read = threading.Event()
    with socket.create_server(("127.0.0.1", 0)) as listener:
        server = threading.Thread(
            target=serve, args=(listener, server_ctx, client_has_read)
        )
        server.start()
        raw = socket.create_connection(listener.getsockname(), timeout=TIMEOUT)
        with client_ctx.wrap_socket(
            raw, server_hostname="localhost", suppress_ragged_eofs=not strict
        ) as tls:
            data = tls.recv(1024)
            client_has_read.set()
            server.join(TIMEOUT)
            select.select([tls], [], [], TIMEOUT)  # until the reset has arrived
            try:
                then = repr(tls.recv(1024))
            except OSError as exc:
                then = type(exc).__name__
    return f"{data!r}, then {then}"


# --8<-- [start:reset]
print("default:", reads_after_reset(strict=False))
#> [3.13+] default: b'data', then ConnectionResetError
#> [3.10-3.12] default: b'data', then b''
print("strict: ", reads_after_reset(strict=True))
#> [3.13+] strict:  b'data', then ConnectionResetError
#> [3.10-3.12] strict:  b'data', then SSLEOFError
# --8<-- [end:reset]
