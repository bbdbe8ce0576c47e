"""Linux only: the same exchange, ended with close() and with close_gracefully().

The server reads the first 1 KiB of a 10 KB upload, sends a 1 MB reply and
closes. With close(), the unread upload bytes make the kernel reset the
connection. close_gracefully() sends FIN, reads and discards the rest until
the client's FIN, then closes: the client gets the whole reply, then b''.
The server runs in a thread because close_gracefully() waits for the client.
"""

import socket
import threading
import time

REQUEST = b"PUT /upload\n" + b"x" * 10_000
REPLY = b"413 Content Too Large\n" + b"." * 1_000_000


# --8<-- [start:close_gracefully]
def close_gracefully(sock, timeout=5.0, max_bytes=1 << 20):
    """Send FIN, discard what the peer still sends until its FIN, then close.

    Return True if the peer's FIN arrived within timeout seconds and
    max_bytes bytes, False otherwise. The socket is closed in every case.
    """
    deadline = time.monotonic() + timeout
    discarded = 0
    try:
        sock.shutdown(socket.SHUT_WR)  # (1)!
        while discarded <= max_bytes:  # (2)!
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return False
            sock.settimeout(remaining)
            chunk = sock.recv(65536)
            if not chunk:
                return True  # (3)!
            discarded += len(chunk)
        return False
    except OSError:  # (4)!
        return False
    finally:
        sock.close()  # (5)!
# --8<-- [end:close_gracefully]


def read_until_eof(sock, max_bytes=1 << 20):
    """Read until the peer's FIN (recv() returns b''), at most max_bytes."""
    chunks = []
    size = 0
    while size <= max_bytes:
        chunk = sock.recv(65536)
        if not chunk:
            return b"".join(chunks)
        chunks.append(chunk)
        size += len(chunk)
    raise ValueError(f"peer sent more than {max_bytes} bytes")


# --8<-- [start:exchange]
def serve(listener, close, results):
    server, _ = listener.accept()
    with server:
        server.settimeout(5)
        server.recv(1024)  # the request line; the rest of the upload stays unread
        server.sendall(REPLY)
        results.append(close(server))


def exchange(close):
    """One request to a server that ends with close(server).

    Return what the client got and what close(server) returned.
    """
    results = []
    with socket.create_server(("127.0.0.1", 0)) as listener:
        thread = threading.Thread(target=serve, args=(listener, close, results))
        thread.start()
        with socket.create_connection(listener.getsockname(), timeout=5) as client:
            client.sendall(REQUEST)
            try:
                reply = read_until_eof(client)
                got = "the whole reply, then b''" if reply == REPLY else "part of it"
            except ConnectionResetError as exc:
                got = type(exc).__name__
        thread.join()
    return got, results[0]


got, _ = exchange(socket.socket.close)  # (1)!
print("close(): the client got", got)
#> close(): the client got ConnectionResetError
got, saw_fin = exchange(close_gracefully)  # (2)!
print("close_gracefully() returned", saw_fin, "and the client got", got)
#> close_gracefully() returned True and the client got the whole reply, then b''
# --8<-- [end:exchange]
