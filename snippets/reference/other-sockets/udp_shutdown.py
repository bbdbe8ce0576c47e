"""Linux only: shutdown() on UDP sockets, connected or not.

On an unconnected socket Linux raises ENOTCONN but applies the shutdown
anyway (inet_shutdown()); other systems may not. Reading after SHUT_RD
depends on Linux's datagram code; SO_RCVTIMEO uses Linux's struct timeval.
"""

import errno
import queue
import select
import socket
import struct
import threading


def outcome(call):
    """What call() returned, or the class and errno name of the OSError it raised.

    The errno name only if errno holds one: a socket timeout's TimeoutError
    has none, and the exceptions that modules define (for TLS, for address
    lookups) hold codes of their own there. Other exceptions propagate.
    """
    try:
        return call()
    except OSError as exc:
        if exc.errno is None or type(exc).__module__ != "builtins":
            return type(exc).__name__
        return f"{type(exc).__name__} {errno.errorcode.get(exc.errno, exc.errno)}"


def udp_socket():
    """A UDP socket bound to 127.0.0.1, with a timeout."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.settimeout(5)
    sock.bind(("127.0.0.1", 0))
    return sock


# --8<-- [start:not_connected]
with udp_socket() as sock, udp_socket() as peer:
    print("not connected, SHUT_WR:", outcome(lambda: sock.shutdown(socket.SHUT_WR)))
    #> not connected, SHUT_WR: OSError ENOTCONN
    print("then sendto():", outcome(lambda: sock.sendto(b"x", peer.getsockname())))
    #> then sendto(): BrokenPipeError EPIPE
# --8<-- [end:not_connected]

# --8<-- [start:shut_rd]
with udp_socket() as sock, udp_socket() as peer:
    sock.connect(peer.getsockname())
    peer.connect(sock.getsockname())
    peer.send(b"")
    print("an empty datagram:", sock.recv(1024))  # (1)!
    #> an empty datagram: b''
    peer.send(b"queued")
    sock.shutdown(socket.SHUT_RD)
    print("SHUT_RD, recv():", sock.recv(1024))
    #> SHUT_RD, recv(): b'queued'
    peer.send(b"sent later")
    print("recv():", sock.recv(1024))  # (2)!
    #> recv(): b'sent later'
    readable, _, _ = select.select([sock], [], [], 0)
    print("nothing queued, select() says readable:", bool(readable))
    #> nothing queued, select() says readable: True
    sock.setblocking(False)
    print("non-blocking recv():", outcome(lambda: sock.recv(1024)))  # (3)!
    #> non-blocking recv(): BlockingIOError EAGAIN
    sock.settimeout(0.2)
    try:
        sock.recv(1024)
    except TimeoutError as exc:
        print("recv() with a timeout:", type(exc).__name__)  # (4)!
        #> recv() with a timeout: TimeoutError
    sock.settimeout(None)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVTIMEO, struct.pack("ll", 5, 0))
    print("blocking recv():", sock.recv(1024))  # (5)!
    #> blocking recv(): b''
# --8<-- [end:shut_rd]

# --8<-- [start:wake]
def serve(server, handled, stopping, limit=100):
    """Handle datagrams until the stop flag is set: b'' alone is not the end."""
    for _ in range(limit):
        data, _ = server.recvfrom(1024)
        if stopping.is_set():  # (1)!
            return
        handled.put(data)


with udp_socket() as server, udp_socket() as client:
    server.settimeout(None)  # blocking, with a kernel timeout instead:
    server.setsockopt(socket.SOL_SOCKET, socket.SO_RCVTIMEO, struct.pack("ll", 5, 0))
    handled = queue.Queue()
    stopping = threading.Event()
    reader = threading.Thread(target=serve, args=(server, handled, stopping))
    reader.start()
    client.sendto(b"", server.getsockname())
    print("the thread handled:", handled.get(timeout=5))  # (2)!
    #> the thread handled: b''
    reader.join(timeout=0.2)
    print("still waiting after 0.2 s:", reader.is_alive())
    #> still waiting after 0.2 s: True
    stopping.set()  # (3)!
    print("shutdown(SHUT_RD):", outcome(lambda: server.shutdown(socket.SHUT_RD)))
    #> shutdown(SHUT_RD): OSError ENOTCONN
    reader.join(timeout=5)
    print("the thread has returned:", not reader.is_alive())
    #> the thread has returned: True
# --8<-- [end:wake]
