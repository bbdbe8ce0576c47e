"""Linux only: refuse a 50 MB upload with a short reply the client can read.

An ordinary client sends its whole request, then reads the answer. The
server reads the request line, replies "413" and closes without reading the
body. With close(), the unread body makes the kernel reset the connection
while the client is still sending: its sendall() fails and it never reads
the reply. close_gracefully() discards the body until the client's FIN,
within its time budget: the client sends everything, then reads the reply
and b''. The server runs in a thread, because the client blocks in sendall().
"""

import socket
import threading
import time

BODY = 50_000_000  # bytes: more than the kernel's buffers hold on both sides
REPLY = b"413 Content Too Large\n"


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
            sock.shutdown(socket.SHUT_WR)
            while max_bytes is None or discarded <= max_bytes:
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
                    return True
                discarded += len(chunk)
            return False
        except OSError:
            return False
        finally:
            try:
                sock.settimeout(previous)
            except OSError:
                pass  # closed, or its descriptor closed behind its back
    finally:
        sock.close()


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


def serve(listener, close, results):
    conn, _ = listener.accept()
    with conn:
        conn.settimeout(5)
        conn.recv(1024)  # the request line; the body stays unread
        conn.sendall(REPLY)
        results.append(close(conn))


def upload(close):
    """What an ordinary client gets from a server that ends with close(conn)."""
    results = []
    with socket.create_server(("127.0.0.1", 0)) as listener:
        thread = threading.Thread(target=serve, args=(listener, close, results))
        thread.start()
        with socket.create_connection(listener.getsockname(), timeout=5) as client:
            try:
                client.sendall(b"PUT /upload\n" + bytes(BODY))
                got = f"{read_until_eof(client)!r}, then b''"
            except (ConnectionResetError, BrokenPipeError):
                got = "no reply: its sendall() failed"
        thread.join(timeout=10)
    return got


# --8<-- [start:upload]
print("close(): the client got", upload(socket.socket.close))
#> close(): the client got no reply: its sendall() failed
print("close_gracefully(): the client got", upload(close_gracefully))
#> close_gracefully(): the client got b'413 Content Too Large\n', then b''
# --8<-- [end:upload]
