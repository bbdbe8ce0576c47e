"""Linux only: after the peer closes with nothing unread, the first send() succeeds.

The peer's kernel answers data for a closed socket with RST (RFC 1122,
4.2.2.13). The first send() only provokes that reset; once the reset has
arrived, the next send() raises BrokenPipeError.
"""

import errno
import select
import socket


def wait_for_reset(sock, timeout=5.0):
    """Wait until the socket reports an error or a hang-up; True if it did."""
    poller = select.poll()
    poller.register(sock, 0)  # (1)!
    return bool(poller.poll(timeout * 1000))


with socket.create_server(("127.0.0.1", 0)) as listener:
    with socket.create_connection(listener.getsockname(), timeout=5) as conn:
        peer, _ = listener.accept()
        peer.close()  # (2)!
        print("recv():", conn.recv(1024))
        #> recv(): b''
        print("first send() returned:", conn.send(b"hello"))  # (3)!
        #> first send() returned: 5
        print("the reset arrived:", wait_for_reset(conn))
        #> the reset arrived: True
        try:
            conn.send(b"hello again")
        except BrokenPipeError as exc:  # (4)!
            print("second send():", type(exc).__name__, errno.errorcode[exc.errno])
            #> second send(): BrokenPipeError EPIPE
