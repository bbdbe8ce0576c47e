"""TLS: unwrap() sends close_notify; close() and shutdown() do not.

The server sends b"all of it", then ends the connection in one of three
ways. A default client (suppress_ragged_eofs=True) reads b'' after each of the three; a
strict one (suppress_ragged_eofs=False) raises ssl.SSLEOFError when the TCP
connection ended without close_notify. Needs `pip install trustme`, which
makes a throwaway certificate authority at run time.
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


def serve(listener, server_ctx, end, errors):
    conn, _ = listener.accept()
    conn.settimeout(TIMEOUT)
    with server_ctx.wrap_socket(conn, server_side=True) as tls:
        tls.sendall(b"all of it")
        # --8<-- [start:ends]
        if end == "unwrap()":
            # --8<-- [start:unwrap]
            try:
                tls.unwrap()  # (1)!
            except OSError as exc:  # ssl.SSLError, TimeoutError or a reset
                errors.append(type(exc).__name__)
            # --8<-- [end:unwrap]
        elif end == "shutdown()":
            tls.shutdown(socket.SHUT_RDWR)  # (2)!
        # "close()": nothing more here; leaving the with block closes tls
        # --8<-- [end:ends]


# --8<-- [start:read]
def recv_until_end(tls, max_reads=100):
    """recv() until b'' or an SSL error; return what each call gave."""
    results = []
    for _ in range(max_reads):
        try:
            data = tls.recv(1024)
        except ssl.SSLError as exc:
            return [*results, type(exc).__name__]
        results.append(data)
        if not data:
            return results
    raise RuntimeError("too many reads")
# --8<-- [end:read]


def client_reads(version, end, strict, answer=True, errors=None):
    """Run one exchange; return what the client's recv() calls gave."""
    server_ctx, client_ctx = make_contexts(version)
    errors = [] if errors is None else errors
    with socket.create_server(("127.0.0.1", 0)) as listener:
        args = (listener, server_ctx, end, errors)
        server = threading.Thread(target=serve, args=args)
        server.start()
        with socket.create_connection(listener.getsockname(), timeout=TIMEOUT) as raw:
            # --8<-- [start:client]
            with client_ctx.wrap_socket(
                raw,
                server_hostname="localhost",
                suppress_ragged_eofs=not strict,  # (1)!
            ) as tls:
                results = recv_until_end(tls)
                if end == "unwrap()" and answer:
                    tls.unwrap()  # (2)!
            # --8<-- [end:client]
        server.join()
    return results


def table(version):
    return [
        (end, client_reads(version, end, False), client_reads(version, end, True))
        for end in ("unwrap()", "close()", "shutdown()")
    ]


# --8<-- [start:table]
tls13 = table(ssl.TLSVersion.TLSv1_3)
for end, default, strict in tls13:
    print(f"{end:<11} default: {default}  strict: {strict}")
    #> unwrap()    default: [b'all of it', b'']  strict: [b'all of it', b'']
    #> close()     default: [b'all of it', b'']  strict: [b'all of it', 'SSLEOFError']
    #> shutdown()  default: [b'all of it', b'']  strict: [b'all of it', 'SSLEOFError']
print("the same with TLS 1.2:", table(ssl.TLSVersion.TLSv1_2) == tls13)
#> the same with TLS 1.2: True
# --8<-- [end:table]

# --8<-- [start:no_answer]
errors = []
client_reads(ssl.TLSVersion.TLSv1_3, "unwrap()", False, answer=False, errors=errors)
print("the server's unwrap(), when the client closes without close_notify:", errors)
#> the server's unwrap(), when the client closes without close_notify: ['SSLEOFError']
# --8<-- [end:no_answer]
