"""Linux only: shutdown(SHUT_RDWR) from another thread wakes recv() and accept() on TCP.

A thread blocked in recv() returns b''. A thread blocked in accept() on the
listening socket fails with OSError (EINVAL).
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


with socket.create_server(("127.0.0.1", 0)) as listener:
    with socket.create_connection(listener.getsockname(), timeout=5) as client:
        server, _ = listener.accept()
        with server:
            server.settimeout(5)
            reader, outcome = in_thread(lambda: server.recv(1024))
            reader.join(timeout=0.2)
            print("blocked in recv():", reader.is_alive())
            #> blocked in recv(): True
            server.shutdown(socket.SHUT_RDWR)  # (1)!
            reader.join(timeout=5)
            print("recv() returned:", outcome)
            #> recv() returned: [b'']
            print("the peer reads:", client.recv(1024))  # (2)!
            #> the peer reads: b''

    listener.settimeout(5)
    acceptor, outcome = in_thread(listener.accept)
    acceptor.join(timeout=0.2)
    print("blocked in accept():", acceptor.is_alive())
    #> blocked in accept(): True
    listener.shutdown(socket.SHUT_RDWR)  # (3)!
    acceptor.join(timeout=5)
    exc = outcome[0]
    print("accept() raised:", type(exc).__name__, errno.errorcode[exc.errno])
    #> accept() raised: OSError EINVAL
