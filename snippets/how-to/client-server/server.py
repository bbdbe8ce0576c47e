"""Terminal 1: python server.py PORT, then run client.py with the same PORT.

Serves one client on 127.0.0.1: sends a greeting, shuts down its sending
side, reads until the client has closed, then closes.
"""

import socket
import sys
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



if len(sys.argv) != 2 or not sys.argv[1].isdigit():
    sys.exit(f"usage: python {sys.argv[0]} PORT   (the same PORT for client.py)")
port = int(sys.argv[1])
with socket.create_server(("127.0.0.1", port)) as listener:
    listener.settimeout(60)  # give up if no client comes within a minute
    print("server: waiting for one client")
    #> server: waiting for one client
    conn, _ = listener.accept()
    with conn:
        conn.settimeout(5)
        conn.sendall(b"hello from the server")
        conn.shutdown(socket.SHUT_WR)
        print("server: sent greeting and FIN")
        #> server: sent greeting and FIN
        print("server: read until the client closed:", read_until_eof(conn))
        #> server: read until the client closed: b''
