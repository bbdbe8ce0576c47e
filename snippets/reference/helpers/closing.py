"""Helpers for closing sockets, each with its contract in its docstring.

Standard library only, Python 3.10+. Download this one file and import it, or
copy the helpers you need (close_gracefully_async() also needs close_writer(),
StoppableHTTPServer needs StoppableHTTPRequestHandler). The contract tests in
the project's tests/contracts/ call each helper under the conditions its
docstring names, on Linux, on Python 3.10 to 3.13. TCP there means
IPPROTO_TCP: MPTCP sockets (IPPROTO_MPTCP) are outside these contracts, and
the tests run none.

Every timeout is at most 1e6 seconds (11.5 days): CPython hands a socket's
timeout to poll() as milliseconds in a C int, and one above about 2.1e6 s
wraps around: to a wrong wait, shorter or longer, or to none at all
(Modules/socketmodule.c).

SO_RCVLOWAT, where a clause below names it, is the value getsockopt() reads
back: Linux may cap what you set (once you have set SO_RCVBUF, at half
the size getsockopt() then reads back for it).

read_until_eof(), heartbeat() and close_gracefully() set the socket's timeout
while they wait, and set its own back after: that sets O_NONBLOCK on the open
file, which a dup() or a child process holding the same descriptor shares (a
holder that expects to block can meanwhile get BlockingIOError, and after
finds the mode this socket's timeout implies).
"""

import asyncio
import errno
import http.server
import socket
import struct
import sys
import threading
import time

__all__ = [
    "StoppableHTTPRequestHandler",
    "StoppableHTTPServer",
    "abort",
    "close_gracefully",
    "close_gracefully_async",
    "close_writer",
    "heartbeat",
    "read_until_eof",
    "shutdown_quietly",
]


