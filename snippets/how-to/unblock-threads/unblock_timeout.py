"""A recv() loop with a short timeout notices a stop request between waits.

Portable: it relies on nothing but socket timeouts.
"""

import socket
import threading

stop = threading.Event()
outcome = []


def serve(conn):
    """Read until the peer closes or until stop is set."""
    conn.settimeout(0.1)  # (1)!
    received = []
    for _ in range(600):  # (2)!
        if stop.is_set():
            outcome.append(("stopped", received))
            return
        try:
            data = conn.recv(1024)
        except TimeoutError:
            continue  # (3)!
        if not data:
            outcome.append(("peer closed", received))
            return
        received.append(data)
    outcome.append(("gave up", received))


with socket.create_server(("127.0.0.1", 0)) as listener:
    with socket.create_connection(listener.getsockname(), timeout=5) as client:
        server, _ = listener.accept()
        with server:
            client.sendall(b"hello")
            worker = threading.Thread(target=serve, args=(server,))
            worker.start()
            worker.join(timeout=0.2)
            print("waiting for data:", worker.is_alive())
            #> waiting for data: True
            stop.set()  # (4)!
            worker.join(timeout=5)
            print("worker ended:", not worker.is_alive(), outcome)
            #> worker ended: True [('stopped', [b'hello'])]
