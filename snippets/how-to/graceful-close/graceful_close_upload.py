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

    timeout, in seconds from 0 to 1e6, bounds the whole call, to within
    about 1 ms (CPython waits in poll() in whole milliseconds, rounded up:
    the call may return up to about 1 ms after timeout) plus the time it
    takes to copy what it discards once timeout is spent: it still
    discards, without waiting, what has arrived, up to SO_RCVBUF bytes
    more (one receive buffer, as getsockopt() reads it then: Linux's
    autotuning can grow it to tens of MB, milliseconds of copying), so
    over TCP 0 takes a FIN already queued, behind data or not
    (unless SO_RCVBUF was lowered once the connection was up; on
    AF_UNIX the sender's SO_SNDBUF bounds what is queued, which can be more:
    then 0 may return False with the FIN queued). max_bytes,
    if not None, also stops the wait once more than that many bytes were
    discarded. Returns True if the peer's FIN arrived in time, False if the
    time or byte budget ran out or the connection failed (reset, never
    connected, already closed) or was already over (both FINs exchanged
    before the call: its shutdown() gets ENOTCONN), and also when a signal
    handler of yours raised an OSError (a TimeoutError, say) during the
    call: it is taken for a failed connection, not raised. A socket already shut
    down for reading (shutdown(SHUT_RD) or SHUT_RDWR, as a heartbeat() miss
    does) whose connection is still open reads b'' at once: True then says
    nothing of the peer; abort() such a socket.

    The socket is closed when this returns or raises, in every case (except
    when an exception raised asynchronously, by a signal handler or Ctrl+C,
    lands in the few bytecodes of the close() call itself: no Python code
    can cover that): also
    when it raises ValueError for a timeout that is None, negative or above
    1e6, or a max_bytes below 0. If another object still holds the
    descriptor (a makefile(), a dup(), a child process), the FIN still goes
    out, but close() only drops this reference; the socket's own timeout is
    restored first, and with it the blocking mode that timeout implies,
    which such a holder shares. A descriptor closed behind the socket's
    back makes close() raise EBADF, after the socket has let go of it, but
    only while its number is unused: once another socket reuses it (the
    next socket() or accept() takes the lowest free number), the call acts
    on that socket, and shuts down and closes an unrelated connection. Never close a
    socket's descriptor behind its back. If SO_LINGER is on with a
    time, close() may block for that time more. On an ssl.SSLSocket, no
    close_notify is sent: call unwrap() first if the peer needs one.
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
                chunk = sock.recv(size)
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
