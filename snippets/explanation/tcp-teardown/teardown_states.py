"""Linux only: the closing states of one TCP connection, read from the kernel.

While a socket is open, its state is the first byte of struct tcp_info (the
TCP_INFO socket option). Once it is closed, the kernel's table of TCP
connections, /proc/net/tcp, shows what is left of it.
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


with socket.create_server(("127.0.0.1", 0)) as listener:
    client = socket.create_connection(listener.getsockname(), timeout=5)
    server, _ = listener.accept()
    server.settimeout(5)
    server_ends = server.getsockname(), server.getpeername()
    client_ends = client.getsockname(), client.getpeername()
    with client, server:
        # --8<-- [start:walk]
        print("connected:", tcp_state(server), tcp_state(client))
        #> connected: ESTABLISHED ESTABLISHED
        fill(server)  # (1)!
        server.shutdown(socket.SHUT_WR)
        print("server shut down:", tcp_state(server), tcp_state(client))  # (2)!
        #> server shut down: FIN_WAIT1 ESTABLISHED
        drain(client)
        server_now = settle(lambda: tcp_state(server), "FIN_WAIT1")  # (3)!
        print("client read b'':", server_now, tcp_state(client))
        #> client read b'': FIN_WAIT2 CLOSE_WAIT
        fill(client)
        client.close()  # (4)!
        print("client closed:", tcp_state(server), table_state(client_ends))
        #> client closed: FIN_WAIT2 LAST_ACK
        drain(server)
        client_now = settle(lambda: table_state(client_ends), "LAST_ACK")
        print("server read b'':", tcp_state(server), client_now)  # (5)!
        #> server read b'': CLOSE gone
        print("the table, for the server:", table_state(server_ends))
        #> the table, for the server: TIME_WAIT
    print("both closed:", table_state(server_ends), table_state(client_ends))  # (6)!
    #> both closed: TIME_WAIT gone
    # --8<-- [end:walk]
