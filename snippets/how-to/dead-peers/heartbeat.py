"""Application heartbeats: a deadline notices a peer that stops answering.

The client sends b"ping" and waits at most DEADLINE seconds for b"pong". The
server answers twice, then goes silent, as a host that vanished or a process
that hangs looks from the client. heartbeat() then shuts the connection
down, so a late pong cannot answer a later ping, and the client closes it.
"""

import socket
import threading
import time

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
    """Send b"ping"; True if exactly b"pong" comes back within deadline seconds.

    Its whole contract (inputs, results, errors, limits) is its docstring in
    closing.py, on the Helpers page (reference/helpers/) of shutdown-vs-close.
    """
    if deadline is None or not 0 < deadline <= 1e6:
        raise ValueError(f"deadline must be above 0, at most 1e6, not {deadline!r}")
    end = time.monotonic() + deadline  # (1)!
    alive = False  # set last: the whole call ran, and the pong came
    try:  # two levels: Ctrl+C in the inner cleanup still reaches shutdown()
        previous = sock.gettimeout()
        answer = b""
        try:
            sock.settimeout(deadline)
            sock.sendall(b"ping")
            while len(answer) < 4:
                sock.settimeout(max(end - time.monotonic(), 0))
                try:
                    chunk = sock.recv(4 - len(answer))
                except TimeoutError:
                    if time.monotonic() < end:
                        raise  # not the deadline's: a signal handler's, say
                    # One more read, without waiting: a pong queued by now
                    # counts (poll() missed it, or the thread got the CPU late)
                    sock.settimeout(0)
                    chunk = sock.recv(4 - len(answer))
                if not chunk:
                    break
                answer += chunk
        except OSError:
            answer = b""  # a miss
        finally:
            try:
                sock.settimeout(previous)  # (2)!
            except OSError:
                pass  # closed, or its descriptor closed behind its back
        alive = answer == b"pong"
    finally:
        if not alive:  # a miss, or cut short
            try:
                sock.shutdown(socket.SHUT_RDWR)  # (3)!
            except OSError:
                pass  # already shut down, reset or closed: dead all the same
    return alive
# --8<-- [end:heartbeat]


done = threading.Event()
with socket.create_server(("127.0.0.1", 0)) as listener:
    listener.settimeout(5)  # bounds accept()
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
        print("a later heartbeat:", heartbeat(client, DEADLINE))  # (3)!
        #> a later heartbeat: False
    # --8<-- [end:client]
    done.set()
    server.join(timeout=5)
