"""Linux only: SO_REUSEADDR in the old server and the new, and the restart binds.

socket.create_server() sets SO_REUSEADDR on POSIX systems; a listener made
by hand sets it before bind(). The old server's connection is still in
TIME_WAIT on the port when the new listeners bind it.
"""

import errno
import socket

# --8<-- [start:fixed]
with socket.create_server(("127.0.0.1", 0)) as listener:  # (1)!
    port = listener.getsockname()[1]
    with socket.create_connection(("127.0.0.1", port), timeout=5) as client:
        conn, _ = listener.accept()
        with conn:
            conn.settimeout(5)
            client.sendall(b"request")
            conn.recv(1024)
            conn.sendall(b"reply")
        print(client.recv(1024), client.recv(1024))  # the server closed first
        #> b'reply' b''

# --8<-- [start:restart]
with socket.create_server(("127.0.0.1", port)) as restarted:  # (2)!
    print("restarted on the same port:", restarted.getsockname()[1] == port)
    #> restarted on the same port: True
    # --8<-- [end:restart]
    # --8<-- [end:fixed]

    # --8<-- [start:live]
    try:
        with socket.create_server(("127.0.0.1", port)):  # (1)!
            print("a second listener")
    except OSError as exc:
        print(type(exc).__name__, errno.errorcode[exc.errno])
        #> OSError EADDRINUSE
    # --8<-- [end:live]

# --8<-- [start:by_hand]
with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as by_hand:
    by_hand.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # before bind()
    by_hand.bind(("127.0.0.1", port))
    by_hand.listen()
    print("restarted by hand:", by_hand.getsockname()[1] == port)
    #> restarted by hand: True
# --8<-- [end:by_hand]
