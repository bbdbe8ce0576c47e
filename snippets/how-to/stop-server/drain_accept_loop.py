"""Linux only: sends itself SIGTERM with os.kill(), which on Windows ends the process.

A plain accept loop, one thread per connection, that drains on SIGTERM.
signal.set_wakeup_fd() makes SIGTERM write a byte to a socketpair that the
selector watches, so the loop wakes at once, whichever thread the signal
interrupted. It then stops accepting, and drain_threads() gives the
connections in progress a grace period, then shuts down those left (on
Linux, shutdown() wakes a thread blocked in recv()).
"""

import errno
import os
import selectors
import signal
import socket
import threading
import time

TIMEOUT = 5  # seconds: the bound for every wait in this program
working, finish = threading.Event(), threading.Event()  # this program's slow request


def serve_connection(conn):
    """Read one request, answer it in upper case, close."""
    with conn:
        conn.settimeout(TIMEOUT)
        try:
            request = conn.recv(1024)
            if request == b"slow\n":
                working.set()
                finish.wait(TIMEOUT)
            conn.sendall(request.upper())
        except OSError:
            pass  # timed out, reset, or shut down by drain_threads()


# --8<-- [start:serve]
def accept_until_sigterm(listener):
    """Serve each connection in a thread until SIGTERM: {thread: connection}."""
    connections = {}
    wake_read, wake_write = socket.socketpair()  # (1)!
    with wake_read, wake_write, selectors.DefaultSelector() as selector:
        wake_write.setblocking(False)  # as set_wakeup_fd() requires
        previous = signal.signal(signal.SIGTERM, lambda signum, frame: None)  # (2)!
        previous_fd = signal.set_wakeup_fd(wake_write.fileno())
        try:
            selector.register(listener, selectors.EVENT_READ)
            selector.register(wake_read, selectors.EVENT_READ)
            for _ in range(1000):  # (3)!
                ready = [key.fileobj for key, _ in selector.select(timeout=TIMEOUT)]
                if wake_read in ready:
                    break  # SIGTERM
                if listener in ready:
                    conn, _ = listener.accept()
                    thread = threading.Thread(target=serve_connection, args=(conn,))
                    thread.start()
                    connections = {t: c for t, c in connections.items() if t.is_alive()}
                    connections[thread] = conn
        finally:
            signal.set_wakeup_fd(previous_fd)
            signal.signal(signal.SIGTERM, previous)
    return connections


def drain_threads(connections, grace):
    """Wait up to grace seconds for the threads, then shut down the connections left.

    True if every thread ended within grace seconds.
    """
    deadline = time.monotonic() + grace
    for thread in connections:
        thread.join(max(deadline - time.monotonic(), 0))  # (4)!
    late = [conn for thread, conn in connections.items() if thread.is_alive()]
    for conn in late:
        try:
            conn.shutdown(socket.SHUT_RDWR)  # (5)!
        except OSError:
            pass  # its thread closed it meanwhile
    for thread in connections:
        thread.join(TIMEOUT)
    return not late
# --8<-- [end:serve]


def clients(address, got):
    """A silent client, and a request in progress when SIGTERM comes."""
    with socket.create_connection(address, timeout=TIMEOUT) as silent:
        with socket.create_connection(address, timeout=TIMEOUT) as slow:
            slow.sendall(b"slow\n")
            working.wait(TIMEOUT)
            os.kill(os.getpid(), signal.SIGTERM)  # as `kill` or a container runtime
            got.append(slow.recv(1024))
        got.append(silent.recv(1024))


got = []
with socket.create_server(("127.0.0.1", 0)) as listener:
    listener.settimeout(TIMEOUT)
    address = listener.getsockname()
    client = threading.Thread(target=clients, args=(address, got))
    client.start()
    connections = accept_until_sigterm(listener)
try:  # the listening socket is closed
    socket.create_connection(address, timeout=TIMEOUT).close()
except ConnectionRefusedError as exc:
    print("a new connection:", type(exc).__name__, errno.errorcode[exc.errno])
    #> a new connection: ConnectionRefusedError ECONNREFUSED
finish.set()  # this program's slow request may now end
drained = drain_threads(connections, grace=1.0)  # 1 s: a short program
print("drain_threads() returned:", drained)
#> drain_threads() returned: False
client.join(TIMEOUT)
print("the request in progress:", got[0])
#> the request in progress: b'SLOW\n'
print("the silent client reads:", got[1])
#> the silent client reads: b''
