"""Linux only: what close() does to the socket object.

With no makefile() object open, the descriptor is released: fileno() returns
-1, recv(), send() and shutdown() raise OSError with EBADF (the errno Linux
gives for a released descriptor; a recv(0), which reaches no system call,
still returns b''), a second close() does nothing, and the repr
says [closed].
"""

import errno
import socket


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
    with socket.create_connection(listener.getsockname(), timeout=5) as peer:
        sock, _ = listener.accept()
        # --8<-- [start:close]
        sock.close()
        print("fileno():", sock.fileno())
        #> fileno(): -1
        print("recv():", outcome(lambda: sock.recv(1024)))
        #> recv(): OSError EBADF
        print("send():", outcome(lambda: sock.send(b"x")))
        #> send(): OSError EBADF
        print("shutdown():", outcome(lambda: sock.shutdown(socket.SHUT_WR)))
        #> shutdown(): OSError EBADF
        print("second close():", outcome(sock.close))
        #> second close(): None
        print("repr says closed:", "[closed]" in repr(sock))
        #> repr says closed: True
        print("the peer reads:", peer.recv(1024))  # (1)!
        #> the peer reads: b''
        # --8<-- [end:close]
