"""Linux only: the side that sends the first FIN ends in TIME_WAIT.

Three orderly closes of a connection: both at once, the server first, and
the client first. After each, /proc/net/tcp shows what is left of each side
once both sockets are closed. The "both" case prints as it goes, so it runs
first: the output then reads in the order of this file. It prints the
server's state, then the client's, at each step: both send a FIN before
receiving the other's, yet here only the client passes through CLOSING. The
server's FIN reaches the client first, and the client acknowledges it at
once, so the server goes from FIN_WAIT1 to FIN_WAIT2 instead.
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


def tcp_state(sock):
    """The kernel's TCP state of sock: the first byte of struct tcp_info."""
    state = sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_INFO, 1)[0]
    return STATES.get(state, str(state))


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


def fill(sock, limit=1000):
    """Send while select() reports it writable: the peer is not reading."""
    for _ in range(limit):
        _, writable, _ = select.select([], [sock], [], 0)
        if not writable:
            return
        sock.send(b"." * 65536)


def drain(sock, limit=10_000):
    """Read and discard until b'': the peer's FIN."""
    for _ in range(limit):
        if not sock.recv(65536):
            return


def after_close(first):
    """Close a connection, `first` sending the first FIN; return what is left."""
    with socket.create_server(("127.0.0.1", 0)) as listener:
        client = socket.create_connection(listener.getsockname(), timeout=5)
        server, _ = listener.accept()
        server.settimeout(5)
        ends = {
            "server": (server.getsockname(), server.getpeername()),
            "client": (client.getsockname(), client.getpeername()),
        }
        with client, server:
            if first == "both":
                # --8<-- [start:both]
                fill(server)  # (1)!
                fill(client)
                server.shutdown(socket.SHUT_WR)
                client.shutdown(socket.SHUT_WR)
                print("both shut down:", tcp_state(server), tcp_state(client))
                #> both shut down: FIN_WAIT1 FIN_WAIT1
                drain(client)  # (2)!
                server_state = settle(lambda: tcp_state(server), "FIN_WAIT1")  # (3)!
                print("the client read b'':", server_state, tcp_state(client))
                #> the client read b'': FIN_WAIT2 CLOSING
                drain(server)  # (4)!
                # --8<-- [end:both]
            else:
                closer, other = server, client
                if first == "client":
                    closer, other = client, server
                closer.shutdown(socket.SHUT_WR)
                drain(other)  # b'': the FIN of the first closer
                other.shutdown(socket.SHUT_WR)
                drain(closer)  # b'': the FIN of the other side
        # The last ACK may still be on its way: wait, bounded, for it to land.
        for side in ends:
            for passing in ("CLOSING", "LAST_ACK"):
                settle(lambda side=side: table_state(ends[side]), passing)
        left = {side: table_state(ends[side]) for side in ends}
        return f"server {left['server']}, client {left['client']}"


# --8<-- [start:orders]
print("both at once:", after_close("both"))
#> both at once: server TIME_WAIT, client TIME_WAIT
print("server first:", after_close("server"))
#> server first: server TIME_WAIT, client gone
print("client first:", after_close("client"))
#> client first: server gone, client TIME_WAIT
# --8<-- [end:orders]
