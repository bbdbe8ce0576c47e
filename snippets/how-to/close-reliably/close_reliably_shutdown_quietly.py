"""Linux only: shutdown_quietly() ignores ENOTCONN: the connection is already gone.

On Linux, shutdown() on a connection that the peer has reset raises
ENOTCONN; socketserver's shutdown_request() ignores it and closes anyway.
shutdown_quietly() returns False for that errno and for a socket whose
descriptor is already closed (fileno() is -1), as a second close() does
nothing. ENOTCONN also answers a socket that was never connected (neither
connecting nor listening): the errno cannot tell the two apart.
"""

import errno
import select
import socket
import struct
import sys


# --8<-- [start:helper]
def shutdown_quietly(sock, how=socket.SHUT_WR):
    """shutdown(how), unless there is no connection to shut down.

    Its whole contract (inputs, results, errors, limits) is its docstring in
    closing.py, on the Helpers page (reference/helpers/) of shutdown-vs-close.
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

    Its whole contract (inputs, results, errors, limits) is its docstring in
    closing.py, on the Helpers page (reference/helpers/) of shutdown-vs-close.
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
