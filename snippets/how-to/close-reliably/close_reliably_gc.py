"""A socket nobody closes: CPython closes it when the object is destroyed.

It also emits a ResourceWarning, which the default warning filters hide.
The forgetful code runs in a child process, so this program leaks nothing.
"""

import subprocess
import sys

# --8<-- [start:child]
FORGETFUL = """
import socket
with socket.create_server(("127.0.0.1", 0)) as listener:
    with socket.create_connection(listener.getsockname(), timeout=5) as client:
        conn, _ = listener.accept()
        conn = None  # the last reference: nobody called close()
        print(client.recv(1024))
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
print("the peer reads:", plain.stdout.strip())  # (1)!
#> the peer reads: b''
print("ResourceWarning shown:", "ResourceWarning" in plain.stderr)  # (2)!
#> ResourceWarning shown: False

dev = run_child("-X", "dev")
print("with -X dev:", "ResourceWarning" in dev.stderr)  # (3)!
#> with -X dev: True

default = run_child("-W", "default")
print("with -W default:", "ResourceWarning" in default.stderr)
#> with -W default: True
# --8<-- [end:runs]
