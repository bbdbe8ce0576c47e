"""Half-close: send a request, shutdown(SHUT_WR), then read the whole reply.

One thread plays both ends: the kernel buffers each side's few bytes, so the
calls can run one after the other.
"""

import errno
import socket
import time


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


with socket.create_server(("127.0.0.1", 0)) as listener:
    with socket.create_connection(listener.getsockname(), timeout=5) as client:
        server, _ = listener.accept()
        with server:
            server.settimeout(5)
            # --8<-- [start:client]
            client.sendall(b"sum 1 2 3")
            client.shutdown(socket.SHUT_WR)  # (1)!
            # --8<-- [end:client]

            # --8<-- [start:server]
            request = read_until_eof(server)  # (1)!
            print("server got:", request)
            #> server got: b'sum 1 2 3'
            numbers = [int(n) for n in request.split()[1:]]
            server.sendall(str(sum(numbers)).encode())  # (2)!
            # --8<-- [end:server]

        # --8<-- [start:reply]
        print("client got:", read_until_eof(client))
        #> client got: b'6'
        try:
            client.sendall(b"one more thing")  # (1)!
        except BrokenPipeError as exc:
            print(type(exc).__name__, errno.errorcode[exc.errno])
            #> BrokenPipeError EPIPE
        # --8<-- [end:reply]
