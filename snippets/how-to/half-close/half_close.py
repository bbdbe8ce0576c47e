"""Half-close: send a request, shutdown(SHUT_WR), then read the whole reply.

One thread plays both ends: the kernel buffers each side's few bytes, so the
calls can run one after the other.
"""

import errno
import socket
import time


def read_until_eof(sock, max_bytes=1 << 20, timeout=5.0):
    """Read until the peer's FIN (recv() returns b''); return what was read.

    timeout, in seconds above 0 and at most 1e6, bounds the whole call,
    whatever timeout the socket has (an accepted socket has none, unless
    socket.setdefaulttimeout() was called), to within about 1 ms (CPython
    waits in poll() in whole milliseconds, rounded up: the call may return
    up to about 1 ms after timeout) plus the time it takes to join what it
    read into one bytes object (milliseconds for tens of MB); the socket's
    own timeout is restored afterwards. Raises TimeoutError if reading up
    to the FIN does not finish within timeout (errno None; a TimeoutError with errno
    ETIMEDOUT is the kernel's: it gave the connection up, its
    retransmissions unanswered (tcp_retries2), or keepalive, or
    TCP_USER_TIMEOUT), ValueError if the peer sends more than
    max_bytes (it never reads more than max_bytes + 1), ValueError for a
    timeout out of range or a max_bytes below 0, TypeError for a max_bytes
    that is not an int (None, a float, a bool), and whatever OSError recv()
    raises (ConnectionResetError: what was read is lost). On an
    ssl.SSLSocket made with suppress_ragged_eofs=True (the default), a peer
    that closes without close_notify reads as a FIN, and so does a
    connection error (a reset, the kernel's ETIMEDOUT) on 3.10.13 to 3.12.1
    as run here (OpenSSL 3.0): what it had read before is returned as if
    complete. 3.13 raises the error (CPython gh-115627), and so may other
    builds of 3.10 to 3.12 that carry that fix.
    On Linux, so does a reset that an earlier recv() or send() already
    reported (Linux reports it once: recv() then returns b''), and so does
    this socket's own shutdown for reading
    (shutdown(SHUT_RD) or SHUT_RDWR, made before the call or by another
    thread to wake it):
    recv() then returns b'' with no FIN from the peer, and what was read
    may be incomplete. Shut an ssl.SSLSocket down for reading with
    socket.socket.shutdown(sock, socket.SHUT_RD): SSLSocket.shutdown() ends
    the TLS layer first, and the call then returns the peer's TLS records
    raw. It never closes the socket. A descriptor closed
    behind the socket's back whose number another socket has since reused
    (the next socket() or accept() takes the lowest free number) reads
    from that socket, an unrelated connection, and restoring the timeout sets
    that descriptor's blocking mode: never close a socket's descriptor
    behind its back.
    """
    if timeout is None or not 0 < timeout <= 1e6:
        raise ValueError(f"timeout must be above 0, at most 1e6, not {timeout!r}")
    if isinstance(max_bytes, bool) or not isinstance(max_bytes, int):
        raise TypeError(f"max_bytes must be an int, not {max_bytes!r}")
    if max_bytes < 0:
        raise ValueError(f"max_bytes must be >= 0, not {max_bytes!r}")
    deadline = time.monotonic() + timeout
    previous = sock.gettimeout()
    chunks = []
    size = 0
    try:
        while size <= max_bytes:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise TimeoutError(f"no FIN within {timeout} s")
            sock.settimeout(remaining)
            chunk = sock.recv(min(65536, max_bytes + 1 - size))
            if not chunk:
                return b"".join(chunks)
            chunks.append(chunk)
            size += len(chunk)
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
