"""Linux only: shutdown() on the AF_UNIX stream sockets of socket.socketpair().

socketpair() returns AF_UNIX sockets where Python's socket module has them
(on Windows, a TCP connection over loopback). That a send() to a peer that shut down its
receiving side fails with EPIPE is Linux's af_unix.c.
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


# --8<-- [start:shut_wr]
sock, peer = socket.socketpair()
with sock, peer:
    sock.settimeout(5)
    peer.settimeout(5)
    print(sock.family.name, sock.type.name)
    #> AF_UNIX SOCK_STREAM
    sock.sendall(b"request")
    sock.shutdown(socket.SHUT_WR)
    print("SHUT_WR, the peer reads:", peer.recv(1024), peer.recv(1024))
    #> SHUT_WR, the peer reads: b'request' b''
    print("then send():", outcome(lambda: sock.send(b"more")))
    #> then send(): BrokenPipeError EPIPE
    peer.sendall(b"reply")
    print("it still reads:", sock.recv(1024))
    #> it still reads: b'reply'
# --8<-- [end:shut_wr]

# --8<-- [start:shut_rd]
sock, peer = socket.socketpair()
with sock, peer:
    sock.settimeout(5)
    peer.settimeout(5)
    peer.sendall(b"queued")
    sock.shutdown(socket.SHUT_RD)
    print("SHUT_RD, it reads:", sock.recv(1024), sock.recv(1024))
    #> SHUT_RD, it reads: b'queued' b''
    print("the peer's send():", outcome(lambda: peer.send(b"late")))
    #> the peer's send(): BrokenPipeError EPIPE
    sock.sendall(b"still sending")
    print("the peer reads:", peer.recv(1024))
    #> the peer reads: b'still sending'
# --8<-- [end:shut_rd]

# --8<-- [start:shut_rdwr]
sock, peer = socket.socketpair()
with sock, peer:
    sock.settimeout(5)
    peer.settimeout(5)
    sock.shutdown(socket.SHUT_RDWR)
    print("SHUT_RDWR, the peer reads:", peer.recv(1024))
    #> SHUT_RDWR, the peer reads: b''
    print("the peer's send():", outcome(lambda: peer.send(b"late")))
    #> the peer's send(): BrokenPipeError EPIPE
# --8<-- [end:shut_rdwr]
