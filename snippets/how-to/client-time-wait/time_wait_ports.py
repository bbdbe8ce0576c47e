"""Linux only: reads /proc/sys/net/ipv4/ip_local_port_range and /proc/net/tcp.

Short connections to one server: twenty where the client closes first,
twenty where the server does, then twenty requests on a single connection.
After each run, /proc/net/tcp shows what is left of the clients' and the
server's sides: the side that closed first holds TIME_WAIT.
"""

import collections
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


def count(all_ends, passing=("FIN_WAIT1", "FIN_WAIT2", "LAST_ACK")):
    """Count the states of these connections, once they have left `passing`
    (or once settle() gives up on one, after 500 rounds of 10 ms)."""
    states = collections.Counter()
    for ends in all_ends:
        for state in passing:  # segments on their way: wait, bounded, for them
            settle(lambda ends=ends: table_state(ends), state)
        states[table_state(ends)] += 1
    return ", ".join(f"{n} {state}" for state, n in sorted(states.items()))


def port_range():
    """The range connect() picks a client's port from: (first, last)."""
    with open("/proc/sys/net/ipv4/ip_local_port_range") as file:
        first, last = map(int, file.read().split())
    return first, last


# --8<-- [start:run]
def run(listener, connections, requests, first):
    """Send `requests` requests on each of `connections` connections.

    `first` ("client" or "server") closes each connection first. Returns
    each client's side of its connection as (local, remote).
    """
    client_sides = []
    for _ in range(connections):
        with socket.create_connection(listener.getsockname(), timeout=5) as client:
            server, _ = listener.accept()
            with server:
                server.settimeout(5)
                client_sides.append((client.getsockname(), client.getpeername()))
                for _ in range(requests):
                    client.sendall(b"request")
                    server.recv(1024)
                    server.sendall(b"reply")
                    client.recv(1024)
                closer, other = client, server
                if first == "server":
                    closer, other = server, client
                closer.close()
                other.recv(1024)  # b'': the first closer's FIN
    return client_sides


def left(client_sides):
    """What /proc/net/tcp still lists for the clients' and the server's sides."""
    server_sides = [(remote, local) for local, remote in client_sides]
    return f"client side {count(client_sides)}; server side {count(server_sides)}"
# --8<-- [end:run]


with socket.create_server(("127.0.0.1", 0)) as listener:
    listener.settimeout(5)
    # --8<-- [start:first]
    client_first = run(listener, connections=20, requests=1, first="client")
    print("client closes first:", left(client_first))
    #> client closes first: client side 20 TIME_WAIT; server side 20 gone
    server_first = run(listener, connections=20, requests=1, first="server")
    print("server closes first:", left(server_first))
    #> server closes first: client side 20 gone; server side 20 TIME_WAIT
    # --8<-- [end:first]

    # --8<-- [start:ports]
    low, high = port_range()
    ports = [local[1] for local, _ in client_first + server_first]
    in_range = all(low <= port <= high for port in ports)
    print("every client port in ip_local_port_range:", in_range)
    #> every client port in ip_local_port_range: True
    # --8<-- [end:ports]

    # --8<-- [start:reuse]
    one = run(listener, connections=1, requests=20, first="client")
    print("one connection, 20 requests:", left(one))
    #> one connection, 20 requests: client side 1 TIME_WAIT; server side 1 gone
    # --8<-- [end:reuse]
