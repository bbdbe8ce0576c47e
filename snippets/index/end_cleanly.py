"""The pattern: send, say you are done with shutdown(SHUT_WR), read until b''.

The client sends its request, then shutdown(SHUT_WR): the server reads the
request, then b'', and answers. The client reads the answer until the
server's b''. Each side closes with nothing left unread, so neither sees a
reset.
"""

import socket
import threading
import time

server_read = []


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


def serve(listener):
    conn, _ = listener.accept()
    with conn:
        request = read_until_eof(conn)  # until the client's shutdown()
        server_read.append(request)
        conn.sendall(b"%d bytes received" % len(request))
    # leaving the with block closes: the client reads b'' after the answer


with socket.create_server(("127.0.0.1", 0)) as listener:
    listener.settimeout(5)  # accept() gives up after 5 s
    server = threading.Thread(target=serve, args=(listener,))
    server.start()
    address = listener.getsockname()
    with socket.create_connection(address, timeout=5) as sock:
        request = b"sum 1 2 3"
        # --8<-- [start:pattern]
        sock.sendall(request)
        sock.shutdown(socket.SHUT_WR)
        reply = read_until_eof(sock)
        # --8<-- [end:pattern]
    server.join(timeout=5)

print("server read:", server_read)
#> server read: [b'sum 1 2 3']
print("client read:", reply)
#> client read: b'9 bytes received'
