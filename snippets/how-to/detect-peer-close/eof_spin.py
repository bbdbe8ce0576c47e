"""After the peer's FIN, b'' comes back at once, on each call here: a loop must stop.

Here the end of file stays: recv() returns b'' without waiting, a
non-blocking recv() returns b'' instead of raising BlockingIOError, and
select() and selectors report the socket readable every time they are asked.
So a loop that does not stop on b'' spins. Each count below is over 1000
tries; a try that waited would have hit its 5-second timeout instead.
"""

import select
import selectors
import socket

TRIES = 1000

with socket.create_server(("127.0.0.1", 0)) as listener:
    with socket.create_connection(listener.getsockname(), timeout=5) as peer:
        conn, _ = listener.accept()
        with conn:
            conn.setblocking(False)
            try:
                conn.recv(1024)
            except BlockingIOError as exc:  # (1)!
                print("before the FIN, non-blocking recv():", type(exc).__name__)
                #> before the FIN, non-blocking recv(): BlockingIOError
            peer.sendall(b"last")
            peer.shutdown(socket.SHUT_WR)
            conn.settimeout(5)
            print("recv():", conn.recv(1024))
            #> recv(): b'last'
            empty = sum(conn.recv(1024) == b"" for _ in range(TRIES))  # (2)!
            print(f"recv(), 5 s timeout: b'' {empty} of {TRIES} times")
            #> recv(), 5 s timeout: b'' 1000 of 1000 times
            ready = sum(bool(select.select([conn], [], [], 5)[0]) for _ in range(TRIES))
            print(f"select(), 5 s timeout: readable {ready} of {TRIES} times")  # (3)!
            #> select(), 5 s timeout: readable 1000 of 1000 times
            with selectors.DefaultSelector() as selector:
                selector.register(conn, selectors.EVENT_READ)
                ready = sum(len(selector.select(timeout=5)) for _ in range(TRIES))
                print(f"selectors, 5 s timeout: ready {ready} of {TRIES} times")
                #> selectors, 5 s timeout: ready 1000 of 1000 times
            conn.setblocking(False)
            print("after the FIN, non-blocking recv():", conn.recv(1024))  # (4)!
            #> after the FIN, non-blocking recv(): b''

# --8<-- [start:fix]
with socket.create_server(("127.0.0.1", 0)) as listener:
    with socket.create_connection(listener.getsockname(), timeout=5) as peer:
        conn, _ = listener.accept()
        with conn, selectors.DefaultSelector() as selector:
            conn.settimeout(5)
            peer.sendall(b"last")
            peer.shutdown(socket.SHUT_WR)
            selector.register(conn, selectors.EVENT_READ)
            received, wakeups = [], 0
            for _ in range(TRIES):  # bounded; here it ends after two rounds
                if not selector.get_map():
                    break  # (5)!
                for key, _ in selector.select(timeout=5):
                    wakeups += 1
                    data = key.fileobj.recv(1024)
                    if data:
                        received.append(data)
                    else:  # (6)!
                        selector.unregister(key.fileobj)
                        key.fileobj.close()
        print(f"received {received}, then b'': stopped after {wakeups} wake-ups")
        #> received [b'last'], then b'': stopped after 2 wake-ups
# --8<-- [end:fix]
