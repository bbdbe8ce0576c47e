"""Linux only: close() on AF_UNIX stream sockets bound to a path.

The reset for unread data is Linux's unix_release_sock(); the program reads
Linux's socket table, /proc/net/unix.
"""

import contextlib
import errno
import os
import socket
import tempfile


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


def server_is_gone(path):
    """Whether connect() to path is refused: no server listens on it any more.

    A live server whose queue of connections waiting for accept() is full
    is not gone: then connect(), on a socket with a timeout, raises
    BlockingIOError (EAGAIN) at once, on Linux.
    """
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as probe:
        probe.settimeout(5)
        try:
            probe.connect(path)
        except ConnectionRefusedError:
            return True
        except BlockingIOError:  # a live server, its queue full
            return False
        return False


def in_socket_table(sock_inode):
    """Whether Linux's /proc/net/unix lists the socket with this inode."""
    with open("/proc/net/unix") as table:
        next(table)  # the header line
        return any(line.split()[6] == str(sock_inode) for line in table)


with tempfile.TemporaryDirectory() as directory:
    path = os.path.join(directory, "server.sock")
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as listener:
        listener.settimeout(5)
        listener.bind(path)
        listener.listen()

        # --8<-- [start:close]
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as client:
            client.settimeout(5)
            client.connect(path)
            server, _ = listener.accept()
            server.settimeout(5)
            server.close()
            print("close(), the peer reads:", client.recv(1024))
            #> close(), the peer reads: b''
            print("its send():", outcome(lambda: client.send(b"late")))
            #> its send(): BrokenPipeError EPIPE
        # --8<-- [end:close]

        # --8<-- [start:unread]
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as client:
            client.settimeout(5)
            client.connect(path)
            server, _ = listener.accept()
            server.settimeout(5)
            client.sendall(b"request")
            server.sendall(b"reply")
            server.close()  # (1)!
            reads = [outcome(lambda: client.recv(1024)) for _ in range(3)]
            print("with unread data:", reads)  # (2)!
            #> with unread data: [b'reply', 'ConnectionResetError ECONNRESET', b'']
        # --8<-- [end:unread]

        # --8<-- [start:gone]
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as client:
            client.settimeout(5)
            client.connect(path)
            server, _ = listener.accept()
            server.settimeout(5)
            inode = os.fstat(server.fileno()).st_ino
            print("in /proc/net/unix:", in_socket_table(inode))
            #> in /proc/net/unix: True
            server.close()  # (1)!
            print("after its close():", in_socket_table(inode))
            #> after its close(): False
            # --8<-- [end:gone]

        # --8<-- [start:live]
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as second:
            print("a live server's path, bind():", outcome(lambda: second.bind(path)))
            #> a live server's path, bind(): OSError EADDRINUSE
        print("server gone:", server_is_gone(path))  # (1)!
        #> server gone: False
        # --8<-- [end:live]

    # A live server whose queue is full: on Linux, listen(1) lets two
    # connections wait for accept(), and the next connect() finds no room.
    with contextlib.ExitStack() as stack:
        busy_path = os.path.join(directory, "busy.sock")
        busy = stack.enter_context(socket.socket(socket.AF_UNIX, socket.SOCK_STREAM))
        busy.bind(busy_path)
        busy.listen(1)
        clients = [stack.enter_context(socket.socket(socket.AF_UNIX)) for _ in range(3)]
        results = []
        for client in clients:
            client.settimeout(5)
            results.append(outcome(lambda c=client: c.connect(busy_path)))
        print("listen(1), three connect():", results)
        #> listen(1), three connect(): [None, None, 'BlockingIOError EAGAIN']
        print("queue full, server gone:", server_is_gone(busy_path))
        #> queue full, server gone: False

    # --8<-- [start:path]
    print("the path is still there:", os.path.exists(path))
    #> the path is still there: True
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as again:
        print("bind() to it:", outcome(lambda: again.bind(path)))  # (1)!
        #> bind() to it: OSError EADDRINUSE
        print("server gone:", server_is_gone(path))  # (2)!
        #> server gone: True
        os.unlink(path)
        print("after os.unlink():", outcome(lambda: again.bind(path)))
        #> after os.unlink(): None
    # --8<-- [end:path]
