"""A server and a client on 127.0.0.1 that end one connection cleanly.

The server sends its message, says it is done with shutdown(SHUT_WR), and
keeps reading until the client has closed too. The client reads until
b'' and closes. Nobody closes with unread data, so nobody sees a reset.
"""

import socket
import threading

client_got = []


def client(address):
    with socket.create_connection(address, timeout=5) as sock:
        chunks = []
        for _ in range(1000):  # at most 1000 reads
            chunk = sock.recv(4096)
            if not chunk:  # b'': the server shut down its sending side
                break
            chunks.append(chunk)
        client_got.append(b"".join(chunks))
    # Leaving the with block closes the client's socket: the server sees b''.


with socket.create_server(("127.0.0.1", 0)) as listener:
    thread = threading.Thread(target=client, args=(listener.getsockname(),))
    thread.start()
    conn, _ = listener.accept()
    with conn:
        conn.settimeout(5)
        conn.sendall(b"hello from the server")
        conn.shutdown(socket.SHUT_WR)  # FIN: "I will send nothing more"
        print("server reads after its shutdown:", conn.recv(4096))
        #> server reads after its shutdown: b''
        print("descriptor still open after shutdown():", conn.fileno() != -1)
        #> descriptor still open after shutdown(): True
    print("fileno() after close():", conn.fileno())
    #> fileno() after close(): -1
    thread.join()

print("client got:", client_got[0])
#> client got: b'hello from the server'
