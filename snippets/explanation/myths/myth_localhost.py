"""Binding to "localhost" binds a loopback address here: by default, this host's only.

(Linux's route_localnet=1 lets other hosts route to 127.0.0.1; the page says more.)
"""

import ipaddress
import socket

infos = socket.getaddrinfo("localhost", 0, type=socket.SOCK_STREAM)
addresses = {ipaddress.ip_address(info[4][0]) for info in infos}
print("localhost is loopback only:", all(a.is_loopback for a in addresses))
#> localhost is loopback only: True

with socket.create_server(("localhost", 0)) as server:
    host = ipaddress.ip_address(server.getsockname()[0])
    print("the server listens on loopback:", host.is_loopback)
    #> the server listens on loopback: True
