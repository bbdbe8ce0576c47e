"""A selector waits on the sockets and on a wake-up socketpair.

Meant to be portable: Python documents selectors and socket.socketpair()
(on Windows since 3.5) for Linux, macOS and Windows; run here on Linux only.
Another thread wakes the loop by writing one byte to the pair.
"""

import selectors
import socket
import threading

log = []


def serve(listener, wakeup):
    """Greet each client until a byte arrives on wakeup."""
    with selectors.DefaultSelector() as selector:
        selector.register(listener, selectors.EVENT_READ)
        selector.register(wakeup, selectors.EVENT_READ)
        for _ in range(1000):  # (1)!
            events = selector.select(timeout=5)
            if not events:
                log.append("timed out")
                return
            for key, _ in events:
                if key.fileobj is wakeup:  # (2)!
                    wakeup.recv(1)
                    log.append("woken up")
                    return
                conn, _ = listener.accept()
                with conn:
                    conn.settimeout(5)
                    conn.sendall(b"welcome")
                    log.append("served a client")
    log.append("gave up")


with socket.create_server(("127.0.0.1", 0)) as listener:
    listener.settimeout(5)
    wake_read, wake_write = socket.socketpair()
    with wake_read, wake_write:
        wake_read.settimeout(5)
        wake_write.settimeout(5)
        worker = threading.Thread(target=serve, args=(listener, wake_read))
        worker.start()
        with socket.create_connection(listener.getsockname(), timeout=5) as client:
            print("client got:", client.recv(1024))
            #> client got: b'welcome'
        worker.join(timeout=0.2)
        print("waiting in select():", worker.is_alive())
        #> waiting in select(): True
        wake_write.send(b"\0")  # (3)!
        worker.join(timeout=5)
        print("worker ended:", not worker.is_alive(), log)
        #> worker ended: True ['served a client', 'woken up']
