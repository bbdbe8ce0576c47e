"""Linux only: Python ignores SIGPIPE; its subprocess children get it back.

On Linux, a write on a TCP socket that fails with EPIPE also sends SIGPIPE
(one that fails with ECONNRESET does not). Python sets SIGPIPE to SIG_IGN at
startup, so such a write raises BrokenPipeError. subprocess restores the
default action in the child (restore_signals=True is the default): a child
that writes to the connection here, where the peer's reset came in CLOSE_WAIT
and writes fail with EPIPE, is killed by SIGPIPE."""

import select
import signal
import socket
import subprocess


def child_ignores_sigpipe(**options):
    """Run grep in a child; it reports its own ignored signals (SigIgn)."""
    status = subprocess.run(
        ["grep", "SigIgn", "/proc/self/status"],
        capture_output=True,
        text=True,
        timeout=10,
        check=True,
        **options,
    ).stdout
    ignored = int(status.split()[1], 16)
    return bool(ignored >> (signal.SIGPIPE - 1) & 1)


def child_writes(sock, **options):
    """Run a shell that writes to sock; say how it ended."""
    child = subprocess.run(
        ["sh", "-c", "echo hello"],
        stdout=sock,
        stderr=subprocess.DEVNULL,
        timeout=10,
        **options,
    )
    if child.returncode < 0:
        return "killed by " + signal.Signals(-child.returncode).name
    return "not killed"


print("in Python:", signal.getsignal(signal.SIGPIPE).name)
#> in Python: SIG_IGN
print("child ignores SIGPIPE:", child_ignores_sigpipe())  # (1)!
#> child ignores SIGPIPE: False
print("with restore_signals=False:", child_ignores_sigpipe(restore_signals=False))
#> with restore_signals=False: True

with socket.create_server(("127.0.0.1", 0)) as listener:
    with socket.create_connection(listener.getsockname(), timeout=5) as conn:
        peer, _ = listener.accept()
        peer.close()
        conn.send(b"hello")  # provokes the peer's reset
        poller = select.poll()
        poller.register(conn, 0)
        poller.poll(5000)  # returns once the reset has arrived
        print("child:", child_writes(conn))  # (2)!
        #> child: killed by SIGPIPE
        print("with restore_signals=False:", child_writes(conn, restore_signals=False))
        #> with restore_signals=False: not killed
