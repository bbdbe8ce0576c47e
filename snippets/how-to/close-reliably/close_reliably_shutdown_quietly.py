"""Linux only: shutdown_quietly() ignores ENOTCONN: the connection is already gone.

On Linux, shutdown() on a connection that the peer has reset raises
ENOTCONN; socketserver's shutdown_request() ignores it and closes anyway.
shutdown_quietly() returns False for that errno and for a socket already
closed, as a second close() does nothing. ENOTCONN also answers a socket
that was never connected: the errno cannot tell the two apart.
"""

import errno
import select
import socket
import struct
import sys


# --8<-- [start:helper]
def shutdown_quietly(sock, how=socket.SHUT_WR):
    """shutdown(how), unless there is no connection to shut down.

    Returns True if it shut the connection down. Returns False if the socket
    is already closed (fileno() is -1) or the kernel answers ENOTCONN: the
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
    connected or one whose peer closed. A how that is not socket.SHUT_RD,
    SHUT_WR or SHUT_RDWR raises ValueError first, with no system call (an
    SSLSocket's shutdown() would drop TLS, and only then the kernel refuse
    it). On
    a socket not closed yet, it raises any other OSError (EBADF for a
    descriptor closed behind the socket's back, while its number is
    unused: once another socket reuses it, as the next socket() or
    accept() does, it shuts that socket's connection down, an unrelated
    one). On Linux a listening socket is no error: True (SHUT_RD and
    SHUT_RDWR stop it listening). On an ssl.SSLSocket, shutdown() ends the
    TLS layer first, without close_notify: later recv() calls read the
    peer's TLS records raw.
    """
    shut = (socket.SHUT_RD, socket.SHUT_WR, socket.SHUT_RDWR)
    if isinstance(how, bool) or not isinstance(how, int) or how not in shut:
        raise ValueError(f"how must be SHUT_RD, SHUT_WR or SHUT_RDWR, not {how!r}")
    if sock.fileno() == -1:
        return False
    try:
        sock.shutdown(how)
    except OSError as exc:
        if exc.errno != errno.ENOTCONN:  # (1)!
            raise
        return False
    return True
# --8<-- [end:helper]


def abort(sock):
    """Reset the connection: SO_LINGER on with a zero timeout, then close().

    For TCP: while the connection is still open in a direction, the RST goes
    out, and unsent data is dropped, when the last reference to the
    connection closes: at once if sock is the only one; while a makefile()
    object, a dup(), a child process, or another thread blocked in a call on
    sock still holds it, only when that lets go too. A second call, or a
    call on a closed socket (fileno() is -1), does nothing (like close());
    after a close() that a makefile() outlives, fileno() is not -1 yet, and
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


def outcome(call):
    """What call() returned, or the class and errno name of the OSError it raised.

    The errno name only if errno holds one: a socket timeout's TimeoutError
    has none, and the exceptions that modules define (for TLS, for address
    lookups) hold codes of their own there. Other exceptions propagate.
    """
    try:
        return call()
    except OSError as exc:
        if exc.errno is None or type(exc).__module__ != "builtins":
            return type(exc).__name__
        return f"{type(exc).__name__} {errno.errorcode.get(exc.errno, exc.errno)}"


with socket.create_server(("127.0.0.1", 0)) as listener:
    # --8<-- [start:runs]
    with socket.create_connection(listener.getsockname(), timeout=5) as client:
        conn, _ = listener.accept()
        with conn:
            conn.settimeout(5)
            print("connected:", shutdown_quietly(conn), client.recv(1024))  # (1)!
            #> connected: True b''

    with socket.create_connection(listener.getsockname(), timeout=5) as client:
        conn, _ = listener.accept()
        with conn:
            conn.settimeout(5)
            abort(client)  # (2)!
            select.select([conn], [], [], 5)  # wait until the reset has arrived
            shut_wr = outcome(lambda: conn.shutdown(socket.SHUT_WR))
            print("after a reset, shutdown():", shut_wr)  # (3)!
            #> after a reset, shutdown(): OSError ENOTCONN
            print("after a reset, shutdown_quietly():", shutdown_quietly(conn))
            #> after a reset, shutdown_quietly(): False

    print("after close():", outcome(lambda: shutdown_quietly(conn)))  # (4)!
    #> after close(): False
    print("after close(), shutdown():", outcome(lambda: conn.shutdown(socket.SHUT_WR)))
    #> after close(), shutdown(): OSError EBADF
    with socket.socket() as never:
        print("never connected:", shutdown_quietly(never))  # (5)!
        #> never connected: False
    # --8<-- [end:runs]
