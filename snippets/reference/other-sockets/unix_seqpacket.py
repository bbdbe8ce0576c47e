"""Linux only: SOCK_SEQPACKET, shutdown() and close() with unread data.

Linux reports the reset before the messages still queued; the order is
Linux's unix_seqpacket_recvmsg().
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


sock, peer = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
with sock, peer:
    sock.settimeout(5)
    peer.settimeout(5)
    sock.send(b"one")
    sock.send(b"two")
    sock.shutdown(socket.SHUT_WR)
    print("SHUT_WR, the peer reads:", [peer.recv(1024) for _ in range(3)])
    #> SHUT_WR, the peer reads: [b'one', b'two', b'']

sock, peer = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
with sock, peer:
    sock.settimeout(5)
    peer.settimeout(5)
    peer.send(b"request")
    sock.send(b"reply")
    sock.close()  # with b"request" unread
    reads = [outcome(lambda: peer.recv(1024)) for _ in range(3)]
    print("with unread data:", reads)
    #> with unread data: ['ConnectionResetError ECONNRESET', b'reply', b'']
