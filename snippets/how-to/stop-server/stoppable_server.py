"""Linux only: shutdown() from another thread wakes the handlers' recv().

A threaded HTTP server to copy. stop() stops serve_forever(), shuts down
every connection still open, which wakes the handler threads waiting in
recv() on Linux, then server_close() joins the handler threads and closes
the listening socket.
"""

import errno
import http.client
import http.server
import socket
import threading


def outcome(call):
    """What call() returned, or the exception class and errno name it raised."""
    try:
        return call()
    except OSError as exc:
        return f"{type(exc).__name__} {errno.errorcode[exc.errno]}"


def shutdown_quietly(sock, how=socket.SHUT_WR):
    """shutdown(), unless the connection is already gone; True if it was shut down."""
    try:
        sock.shutdown(how)
    except OSError as exc:
        if exc.errno != errno.ENOTCONN:
            raise
        return False
    return True


class StoppableHTTPServer(http.server.ThreadingHTTPServer):
    """ThreadingHTTPServer that serves in its own thread and stops completely."""

    daemon_threads = False  # (1)!

    def __init__(self, *args, **kwargs):
        self._lock = threading.Lock()
        self._connections = set()
        self._serving = None
        super().__init__(*args, **kwargs)

    def start(self):
        self._serving = threading.Thread(target=self.serve_forever)
        self._serving.start()

    def process_request(self, request, client_address):  # (2)!
        with self._lock:
            self._connections.add(request)
        super().process_request(request, client_address)

    def close_request(self, request):
        with self._lock:
            self._connections.discard(request)
        super().close_request(request)

    def stop(self):
        if self._serving is not None:
            self.shutdown()  # (3)!
            self._serving.join()
            self._serving = None
        with self._lock:
            for conn in self._connections:
                shutdown_quietly(conn, socket.SHUT_RDWR)  # (4)!
        self.server_close()  # (5)!

    def __exit__(self, *exc_info):
        self.stop()


class Hello(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive: one connection, many requests
    timeout = 30  # the longest a silent connection keeps its thread

    def do_GET(self):
        body = b"hello"
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format, *args):
        pass  # no log lines on stderr


with StoppableHTTPServer(("127.0.0.1", 0), Hello) as server:
    server.start()
    address = server.server_address
    with socket.create_connection(address, timeout=5) as silent:  # (6)!
        client = http.client.HTTPConnection(*address, timeout=5)
        try:
            client.request("GET", "/")
            response = client.getresponse()
            print(response.status, response.read())
            #> 200 b'hello'
            stopping = threading.Thread(target=server.stop)  # (7)!
            stopping.start()
            stopping.join(timeout=5)
            print("stop() returned:", not stopping.is_alive())
            #> stop() returned: True
            print("the keep-alive client reads:", client.sock.recv(1024))
            #> the keep-alive client reads: b''
            print("the silent client reads:", silent.recv(1024))
            #> the silent client reads: b''
        finally:
            client.close()

print("open connections:", len(server._connections))
#> open connections: 0
print("listening socket closed:", server.socket.fileno() == -1)
#> listening socket closed: True
others = [t for t in threading.enumerate() if t is not threading.main_thread()]
print("other threads left:", len(others))
#> other threads left: 0
refused = outcome(lambda: socket.create_connection(address, timeout=5))
print("a new connection:", refused)
#> a new connection: ConnectionRefusedError ECONNREFUSED
