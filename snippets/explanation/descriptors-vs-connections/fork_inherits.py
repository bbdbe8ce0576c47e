"""Linux only: a forked child holds the connection open after the parent's close().

os.fork() copies every descriptor into the child. Python's sockets are
non-inheritable, but that flag (O_CLOEXEC) acts only when a process calls
exec, and this child does not. So the parent's close() sends nothing: the
peer sees the end of the connection only when the child exits. The child
waits on a pipe the parent controls, so nothing here needs a sleep. os.fork()
exists on POSIX systems only; this program has run on Linux only.
"""

import os
import select
import socket


def seen_by(peer):
    """What the peer can read now: its bytes, b'' (a FIN), or nothing."""
    readable, _, _ = select.select([peer], [], [], 0.2)
    return peer.recv(1024) if readable else "nothing"


with socket.create_server(("127.0.0.1", 0)) as listener:
    with socket.create_connection(listener.getsockname(), timeout=5) as peer:
        conn, _ = listener.accept()
        conn.settimeout(5)
        # --8<-- [start:fork]
        print("inheritable:", conn.get_inheritable())
        #> inheritable: False
        go_read, go_write = os.pipe()
        pid = os.fork()
        if pid == 0:  # the child: a copy of every descriptor, conn's included
            try:
                os.close(go_write)
                os.read(go_read, 1)  # returns when the parent closes go_write
            finally:
                os._exit(0)  # never run the parent's code, nor its with blocks
        os.close(go_read)
        conn.close()
        print("parent closed | peer sees:", seen_by(peer))
        #> parent closed | peer sees: nothing
        os.close(go_write)  # the child's read() returns b'': it exits
        _, status = os.waitpid(pid, 0)
        code = os.waitstatus_to_exitcode(status)
        print("child exited with", code, "| peer reads:", peer.recv(1024))
        #> child exited with 0 | peer reads: b''
        # --8<-- [end:fork]