# --8<-- [start:close_gracefully]
def close_gracefully(sock, timeout=5.0, max_bytes=None):
    """Send FIN, discard what the peer still sends until its FIN, then close.

    timeout, an int or a float, in seconds from 0 to 1e6, bounds the whole
    call, to within
    about 1 ms (CPython waits in poll() in whole milliseconds, rounded up:
    the call may return up to about 1 ms after timeout) plus the time it
    takes to copy what it discards once timeout is spent: it still
    discards, without waiting, what has arrived (also while a wait that
    ran out was slow to return), up to SO_RCVBUF bytes
    more (one receive buffer, as getsockopt() reads it then: Linux's
    autotuning can grow it to tens of MB, milliseconds of copying), so
    over TCP 0 takes a FIN already queued, behind data or not
    (unless SO_RCVBUF was lowered once the connection was up; on
    AF_UNIX the sender's SO_SNDBUF bounds what is queued, which can be more:
    then 0 may return False with the FIN queued). max_bytes, None,
    an int or a float, if not None also stops the wait once more than that
    many bytes were discarded (False, even when the peer's FIN came right
    behind them).
    Another thread running Python code meanwhile can delay the
    return past these bounds by a switch interval (sys.getswitchinterval(),
    5 ms by default) or more: the call waits for the GIL after each system
    call. Returns True if the peer's FIN arrived in time, False if the time
    or byte budget ran out or the connection failed (reset, the kernel's
    ETIMEDOUT, also one first reported to a read made once the time is up,
    never connected, still connecting (a non-blocking connect() in
    SYN_SENT, which the call's shutdown() abandons: False at once),
    already closed) or was already over (both FINs
    exchanged, or a connection error, a reset or the kernel's ETIMEDOUT,
    that an earlier call, recv(), send() or getsockopt(SO_ERROR), reported,
    before the call: its shutdown() gets ENOTCONN; on AF_UNIX, which Linux
    never answers with ENOTCONN, True, which then says nothing of whether
    the peer read your data). A listening socket with no connection waiting
    to be accepted is no connection, yet never fails the call's waits: False
    once the whole timeout has run. An
    OSError that a
    signal handler of yours raises during the call (a TimeoutError, say)
    usually gives False, as a failed connection does, but may propagate,
    or, landing as the timeout is restored, be lost: raise one that is not
    an OSError to interrupt the call. A socket already shut
    down for reading (shutdown(SHUT_RD) or SHUT_RDWR, as a heartbeat() miss
    does) whose connection is still open reads, without waiting, what had
    already arrived, then b'': True then says nothing of the peer (False
    if what had arrived was more than max_bytes); abort() such a socket.

    The socket is closed when this returns or raises, in every case (except
    when an exception raised asynchronously, by a signal handler or Ctrl+C,
    lands as the call begins, before its try block, or in the few bytecodes
    of the close() call itself: no Python code can cover that): also
    when it raises ValueError for a timeout that is None, negative, NaN or
    above 1e6, or a max_bytes below 0 or NaN, or TypeError for a max_bytes
    that is no number (a str, say; a number of another type than those
    above, a Decimal or a complex, is outside this contract). If another
    object still holds the
    descriptor (a makefile(), a dup(), a child process), the FIN still goes
    out (not after that ValueError or TypeError, raised before the call's
    shutdown(),
    nor after an exception that lands before it: then no FIN, until the
    last holder closes), but close() only drops this reference; the
    socket's own timeout is
    restored first, and with it the blocking mode that timeout implies,
    which such a holder shares (except when an exception raised
    asynchronously lands in the few bytecodes before that restore: the
    holder is then left non-blocking). A descriptor closed behind the socket's
    back makes close() raise EBADF, after the socket has let go of it, but
    only while its number is unused: once another socket reuses it (the
    next socket() or accept() takes the lowest free number), the call acts
    on that socket, and shuts down and closes an unrelated connection. Never close a
    socket's descriptor behind its back. If SO_LINGER is on with a
    time, close() may block for that time more; on a TCP socket, on with a
    time of 0 (abort()'s setting, which an accepted socket inherits from a
    listener that has it; Linux ignores it on AF_UNIX), close() resets the
    connection, dropping the data of yours
    still unsent, unless the peer's FIN is in (True) and nothing of yours is
    left to send: then close() sends no reset, as run here on Linux (where
    what the peer has not yet acknowledged is then not sent again:
    tcp_close() and tcp_disconnect() in net/ipv4/tcp.c, read, not run
    here), but the connection is gone from the kernel at once, so a segment
    of the peer's that arrives after close() (on a link with a round-trip
    time, its acknowledgement of your FIN) draws a reset (tcp_v4_rcv() in
    net/ipv4/tcp_ipv4.c, tcp_v6_rcv() in net/ipv6/tcp_ipv6.c, read, not run
    here). On a TCP
    socket with SO_RCVLOWAT above 1 (Linux's poll() ignores it on AF_UNIX),
    fewer bytes than that, with no FIN after them, end no wait, unless they
    fill the receive buffer (as many small segments can): they are read only
    once the time is up, by the call's reads without waiting. On
    an ssl.SSLSocket, no close_notify is sent: call unwrap() first if the
    peer needs one; its shutdown() ends the TLS layer, so what the call
    discards is the peer's TLS records, raw, and max_bytes counts their
    bytes on the wire (about 22 more per record, in TLS 1.3, than the data
    they carry): allow for that, and, on a TLS 1.3 client that has read
    nothing since the handshake, for the server's session tickets, records
    it never saw (OpenSSL's server sends two by default, about 255 bytes
    each here). Another thread that uses this socket during the call
    gets the timeout the call sets (a blocking call it makes then may raise
    TimeoutError, even after this call has returned): give the socket to
    one thread at a time. When it returns False with bytes of the peer's
    still unread (the time or max_bytes ran out while the peer sent),
    close() resets the connection, and the data of yours still unsent is
    dropped. When it returns, True or False, with data of yours still
    unsent (a peer that stopped reading), nothing of the peer's unread and
    SO_LINGER off (or on with a time, once close() has waited it out:
    __tcp_close() in net/ipv4/tcp.c then orphans it the same way, read, not
    run here), the connection outlives the socket: on Linux the kernel
    keeps it, orphaned (in FIN_WAIT1; once the peer's FIN came, in LAST_ACK
    if it came before the call, CLOSING if during it), with that data
    queued, and goes on sending it, though not for ever: a peer that
    keeps its window shut or never answers gets no reset, but the kernel
    drops the orphan once its probes or retransmissions reach
    tcp_orphan_retries (with TCP_USER_TIMEOUT set, retransmissions go on
    until that time instead, longer or shorter, and window probes stop at
    the first of the two: tcp_probe_timer() and tcp_write_timeout() in
    net/ipv4/tcp_timer.c, Linux v6.6, read, not run here), and a peer that
    sends once it is dropped, or reads on until its kernel reopens its
    window (a small read does not; how much it takes depends on the peer's
    buffers), gets a reset: the rest of your data is lost; and while the
    system is over tcp_max_orphans or short of TCP memory, the kernel resets
    an orphan instead, at the close or at one of its timers later
    (tcp_check_oom() from tcp_close() in net/ipv4/tcp.c,
    tcp_out_of_resources() in net/ipv4/tcp_timer.c; tcp(7); not run here);
    True says the
    peer's FIN arrived, not that your data did. abort() a connection that
    must end at once. For stream
    sockets (SOCK_STREAM, TLS over them included): on a SOCK_SEQPACKET
    socket, an empty message reads as the peer's FIN, and max_bytes counts
    what the reads take: of a message longer than a read (65536 bytes, or
    less once the time is up), the rest is dropped, uncounted.
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
                try:
                    chunk = sock.recv(size)
                except TimeoutError as error:
                    if error.errno is not None or time.monotonic() < deadline:
                        raise  # not the wait's own: the kernel's, a handler's
                    continue  # the time is up: one more read, without waiting
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
# --8<-- [end:close_gracefully]


# --8<-- [start:read_until_eof]
def read_until_eof(sock, max_bytes=1 << 20, timeout=5.0):
    """Read until the peer's FIN (recv() returns b''); return what was read.

    timeout, an int or a float, in seconds above 0 and at most 1e6, bounds
    the whole call,
    whatever timeout the socket has (an accepted socket has none, unless
    socket.setdefaulttimeout() was called), to within about 1 ms (CPython
    waits in poll() in whole milliseconds, rounded up: the call may return
    up to about 1 ms after timeout) plus the time it takes to copy what it
    read into one bytes object (milliseconds for tens of MB); the socket's
    own timeout is restored afterwards (except when an exception raised
    asynchronously, by a signal handler or Ctrl+C, lands in the few
    bytecodes before the restore: no Python code can cover that). Another
    thread that uses this socket during the call gets the timeout the call
    sets (a blocking call it makes then may raise TimeoutError, even after
    this call has returned): give the socket to one thread at a time.
    Another thread running Python code meanwhile can delay the return past that
    bound by a switch interval (sys.getswitchinterval(), 5 ms by default)
    or more: the call waits for the GIL after each system call. Raises
    TimeoutError if reading up
    to the FIN does not finish within timeout (errno None; a TimeoutError with errno
    ETIMEDOUT is the kernel's: it gave the connection up, its
    retransmissions unanswered (tcp_retries2), or keepalive, or
    TCP_USER_TIMEOUT), ValueError if the peer sends more than
    max_bytes (it never reads more than max_bytes + 1, and holds them in one
    buffer, however the peer splits them; as it returns, that buffer and the
    bytes object it returns coexist: about twice what it read), ValueError
    for a
    timeout out of range or a max_bytes below 0, TypeError for a max_bytes
    that is not an int (None, a float, a bool), and whatever OSError recv()
    raises (ConnectionResetError: what was read is lost). An exception that
    a signal handler of yours raises during the call propagates, the
    timeout restored: a TimeoutError from it has errno None, as the call's
    own has; raise another kind to tell them apart. An OSError (a
    TimeoutError, say) landing as the timeout is restored is lost instead,
    and the call ends as it would have (returns, or raises its own error):
    raise one that is not an OSError to interrupt
    the call for sure. Whatever the call raises, what it had read is lost.
    Over TCP, and over
    AF_UNIX stream sockets on a kernel that supports MSG_OOB there (as the
    one run here does), urgent data is not in what it returns, unless
    SO_OOBINLINE is set: the last byte of each send with MSG_OOB that was
    still the latest when the call's reads reached it (the latest send's,
    and an earlier send's that the call reached before the next MSG_OOB
    send arrived), and it is lost: recv() with MSG_OOB finds no urgent byte
    after the call. One urgent mark is kept: an earlier urgent byte the call
    had not reached when a later MSG_OOB send arrived is read as data. A
    listening
    socket with no connection waiting to be accepted has nothing to read:
    TimeoutError once the whole timeout has run. On an ssl.SSLSocket the
    peer's close_notify ends the read as its FIN does, with no FIN after it
    (a peer that unwrap()s and keeps the connection open). On an
    ssl.SSLSocket made with suppress_ragged_eofs=True (the default), a peer
    that closes without close_notify reads as a FIN, and so does a
    connection error (a reset, the kernel's ETIMEDOUT) on 3.10.13 to 3.12.1
    as run here (OpenSSL 3.0): what it had read before is returned as if
    complete. 3.13 raises the error (CPython gh-115627), and so may other
    builds of 3.10 to 3.12 that carry that fix.
    On Linux, so does a connection error (a reset, the kernel's ETIMEDOUT)
    that an earlier call (recv(), send(), getsockopt(SO_ERROR)) already
    reported (Linux reports it once: recv() then returns b''), also a
    connect() or connect_ex() refused on a socket with a timeout (CPython
    then connects without blocking and reads the error with
    getsockopt(SO_ERROR); on a socket with no timeout, the call raises
    ENOTCONN instead), and so does
    this socket's own shutdown for reading
    (shutdown(SHUT_RD) or SHUT_RDWR, made before the call or by another
    thread to wake it):
    recv() then returns b'' with no FIN from the peer, and what was read
    may be incomplete (an ssl.SSLSocket made with
    suppress_ragged_eofs=False, its context without
    ssl.OP_IGNORE_UNEXPECTED_EOF, raises ssl.SSLEOFError there instead).
    Over TCP, after SHUT_RDWR, data the peer sends once it is made resets
    the connection (this side's own kernel sends the reset): if it arrives
    before the call's next read, the call raises ConnectionResetError, and
    what it had read is lost; after SHUT_RD alone, on a socket whose
    sending is still open, Linux still hands such data to the call, which
    returns it (once its sending is shut down too, SHUT_WR before or after,
    SHUT_RD acts as SHUT_RDWR). Data that arrives once the call has
    returned (a call woken by another thread returns at once) is left to
    the next read: the reset, or the data. That is a plain socket's; on an
    ssl.SSLSocket the reset raises ConnectionResetError on 3.13, while on
    3.10.13 to 3.12.1 it reads as the end (the call returns what it had
    read; ssl.SSLEOFError with suppress_ragged_eofs=False, whatever the
    context's options), and once a read
    has ended at its own shutdown, later reads end the same way (b'', or
    that error): data that arrives after it is never returned.
    Shut an ssl.SSLSocket down for reading with
    socket.socket.shutdown(sock, socket.SHUT_RD): SSLSocket.shutdown() ends
    the TLS layer first, and the call then returns the peer's TLS records
    raw. It reads the socket itself: what a makefile() object (a
    StreamRequestHandler's rfile) has already buffered is not in what it
    returns. On a TCP socket with SO_RCVLOWAT above 1 (Linux's poll()
    ignores it on AF_UNIX), fewer bytes than that, or a TLS
    close_notify in a record shorter than that, end no wait, unless they
    fill the receive buffer (as many small segments can): the call may
    raise TimeoutError with them queued. It never closes the socket. A
    descriptor closed
    behind the socket's back whose number another socket has since reused
    (the next socket() or accept() takes the lowest free number) reads
    from that socket, an unrelated connection, and restoring the timeout sets
    that descriptor's blocking mode: never close a socket's descriptor
    behind its back. For stream sockets (SOCK_STREAM, TLS over them
    included): on a SOCK_SEQPACKET socket, an empty message reads as the
    FIN, and a message longer than one read is cut short, with no error.
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
# --8<-- [end:read_until_eof]


# --8<-- [start:shutdown_quietly]
def shutdown_quietly(sock, how=socket.SHUT_WR):
    """shutdown(how), unless there is no connection to shut down.

    Returns True if it shut the connection down (or, below, the kernel took
    the shutdown of a socket with no connection yet). Returns False if the socket
    is already closed (fileno() is -1: after a close() that a makefile()
    object outlives, it is not yet, and the shutdown happens) or the kernel
    answers ENOTCONN: the
    connection was reset, or it is over (you shut it down, the peer sent its
    FIN, and yours was acknowledged), or the kernel timed it out
    (keepalive, TCP_USER_TIMEOUT), or (on macOS, by its source, for
    SHUT_RD and SHUT_RDWR) the peer sent its FIN first, or the socket was
    never connected; the errno cannot tell these apart. On Linux a TCP
    socket never connected is shut down all the same, for a later
    connect(): then send() raises BrokenPipeError after SHUT_WR, and recv()
    returns b'' without waiting for the peer after SHUT_RD, while nothing
    has arrived (what the peer sends is still read); a connect()
    still in progress (non-blocking, SYN_SENT) is abandoned: True, and a
    later send() raises ConnectionResetError. On AF_UNIX
    sockets Linux never answers ENOTCONN: True, even for a socket never
    connected or one whose peer closed. A UDP socket never connected gives
    ENOTCONN, so False, but Linux shuts it down all the same: a later
    sendto() raises BrokenPipeError after SHUT_WR. A how that is not socket.SHUT_RD,
    SHUT_WR or SHUT_RDWR raises ValueError first, with no system call (an
    SSLSocket's shutdown() would drop TLS, and only then the kernel refuse
    it). On
    a socket not closed yet, it raises any other OSError (EBADF for a
    descriptor closed behind the socket's back, while its number is
    unused: once another socket reuses it, as the next socket() or
    accept() does, it shuts that socket's connection down, an unrelated
    one). On Linux a listening socket is no error: True (SHUT_RD and
    SHUT_RDWR stop it listening: a new connection is refused; over TCP the
    connections queued unaccepted are reset, on AF_UNIX they can still be
    accepted). On an ssl.SSLSocket, shutdown() ends the
    TLS layer first, without close_notify: later recv() calls read the
    peer's TLS records raw, and after SHUT_RD, which leaves sending open,
    later send() calls send plaintext.
    """
    shut = (socket.SHUT_RD, socket.SHUT_WR, socket.SHUT_RDWR)
    if isinstance(how, bool) or not isinstance(how, int) or how not in shut:
        raise ValueError(f"how must be SHUT_RD, SHUT_WR or SHUT_RDWR, not {how!r}")
    if sock.fileno() == -1:
        return False
    try:
        sock.shutdown(how)
    except OSError as exc:
        if exc.errno != errno.ENOTCONN:
            raise
        return False
    return True
# --8<-- [end:shutdown_quietly]


# --8<-- [start:abort]
def abort(sock):
    """Reset the connection: SO_LINGER on with a zero timeout, then close().

    For TCP: while the connection is still open in a direction, the RST goes
    out (except in LAST_ACK or CLOSING, your FIN already sent, with nothing
    of yours left unsent and nothing of the peer's unread: no RST, and what
    the peer has not acknowledged is not sent again, so a peer that never
    got your FIN waits for it: Linux's tcp_disconnect() in net/ipv4/tcp.c,
    read, not run here; the connection is gone at once, though, so a
    segment of the peer's that arrives after the call, such as its
    acknowledgement of your FIN, draws a reset: tcp_v4_rcv() in
    net/ipv4/tcp_ipv4.c, tcp_v6_rcv() in net/ipv6/tcp_ipv6.c, read, not run
    here), and unsent data is dropped,
    when the last
    reference to the
    connection closes: at once if sock is the only one; while another
    reference still holds it (a makefile() object, a dup(), a child
    process, a copy in flight in an SCM_RIGHTS message, another thread
    blocked in a call on sock, or one waiting for its descriptor in select()
    or poll(), selectors' PollSelector and SelectSelector too), only when
    that lets go too (a thread waiting in epoll, selectors.DefaultSelector
    on Linux, holds nothing; a select() or poll() wait for it to be readable
    ends at the socket's next event, data or a FIN from the peer, not only
    at its timeout (except while the descriptor's number is taken again, by
    any call that makes a descriptor, such as the next socket(), accept()
    or pipe(): an event of the socket's then ends the wait only if what
    that number names is ready at that event (a TCP socket that never
    connected nor listened, as socket() alone makes, is, as poll() reports
    it hung up; one connecting, listening, accepted or connected, with
    nothing queued, is not; each event checks it again;
    its becoming ready ends nothing), else the wait runs on, to its
    timeout at most), but on a
    TCP socket with SO_RCVLOWAT above 1, data only
    once that many bytes are queued (as many as getsockopt() reads back:
    Linux may cap what you set), or fewer once they fill the receive
    buffer, as many small segments can; a wait on several descriptors
    ends at an event on any of them; and whatever makes the kernel leave a
    wait or a blocked call lets go of the socket too: a signal with a
    handler delivered to the waiting thread itself, a stop of the process
    (SIGSTOP or Ctrl+Z's SIGTSTP: the reset goes out while it is stopped),
    say). A
    second call, or a call on a closed socket (fileno() is -1), does nothing
    (like close()); after a close() that a makefile() outlives, fileno() is
    not -1 yet, and
    abort() still makes the last close a reset. Raises OSError if
    setsockopt() fails (EINVAL on a socket the peer has already reset, on
    some systems, not Linux; EBADF for a descriptor closed behind the
    socket's back, while its number is unused: once another socket reuses
    it, as the next socket() or accept() does, it resets that socket's
    connection, an unrelated one), after an ordinary close() of the socket.
    An AF_UNIX stream socket has no reset on a wire: on Linux the peer reads
    what was sent, then b'', or ConnectionResetError if this end had data
    unread (as after a close()); other AF_UNIX types differ.
    """
    if sock.fileno() == -1:
        return
    # struct linger is two ints on Linux and macOS, two u_shorts on Windows.
    layout = "HH" if sys.platform == "win32" else "ii"
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack(layout, 1, 0))
    finally:
        sock.close()
# --8<-- [end:abort]


# --8<-- [start:heartbeat]
def heartbeat(sock, deadline):
    """Send b"ping"; True if exactly b"pong" comes back within deadline seconds.

    deadline, an int or a float, bounds the whole call (sending and
    waiting), in seconds above 0 and at most 1e6 (ValueError for None or a
    number out of that range), to within about 1 ms (CPython waits in
    poll() in whole milliseconds, rounded up: the call may return up to
    about 1 ms after deadline); another thread running Python code
    meanwhile can delay the return by a switch interval
    (sys.getswitchinterval(), 5 ms by default) or more: the call waits for
    the GIL after each system call. Once the time is up, it reads once more,
    without waiting: a pong queued by then counts, also one that arrived
    after the deadline while the call ran late. On a miss (no pong in time,
    another answer, b'', an OSError) it shuts the connection down in both
    directions and returns False: a late pong could otherwise answer the
    next ping, so every later call on this socket returns False too (over
    TCP, a late pong, or any other data the peer sends once the miss has
    shut the connection down, makes this side's kernel reset it). A miss
    while a non-blocking connect() is still in progress (SYN_SENT) abandons
    that connect instead, and leaves the socket unconnected with no
    shutdown recorded: connected again before any other call, later calls
    ping the new connection. An
    exception raised while the call runs (KeyboardInterrupt from Ctrl+C,
    or one a signal handler raises) shuts the connection down too, then
    propagates; one that is an OSError (a TimeoutError, say) may instead
    count as a miss (False), or, landing as the timeout is restored, be
    lost (so may a TimeoutError that a wait raises once the time is up: it
    reads as the deadline's): raise one that is not an OSError to
    interrupt the call. Nothing is shut down by one that lands before the
    call's try block begins (before any ping: the connection is left as it
    was), or in the call's
    last few bytecodes (its cleanup's check and shutdown() call): no Python
    code can cover those. On a TCP socket whose SO_RCVLOWAT is above 1,
    poll() waits until that many bytes are queued (over TLS, counted on the
    wire), or fewer fill the receive buffer (as many small segments can): a
    pong, or the rest of one, that arrives in a shorter piece while
    the call waits, with nothing after it (no FIN), is read only once the
    time is up, and the call returns True then, at the deadline. (Over TLS
    one already queued when the call reads is read at once: the ssl module
    reads before it waits.)
    A listening socket with no connection waiting to be accepted is no
    connection, and its waits never end early: False once the whole
    deadline has run, and the miss's shutdown stops it listening (a new
    connection is refused).
    Patience is the deadline: to tolerate a slow peer, pass a longer one.
    With TCP_CORK on (Linux), the kernel may hold the ping back for up to
    200 ms: a shorter deadline then misses a live peer. Nagle's algorithm
    (on unless TCP_NODELAY is set) holds back a small message sent while an
    earlier one is not yet acknowledged until that ACK comes, which may be
    delayed (about 40 ms on Linux): on this end, a ping sent after a small
    message of yours; on the peer's, a pong sent after one of its own (over
    TLS 1.3, the session tickets a server sends after the handshake, which
    a ping sent right after it does not acknowledge). Set TCP_NODELAY on
    both ends, or allow for it in the deadline. Another thread that
    uses this socket during the call gets the timeout the call sets (a
    blocking call it makes then may raise TimeoutError, even after this call
    has returned): give the socket to one thread at a time.
    On an ssl.SSLSocket a miss also ends the TLS layer (shutdown() does):
    close the socket then. The socket's own timeout is restored (except
    when an exception raised asynchronously lands in the few bytecodes
    before the restore); the socket is never closed. A descriptor closed
    behind the socket's back whose number another socket has since reused
    pings, and on a miss shuts down, that socket's connection, an unrelated
    one, and restoring the timeout sets that descriptor's blocking mode,
    pong or not. It counts on SIGPIPE being ignored, as Python sets it at
    startup: in a process that restored its default action
    (signal.signal(signal.SIGPIPE, signal.SIG_DFL)), a ping whose send on
    a stream socket gets EPIPE kills the process, as on a connection
    already shut down (a later call, after a miss), one reset (once a call
    has reported the reset, or after the peer's FIN), one the kernel gave
    up (ETIMEDOUT) once a call has reported that, an AF_UNIX one whose
    peer closed, or a TCP socket never connected. Use
    it on a connection whose peer answers each ping with one pong and sends
    nothing else meanwhile. Urgent data is not read: a pong sent with
    MSG_OOB (over TCP, its last byte urgent) is a miss, unless SO_OOBINLINE
    is set. For stream sockets (SOCK_STREAM, TLS over them
    included): on a message socket (SOCK_SEQPACKET, UDP) its recv() cuts a
    longer message short, so a reply that begins with b"pong" gives True.
    """
    if deadline is None or not 0 < deadline <= 1e6:
        raise ValueError(f"deadline must be above 0, at most 1e6, not {deadline!r}")
    end = time.monotonic() + deadline
    alive = False  # set last: the whole call ran, and the pong came
    try:  # two levels: Ctrl+C in the inner cleanup still reaches shutdown()
        previous = sock.gettimeout()
        answer = b""
        try:
            sock.settimeout(deadline)
            sock.sendall(b"ping")
            while len(answer) < 4:
                sock.settimeout(max(end - time.monotonic(), 0))
                try:
                    chunk = sock.recv(4 - len(answer))
                except TimeoutError:
                    if time.monotonic() < end:
                        raise  # not the deadline's: a signal handler's, say
                    # One more read, without waiting: a pong queued by now
                    # counts (poll() missed it, or the thread got the CPU late)
                    sock.settimeout(0)
                    chunk = sock.recv(4 - len(answer))
                if not chunk:
                    break
                answer += chunk
        except OSError:
            answer = b""  # a miss
        finally:
            try:
                sock.settimeout(previous)
            except OSError:
                pass  # closed, or its descriptor closed behind its back
        alive = answer == b"pong"
    finally:
        if not alive:  # a miss, or cut short
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass  # already shut down, reset or closed: dead all the same
    return alive
# --8<-- [end:heartbeat]


# --8<-- [start:close_writer]
async def close_writer(writer, timeout=5.0):
    """Close an asyncio StreamWriter; abort it if not closed in timeout seconds.

    Returns True if it closed (its buffer flushed into the kernel, which
    is not delivered: bytes from the peer still unread when the socket
    closes make the kernel reset the connection, and drop what it had not
    yet sent; close_gracefully_async() reads them first; over TLS, the
    peer's close_notify or FIN received too) within timeout, and also when
    asyncio's ssl_shutdown_timeout (3.11+) ended the wait first, or another
    task aborted the writer while it waited (on 3.13,
    Server.abort_clients(), say), or, over TLS, the peer sent data after
    your close_notify (asyncio then fails the close: ssl.SSLError,
    APPLICATION_DATA_AFTER_CLOSE_NOTIFY): that True does not mean the
    buffer was delivered, as asyncio then drops what is left of it. Over
    TLS, with more than twice the reader's limit of the peer's data left
    unread (asyncio has paused reading), that data counts as data after
    your close_notify on 3.11 to 3.13 (True at once), and on 3.10 hides the
    peer's close_notify behind it, never read: False at the timeout. A TLS
    writer also gives True, with no close_notify from the peer, when
    another task closed the connection under it while the call waited (on
    3.13, Server.close_clients()). False if it did
    not close within timeout: it then aborts what is still open (the rest
    of its buffer is dropped and the peer may get a reset; asyncio's abort
    closes the socket, without SO_LINGER 0, so with nothing of the peer's
    unread, what the kernel had already taken still goes out, then a FIN,
    from the connection that close orphans, as in close_gracefully(); while
    another descriptor holds the socket, no FIN: below), and a
    connection that failed meanwhile, closed by the failure, needs no
    abort. timeout, an int or a float, in seconds from 0 to 1e6,
    bounds the wait (0 aborts unless the close completes at once, as on a
    plain transport with nothing left to send; a TLS writer's close, which
    waits for the peer's close_notify or FIN, does not complete at once
    unless asyncio has already read one: one still unread in the kernel, the
    event loop busy meanwhile, does not count, and even once the reader has
    read it (at EOF), or right after an abort, a TLS transport takes a loop
    iteration or more to finish closing, so 0 may give False then, with
    nothing dropped (on 3.11 to 3.13 right after the reader's EOF, and
    right after an abort on every version, as run here); the close of a
    subprocess's stdin (create_subprocess_exec()), with nothing left to
    send, takes a loop iteration more than 0 allows: False, with nothing
    dropped and no abort, and so does one aborted just before the call:
    False, it counts as closed only a loop iteration later); the abort
    itself takes a few loop iterations more. Like every asyncio timeout, it
    holds while the event loop runs: code that blocks the loop (a
    time.sleep() in another task, say) delays the return by as long. Over
    TCP, with SO_LINGER on and 0 (abort()'s setting), asyncio's close() of
    the socket resets the connection (once no other descriptor holds it:
    below): True all the same, and the peer gets a
    reset, not a FIN; with SO_LINGER on with a time (not 0), and nothing of
    the peer's unread (else the reset above, at once), asyncio's
    close() of the socket waits, blocking the event loop, until the peer has
    acknowledged what is queued and the FIN, or that time has run: the
    timeout does not bound the call then, and True means it closed, after
    the timeout or not; so does the abort's close, so False can come late
    too. On AF_UNIX, Linux ignores SO_LINGER. A
    task cancelled before its first step runs none of it, and the
    writer stays open (asyncio.wait_for(close_writer(writer), 0) with the
    default task factory, say):
    await this call directly. Like close(), it closes only
    this hold on the socket: while another descriptor holds it too (a
    dup() in this process, or a child forked meanwhile, as a
    ProcessPoolExecutor's workers are on Linux), it returns True and the
    peer gets no FIN (close_gracefully_async()
    sends one first over a plain socket: write_eof() shuts the connection
    down; over TLS it sends close_notify (on 3.10, not once the peer's
    came first: below), and no FIN while the other
    descriptor holds the socket). A makefile() of a socket you gave
    asyncio (open_connection(sock=...)) holds it the same way, though it is
    no other descriptor: the descriptor stays open until that file is
    closed. Also returns
    False when an earlier wait_for(wait_closed()) was cancelled, which
    leaves wait_closed() raising CancelledError: after abort() if the writer
    had not closed yet, and with no abort, everything delivered or not, if
    it had. But for that, a
    connection that fails while closing, or that was closed before (even by
    an abort), counts as closed (at timeout 0, over TLS once its transport
    has finished closing, and a subprocess's stdin aborted just before only
    a loop iteration later: above), and so does a socket never connected
    (open_connection(sock=) of one: True at once, the socket closed). On
    3.10, a TLS writer whose peer sent its close_notify first closes
    without sending its own (the unwrap() of a peer whose context lacks
    ssl.OP_IGNORE_UNEXPECTED_EOF then raises SSLEOFError); 3.11 to 3.13
    send it, as run here.
    On 3.11 to 3.13, a TLS writer closed twice, before this call or by
    another task during it (two close() calls; one aborted first, abort()
    and then close(), is closed by the abort: True), has let go of its TLS
    protocol: this call cannot abort it (writer.transport.abort() reaches
    only that protocol), so it closes only once the peer's close_notify,
    FIN or reset arrives, asyncio's ssl_shutdown_timeout ends it, or
    something closes the TCP transport beneath it (on 3.13,
    Server.close_clients() or abort_clients(), which hold that transport):
    True then, if in time; else False at the timeout, the connection still
    open, not aborted, and the wait this call gives up cancels the writer's
    own: a later
    writer.wait_closed() raises CancelledError, even once it has closed, so
    does one already waiting in another task, and another close_writer()
    on the writer meanwhile returns False with this one, at this call's
    timeout (a close_gracefully_async() then gives False too).
    Every other writer is closed when this returns or
    raises, in every case: ValueError for a timeout out of range,
    CancelledError if the task running it is cancelled once it has started,
    and any other exception wait_closed() raises within timeout
    (NotImplementedError, at once, from a writer made on a protocol with no
    close waiter, such as
    asyncio.streams.FlowControlMixin; the writers of open_connection(),
    start_server() and create_subprocess_exec() have one) all abort first
    (a transport closed already, or a pipe whose close has nothing left to
    send, needs no abort).
    """
    if not writer.is_closing():  # a second close() breaks a TLS writer (3.11+)
        writer.close()
    closing = asyncio.ensure_future(writer.wait_closed())
    try:
        if timeout is None or not 0 <= timeout <= 1e6:
            raise ValueError(f"timeout must be from 0 to 1e6, not {timeout!r}")
        done, _ = await asyncio.wait({closing}, timeout=timeout)
        if done and not closing.cancelled():
            error = closing.exception()  # an OSError: it closed all the same
            if error is None or isinstance(error, OSError):
                return True
            raise error  # NotImplementedError: no close waiter (aborted first)
        return False
    finally:
        ended = closing.done() and not closing.cancelled()
        error = closing.exception() if ended else None
        if not ended or not isinstance(error, (OSError, type(None))):
            try:
                sock = writer.get_extra_info("socket")  # None: TLS let go, a pipe
                pipe = writer.get_extra_info("pipe")
            except AttributeError:  # a TLS writer closed twice (3.11+) has let
                sock = pipe = None  # go of its protocol: it cannot be aborted
                abortable = False
            else:
                abortable = True
            if pipe is not None:  # a pipe breaks if aborted after its close()
                unclosed = writer.transport.get_write_buffer_size() > 0
            else:  # has scheduled its end (empty buffer)
                unclosed = sock is None or sock.fileno() != -1
            if unclosed and abortable:  # (a closed one has nothing to abort)
                writer.transport.abort()
            await asyncio.wait({closing}, timeout=1 if abortable else 0)
            if not closing.done():
                closing.cancel()
            elif not closing.cancelled():
                closing.exception()  # retrieved: no "never retrieved" warning
# --8<-- [end:close_writer]


# --8<-- [start:close_gracefully_async]
async def close_gracefully_async(reader, writer, timeout=5.0, max_bytes=None):
    """Send EOF, discard what the peer still sends until its EOF, then close.

    The asyncio streams twin of close_gracefully(). timeout, an int or a
    float, in seconds from 0 to 1e6, bounds the whole call, the close
    included (close_writer() gets what is left of it); once it is spent,
    one more read takes what has arrived, so 0 takes an EOF already
    received with nothing before it
    (over TLS or a subprocess's pipes, one that asyncio has already read,
    reader.at_eof(): a close_notify, or a pipe's end, still unread in the
    kernel, the event loop busy meanwhile, may give False).
    Like every asyncio timeout, it holds while the event loop runs: code
    that blocks the loop (a time.sleep() in another task, say) delays the
    return by as long. So does the call's own close over TCP with SO_LINGER
    on with a time (not 0): closing the socket, or aborting it, with nothing
    of the peer's unread, blocks the loop until the peer has acknowledged
    what is queued and the FIN, or that time has run (close_writer()), so
    the timeout does not bound the call then, True can come after it, and a
    cancelled call's close is not at once either.
    max_bytes, None, an int or a float, if not None also stops the reading
    once more than that many bytes were discarded.
    Over TLS the peer's EOF is its close_notify, or a FIN without one. A
    writer whose socket is already shut down for reading (shutdown(SHUT_RD)
    or SHUT_RDWR, through writer.get_extra_info("socket") or another holder
    of it) while the connection is still open reads, without waiting, what
    had already arrived, then EOF: True then says nothing of the peer (False
    if what had arrived was more than max_bytes); abort such a writer.
    Returns True if the peer's EOF arrived and the writer closed in time,
    False otherwise (time spent, more than max_bytes discarded, connection
    failed, also while the close still sent, the close had to abort, or,
    over a plain socket, the writer was closing, already or when this call
    read EOF: another task, or a second call, closed or aborted it
    meanwhile: its reader's EOF may then be its own close's, not the
    peer's). An abort by another task once this call has read EOF and is
    closing counts as closed, as in close_writer(): True, with the rest of
    the buffer dropped. Over TLS and over a subprocess's pipes, a
    writer already closing is no exception: asyncio's TLS transport (3.11+)
    closes itself once the peer's EOF arrives, and a pipe writer once every
    process holding the read end of the child's stdin has closed it (the
    child's exit does, unless a process it started still holds it), so the
    call still reads to EOF and gives True if that comes in time (False
    after an earlier cancelled wait_for(writer.wait_closed()), as
    close_writer() gives; from a pipe, the EOF comes once every process
    holding the child's stdout has closed it; over TLS, a writer that you,
    an earlier call, or another task while this call reads, closed or
    aborted looks the
    same, and gives True too once its reader reads EOF; on 3.11 to 3.13,
    one closed twice too, but close_writer() cannot abort it,
    and it is the one writer this call may leave open: close_writer()).
    What such a writer had not sent when it closed itself, or is given
    after, is lost: True says nothing of it. A pipe writer that was not
    closing when the call began, and breaks while the call's own close
    still sends (the child closed its stdin or went, with data of yours
    unread), gives False. Over pipes only the
    writer is closed; the reader, the child's stdout, stays open: after
    False, a child still writing blocks once that pipe fills, and on 3.11
    and later, once the reader's buffer is full (it has paused reading),
    proc.wait() waits for the pipe too, even after kill(): read it to its
    EOF. Over TLS on 3.10, once
    more than max_bytes were discarded, the close may still wait for the
    rest of timeout (its TLS shutdown waits for the peer's close_notify,
    which a peer still sending does not send): False, at the latest at the
    timeout; 3.11 to 3.13 return False at once, as run here, when the peer's
    data still arrives after the call's close_notify, but a peer whose data
    asyncio has all read and which then sends nothing makes every version
    wait for the timeout (on 3.11 to 3.13, or for asyncio's
    ssl_shutdown_timeout, 30 s by default, if that ends first): False
    then. Over TLS no EOF can be
    sent (can_write_eof() is False): it waits for the peer's EOF all the
    same, so a peer that waits for yours makes it
    return False at the timeout. The writer is closed when this returns or
    raises, in every case but that TLS writer closed twice: also when it
    raises ValueError for a timeout out of range or a max_bytes below 0 or
    NaN, or TypeError for a max_bytes that is no number, and
    at once when its task is cancelled once it has started (the transport is
    aborted: what is left of its buffer is dropped, and the socket closed,
    so with nothing of the peer's unread the peer sees a FIN, not a reset,
    after what the kernel had taken: over a plain socket it cannot tell that
    the rest was dropped; over TLS, a close_notify the kernel does not take
    at once (queued behind data, or refused by a full send buffer:
    _SelectorSocketTransport.write() keeps what send() does not take, and
    _force_close() clears it, Lib/asyncio/selector_events.py, CPython 3.13,
    read, not run here) is dropped with the rest, so a strict peer
    (suppress_ragged_eofs=False, its context without
    ssl.OP_IGNORE_UNEXPECTED_EOF) gets ssl.SSLEOFError, and a default one
    b'', while with nothing left to
    send and room in the kernel for it the close_notify goes out, and the
    peer reads a clean end). A task cancelled before its first step runs
    none of it, and the writer stays open: await this call directly, or
    close the writer in a finally of your own. Give it the reader alone:
    while another task is reading from reader (a StreamReader takes one
    reader at a time), each of the call's reads takes what is buffered,
    which that task then misses, and the first that finds nothing buffered
    raises RuntimeError;
    the call makes one read in every case but two (a plain-socket writer
    already closing gives False at once, above, and so does one whose
    write_eof() fails: over TCP, a connection reset or given up that
    asyncio has not yet seen, or a socket never connected), timeout 0
    included, and another after each
    while time is left and no more than max_bytes were taken
    (so it returns False instead once the time is spent, or more than
    max_bytes were taken, by reads that found bytes); the writer is closed
    either way. It is closed too when close_writer() raises
    (NotImplementedError for a writer with no close waiter): this call
    raises it too.
    """
    loop = asyncio.get_running_loop()
    deadline = loop.time()
    saw_eof = pipe = False
    closing_before = True  # the writer was closing when the call began
    try:
        if timeout is None or not 0 <= timeout <= 1e6:
            raise ValueError(f"timeout must be from 0 to 1e6, not {timeout!r}")
        if max_bytes is not None and not max_bytes >= 0:
            raise ValueError(f"max_bytes must be None or >= 0, not {max_bytes!r}")
        deadline += timeout
        discarded = 0
        try:
            tls = writer.get_extra_info("sslcontext") is not None
            pipe = writer.get_extra_info("pipe") is not None
        except AttributeError:  # a TLS writer closed twice (3.11+): close_writer()
            tls, pipe = True, False
        closing_before = writer.is_closing()
        if closing_before and not (tls or pipe):
            return False  # its reader's EOF may be its own close's
        if writer.can_write_eof():
            writer.write_eof()
        old_tls = tls and sys.version_info < (3, 11)

        async def read_chunk():
            """reader.read(65536), and how many bytes it took. On 3.10 over TLS
            the transport closes itself under a paused reader, whose next read
            takes its chunk, then fails (AttributeError) to resume reading: a
            read that found the buffer full, so it took min(65536, buffered)."""
            buffered = len(reader._buffer) if old_tls else 0
            try:
                chunk = await reader.read(65536)
            except AttributeError:
                if not old_tls:
                    raise
                return None, buffered - len(reader._buffer) if buffered else 65536
            return chunk, len(chunk)

        while max_bytes is None or discarded <= max_bytes:
            remaining = deadline - loop.time()
            reading = asyncio.ensure_future(read_chunk())
            try:  # not wait_for(): at 0 it would cancel a read of what is buffered
                done, _ = await asyncio.wait({reading}, timeout=remaining)
            finally:
                if not reading.done():
                    reading.cancel()
            if not done:
                break  # time spent
            chunk, taken = reading.result()
            discarded += taken
            # chunk None: 3.10's failed TLS read, which took its bytes (above)
            if chunk == b"":  # the peer's EOF, or one a close meanwhile fed it
                # (not over pipes: write_eof() closes the writer's pipe, and
                # the reader has a pipe of its own, which no close feeds)
                saw_eof = tls or pipe or not writer.is_closing()
                break
            if remaining <= 0:
                break  # time spent: one read of what had arrived, no more
    except OSError:
        pass
    except asyncio.CancelledError:
        deadline = loop.time()  # cancelled: close at once
        raise
    finally:
        closed = await close_writer(writer, max(deadline - loop.time(), 0))
    # A pipe that closed itself as its child went fails for that, not for us
    if saw_eof and closed and not (pipe and closing_before):
        try:
            await writer.wait_closed()  # done: raises what ended the connection
        except OSError:
            return False  # it failed while closing (a reset): not graceful
    return saw_eof and closed
# --8<-- [end:close_gracefully_async]


# --8<-- [start:stoppable_server]
class StoppableHTTPServer(http.server.ThreadingHTTPServer):
    """A ThreadingHTTPServer that serves in its own thread and stops cleanly.

    Handlers must derive from StoppableHTTPRequestHandler; serve with
    start(), which serves in a new thread, and raises RuntimeError if
    called again or after stop(). That thread is not a daemon, nor is any
    handler thread, whatever thread called start() and whatever
    daemon_threads says: until stop() (a with block calls it), the process
    does not exit. If start() raises
    (no thread could start, or KeyboardInterrupt cut it short), start() may
    be called again if its thread had not begun serving (that thread then
    never serves), and stop() ends the serving if it had.
    stop() does not stop a serve_forever() of your own: call shutdown()
    from another thread first, then stop(); stop() alone returns, and
    leaves that loop polling the closed listener without a pause (a CPU
    kept busy) until shutdown(). Add TLS per connection, in the handler's
    setup() (self.request.settimeout(...), then self.request =
    context.wrap_socket(self.request, server_side=True,
    do_handshake_on_connect=False), then super().setup()), not by wrapping
    the listening socket: a handshake inside accept() would hold
    serve_forever(), and stop() with it. So wrapped, the handshake happens
    in the handler's first read, its wait for the first request, which
    stop() wakes as it wakes any (the timeout bounds it meanwhile: a client
    that never sends its hello cannot hold it), while the handshake waits to
    read: one still sending its reply to a client that reads nothing (a
    certificate chain larger than the send buffer and the client's window
    hold) is not woken: the connection's timeout ends it if that comes
    first (True), else it is cut at stop()'s timeout (False); a handshake
    in setup()
    (do_handshake_on_connect=True, the default) comes before that wait:
    stop() neither wakes nor shuts down its connection. That timeout stays
    on the connection, as its wait for each request, unless the handler's
    timeout attribute sets another. The
    handler closes such a wrapper when it finishes (the server closes only
    the socket it accepted, which the wrapping detached). Over TLS
    (OpenSSL 3), the client of a connection stop() wakes gets a
    decode_error alert (ssl.SSLError) instead of a plain end, unless the
    server's context has ssl.OP_IGNORE_UNEXPECTED_EOF: then it reads a FIN
    with no close_notify, b'' by default, and ssl.SSLEOFError if it does
    not suppress ragged EOFs (suppress_ragged_eofs=False) and its own
    context lacks that option too. stop(timeout)
    stops accepting and closes the listening socket (once serve_forever()
    notices, at its next 0.1 s poll: a new
    connection is then refused, and one the kernel had queued unaccepted is
    reset, also while a child process holds the listening socket, as the
    workers a handler's ProcessPoolExecutor forks do on Linux: stop() shuts
    it down, which ends its listening for every holder), lets each request
    in progress finish, closes the connections
    waiting for a request, and returns True once every handler thread has
    ended, within timeout seconds of the call (its wait, of up to 0.1 s,
    for serve_forever() to notice included: with a timeout shorter than
    that wait, a handler that ends during it counts as in time, and stop()
    returns True up to 0.1 s after the call). Once serve_forever() has
    returned and stop() wakes the waiting connections, the first request
    that reaches a connection before the server closes it is answered 503
    with Connection: close, also one pipelined behind a request in progress
    before stop() was called, if that request leaves the connection open (as
    BaseHTTPRequestHandler decides for every request, from the request's
    version and Connection header, the handler's protocol_version and any
    Connection header it sends: an HTTP/1.1 request without Connection:
    close, to a handler whose protocol_version is "HTTP/1.1" and that sends
    no Connection: close, does; when it does not, the handler closes the
    connection after its response, as at any time, and the pipelined request
    gets no answer) (one woken in the middle of its request line is closed
    without an answer, and so is one that reaches an idle connection after
    the wake, once the woken handler's read has returned b'': it reads no
    further; one that arrives after the wake but before that read (Linux
    still hands a read the data that arrived after shutdown(SHUT_RD)) gets
    the 503); one that reaches an idle connection earlier,
    while stop() waits for serve_forever(), may be served as usual. A
    request that BaseHTTPRequestHandler itself rejects (a request line it
    cannot parse, 400, or of more than 65536 bytes, 414; an HTTP/0.9
    request other than GET, 400; more than 100
    header lines or one of more than 65536 bytes, 431; an HTTP version it
    cannot read, 400, or from 2.0 on, 505) gets that error instead of the
    503, as at any time, and the connection is then closed. An HTTP/0.9 request
    (a request line with no version), or one whose version it rejects, gets
    its answer, the 503 or that error, as the error page alone, with no
    status line and no headers. An empty line before a request (which RFC
    9112 says a server should ignore) ends the connection instead, with no
    answer, as at any time. A
    request that expects 100 Continue (Expect: 100-continue) gets the 503
    without one, so a client that waits for it sends no body. The 503
    goes out without the request's body being read, and the connection is
    then closed: a client that sends a whole body before it reads (as
    http.client does) may get BrokenPipeError or ConnectionResetError
    instead of the 503. Past the timeout, the connections still open (but
    one whose handler is still in setup(), below) are shut down (their
    requests are cut: a request that had not reached
    do_GET() never does, and gets no answer; a handler reading a request
    body, self.rfile.read(n), gets it short, with no error: compare its
    length with Content-Length), but for a call from a handler
    not those of the handlers inside stop(), its own included (each can
    answer once its stop() returns, and its connection then closes, unless
    a call from a thread that is no handler, which spares none, cuts it
    first at its own timeout),
    and stop() returns False after at most one second more; a handler that
    never touches its socket again, or is still in setup() (a TLS
    handshake there, whose connection stays open until setup() returns),
    outlives stop(), and, its thread not a daemon, holds the process's exit
    until it ends.
    stop(timeout) takes an int or a float, in seconds: it raises ValueError
    for a timeout that is None, negative, NaN or above 1e6, once it has
    stopped accepting, before it wakes anything. It raises
    RuntimeError, and does nothing, if called from the thread that start()
    serves in (from a server hook such as service_actions() or
    verify_request()): it would wait for that thread, for ever; catch it
    there, for socketserver calls these hooks outside any try, so it would
    end serve_forever() and that thread (Lib/socketserver.py, read, not run
    here). The
    listening socket is closed when stop() returns or raises, in every case
    (except for that RuntimeError, and when an exception raised
    asynchronously, by a signal handler or Ctrl+C, lands as the call
    begins, before its try block, or in the few bytecodes of the
    server_close() call itself: no Python code can cover that).
    stop() may be called twice, by two threads at once (each waits, as
    one call would, for the handlers serve_forever() starts until it ends),
    without start(), again after KeyboardInterrupt (Ctrl+C) cut one short
    (as a with block's __exit__ does: it waits for the handlers all the
    same, also on 3.10 to 3.12, where that interrupted join() can mark a
    running thread ended, CPython gh-90882; a with block's __exit__ calls
    stop() once: if a second Ctrl+C cuts that call short, call stop() again
    yourself, in an except KeyboardInterrupt around the with block, or the
    connections it had not woken yet keep their handlers, and the
    process's exit, waiting), or
    from handlers (a call from a handler waits for no handler inside stop(),
    its own thread included, so two handlers may call it at once), but not
    from a signal handler: set an event there, and call stop() from the main
    thread. Linux: stop() wakes handlers waiting in recv() with
    shutdown(SHUT_RD), which other systems may not honour.
    """

    daemon_threads = False
    block_on_close = False

    def __init__(self, *args, **kwargs):
        self._lock = threading.Lock()
        self._stopping = False
        self._connections = {}  # connection -> "waiting", "working", "woken", "cut"
        self._owners = {}  # connection -> its handler thread
        self._handlers = {}  # handler thread -> Event set when it ends
        self._running = set()  # handler threads that began handling
        self._stoppers = set()  # threads inside stop()
        self._started = False  # start() succeeded, or stop() was called
        self._serving = None  # start()'s thread, until stop() or start() gives it up
        self._began = False  # that thread began serve_forever()
        super().__init__(*args, **kwargs)

    def start(self):
        # daemon=False: a thread takes its creator's flag by default, and a
        # daemon's start() would make the serving and handler threads daemons
        serving = threading.Thread(target=self._serve, daemon=False)  # Ctrl+C: ok
        try:
            with self._lock:  # a stop() meanwhile waits, then finds the thread
                if self._started:
                    raise RuntimeError(
                        "start() may be called once, and not after stop()"
                    )
                # Together, in one statement: the smallest window for Ctrl+C.
                self._serving, self._started = serving, True
            serving.start()
        except BaseException:  # e.g. Ctrl+C in start()'s wait for the thread
            with self._lock:  # still ours (no stop() took it), not serving:
                if self._serving is serving and not self._began:
                    self._serving, self._started = None, False  # give it up
            raise

    def _serve(self):
        with self._lock:  # a thread given up never serves
            if self._serving is not threading.current_thread():
                return
            self._began = True
        # shutdown(), in stop(), waits up to poll_interval for serve_forever()
        self.serve_forever(0.1)

    def process_request(self, request, client_address):
        thread = threading.Thread(
            target=self.process_request_thread,
            args=(request, client_address),
            daemon=False,  # whatever daemon_threads says: never cut at exit
        )
        try:
            with self._lock:  # before start(): it may end at once
                self._handlers[thread] = threading.Event()
            thread.start()
        except BaseException:  # e.g. Ctrl+C in a serve_forever() of your own
            with self._lock:  # give it up unless it began: it will not handle
                if thread not in self._running:
                    self._handlers.pop(thread, None)
            raise

    def process_request_thread(self, request, client_address):
        me = threading.current_thread()
        with self._lock:
            if me not in self._handlers:
                return  # given up by process_request(), which closes the request
            self._running.add(me)
        try:
            super().process_request_thread(request, client_address)
        finally:  # what _join() waits for
            with self._lock:
                self._running.discard(me)
                ended = self._handlers.pop(me)
            ended.set()

    def waiting(self, connection):
        """Called by the handler before it reads a request."""
        with self._lock:
            self._owners[connection] = threading.current_thread()
            if self._connections.get(connection) == "cut":
                return  # stop() shut it down: it stays cut
            if self._stopping:
                self._wake(connection)
            else:
                self._connections[connection] = "waiting"

    def working(self, connection):
        """Called once a request arrived; False if stop() woke or cut it."""
        with self._lock:
            if self._connections.get(connection) in ("woken", "cut"):
                return False
            self._connections[connection] = "working"
            return True

    def was_cut(self, connection):
        """Whether stop() cut the connection while its request arrived."""
        with self._lock:
            return self._connections.get(connection) == "cut"

    def finished(self, connection):
        """Called when the handler is done with the connection."""
        with self._lock:
            self._connections.pop(connection, None)
            self._owners.pop(connection, None)

    def _wake(self, connection):
        self._connections[connection] = "woken"
        try:  # socket.socket's: SSLSocket.shutdown() would end its TLS
            socket.socket.shutdown(connection, socket.SHUT_RD)
        except OSError:
            pass  # closed, reset or never connected: nothing to wake

    def _cut(self, connection):
        try:  # socket.socket's, as in _wake()
            socket.socket.shutdown(connection, socket.SHUT_RDWR)
        except OSError:
            pass

    def stop(self, timeout=5.0):
        deadline = time.monotonic()
        me = threading.current_thread()
        if me is self._serving:  # its shutdown() would wait for itself
            raise RuntimeError("stop() called from the serving thread")
        try:
            with self._lock:
                self._stoppers.add(me)  # see _join()
                self._started = True  # no start() after stop()
                serving = self._serving if self._began else None
                if serving is None:
                    self._serving = None  # if it has not begun, it never will
            if serving is not None:  # every call waits for serve_forever() to
                self.shutdown()  # end, so that a handler it starts meanwhile
                serving.join()  # is among those _join() waits for
            try:  # a child this process forked may hold the listener too:
                self.socket.shutdown(socket.SHUT_RDWR)  # ends listening for all
            except OSError:
                pass
            self.socket.close()  # refuse new connections while draining
            if timeout is None or not 0 <= timeout <= 1e6:
                raise ValueError(f"timeout must be from 0 to 1e6, not {timeout!r}")
            deadline += timeout
            with self._lock:
                self._stopping = True
                for connection, state in list(self._connections.items()):
                    # "woken" and "cut" too: a stop() cut short may have
                    # marked them before their shutdown(); again is harmless
                    if state in ("waiting", "woken"):
                        self._wake(connection)
                    elif state == "cut":
                        self._cut(connection)
            if self._join(deadline):
                return True
            with self._lock:
                spared = self._spared(me)  # they answer once their stop() returns
                owners = self._owners
                late = [c for c in self._connections if owners.get(c) not in spared]
                for connection in late:
                    self._connections[connection] = "cut"
            for connection in late:
                self._cut(connection)
            self._join(deadline + 1)
            return False
        finally:
            try:  # two levels: Ctrl+C in the first still reaches server_close()
                with self._lock:
                    self._stoppers.discard(me)
            finally:
                self.server_close()

    def _spared(self, me):
        # From a handler, not the handlers inside stop(), its own thread
        # included: two would wait for each other (call with the lock held).
        return self._stoppers if me in self._handlers else ()

    def _join(self, deadline):
        with self._lock:
            spared = self._spared(threading.current_thread())
            handlers = [(t, e) for t, e in self._handlers.items() if t not in spared]
        for thread, ended in handlers:
            # Its Event, not is_alive(): a join() that KeyboardInterrupt cut
            # short marks a running thread ended (3.10 to 3.12, gh-90882).
            if ended.wait(max(deadline - time.monotonic(), 0)):
                thread.join(max(deadline - time.monotonic(), 0))
        return all(ended.is_set() for _, ended in handlers)

    def __exit__(self, *exc_info):
        self.stop()


class StoppableHTTPRequestHandler(http.server.BaseHTTPRequestHandler):
    """A request handler that StoppableHTTPServer.stop() can drain.

    Keyword arguments go on to the next class, as functools.partial(handler,
    directory=...) gives them to a SimpleHTTPRequestHandler mixed in.
    """

    def __init__(self, request, client_address, server, **kwargs):
        self._accepted = request  # setup() may wrap it (TLS): see finish()
        self._refusing = False
        super().__init__(request, client_address, server, **kwargs)

    def handle_one_request(self):
        self.server.waiting(self.connection)
        super().handle_one_request()

    def parse_request(self):
        working = self.server.working(self.connection)
        cut = self.server.was_cut(self.connection)
        if not working and (cut or not self.raw_requestline.endswith(b"\n")):
            self.close_connection = True  # cut, or woken mid-line: no answer
            return False
        self._refusing = not working  # a 503 follows: no 100 Continue
        if not super().parse_request():
            return False
        if self.server.was_cut(self.connection):
            self.close_connection = True  # cut while its headers arrived
            return False
        if not working:
            self.close_connection = True
            self.send_error(503, "Server stopping")
            return False
        return True

    def handle_expect_100(self):
        # parse_request() calls it for Expect: 100-continue; a 503 needs no 100
        return True if self._refusing else super().handle_expect_100()

    def finish(self):
        try:
            super().finish()
        finally:
            self.server.finished(self.connection)
            if self.connection is not self._accepted:
                self.connection.close()  # the server closes only what it accepted
# --8<-- [end:stoppable_server]
