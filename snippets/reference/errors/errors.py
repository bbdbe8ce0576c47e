"""Linux only: each exception met around closing, triggered on purpose.

Each function provokes one error; the first loop prints the exception class
name and the errno name, the second the last line of the traceback each
would give. The last loop prints the numbers Linux gives those names,
and the OSError subclass Python picks for each.
"""

import contextlib
import errno
import resource
import socket
import struct


@contextlib.contextmanager
def connection():
    """Both ends of a TCP connection over 127.0.0.1."""
    with socket.create_server(("127.0.0.1", 0)) as listener:
        with socket.create_connection(listener.getsockname(), timeout=5) as client:
            server, _ = listener.accept()
            with server:
                server.settimeout(5)
                yield client, server


# --8<-- [start:triggers]
def send_after_shut_wr():
    with connection() as (sock, peer):
        sock.shutdown(socket.SHUT_WR)
        sock.send(b"x")


def recv_after_peer_abort():
    with connection() as (sock, peer):
        peer.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        peer.close()
        sock.recv(1024)


def recv_after_own_shut_rdwr():
    with connection() as (sock, peer):
        sock.shutdown(socket.SHUT_RDWR)
        peer.send(b"x")  # ordinary data, after this side's SHUT_RDWR
        sock.recv(1024)


def recv_after_listener_closed():
    with socket.create_server(("127.0.0.1", 0)) as listener:
        sock = socket.create_connection(listener.getsockname(), timeout=5)
    with sock:  # the listener closed before it accepted this connection
        sock.recv(1024)


def connect_nobody_listens():
    with socket.socket() as sock, socket.socket() as bound:
        bound.bind(("127.0.0.1", 0))  # a port, with no listen()
        sock.settimeout(5)
        sock.connect(bound.getsockname())


def recv_after_close():
    with connection() as (sock, peer):
        sock.close()
        sock.recv(1024)


def shutdown_never_connected():
    with socket.socket() as sock:
        sock.shutdown(socket.SHUT_WR)


def shutdown_bad_how():
    with connection() as (sock, peer):
        sock.shutdown(3)


def bind_port_in_use():
    with socket.create_server(("127.0.0.1", 0)) as listener:
        with socket.socket() as sock:
            sock.bind(listener.getsockname())


def recv_nothing_arrives():
    with connection() as (sock, peer):
        sock.settimeout(0.2)
        sock.recv(1024)


def socket_no_descriptor_left():
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (0, hard))  # no descriptor left
    try:
        with socket.socket():
            pass
    finally:
        resource.setrlimit(resource.RLIMIT_NOFILE, (soft, hard))
# --8<-- [end:triggers]


messages = []
for trigger in (
    send_after_shut_wr,
    recv_after_peer_abort,
    recv_after_own_shut_rdwr,
    recv_after_listener_closed,
    connect_nobody_listens,
    recv_after_close,
    shutdown_never_connected,
    shutdown_bad_how,
    bind_port_in_use,
    recv_nothing_arrives,
    socket_no_descriptor_left,
):
    try:
        trigger()
    except OSError as exc:
        name = errno.errorcode.get(exc.errno)
        print(f"{trigger.__name__}: {type(exc).__name__} {name}")
        #> send_after_shut_wr: BrokenPipeError EPIPE
        #> recv_after_peer_abort: ConnectionResetError ECONNRESET
        #> recv_after_own_shut_rdwr: ConnectionResetError ECONNRESET
        #> recv_after_listener_closed: ConnectionResetError ECONNRESET
        #> connect_nobody_listens: ConnectionRefusedError ECONNREFUSED
        #> recv_after_close: OSError EBADF
        #> shutdown_never_connected: OSError ENOTCONN
        #> shutdown_bad_how: OSError EINVAL
        #> bind_port_in_use: OSError EADDRINUSE
        #> recv_nothing_arrives: TimeoutError None
        #> socket_no_descriptor_left: OSError EMFILE
        messages.append(f"{type(exc).__name__}: {exc}")

# --8<-- [start:messages]
for message in messages:
    print(message)  # (1)!
    #> BrokenPipeError: [Errno 32] Broken pipe
    #> ConnectionResetError: [Errno 104] Connection reset by peer
    #> ConnectionResetError: [Errno 104] Connection reset by peer
    #> ConnectionResetError: [Errno 104] Connection reset by peer
    #> ConnectionRefusedError: [Errno 111] Connection refused
    #> OSError: [Errno 9] Bad file descriptor
    #> OSError: [Errno 107] Transport endpoint is not connected
    #> OSError: [Errno 22] Invalid argument
    #> OSError: [Errno 98] Address already in use
    #> TimeoutError: timed out
    #> OSError: [Errno 24] Too many open files
# --8<-- [end:messages]

# --8<-- [start:numbers]
for name in ("EPIPE", "ECONNRESET", "EBADF", "ENOTCONN", "EINVAL", "EADDRINUSE"):
    number = getattr(errno, name)
    print(name, number, type(OSError(number, "")).__name__)  # (2)!
    #> EPIPE 32 BrokenPipeError
    #> ECONNRESET 104 ConnectionResetError
    #> EBADF 9 OSError
    #> ENOTCONN 107 OSError
    #> EINVAL 22 OSError
    #> EADDRINUSE 98 OSError
# --8<-- [end:numbers]
