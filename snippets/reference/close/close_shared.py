"""Linux only: the connection ends when its last reference is closed.

A socket.dup(), an os.dup() descriptor, a child process that inherited the
descriptor, and an open makefile() object each keep the connection open
after close(): the peer sees nothing until that holder lets go. But
shutdown(SHUT_WR) queues the FIN at once, whoever else holds the socket: here
nothing else is queued, and the peer reads b''.
"""

import contextlib
import errno
import os
import select
import socket
import subprocess
import sys


# --8<-- [start:holders]
@contextlib.contextmanager
def socket_dup(sock):
    with sock.dup():
        yield


@contextlib.contextmanager
def os_dup(sock):
    fd = os.dup(sock.fileno())
    try:
        yield
    finally:
        os.close(fd)


@contextlib.contextmanager
def child_process(sock):
    """A child that inherits the descriptor and waits until its stdin closes."""
    waits = [sys.executable, "-c", "import sys; sys.stdin.read()"]
    with subprocess.Popen(waits, stdin=subprocess.PIPE, pass_fds=[sock.fileno()]):
        yield  # leaving the with block closes stdin and waits for the child


@contextlib.contextmanager
def makefile(sock):
    with sock.makefile("rb"):
        yield
# --8<-- [end:holders]


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


@contextlib.contextmanager
def connection():
    """Both ends of a TCP connection over 127.0.0.1."""
    with socket.create_server(("127.0.0.1", 0)) as listener:
        with socket.create_connection(listener.getsockname(), timeout=5) as client:
            server, _ = listener.accept()
            with server:
                server.settimeout(5)
                yield client, server


# --8<-- [start:runs]
def close_only(holder):
    """close() while the holder holds on; then the holder lets go."""
    with connection() as (peer, sock):
        with holder(sock):
            sock.close()
            while_held = peer_reads(peer)
        return while_held, peer_reads(peer)


def shutdown_then_close(holder):
    """shutdown(SHUT_WR) and close() while the holder holds on."""
    with connection() as (peer, sock), holder(sock):
        sock.shutdown(socket.SHUT_WR)
        sock.close()
        return peer_reads(peer)


for holder in (socket_dup, os_dup, child_process, makefile):
    held, released = close_only(holder)
    shut = shutdown_then_close(holder)
    print(f"{holder.__name__}: close() {held}, let go {released}; shutdown() {shut}")
    #> socket_dup: close() nothing, let go b''; shutdown() b''
    #> os_dup: close() nothing, let go b''; shutdown() b''
    #> child_process: close() nothing, let go b''; shutdown() b''
    #> makefile: close() nothing, let go b''; shutdown() b''
# --8<-- [end:runs]
