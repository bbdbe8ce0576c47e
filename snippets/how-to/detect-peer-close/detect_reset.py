"""Linux only: here ConnectionResetError means the peer reset the connection.

A peer that closes with data it never read sends RST instead of FIN
(RFC 1122, 4.2.2.13). Here, with nothing queued, only the first call after
the reset raises ConnectionResetError; then recv() returns b'' and send()
raises BrokenPipeError. Test the exception class or errno.ECONNRESET, never a number.
"""

import errno
import select
import socket

with socket.create_server(("127.0.0.1", 0)) as listener:
    with socket.create_connection(listener.getsockname(), timeout=5) as conn:
        peer, _ = listener.accept()
        with peer:
            conn.sendall(b"request")
            select.select([peer], [], [], 5)  # (1)!
        # The peer closed with b"request" unread: it sent RST, not FIN.
        try:
            conn.recv(1024)
        except ConnectionResetError as exc:  # (2)!
            print(type(exc).__name__, errno.errorcode[exc.errno])
            #> ConnectionResetError ECONNRESET
            print("errno is errno.ECONNRESET:", exc.errno == errno.ECONNRESET)
            #> errno is errno.ECONNRESET: True
        print("the next recv():", conn.recv(1024))  # (3)!
        #> the next recv(): b''
        try:
            conn.send(b"more")
        except BrokenPipeError as exc:
            print("send():", type(exc).__name__, errno.errorcode[exc.errno])
            #> send(): BrokenPipeError EPIPE
        print("errno.ECONNRESET here:", errno.ECONNRESET)  # (4)!
        #> errno.ECONNRESET here: 104
