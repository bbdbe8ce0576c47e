"""Linux only: close() from another thread does not wake a thread in accept().

The waiting thread keeps the listening socket open and waits until its
timeout expires. Then Python calls accept() with the descriptor the object
holds since close(), -1: OSError (EBADF), not TimeoutError. (poll() watches
the number: a new socket that took it meanwhile, and is not ready, makes it
TimeoutError instead.)
"""

import errno
import socket
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
    listener.settimeout(1)
    acceptor, outcome = in_thread(listener.accept)
    acceptor.join(timeout=0.2)
    listener.close()
    acceptor.join(timeout=0.2)
    print("still blocked after close():", acceptor.is_alive())
    #> still blocked after close(): True
    acceptor.join(timeout=5)  # (1)!
    print("when its timeout expired:", describe(outcome[0]))
    #> when its timeout expired: OSError EBADF
