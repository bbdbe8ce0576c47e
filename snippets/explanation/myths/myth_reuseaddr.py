"""Linux only: SO_REUSEADDR makes no resets; it lets bind() reuse a port in TIME_WAIT.

socket.create_server() sets SO_REUSEADDR. The server closes first, cleanly;
then a new server binds the same port while the old connection is still in
TIME_WAIT, which /proc/net/tcp lists.
"""

import select
import socket
import struct


def hex_address(address):
    """('127.0.0.1', 5000) as /proc/net/tcp writes it: 0100007F:1388.

    Linux prints the four address bytes as one number in the machine's own
    byte order ('=I'): 0100007F on a little-endian machine such as x86.
    """
    host, port = address
    return f"{struct.unpack('=I', socket.inet_aton(host))[0]:08X}:{port:04X}"


def in_time_wait(ends, limit=500):
    """Whether /proc/net/tcp lists (local, remote) in TIME_WAIT (state 06).

    The client's FIN may still be on its way: look again, at most limit times.
    """
    local, remote = map(hex_address, ends)
    for _ in range(limit):
        with open("/proc/net/tcp") as table:
            next(table)  # the header line
            if any(line.split()[1:4] == [local, remote, "06"] for line in table):
                return True
        select.select([], [], [], 0.01)  # a bounded wait, not a sleep
    return False


with socket.create_server(("127.0.0.1", 0)) as listener:
    address = listener.getsockname()
    print("SO_REUSEADDR:", listener.getsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR))
    #> SO_REUSEADDR: 1
    with socket.create_connection(address, timeout=5) as client:
        conn, _ = listener.accept()
        with conn:
            conn.sendall(b"reply\n")
            ends = conn.getsockname(), conn.getpeername()
        print("the client reads:", client.recv(1024), client.recv(1024))  # (1)!
        #> the client reads: b'reply\n' b''

with socket.create_server(address) as restarted:  # (2)!
    print("restarted; old connection in TIME_WAIT:", in_time_wait(ends))
    #> restarted; old connection in TIME_WAIT: True
    with socket.create_connection(address, timeout=5) as client:
        conn, _ = restarted.accept()
        with conn:
            conn.sendall(b"hello again\n")
        print("a new client reads:", client.recv(1024), client.recv(1024))
        #> a new client reads: b'hello again\n' b''
