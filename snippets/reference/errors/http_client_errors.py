"""Linux only: which call reports a reset, and with which error, is Linux's.

Where a server's close or reset surfaces in http.client. The client sends a
GET; the server, a plain socket played in this thread (the kernel holds the
request until it reads it), closes without answering, resets, or cuts its
reply short. Then a kept-alive connection that the server closed, or reset,
while it was idle, is used for a second request. Last, the fix for an idle
connection the server closed: retry an idempotent request once, on a new
connection (the server runs in a thread there, to answer it).
"""

import contextlib
import errno
import http.client
import socket
import struct
import threading

TIMEOUT = 5  # seconds: every socket below has this timeout
LINGER_0 = struct.pack("ii", 1, 0)  # SO_LINGER on, linger time 0: close() resets
HEADER = b"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n"


def closes(conn):
    conn.close()


def resets(conn):
    conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, LINGER_0)
    conn.close()


def cuts_short(conn):
    conn.sendall(HEADER + b"four")  # 4 bytes of the 10 announced
    conn.close()


def answers_then(end):
    """A server that answers in full, keeps the connection, then ends it."""

    def server(conn):
        conn.sendall(HEADER + b"0123456789")
        end(conn)

    return server


def exchange(listener, server, requests=1):
    """Send `requests` GETs on one connection: the call that raised, and what."""
    client = http.client.HTTPConnection(*listener.getsockname(), timeout=TIMEOUT)
    with contextlib.closing(client):
        client.request("GET", "/")  # the kernel holds it for the server
        conn, _ = listener.accept()
        with conn:
            conn.settimeout(TIMEOUT)
            conn.recv(65536)  # the request
            server(conn)
        step = "request()"
        try:
            for _ in range(requests - 1):
                client.getresponse().read()
                client.request("GET", "/")  # on the same connection
            step = "getresponse()"
            response = client.getresponse()
            step = "read()"
            return step, response.read()
        except (OSError, http.client.HTTPException) as exc:
            return step, exc


def describe(result):
    """repr() of a thread's result, or the class and errno name of its OSError.

    The class alone if errno holds no errno: a socket timeout's TimeoutError
    has none, and the exceptions that modules define (for TLS, for address
    lookups) hold codes of their own there.
    """
    if not isinstance(result, OSError):
        return repr(result)
    if result.errno is None or type(result).__module__ != "builtins":
        return type(result).__name__
    return f"{type(result).__name__} {errno.errorcode.get(result.errno, result.errno)}"


def serve(listener, closed):
    """The server: one answer per connection, then it closes it (an idle timeout)."""
    for _ in range(2):
        conn, _ = listener.accept()
        with conn:
            conn.settimeout(TIMEOUT)
            conn.recv(65536)  # the request
            conn.sendall(HEADER + b"0123456789")
        closed.set()


# --8<-- [start:retry]
def get_with_retry(client, path):
    """GET on a kept-alive connection; once more, on a new one, if it had ended.

    Returns the body, and the error of the first try or None. Retry idempotent
    requests only (GET, HEAD, PUT, DELETE): the server may have acted on a
    request before the connection ended.
    """
    try:
        client.request("GET", path)
        return client.getresponse().read(), None
    except ConnectionError as exc:  # RemoteDisconnected is a ConnectionResetError
        client.close()  # the next request() opens a new connection
        client.request("GET", path)
        return client.getresponse().read(), exc
# --8<-- [end:retry]


CASES = [
    ("closes", closes, 1),
    ("resets", resets, 1),
    ("cuts short", cuts_short, 1),
    ("idle, closed", answers_then(closes), 2),
    ("idle, reset", answers_then(resets), 2),
]

with socket.create_server(("127.0.0.1", 0)) as listener:
    listener.settimeout(TIMEOUT)
    # --8<-- [start:cases]
    for case, server, requests in CASES:
        step, exc = exchange(listener, server, requests)
        print(f"{case:<12} {step:<13} {describe(exc)}")
        #> closes       getresponse() RemoteDisconnected
        #> resets       getresponse() ConnectionResetError ECONNRESET
        #> cuts short   read()        IncompleteRead(4 bytes read, 6 more expected)
        #> idle, closed getresponse() RemoteDisconnected
        #> idle, reset  request()     ConnectionResetError ECONNRESET
    # --8<-- [end:cases]
    # --8<-- [start:classes]
    _, exc = exchange(listener, closes)
    print(f"{type(exc).__module__}.{type(exc).__name__}: {exc}")  # (1)!
    #> http.client.RemoteDisconnected: Remote end closed connection without response
    print("a ConnectionResetError:", isinstance(exc, ConnectionResetError))
    #> a ConnectionResetError: True
    print("an http.client.HTTPException:", isinstance(exc, http.client.HTTPException))
    #> an http.client.HTTPException: True
    # --8<-- [end:classes]

    closed = threading.Event()
    server = threading.Thread(target=serve, args=(listener, closed))
    server.start()
    client = http.client.HTTPConnection(*listener.getsockname(), timeout=TIMEOUT)
    with contextlib.closing(client):
        # --8<-- [start:retry-run]
        body, error = get_with_retry(client, "/")
        print(body, error)
        #> b'0123456789' None
        closed.wait(TIMEOUT)  # the server closes the idle connection
        body, error = get_with_retry(client, "/")
        print(body, type(error).__name__, "then a new connection")
        #> b'0123456789' RemoteDisconnected then a new connection
        # --8<-- [end:retry-run]
    server.join(TIMEOUT)
