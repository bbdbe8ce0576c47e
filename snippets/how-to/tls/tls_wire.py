"""TLS on the wire: unwrap() sends close_notify before the FIN; close() only a FIN.

The server sends b"all of it" and waits until the client has read it, so
that the end of the connection travels in segments of its own. Then it ends
the TLS connection with unwrap() (the client answers with its own unwrap())
or with a plain close(). The client is strict (suppress_ragged_eofs=False).
Needs `pip install trustme`, which makes a throwaway certificate authority.
"""

import socket
import ssl
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


def serve(listener, server_ctx, end, client_has_read):
    conn, _ = listener.accept()
    conn.settimeout(TIMEOUT)
    with server_ctx.wrap_socket(conn, server_side=True) as tls:
        tls.sendall(b"all of it")
        client_has_read.wait(TIMEOUT)
        if end == "unwrap()":
            tls.unwrap()  # sends close_notify, then waits for the client's
        # "close()": leaving the with block closes tls, and the TCP connection


def exchange(end):
    """One connection that the server ends with `end`; return what the
    client's second recv() gave."""
    server_ctx, client_ctx = make_contexts(ssl.TLSVersion.TLSv1_3)
    server_ctx.num_tickets = 0  # no session tickets: only the reply after the handshake
    client_has_read = threading.Event()
    with socket.create_server(("127.0.0.1", 0)) as listener:
        args = (listener, server_ctx, end, client_has_read)
        server = threading.Thread(target=serve, args=args)
        server.start()
        with socket.create_connection(listener.getsockname(), timeout=TIMEOUT) as raw:
            with client_ctx.wrap_socket(
                raw, server_hostname="localhost", suppress_ragged_eofs=False
            ) as tls:
                print(f"{end}: the client reads", tls.recv(1024))
                #> unwrap(): the client reads b'all of it'
                #> close(): the client reads b'all of it'
                client_has_read.set()
                try:
                    then = tls.recv(1024)
                except ssl.SSLEOFError as exc:
                    then = type(exc).__name__
                else:
                    tls.unwrap()  # answer close_notify with close_notify
                server.join()  # the server closes first, the client after it
    return then


after_unwrap = exchange("unwrap()")
after_close = exchange("close()")
print("after unwrap(), the next recv():", after_unwrap)
#> after unwrap(), the next recv(): b''
print("after close(), the next recv():", after_close)
#> after close(), the next recv(): SSLEOFError
