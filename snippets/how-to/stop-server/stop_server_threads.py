"""What server_close() waits for in a threaded server with a keep-alive client.

ThreadingMixIn joins its handler threads in server_close() only when they
are not daemon threads and block_on_close is true. An HTTP/1.1 client that
keeps its connection open keeps its handler thread, and the connection,
alive after shutdown(): here its next request is answered in each case,
while server_close() waits or after it returned.
"""

import http.client
import http.server
import socketserver
import threading

handler_threads = []


class TrackedHello(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive: one connection, many requests
    timeout = 30  # the longest a silent connection keeps its thread

    def do_GET(self):
        handler_threads.append(threading.current_thread())
        body = b"hello"
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format, *args):
        pass  # no log lines on stderr


# --8<-- [start:defaults]
for cls in (socketserver.ThreadingTCPServer, http.server.ThreadingHTTPServer):
    flags = f"daemon_threads={cls.daemon_threads} block_on_close={cls.block_on_close}"
    print(f"{cls.__name__:19}", flags)
    #> ThreadingTCPServer  daemon_threads=False block_on_close=True
    #> ThreadingHTTPServer daemon_threads=True block_on_close=True
# --8<-- [end:defaults]


class JoiningHTTPServer(http.server.ThreadingHTTPServer):
    daemon_threads = False  # as in ThreadingTCPServer


class NotBlockingHTTPServer(JoiningHTTPServer):
    block_on_close = False


results = {}
for cls in (JoiningHTTPServer, NotBlockingHTTPServer, http.server.ThreadingHTTPServer):
    handler_threads.clear()
    with cls(("127.0.0.1", 0), TrackedHello) as server:
        serving = threading.Thread(target=server.serve_forever)
        serving.start()
        client = http.client.HTTPConnection(*server.server_address, timeout=5)
        try:
            client.request("GET", "/")
            client.getresponse().read()
            server.shutdown()
            serving.join(timeout=5)
            closing = threading.Thread(target=server.server_close)  # (1)!
            closing.start()
            closing.join(timeout=0.5)
            waited = closing.is_alive()
            client.request("GET", "/")
            answered = client.getresponse().read()  # (2)!
        finally:
            client.close()  # (3)!
        closing.join(timeout=5)
        handler_threads[0].join(timeout=5)
    ended = not closing.is_alive() and not handler_threads[0].is_alive()
    results[cls.__name__] = (waited, answered, ended)

for name, (waited, answered, ended) in results.items():
    print(f"{name:21} waited: {waited!s:5} answered: {answered} ended: {ended}")
    #> JoiningHTTPServer     waited: True  answered: b'hello' ended: True
    #> NotBlockingHTTPServer waited: False answered: b'hello' ended: True
    #> ThreadingHTTPServer   waited: False answered: b'hello' ended: True
