"""socketserver's shutdown_request(): shutdown(SHUT_WR), then close().

A handler leaves a makefile() object open. With TCPServer's own
shutdown_request() the client still gets end-of-file; with close() alone
it does not, until the file object is closed.
"""

import select
import socket
import socketserver

left_open = []


class Handler(socketserver.BaseRequestHandler):
    def handle(self):
        self.request.settimeout(5)
        request = self.request.recv(1024)
        out = self.request.makefile("wb")
        out.write(b"echo " + request)
        out.flush()
        left_open.append(out)  # forgotten: never closed by the handler


class CloseOnly(socketserver.TCPServer):
    def shutdown_request(self, request):
        self.close_request(request)  # close() without shutdown()


# --8<-- [start:compare]
for server_class in (socketserver.TCPServer, CloseOnly):
    with server_class(("127.0.0.1", 0), Handler) as server:
        with socket.create_connection(server.server_address, timeout=5) as client:
            client.sendall(b"hi")
            server.handle_request()  # (1)!
            reply = client.recv(1024)
            readable, _, _ = select.select([client], [], [], 0.2)
            print(f"{server_class.__name__}: {reply}, end-of-file: {bool(readable)}")
            #> TCPServer: b'echo hi', end-of-file: True
            #> CloseOnly: b'echo hi', end-of-file: False
            left_open.pop().close()  # (2)!
# --8<-- [end:compare]
