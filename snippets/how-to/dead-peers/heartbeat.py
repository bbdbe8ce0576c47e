"""Application heartbeats: a read timeout notices a peer that stops answering.

The client sends b"ping" and waits at most DEADLINE seconds for b"pong". The
server answers twice, then goes silent, as a host that vanished or a process
that hangs looks from the client: the client's recv() raises TimeoutError,
and the client closes the connection.
"""

import socket
import threading

DEADLINE = 0.5  # seconds the client waits for each pong


def serve(listener, answers, done):
    conn, _ = listener.accept()
    with conn:
        conn.settimeout(5)
        for _ in range(answers):
            if conn.recv(4) == b"ping":
                conn.sendall(b"pong")
        done.wait(5)  # then silent: reads nothing, answers nothing


# --8<-- [start:heartbeat]
def heartbeat(sock, deadline):
    """Send b"ping"; True if b"pong" comes back within deadline seconds."""
    previous = sock.gettimeout()
    sock.settimeout(deadline)  # (1)!
    try:
        sock.sendall(b"ping")
        return sock.recv(4) == b"pong"  # (2)!
    except TimeoutError:
        return False
    finally:
        sock.settimeout(previous)  # (3)!
# --8<-- [end:heartbeat]


done = threading.Event()
with socket.create_server(("127.0.0.1", 0)) as listener:
    server = threading.Thread(target=serve, args=(listener, 2, done))
    server.start()
    # --8<-- [start:client]
    with socket.create_connection(listener.getsockname(), timeout=5) as client:
        for n in range(1, 6):
            alive = heartbeat(client, DEADLINE)
            print(f"ping {n}:", "pong" if alive else f"no pong within {DEADLINE} s")
            #> ping 1: pong
            #> ping 2: pong
            #> ping 3: no pong within 0.5 s
            if not alive:
                break  # (1)!
        print("timeout afterwards:", client.gettimeout())  # (2)!
        #> timeout afterwards: 5.0
    # --8<-- [end:client]
    done.set()
    server.join()
