"""Linux only: close() from another thread does not wake a thread in recv().

The waiting thread keeps the connection open until it returns. What it then
gets depends on how it waits:

- with a timeout, Python waits in poll(), then calls recv() with the
  descriptor the object holds since close(), -1: OSError (EBADF), and the
  data that woke it is lost (poll() watches the number: a new socket that
  took it meanwhile, and is not ready, makes it TimeoutError instead);
- without a timeout, the thread is inside the kernel's recv(), which holds
  the socket open: it reads the data as if close() had not happened.
"""

import errno
import select
import socket
import struct
import threading


def in_thread(call):
    """Run call() in a new thread; its result or OSError lands in outcome."""
    outcome = []

    def target():
        try:
            outcome.append(call())
        except OSError as exc:
            outcome.append(exc)

    thread = threading.Thread(target=target)
    thread.start()
    return thread, outcome


def describe(result):
    """repr() of a thread's result, or the class and errno name of its OSError.

    The class alone if errno holds no errno: a socket timeout's TimeoutError
    has none, and the exceptions that modules define (for TLS, for address
    lookups) hold codes of their own there.
    """
    if not isinstance(result, OSError):
        return repr(result)
    if result.errno is None or type(result).__module__ != "builtins":
        return type(result).__name__
    return f"{type(result).__name__} {errno.errorcode.get(result.errno, result.errno)}"


with socket.create_server(("127.0.0.1", 0)) as listener:
    with socket.create_connection(listener.getsockname(), timeout=5) as client:
        server, _ = listener.accept()
        with server:
            server.settimeout(5)
            reader, outcome = in_thread(lambda: server.recv(1024))
            reader.join(timeout=0.2)
            server.close()  # (1)!
            reader.join(timeout=0.2)
            print("still blocked after close():", reader.is_alive())
            #> still blocked after close(): True
            readable, _, _ = select.select([client], [], [], 0.2)
            print("the peer has something to read:", bool(readable))  # (2)!
            #> the peer has something to read: False
            client.sendall(b"late")
            reader.join(timeout=5)
        print("recv() in the thread:", describe(outcome[0]))  # (3)!
        #> recv() in the thread: OSError EBADF
        try:
            client.recv(1024)
        except ConnectionResetError as exc:
            print("the peer:", describe(exc))  # (4)!
            #> the peer: ConnectionResetError ECONNRESET

    with socket.create_connection(listener.getsockname(), timeout=5) as client:
        server, _ = listener.accept()
        with server:
            server.settimeout(None)  # (5)!
            five_seconds = struct.pack("ll", 5, 0)  # struct timeval
            server.setsockopt(socket.SOL_SOCKET, socket.SO_RCVTIMEO, five_seconds)
            reader, outcome = in_thread(lambda: server.recv(1024))
            reader.join(timeout=0.2)
            server.close()
            reader.join(timeout=0.2)
            print("still blocked after close():", reader.is_alive())
            #> still blocked after close(): True
            client.sendall(b"late")
            reader.join(timeout=5)
        print("recv() in the thread:", describe(outcome[0]))  # (6)!
        #> recv() in the thread: b'late'
        print("the peer:", client.recv(1024))
        #> the peer: b''
