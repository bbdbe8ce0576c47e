"""Linux only: os.close() needs a descriptor, which Windows sockets are not.

detach(): the object closes, the descriptor does not.

detach() marks the socket object closed and hands the descriptor to the
caller, who must close it: the connection stays open until then.
"""

import errno
import os
import select
import socket


def errno_name(call):
    """What call() returned, or the errno name of the OSError it raised.

    The exception class if errno holds no errno: a socket timeout's
    TimeoutError has none, and the exceptions that modules define (for TLS,
    for address lookups) hold codes of their own there.
    """
    try:
        return call()
    except OSError as exc:
        if exc.errno is None or type(exc).__module__ != "builtins":
            return type(exc).__name__
        return errno.errorcode.get(exc.errno, str(exc.errno))


def peer_reads(peer):
    """What one recv() returns, or "nothing" if nothing arrives within 0.2 s."""
    readable, _, _ = select.select([peer], [], [], 0.2)
    if not readable:
        return "nothing"
    received = errno_name(lambda: peer.recv(1024))
    return repr(received) if isinstance(received, bytes) else received


with socket.create_server(("127.0.0.1", 0)) as listener:
    with socket.create_connection(listener.getsockname(), timeout=5) as peer:
        sock, _ = listener.accept()
        # --8<-- [start:detach]
        fd = sock.detach()  # (1)!
        print("fileno():", sock.fileno(), "[closed]" in repr(sock))
        #> fileno(): -1 True
        print("the peer reads:", peer_reads(peer))  # (2)!
        #> the peer reads: nothing
        os.close(fd)  # (3)!
        print("after os.close():", peer_reads(peer))
        #> after os.close(): b''
        # --8<-- [end:detach]

