"""Linux only: what still works after close(), and what raises EBADF.

While a makefile() object is open, close() only marks the socket closed:
the descriptor, and the connection, stay open until the file is closed
too. Once the socket is really closed, the calls below that read only
Python's own fields still answer, while those that reach the kernel pass it
descriptor -1 and fail with EBADF, the errno Linux gives for a bad
descriptor: they raise OSError, but connect_ex(), which returns an errno
instead of raising, returns it. settimeout() and setblocking() store their
new value before they fail.
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
    address = listener.getsockname()
    with socket.create_connection(address, timeout=5) as peer:
        sock, _ = listener.accept()
        sock.settimeout(5)
        # --8<-- [start:makefile]
        file = sock.makefile("rwb")
        sock.close()
        print("descriptor still open:", sock.fileno() != -1)
        #> descriptor still open: True
        file.write(b"written through the file\n")
        file.flush()
        print("the peer reads:", peer.recv(1024))
        #> the peer reads: b'written through the file\n'
        peer.sendall(b"sent by the peer\n")
        print("the file reads:", file.readline())
        #> the file reads: b'sent by the peer\n'
        file.close()
        print("after file.close(), the peer reads:", peer.recv(1024))
        #> after file.close(), the peer reads: b''
        # --8<-- [end:makefile]

# --8<-- [start:closed]
# sock is closed for good now: its descriptor is released.
calls = {
    "close()": sock.close,
    "fileno()": sock.fileno,
    "detach()": sock.detach,
    "gettimeout()": sock.gettimeout,
    "getblocking()": sock.getblocking,
    "send()": lambda: sock.send(b"x"),
    "recv()": lambda: sock.recv(1024),
    "recv(0)": lambda: sock.recv(0),  # no system call for zero bytes
    "connect_ex()": lambda: errno.errorcode[sock.connect_ex(address)],
    "getsockname()": sock.getsockname,
    "shutdown()": lambda: sock.shutdown(socket.SHUT_RDWR),
    "setsockopt()": lambda: sock.setsockopt(socket.SOL_SOCKET, socket.SO_KEEPALIVE, 1),
    "settimeout()": lambda: sock.settimeout(1),
    "setblocking()": lambda: sock.setblocking(False),
}
for name, call in calls.items():
    print(f"{name:14}", outcome(call))
    #> close()        None
    #> fileno()       -1
    #> detach()       -1
    #> gettimeout()   5.0
    #> getblocking()  True
    #> send()         OSError EBADF
    #> recv()         OSError EBADF
    #> recv(0)        b''
    #> connect_ex()   EBADF
    #> getsockname()  OSError EBADF
    #> shutdown()     OSError EBADF
    #> setsockopt()   OSError EBADF
    #> settimeout()   OSError EBADF
    #> setblocking()  OSError EBADF
# settimeout() and setblocking() store their new value before they fail:
for change in (lambda: sock.settimeout(1), lambda: sock.setblocking(False)):
    print(outcome(change), "then:", sock.gettimeout(), sock.getblocking())
    #> OSError EBADF then: 1.0 True
    #> OSError EBADF then: 0.0 False
# --8<-- [end:closed]
