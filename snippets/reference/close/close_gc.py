"""A socket nobody closes is closed when the object is destroyed.

In CPython, reference counting destroys it as soon as the last reference
goes; a socket caught in a reference cycle waits for the cycle collector.
The forgetful code runs in a child process, so this program leaks nothing.
"""

import subprocess
import sys

# --8<-- [start:child]
FORGETFUL = """
import gc, select, socket
gc.disable()  # only gc.collect() below runs the cycle collector
with socket.create_server(("127.0.0.1", 0)) as listener:
    with socket.create_connection(listener.getsockname(), timeout=5) as peer:
        sock, _ = listener.accept()
        del sock  # the last reference
        print("after del:", peer.recv(1024))
    with socket.create_connection(listener.getsockname(), timeout=5) as peer:
        sock, _ = listener.accept()
        cycle = [sock]
        cycle.append(cycle)
        del sock, cycle  # only the cycle refers to the socket now
        readable, _, _ = select.select([peer], [], [], 0.2)
        print("in a cycle, the peer reads something:", bool(readable))
        gc.collect()
        print("after gc.collect():", peer.recv(1024))
"""
# --8<-- [end:child]


def run_child(*options):
    """Run FORGETFUL in a fresh interpreter; -I ignores PYTHON* variables."""
    return subprocess.run(
        [sys.executable, "-I", *options, "-c", FORGETFUL],
        capture_output=True,
        text=True,
        timeout=30,
        check=True,
    )


# --8<-- [start:runs]
plain = run_child()
for line in plain.stdout.splitlines():
    print(line)
    #> after del: b''
    #> in a cycle, the peer reads something: False
    #> after gc.collect(): b''
# --8<-- [end:runs]
