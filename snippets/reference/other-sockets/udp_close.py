"""Linux only: close() on a UDP socket sends nothing; ICMP tells the sender.

Without the IP_RECVERR option, Linux reports the ICMP "port unreachable" as
ECONNREFUSED on a connected UDP socket only (__udp4_lib_err()); Windows
reports it on unconnected ones too.
"""

import errno
import socket


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


# Made first, so that it cannot get the port the closed socket releases.
with udp_socket() as sender:
    # --8<-- [start:close]
    with udp_socket() as peer:
        with udp_socket() as sock:
            sock.connect(peer.getsockname())
            peer.connect(sock.getsockname())
            sock.send(b"last datagram")
            closed_address = sock.getsockname()
        print("the peer reads:", peer.recv(1024))
        #> the peer reads: b'last datagram'
        peer.settimeout(0.5)
        try:
            peer.recv(1024)
        except TimeoutError as exc:
            print("then, after close():", type(exc).__name__)  # (1)!
            #> then, after close(): TimeoutError
        peer.settimeout(5)
        print("its send():", peer.send(b"anyone?"))  # (2)!
        #> its send(): 7
        print("its next recv():", outcome(lambda: peer.recv(1024)))  # (3)!
        #> its next recv(): ConnectionRefusedError ECONNREFUSED
        print("send() again:", peer.send(b"anyone?"))  # (4)!
        #> send() again: 7
    # --8<-- [end:close]

    # --8<-- [start:not_connected]
    print("not connected, sendto():", sender.sendto(b"anyone?", closed_address))
    #> not connected, sendto(): 7
    sender.settimeout(0.5)
    try:
        sender.recvfrom(1024)
    except TimeoutError as exc:
        print("recvfrom():", type(exc).__name__)  # (1)!
        #> recvfrom(): TimeoutError
    # --8<-- [end:not_connected]
