"""TLS: SSLSocket.shutdown(SHUT_WR) leaves TLS behind; unwrap() ends it first.

shutdown() drops the socket's TLS layer and shuts down the TCP connection
underneath: no close_notify goes out, and the socket's later recv() calls
return the peer's TLS records still encrypted. unwrap() sends close_notify
and waits for the peer's; after it, the socket is plain TCP, and its
shutdown(SHUT_WR) sends the FIN. Here an unwrap() called before the peer's
reply has arrived fails: the reply comes before the peer's close_notify. Needs
`pip install trustme`, which makes a throwaway certificate authority at run
time.
"""

import socket
import ssl
import threading
import time

import trustme

TIMEOUT = 5  # seconds: every socket gets this timeout

ca = trustme.CA()
server_ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
ca.issue_cert("localhost").configure_cert(server_ctx)
client_ctx = ssl.create_default_context()
ca.configure_trust(client_ctx)


def read_until_eof(sock, max_bytes=1 << 20, timeout=5.0):
    """Read until the peer's FIN (recv() returns b''); return what was read.

    Its whole contract (inputs, results, errors, limits) is its docstring in
    closing.py, on the Helpers page (reference/helpers/) of shutdown-vs-close.
    """
    if timeout is None or not 0 < timeout <= 1e6:
        raise ValueError(f"timeout must be above 0, at most 1e6, not {timeout!r}")
    if isinstance(max_bytes, bool) or not isinstance(max_bytes, int):
        raise TypeError(f"max_bytes must be an int, not {max_bytes!r}")
    if max_bytes < 0:
        raise ValueError(f"max_bytes must be >= 0, not {max_bytes!r}")
    deadline = time.monotonic() + timeout
    previous = sock.gettimeout()
    data = bytearray()  # one buffer: a peer that trickles bytes costs no more
    try:
        while len(data) <= max_bytes:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise TimeoutError(f"no FIN within {timeout} s")
            sock.settimeout(remaining)
            chunk = sock.recv(min(65536, max_bytes + 1 - len(data)))
            if not chunk:
                return bytes(data)
            data += chunk
        raise ValueError(f"peer sent more than {max_bytes} bytes")
    finally:
        try:
            sock.settimeout(previous)
        except OSError:
            pass  # closed meanwhile: what the call raises says more


def serve(listener, to_eof, seen):
    """Read the request, reply, then end TLS with unwrap() and read to the FIN."""
    conn, _ = listener.accept()
    conn.settimeout(TIMEOUT)
    with server_ctx.wrap_socket(conn, server_side=True) as tls:
        seen.append(read_until_eof(tls) if to_eof else tls.recv(1024))
        try:
            tls.sendall(b"reply")
            seen.append("reply sent")
            plain = tls.unwrap()  # sends close_notify, waits for the client's
            seen.append("unwrap() done")
            seen.append(read_until_eof(plain))
        except OSError as exc:  # ssl.SSLError, TimeoutError or a reset
            seen.append(type(exc).__name__)


# --8<-- [start:shutdown]
def shutdown_wr(tls):
    """Send the request, shutdown(SHUT_WR) the SSLSocket, read the reply."""
    tls.sendall(b"request")
    tls.shutdown(socket.SHUT_WR)  # (1)!
    data = read_until_eof(tls)  # (2)!
    return f"{data[:3]}..., holds b'reply': {b'reply' in data}"
# --8<-- [end:shutdown]


# --8<-- [start:unwrap]
def unwrap(tls):
    """Send the request, read the reply, end TLS with unwrap(), then the TCP stream."""
    tls.sendall(b"request")
    reply = tls.recv(1024)
    plain = tls.unwrap()  # (1)!
    plain.shutdown(socket.SHUT_WR)  # (2)!
    return f"{reply}, then {read_until_eof(plain)}"
# --8<-- [end:unwrap]


# --8<-- [start:unwrap_first]
def unwrap_first(tls):
    """Send the request, then end TLS with unwrap() before the reply comes."""
    tls.sendall(b"request")
    try:
        tls.unwrap()  # (1)!
        ended = "unwrap() done"
    except OSError as exc:  # ssl.SSLError, TimeoutError or a reset
        ended = type(exc).__name__
    tls.shutdown(socket.SHUT_WR)  # (2)!
    return ended
# --8<-- [end:unwrap_first]


def exchange(client, to_eof):
    """One request and reply; return what the client and the server saw."""
    seen = []
    with socket.create_server(("127.0.0.1", 0)) as listener:
        server = threading.Thread(target=serve, args=(listener, to_eof, seen))
        server.start()
        with socket.create_connection(listener.getsockname(), timeout=TIMEOUT) as raw:
            with client_ctx.wrap_socket(raw, server_hostname="localhost") as tls:
                got = client(tls)
                server.join()  # the server is done before the client closes
    return got, seen


# --8<-- [start:table]
print("shutdown(SHUT_WR), the server reads once:")
#> shutdown(SHUT_WR), the server reads once:
client, server = exchange(shutdown_wr, to_eof=False)
print("  client's recv():", client)
#>   client's recv(): b'\x17\x03\x03'..., holds b'reply': False
print("  server:", server)
#>   server: [b'request', 'reply sent', 'SSLEOFError']
print("shutdown(SHUT_WR), the server reads to EOF:")
#> shutdown(SHUT_WR), the server reads to EOF:
client, server = exchange(shutdown_wr, to_eof=True)
print("  client's recv():", client)
#>   client's recv(): b'\x17\x03\x03'..., holds b'reply': False
print("  server:", server)
#>   server: [b'request', 'SSLEOFError']
print("unwrap(), the server reads once:")
#> unwrap(), the server reads once:
client, server = exchange(unwrap, to_eof=False)
print("  client's recv():", client)
#>   client's recv(): b'reply', then b''
print("  server:", server)
#>   server: [b'request', 'reply sent', 'unwrap() done', b'']
# --8<-- [end:table]

# --8<-- [start:more]
print("unwrap() before the reply, the server reads to EOF:")
#> unwrap() before the reply, the server reads to EOF:
client, server = exchange(unwrap_first, to_eof=True)
print("  client's unwrap():", client)
#>   client's unwrap(): SSLError
print("  server:", server)
#>   server: [b'request', 'reply sent', 'unwrap() done', b'']
# --8<-- [end:more]
