"""Linux only: a child process that inherits a descriptor keeps the connection.

subprocess's pass_fds hands a descriptor to the child; it exists on POSIX
systems only, and this program has run on Linux only.
"""

import select
import socket
import subprocess
import sys

CHILD = """
import socket, sys
with socket.socket(fileno=int(sys.argv[1])) as sock:
    sock.settimeout(5)
    sock.sendall(b"from the child\\n")
    sock.recv(1024)  # wait for the peer's word, then exit
"""


def seen_by(peer):
    """What the peer can read now: its bytes, b'' (a FIN), or nothing."""
    readable, _, _ = select.select([peer], [], [], 0.2)
    return peer.recv(1024) if readable else "nothing"


with socket.create_server(("127.0.0.1", 0)) as listener:
    with socket.create_connection(listener.getsockname(), timeout=5) as peer:
        conn, _ = listener.accept()
        # --8<-- [start:child]
        with conn:
            fd = conn.fileno()
            child = subprocess.Popen(
                [sys.executable, "-I", "-c", CHILD, str(fd)], pass_fds=[fd]  # (1)!
            )
        print("parent closed | peer reads:", peer.recv(1024))  # (2)!
        #> parent closed | peer reads: b'from the child\n'
        print("peer sees:", seen_by(peer))
        #> peer sees: nothing
        peer.sendall(b"bye\n")
        returncode = child.wait(timeout=10)
        print("child exited with", returncode, "| peer reads:", peer.recv(1024))
        #> child exited with 0 | peer reads: b''
        # --8<-- [end:child]
