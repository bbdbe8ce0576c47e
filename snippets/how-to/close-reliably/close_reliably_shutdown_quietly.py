"""Linux only: shutdown_quietly() ignores ENOTCONN: the connection is already gone.

On Linux, shutdown() on a connection that the peer has reset raises
ENOTCONN; socketserver's shutdown_request() ignores it and closes anyway.
shutdown_quietly() ignores that errno only, so a bug such as shutdown()
after close() (EBADF) still raises.
"""

import errno
import select
import socket
import struct


# --8<-- [start:helper]
def shutdown_quietly(sock, how=socket.SHUT_WR):
    """shutdown(), unless the connection is already gone; True if it was shut down."""
    try:
        sock.shutdown(how)
    except OSError as exc:
        if exc.errno != errno.ENOTCONN:  # (1)!
            raise
        return False
    return True
# --8<-- [end:helper]


def abort(sock):
    """Reset the connection: SO_LINGER on with a zero timeout, then close()."""
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    sock.close()


def outcome(call):
    """What call() returned, or the exception class and errno name it raised."""
    try:
        return call()
    except OSError as exc:
        return f"{type(exc).__name__} {errno.errorcode[exc.errno]}"


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
    #> after close(): OSError EBADF
    # --8<-- [end:runs]
