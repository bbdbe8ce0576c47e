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
def close_gracefully(sock, timeout=5.0, max_bytes=None):
    """Send FIN, discard what the peer still sends until its FIN, then close.

    Its whole contract (inputs, results, errors, limits) is its docstring in
    closing.py, on the Helpers page (reference/helpers/) of shutdown-vs-close.
    """
    try:  # two levels: Ctrl+C in the inner cleanup still reaches close()
        previous = sock.gettimeout()
        try:
            if timeout is None or not 0 <= timeout <= 1e6:
                raise ValueError(f"timeout must be from 0 to 1e6, not {timeout!r}")
            if max_bytes is not None and not max_bytes >= 0:
                raise ValueError(f"max_bytes must be None or >= 0, not {max_bytes!r}")
            deadline = time.monotonic() + timeout
            discarded = 0
            late = None  # once the time is up: how much it may still discard
            sock.shutdown(socket.SHUT_WR)  # (1)!
            while max_bytes is None or discarded <= max_bytes:  # (2)!
                remaining = deadline - time.monotonic()
                size = 65536
                if remaining <= 0:
                    if late is None:
                        rcvbuf = sock.getsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF)
                        late = discarded + rcvbuf
                    if discarded >= late:
                        return False  # the peer kept sending after the time was up
                    size = min(size, late - discarded)  # never past the budget
                sock.settimeout(max(remaining, 0))
                try:
                    chunk = sock.recv(size)
                except TimeoutError as error:
                    if error.errno is not None or time.monotonic() < deadline:
                        raise  # not the wait's own: the kernel's, a handler's
                    continue  # the time is up: one more read, without waiting
                if not chunk:
                    return True  # (3)!
                discarded += len(chunk)
            return False
        except OSError:  # (4)!
            return False
        finally:
            try:
                sock.settimeout(previous)
            except OSError:
                pass  # closed, or its descriptor closed behind its back
    finally:
        sock.close()  # (5)!
# --8<-- [end:close_gracefully]


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
