"""Linux only: IP_BIND_ADDRESS_NO_PORT leaves the choice of port to connect().

Python names the option socket.IP_BIND_ADDRESS_NO_PORT since 3.11. On 3.10
the name is missing, and Linux's number for it, 24 (include/uapi/linux/in.h),
works instead.
"""

import socket

# --8<-- [start:option]
print("socket.IP_BIND_ADDRESS_NO_PORT:", hasattr(socket, "IP_BIND_ADDRESS_NO_PORT"))
#> [3.11+] socket.IP_BIND_ADDRESS_NO_PORT: True
#> [3.10] socket.IP_BIND_ADDRESS_NO_PORT: False
IP_BIND_ADDRESS_NO_PORT = getattr(socket, "IP_BIND_ADDRESS_NO_PORT", 24)  # (1)!

with socket.create_server(("127.0.0.1", 0)) as listener:
    with socket.socket() as client:
        client.settimeout(5)
        client.setsockopt(socket.IPPROTO_IP, IP_BIND_ADDRESS_NO_PORT, 1)
        client.bind(("127.0.0.1", 0))
        print("port after bind():", client.getsockname()[1])  # (2)!
        #> port after bind(): 0
        client.connect(listener.getsockname())
        print("a port after connect():", client.getsockname()[1] != 0)
        #> a port after connect(): True
        conn, _ = listener.accept()
        conn.close()
# --8<-- [end:option]
