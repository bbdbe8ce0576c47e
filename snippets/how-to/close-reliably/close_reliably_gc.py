"""A socket nobody closes: CPython closes it with its last reference, warning hidden.

The default warning filters hide the warning; -X dev and -W default show it,
and -X tracemalloc=5 adds where the socket was created. The forgetful code
runs in a child process, so this program leaks nothing.
"""

import os
import subprocess
import sys
import tempfile
from pathlib import Path

# --8<-- [start:child]
FORGETFUL = """\
import socket
with socket.create_server(("127.0.0.1", 0)) as listener:
    with socket.create_connection(listener.getsockname(), timeout=5) as client:
        conn, _ = listener.accept()
        conn = None  # the last reference: nobody called close()
        print(client.recv(1024))
"""
# --8<-- [end:child]


def run_forgetful(*options):
    """Run FORGETFUL as forgetful.py in a fresh interpreter: (stdout, stderr).

    -I ignores PYTHON* variables; the folder's name is cut from stderr."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder, "forgetful.py")
        path.write_text(FORGETFUL)
        child = subprocess.run(
            [sys.executable, "-I", *options, str(path)],
            capture_output=True,
            text=True,
            timeout=30,
            check=True,
        )
        return child.stdout, child.stderr.replace(folder + os.sep, "")


# --8<-- [start:runs]
out, err = run_forgetful()
print("the peer reads:", out.strip())  # (1)!
#> the peer reads: b''
print("ResourceWarning shown:", "ResourceWarning" in err)  # (2)!
#> ResourceWarning shown: False

_, err = run_forgetful("-W", "default")
print("with -W default:", "ResourceWarning" in err)
#> with -W default: True

_, err = run_forgetful("-X", "dev")
print(err.splitlines()[0].split(" fd=")[0])  # (3)!
#> forgetful.py:5: ResourceWarning: unclosed <socket.socket

_, err = run_forgetful("-X", "dev", "-X", "tracemalloc=5")
allocated = err.splitlines()
start = allocated.index("Object allocated at (most recent call last):")
for line in allocated[start : start + 3]:
    print(line)  # (4)!
    #> Object allocated at (most recent call last):
    #>   File "forgetful.py", lineno 4
    #>     conn, _ = listener.accept()
# --8<-- [end:runs]
