"""Linux only: SO_LINGER on with a zero timeout, then close(): abort the connection.

The sender sends while select() says it can, and the peer reads nothing:
the peer's receive buffer fills, and the rest waits on the sender's side.
Then the sender closes, once plainly and once with the abort. One thread
plays both ends.
"""

import errno
import select
import socket
import struct
import sys


def send_until_full(sock, limit=1000):
    """Send while select() says writable (at most limit sends); return the count."""
    sent = 0
    for _ in range(limit):
        _, writable, _ = select.select([], [sock], [], 0)
        if not writable:
            break
        sent += sock.send(b"." * 65536)
    return sent


def count_until_end(sock, limit=1000):
    """Read until b'' or a reset (at most limit reads); return count and ending.

    Other errors (a socket timeout's TimeoutError among them) propagate.
    """
    received = 0
    try:
        for _ in range(limit):
            chunk = sock.recv(65536)
            if not chunk:
                return received, "b''"
            received += len(chunk)
    except ConnectionResetError as exc:
        return received, f"{type(exc).__name__} {errno.errorcode[exc.errno]}"
    return received, "no end within the limit"


# --8<-- [start:abort]
def abort(sock):
    """Reset the connection: SO_LINGER on with a zero timeout, then close().

    Its whole contract (inputs, results, errors, limits) is its docstring in
    closing.py, on the Helpers page (reference/helpers/) of shutdown-vs-close.
    """
    if sock.fileno() == -1:
        return
    # --8<-- [start:answer]
    # struct linger is two ints on Linux and macOS, two u_shorts on Windows.
    layout = "HH" if sys.platform == "win32" else "ii"
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack(layout, 1, 0))
    finally:
        sock.close()
    # --8<-- [end:answer]
# --8<-- [end:abort]


def queue_then_close(aborting):
    """Queue data the peer has not read, close, and report what the peer gets."""
    with socket.create_server(("127.0.0.1", 0)) as listener:
        with socket.create_connection(listener.getsockname(), timeout=5) as client:
            server, _ = listener.accept()
            with server:
                server.settimeout(5)
                queued = send_until_full(server)  # (1)!
                if aborting:
                    abort(server)  # (2)!
                else:
                    server.close()
            first = client.recv(4)  # (3)!
            received, end = count_until_end(client)
            everything = len(first) + received == queued
            return f"{first!r}, then {end}; everything arrived: {everything}"


print("close():", queue_then_close(aborting=False))  # (4)!
#> close(): b'....', then b''; everything arrived: True
print("abort:", queue_then_close(aborting=True))  # (5)!
#> abort: b'....', then ConnectionResetError ECONNRESET; everything arrived: False
