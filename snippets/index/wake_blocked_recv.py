"""Linux only: shutdown(SHUT_RDWR) wakes a thread blocked in recv() on TCP with b''.

Other systems are not required to wake a blocked recv() this way.
"""

import socket
import threading

received = []

with socket.create_server(("127.0.0.1", 0)) as listener:
    with socket.create_connection(listener.getsockname(), timeout=5) as client:
        server, _ = listener.accept()
        with server:
            server.settimeout(5)
            reader = threading.Thread(target=lambda: received.append(server.recv(1024)))
            reader.start()
            reader.join(timeout=0.2)
            print("still waiting after 0.2 s:", reader.is_alive())
            #> still waiting after 0.2 s: True
            server.shutdown(socket.SHUT_RDWR)
            reader.join()
            print("recv() returned:", received)
            #> recv() returned: [b'']
