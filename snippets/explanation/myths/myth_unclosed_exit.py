"""Here a socket left open without SO_LINGER does not delay exit; a blocked thread does.

Each child program connects to this one and reaches its last line without
closing its socket. The first one ends. The second has started a thread
that waits in recv(), so it runs on until that call returns. (With
SO_LINGER on and a time, Python's close() of the socket at exit could wait
up to that time for the peer to take the data.)
"""

import socket
import subprocess
import sys

FORGETFUL = """
import socket, sys
sock = socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=10)
"""

WAITING = FORGETFUL + """
import threading
threading.Thread(target=sock.recv, args=(1024,)).start()
"""


def start(code, listener):
    """Run code in a new interpreter, connected to listener; accept it."""
    port = str(listener.getsockname()[1])
    child = subprocess.Popen([sys.executable, "-I", "-c", code, port])
    conn, _ = listener.accept()
    conn.settimeout(10)
    return child, conn


with socket.create_server(("127.0.0.1", 0)) as listener:
    listener.settimeout(10)
    # --8<-- [start:forgetful]
    child, conn = start(FORGETFUL, listener)
    with child, conn:
        print("exit code:", child.wait(timeout=10), "| we read:", conn.recv(1024))
        #> exit code: 0 | we read: b''
    # --8<-- [end:forgetful]

    # --8<-- [start:waiting]
    child, conn = start(WAITING, listener)
    with child, conn:
        try:
            child.wait(timeout=0.5)  # (1)!
        except subprocess.TimeoutExpired:
            pass
        print("still running after its last line:", child.poll() is None)
        #> still running after its last line: True
        conn.close()  # (2)!
        print("once we close, exit code:", child.wait(timeout=10))
        #> once we close, exit code: 0
    # --8<-- [end:waiting]
