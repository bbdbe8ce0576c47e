"""Linux only: reads Recv-Q (rx_queue) from /proc/net/tcp.

Four connections end in CLOSE_WAIT on the server's side: one whose FIN the
server never read, one it read to b'', one with five bytes of data and the
FIN unread, and one whose five bytes it read with a single recv(), which
never returned b''. The queue that ss prints as Recv-Q tells the first
three apart: Linux counts the unread FIN as one, and a recv() that reaches
the FIN after data takes the FIN with the data. A fifth connection, which
the server never accepts, reaches CLOSE_WAIT in the listener's queue.
"""

import select
import socket
import struct

# Linux's TCP states (include/net/tcp_states.h): the first byte of TCP_INFO,
# and the st column of /proc/net/tcp, which writes them in hex.
STATES = {
    1: "ESTABLISHED", 2: "SYN_SENT", 3: "SYN_RECV", 4: "FIN_WAIT1",
    5: "FIN_WAIT2", 6: "TIME_WAIT", 7: "CLOSE", 8: "CLOSE_WAIT", 9: "LAST_ACK",
    10: "LISTEN", 11: "CLOSING", 12: "NEW_SYN_RECV", 13: "BOUND_INACTIVE",
}


def hex_address(address):
    """('127.0.0.1', 5000) as /proc/net/tcp writes it: 0100007F:1388.

    Linux prints the four address bytes as one number in the machine's own
    byte order ('=I'): 0100007F on a little-endian machine such as x86.
    """
    host, port = address
    return f"{struct.unpack('=I', socket.inet_aton(host))[0]:08X}:{port:04X}"


def table_state(ends):
    """The state /proc/net/tcp lists for (local, remote), or 'gone'."""
    local, remote = map(hex_address, ends)
    with open("/proc/net/tcp") as table:
        next(table)  # the header line
        for line in table:
            fields = line.split()
            if fields[1:3] == [local, remote]:
                return STATES.get(int(fields[3], 16), fields[3])
    return "gone"


def table_recv_q(ends):
    """Recv-Q for (local, remote): the rx_queue half of /proc/net/tcp's tx:rx."""
    local, remote = map(hex_address, ends)
    with open("/proc/net/tcp") as table:
        next(table)  # the header line
        for line in table:
            fields = line.split()
            if fields[1:3] == [local, remote]:
                return int(fields[4].split(":")[1], 16)
    return None


def settle(read, passing, limit=500):
    """Read a state until it is no longer `passing`: at most limit rounds of
    a 10 ms wait and a read."""
    now = read()
    for _ in range(limit):
        if now != passing:
            break
        select.select([], [], [], 0.01)  # a bounded wait, not a sleep
        now = read()
    return now


# --8<-- [start:cases]
def close_wait(listener, data, reads):
    """The client sends `data` and closes; the server calls recv() `reads` times."""
    with socket.create_connection(listener.getsockname(), timeout=5) as client:
        conn, _ = listener.accept()
        with conn:
            conn.settimeout(5)
            client.sendall(data)
            client.close()
            ends = (conn.getsockname(), conn.getpeername())
            settle(lambda: table_state(ends), "ESTABLISHED")  # the FIN is in
            received = [conn.recv(1024) for _ in range(reads)]
            state, recv_q = table_state(ends), table_recv_q(ends)
            return f"{state}, Recv-Q {recv_q}; recv(): {received}"


def never_accepted(listener, data):
    """The client sends `data` and closes; the server does not call accept()."""
    with socket.create_connection(listener.getsockname(), timeout=5) as client:
        ends = (client.getpeername(), client.getsockname())
        client.sendall(data)
    state = settle(lambda: table_state(ends), "ESTABLISHED")  # the FIN is in
    return f"{state}, Recv-Q {table_recv_q(ends)}"


with socket.create_server(("127.0.0.1", 0)) as listener:
    listener.settimeout(5)
    print("FIN not read:", close_wait(listener, b"", reads=0))
    #> FIN not read: CLOSE_WAIT, Recv-Q 1; recv(): []
    print("read to b'':", close_wait(listener, b"", reads=1))
    #> read to b'': CLOSE_WAIT, Recv-Q 0; recv(): [b'']
    print("5 bytes and FIN unread:", close_wait(listener, b"hello", reads=0))
    #> 5 bytes and FIN unread: CLOSE_WAIT, Recv-Q 6; recv(): []
    print("5 bytes read, b'' not yet:", close_wait(listener, b"hello", reads=1))
    #> 5 bytes read, b'' not yet: CLOSE_WAIT, Recv-Q 0; recv(): [b'hello']
    print("never accepted, 5 bytes and FIN:", never_accepted(listener, b"hello"))
    #> never accepted, 5 bytes and FIN: CLOSE_WAIT, Recv-Q 6
# --8<-- [end:cases]
