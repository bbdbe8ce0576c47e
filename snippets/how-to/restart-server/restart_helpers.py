"""Linux only: which standard-library servers set SO_REUSEADDR for you.

The program prints the value of SO_REUSEADDR that getsockopt() reads back:
first from a plain socket.socket(), before any bind, then from the listening
socket each helper makes on 127.0.0.1, port 0.
"""

import asyncio
import http.server
import socket
import socketserver


def reuse_address(sock):
    return sock.getsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR)


class ReusableTCPServer(socketserver.TCPServer):
    allow_reuse_address = True  # (1)!


async def asyncio_server():
    server = await asyncio.start_server(lambda reader, writer: None, "127.0.0.1", 0)
    async with server:
        return reuse_address(server.sockets[0])


with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
    print("socket.socket():", reuse_address(sock))
    #> socket.socket(): 0

with socket.create_server(("127.0.0.1", 0)) as sock:
    print("socket.create_server():", reuse_address(sock))
    #> socket.create_server(): 1

print("asyncio.start_server():", asyncio.run(asyncio_server()))
#> asyncio.start_server(): 1

with http.server.HTTPServer(
    ("127.0.0.1", 0), http.server.BaseHTTPRequestHandler
) as server:
    print("http.server.HTTPServer:", reuse_address(server.socket))
    #> http.server.HTTPServer: 1

with socketserver.TCPServer(
    ("127.0.0.1", 0), socketserver.BaseRequestHandler
) as server:
    print("socketserver.TCPServer:", reuse_address(server.socket))
    #> socketserver.TCPServer: 0

with ReusableTCPServer(("127.0.0.1", 0), socketserver.BaseRequestHandler) as server:
    print("allow_reuse_address = True:", reuse_address(server.socket))
    #> allow_reuse_address = True: 1
