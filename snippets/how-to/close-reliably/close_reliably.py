"""with closes each socket when its block ends, even when the block raises."""

import socket

with socket.create_server(("127.0.0.1", 0)) as listener:  # (1)!
    with socket.create_connection(listener.getsockname(), timeout=5) as client:
        conn, _ = listener.accept()
        try:
            with conn:  # (2)!
                conn.settimeout(5)
                conn.sendall(b"partial answer")
                raise ValueError("the handler failed")
        except ValueError as exc:
            print("handler raised:", exc)
            #> handler raised: the handler failed
        print("conn closed:", conn.fileno() == -1)
        #> conn closed: True
        print("the peer reads:", client.recv(1024), client.recv(1024))  # (3)!
        #> the peer reads: b'partial answer' b''

print("client and listener closed:", client.fileno() == listener.fileno() == -1)
#> client and listener closed: True
