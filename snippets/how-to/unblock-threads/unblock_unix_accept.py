"""Linux only: on an AF_UNIX listener with a timeout, shutdown() does not wake accept().

The thread in accept() goes on waiting until its own timeout runs out, then
raises TimeoutError. On a TCP listener the same shutdown(SHUT_RDWR) wakes it
at once with EINVAL (unblock_shutdown.py).
"""

import os
import socket
import tempfile
import threading
import time

outcome = []


def accept(listener):
    start = time.monotonic()
    try:
        listener.accept()
    except OSError as exc:  # TimeoutError is an OSError
        outcome.append(type(exc).__name__)
    outcome.append(time.monotonic() - start)


with tempfile.TemporaryDirectory() as folder:
    with socket.socket(socket.AF_UNIX) as listener:
        listener.bind(os.path.join(folder, "listener"))
        listener.listen()
        listener.settimeout(0.5)
        acceptor = threading.Thread(target=accept, args=(listener,))
        acceptor.start()
        acceptor.join(timeout=0.1)
        print("blocked in accept():", acceptor.is_alive())
        #> blocked in accept(): True
        listener.shutdown(socket.SHUT_RDWR)
        acceptor.join(timeout=5)

error, waited = outcome
print("accept() raised:", error)
#> accept() raised: TimeoutError
print("at its own timeout, not at the shutdown():", waited >= 0.5)
#> at its own timeout, not at the shutdown(): True
