"""Linux only: which child processes ignore SIGPIPE, by how they were started.

Each process reads its own SigIgn line from /proc/self/status, a Linux
file. Python sets SIGPIPE to SIG_IGN at start-up. subprocess, and os.popen
which runs on it, restore the default action in the child before exec
(restore_signals=True). os.system and a fork()ed child do not: they keep the
parent's SIG_IGN, and a shell or program run that way gets EPIPE from a
broken connection instead of being killed.
"""

import multiprocessing
import os
import shlex
import signal
import subprocess
import tempfile
from pathlib import Path

GREP = "grep SigIgn /proc/self/status"  # the grep process reports itself


def sigpipe(sig_ign_line):
    """'ignored' or 'default', from a line such as "SigIgn: 0000000000001000"."""
    ignored = int(sig_ign_line.split()[1], 16)
    return "ignored" if ignored >> (signal.SIGPIPE - 1) & 1 else "default"


def own_sig_ign_line():
    """The SigIgn line of the calling process."""
    with open("/proc/self/status") as status:
        return next(line for line in status if line.startswith("SigIgn:"))


def report(connection):
    """Run in a multiprocessing child: send the parent its SigIgn line."""
    with connection:
        connection.send(own_sig_ign_line())


print("Python itself:", sigpipe(own_sig_ign_line()))
#> Python itself: ignored

# --8<-- [start:children]
done = subprocess.run(
    GREP.split(), capture_output=True, text=True, check=True, timeout=10
)
print("subprocess.run:", sigpipe(done.stdout))
#> subprocess.run: default

with os.popen(GREP) as output:
    print("os.popen:", sigpipe(output.read()))
    #> os.popen: default

with tempfile.TemporaryDirectory() as folder:
    path = Path(folder, "status")
    os.system(f"{GREP} > {shlex.quote(str(path))}")  # its output goes to a file
    print("os.system:", sigpipe(path.read_text()))
    #> os.system: ignored

context = multiprocessing.get_context("fork")
receiver, sender = context.Pipe(duplex=False)
with receiver:
    with sender:
        child = context.Process(target=report, args=(sender,))
        child.start()
    if not receiver.poll(10):  # a bounded wait for the child's report
        raise TimeoutError("the child did not report")
    line = receiver.recv()
    child.join(10)
print("multiprocessing, fork:", sigpipe(line))
#> multiprocessing, fork: ignored
# --8<-- [end:children]
