"""Linux only: sends itself SIGTERM with os.kill(), which on Windows ends the process.

serve_forever() runs in the main thread, where Python runs signal
handlers. The SIGTERM handler raises KeyboardInterrupt, as Ctrl+C does:
serve_forever() ends with it, and the with block calls server_close().
"""

import os
import signal
import socket
import socketserver
import threading
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


class Echo(socketserver.StreamRequestHandler):
    timeout = 5

    def handle(self):
        self.wfile.write(self.rfile.readline())


def client_then_kill(address, answers):
    """Plays a client, then `kill`: SIGTERM once the server has answered."""
    with socket.create_connection(address, timeout=5) as sock:
        sock.sendall(b"ping\n")
        answers.append(read_until_eof(sock))
    os.kill(os.getpid(), signal.SIGTERM)


signal.signal(signal.SIGTERM, signal.default_int_handler)  # (1)!

answers = []
with socketserver.TCPServer(("127.0.0.1", 0), Echo) as server:  # (2)!
    address = server.server_address
    other = threading.Thread(target=client_then_kill, args=(address, answers))
    other.start()
    try:
        server.serve_forever()  # (3)!
    except KeyboardInterrupt:
        print("serve_forever() raised KeyboardInterrupt")
        #> serve_forever() raised KeyboardInterrupt
    other.join(timeout=5)

print("answered:", answers)
#> answered: [b'ping\n']
print("listening socket closed:", server.socket.fileno() == -1)
#> listening socket closed: True
