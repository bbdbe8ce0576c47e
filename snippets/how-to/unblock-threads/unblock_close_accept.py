"""Linux only: close() from another thread does not wake a thread in accept().

The waiting thread keeps the listening socket open and waits until its
timeout expires. Then Python calls accept() on the closed descriptor:
OSError (EBADF), not TimeoutError.
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
    if isinstance(result, OSError):
        return f"{type(result).__name__} {errno.errorcode[result.errno]}"
    return repr(result)


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
