"""A socket timeout in the middle of a message: where is the stream now?

The messages are length-prefixed: 4 bytes of length, then the body. The
peer sends the length and half the body, then stalls past the reader's
timeout. recv_exact() raises TimeoutError with the bytes it had read in a
local variable, so they are gone: the next read starts in the middle of the
body. MessageReader keeps them in its buffer, and its next read resumes.
"""

import contextlib
import socket

HEADER = 4  # bytes of big-endian length before each body


def frame(body):
    """body with its length in front."""
    return len(body).to_bytes(HEADER, "big") + body


def recv_exact(sock, n):
    """Read exactly n bytes; what was read is lost if recv() raises."""
    data = b""
    for _ in range(n):  # at most n reads: each returns at least one byte
        if len(data) == n:
            break
        chunk = sock.recv(n - len(data))  # (1)!
        if not chunk:
            raise EOFError(f"end of file after {len(data)} of {n} bytes")
        data += chunk
    return data


def read_message(sock):
    size = int.from_bytes(recv_exact(sock, HEADER), "big")
    return recv_exact(sock, size)


class MessageReader:
    """Reads length-prefixed messages; a timeout leaves the partial one buffered."""

    def __init__(self, sock):
        self.sock = sock
        self.buffer = bytearray()

    def read_message(self, limit=1000):
        for _ in range(limit):  # at most limit reads
            if len(self.buffer) >= HEADER:
                end = HEADER + int.from_bytes(self.buffer[:HEADER], "big")
                if len(self.buffer) >= end:
                    body = bytes(self.buffer[HEADER:end])
                    del self.buffer[:end]
                    return body
            chunk = self.sock.recv(65536)  # (2)!
            if not chunk:
                raise EOFError(f"end of file with {len(self.buffer)} bytes buffered")
            self.buffer += chunk
        raise RuntimeError(f"no whole message within {limit} reads")


@contextlib.contextmanager
def stalled_peer():
    """A connection whose peer has sent the length and 5 of 10 body bytes."""
    with socket.create_server(("127.0.0.1", 0)) as listener:
        with socket.create_connection(listener.getsockname(), timeout=5) as peer:
            conn, _ = listener.accept()
            with conn:
                conn.settimeout(0.2)  # the reader's timeout
                peer.sendall(frame(b"0123456789")[:9])
                yield conn, lambda: peer.sendall(b"56789" + frame(b"next"))


with stalled_peer() as (conn, send_the_rest):
    try:
        read_message(conn)
    except TimeoutError as exc:  # (3)!
        print("read_message():", type(exc).__name__)
        #> read_message(): TimeoutError
    send_the_rest()
    header = recv_exact(conn, HEADER)  # (4)!
    print("the next header:", header, int.from_bytes(header, "big"))
    #> the next header: b'5678' 892745528

with stalled_peer() as (conn, send_the_rest):
    reader = MessageReader(conn)
    try:
        reader.read_message()
    except TimeoutError as exc:
        print(f"MessageReader: {type(exc).__name__}, {len(reader.buffer)} bytes kept")
        #> MessageReader: TimeoutError, 9 bytes kept
    send_the_rest()
    print("then:", reader.read_message(), reader.read_message())  # (5)!
    #> then: b'0123456789' b'next'
