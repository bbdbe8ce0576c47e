"""Linux only: SO_LINGER on with a non-zero time: close() waits, then lets go.

close() waits, for the linger time (1 s here) at most, for the peer to
acknowledge everything queued and the FIN. When the peer reads nothing and
what is queued does not fit in its buffers, the time runs out; on Linux
close() then returns without an error, sends no reset, and the kernel goes
on delivering the data after it. The wait happens on a non-blocking socket
too (a socket in timeout mode is one, at the OS level). The program prints
only whether close() waited about 1 s, not how long.
"""

import select
import socket
import struct
import time

LINGER = 1  # seconds, the l_linger of struct linger


def send_until_full(sock, limit=1000):
    """Send while select() says writable (at most limit sends); return the count."""
    sent = 0
    for _ in range(limit):
        _, writable, _ = select.select([], [sock], [], 0)
        if not writable:
            break
        sent += sock.send(b"." * 65536)
    return sent


def read_all(sock, limit=1000):
    """Read until b'' (at most limit reads); return the count and the ending."""
    received = 0
    for _ in range(limit):
        chunk = sock.recv(65536)
        if not chunk:
            return received, "b''"
        received += len(chunk)
    return received, "no end within the limit"


def close_with_linger(linger, fill, non_blocking=False):
    """Queue data, close with SO_LINGER on (linger s) or off (None): what happens?"""
    with socket.create_server(("127.0.0.1", 0)) as listener:
        with socket.create_connection(listener.getsockname(), timeout=5) as peer:
            conn, _ = listener.accept()
            with conn:
                conn.settimeout(5)
                queued = send_until_full(conn) if fill else conn.send(b"reply")  # (1)!
                if linger is not None:
                    value = struct.pack("ii", 1, linger)  # struct linger: on, seconds
                    conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, value)
                if non_blocking:
                    conn.setblocking(False)  # (2)!
                start = time.monotonic()
                conn.close()  # (3)!
                waited = time.monotonic() - start >= 0.9 * LINGER
            received, end = read_all(peer)  # (4)!
            return waited, received == queued, end


CASES = {  # name: (linger, fill, non_blocking)
    "fits, linger": (LINGER, False, False),
    "full, no linger": (None, True, False),
    "full, linger": (LINGER, True, False),
    "full, linger, non-blocking": (LINGER, True, True),
}
for name, case in CASES.items():
    waited, everything, end = close_with_linger(*case)
    print(f"{name}: close() waited {waited}; peer read all {everything}, then {end}")
    #> fits, linger: close() waited False; peer read all True, then b''
    #> full, no linger: close() waited False; peer read all True, then b''
    #> full, linger: close() waited True; peer read all True, then b''
    #> full, linger, non-blocking: close() waited True; peer read all True, then b''
