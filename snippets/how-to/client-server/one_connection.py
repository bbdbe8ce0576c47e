"""A server and a client on 127.0.0.1 that end one connection cleanly.

The server sends its message, says it is done with shutdown(SHUT_WR), and
reads until the client has closed too. The client reads until b'' and
closes. Nobody closes with unread data, so nobody sees a reset.
"""

import socket
import threading
import time

client_got = []


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


def client(address):
    with socket.create_connection(address, timeout=5) as sock:
        client_got.append(read_until_eof(sock))  # until the server's FIN
    # Leaving the with block closes the client's socket: the server sees b''.


with socket.create_server(("127.0.0.1", 0)) as listener:
    listener.settimeout(5)  # accept() gives up after 5 s
    thread = threading.Thread(target=client, args=(listener.getsockname(),))
    thread.start()
    conn, _ = listener.accept()
    # --8<-- [start:server]
    with conn:
        conn.settimeout(5)
        conn.sendall(b"hello from the server")
        conn.shutdown(socket.SHUT_WR)  # FIN: "I will send nothing more"
        print("server reads after its shutdown:", read_until_eof(conn))
        #> server reads after its shutdown: b''
        # --8<-- [end:server]
        print("descriptor still open after shutdown():", conn.fileno() != -1)
        #> descriptor still open after shutdown(): True
    print("fileno() after close():", conn.fileno())
    #> fileno() after close(): -1
    thread.join(timeout=5)

print("client got:", client_got[0])
#> client got: b'hello from the server'
