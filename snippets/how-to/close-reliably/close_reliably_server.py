"""A socketserver server in a with block: server_close() runs when it ends.

BaseServer.shutdown() only stops serve_forever(); the listening socket
stays open until server_close().
"""

import socket
import socketserver
import threading


class Echo(socketserver.BaseRequestHandler):
    def handle(self):
        self.request.settimeout(5)
        self.request.sendall(self.request.recv(1024))


with socketserver.TCPServer(("127.0.0.1", 0), Echo) as server:  # (1)!
    loop = threading.Thread(target=server.serve_forever)
    loop.start()
    with socket.create_connection(server.server_address, timeout=5) as client:
        client.sendall(b"ping")
        print(client.recv(1024))
        #> b'ping'
    server.shutdown()  # (2)!
    loop.join()
    print("listening socket open after shutdown():", server.socket.fileno() != -1)
    #> listening socket open after shutdown(): True

print("closed after the with block:", server.socket.fileno() == -1)  # (3)!
#> closed after the with block: True
