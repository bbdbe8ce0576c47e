"""Linux only: reads TCP states from /proc/net/tcp.

Three clients each send a request and close. A server that reads each
request up to b'' but never closes its socket leaves every connection in
CLOSE_WAIT; closing late ends them, and a server that closes with `with`
leaves none.
"""

import collections
import select
import socket
import struct
import time

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


def read_until_eof(sock, max_bytes=1 << 20, timeout=5.0):
    """Read until the peer's FIN (recv() returns b''); return what was read.

    Its whole contract (inputs, results, errors, limits) is its docstring in
    closing.py, on the Helpers page (reference/helpers/) of shutdown-vs-close.
    """
    if timeout is None or not 0 < timeout <= 1e6:
        raise ValueError(f"timeout must be above 0, at most 1e6, not {timeout!r}")
    if isinstance(max_bytes, bool) or not isinstance(max_bytes, int):
        raise TypeError(f"max_bytes must be an int, not {max_bytes!r}")
    if max_bytes < 0:
        raise ValueError(f"max_bytes must be >= 0, not {max_bytes!r}")
    deadline = time.monotonic() + timeout
    previous = sock.gettimeout()
    data = bytearray()  # one buffer: a peer that trickles bytes costs no more
    try:
        while len(data) <= max_bytes:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise TimeoutError(f"no FIN within {timeout} s")
            sock.settimeout(remaining)
            chunk = sock.recv(min(65536, max_bytes + 1 - len(data)))
            if not chunk:
                return bytes(data)
            data += chunk
        raise ValueError(f"peer sent more than {max_bytes} bytes")
    finally:
        try:
            sock.settimeout(previous)
        except OSError:
            pass  # closed meanwhile: what the call raises says more


def client(server_address):
    """Connect, send a request and close: the client closes first."""
    with socket.create_connection(server_address, timeout=5) as sock:
        sock.sendall(b"request")
        return sock.getsockname()


# --8<-- [start:leak]
def handle_leaky(conn):
    """Read the request to the end. The bug: nothing closes conn."""
    return read_until_eof(conn)  # (1)!
# --8<-- [end:leak]


# --8<-- [start:fixed]
def handle_fixed(conn):
    """Read the request to the end, then close: `with` closes conn."""
    with conn:  # (1)!
        return read_until_eof(conn)
# --8<-- [end:fixed]


def count(all_ends, passing=("FIN_WAIT1", "FIN_WAIT2", "LAST_ACK")):
    """Count the states of these connections, once they have left `passing`
    (or once settle() gives up on one, after 500 rounds of 10 ms)."""
    states = collections.Counter()
    for ends in all_ends:
        for state in passing:  # segments on their way: wait, bounded, for them
            settle(lambda ends=ends: table_state(ends), state)
        states[table_state(ends)] += 1
    return ", ".join(f"{n} {state}" for state, n in sorted(states.items()))


# --8<-- [start:run]
with socket.create_server(("127.0.0.1", 0)) as listener:
    listener.settimeout(5)
    address = listener.getsockname()
    kept = []  # (1)!
    clients = [client(address) for _ in range(3)]
    for _ in range(len(clients)):
        conn, _ = listener.accept()
        conn.settimeout(5)
        kept.append(conn)
        handle_leaky(conn)
    print("leaky, server side:", count((address, c) for c in clients))
    #> leaky, server side: 3 CLOSE_WAIT
    client_sides = [(c, address) for c in clients]
    print("leaky, client side:", count(client_sides, passing=["FIN_WAIT1"]))  # (2)!
    #> leaky, client side: 3 FIN_WAIT2

    for conn in kept:  # (3)!
        conn.close()
    print("closed late, server side:", count((address, c) for c in clients))
    #> closed late, server side: 3 gone

    clients = [client(address) for _ in range(3)]
    for _ in range(len(clients)):
        conn, _ = listener.accept()
        conn.settimeout(5)
        handle_fixed(conn)
    print("fixed, server side:", count((address, c) for c in clients))
    #> fixed, server side: 3 gone
    print("fixed, client side:", count((c, address) for c in clients))
    #> fixed, client side: 3 TIME_WAIT
# --8<-- [end:run]
