"""Linux only: closing a listener resets the connections still queued on it.

shutdown() is called from the main thread while serve_forever() runs in
another. Between shutdown() and server_close() the listening socket is
still open: the kernel completes new connections that nobody accepts, and
server_close() resets them.
"""

import errno
import select
import socket
import socketserver
import threading


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


class Echo(socketserver.BaseRequestHandler):
    def handle(self):
        self.request.settimeout(5)
        self.request.sendall(self.request.recv(1024))


with socketserver.TCPServer(("127.0.0.1", 0), Echo) as server:
    address = server.server_address
    serving = threading.Thread(target=server.serve_forever)  # (1)!
    serving.start()
    with socket.create_connection(address, timeout=5) as client:
        client.sendall(b"ping")
        print("served:", client.recv(1024))
        #> served: b'ping'
    server.shutdown()  # (2)!
    serving.join(timeout=5)
    print("serve_forever() returned:", not serving.is_alive())
    #> serve_forever() returned: True

    with socket.create_connection(address, timeout=5) as late:  # (3)!
        late.sendall(b"anyone there?")
        readable, _, _ = select.select([late], [], [], 0.2)
        print("an answer within 0.2 s:", bool(readable))  # (4)!
        #> an answer within 0.2 s: False
        server.server_close()  # (5)!
        print("after server_close():", outcome(lambda: late.recv(1024)))
        #> after server_close(): ConnectionResetError ECONNRESET
    refused = outcome(lambda: socket.create_connection(address, timeout=5))
    print("a new connection:", refused)
    #> a new connection: ConnectionRefusedError ECONNREFUSED
