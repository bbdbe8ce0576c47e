"""Terminal 1: python server.py PORT, then run client.py with the same PORT.

Serves one client on 127.0.0.1: sends a greeting, shuts down its sending
side, reads until the client has closed, then closes.
"""

import socket
import sys

if len(sys.argv) != 2 or not sys.argv[1].isdigit():
    sys.exit(f"usage: python {sys.argv[0]} PORT   (the same PORT for client.py)")
port = int(sys.argv[1])
with socket.create_server(("127.0.0.1", port)) as listener:
    listener.settimeout(60)  # give up if no client comes within a minute
    print("server: waiting for one client")
    #> server: waiting for one client
    conn, _ = listener.accept()
    with conn:
        conn.settimeout(5)
        conn.sendall(b"hello from the server")
        conn.shutdown(socket.SHUT_WR)
        print("server: sent greeting and FIN")
        #> server: sent greeting and FIN
        print("server: client closed:", conn.recv(4096) == b"")
        #> server: client closed: True
