"""Linux only: close() with unread data sends RST, not FIN.

The same close, twice: once after the server read everything the client
sent, once with the client's last bytes unread. The TCP states come from
TCP_INFO (the open client socket) and /proc/net/tcp (the closed server).
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


def close_after(read_all):
    """The client sends 2 lines; the server reads 1 or 2, replies, closes."""
    with socket.create_server(("127.0.0.1", 0)) as listener:
        with socket.create_connection(listener.getsockname(), timeout=5) as client:
            server, _ = listener.accept()
            server.settimeout(5)
            server_ends = server.getsockname(), server.getpeername()
            with server:
                client.sendall(b"line 1\n")
                server.recv(1024)
                client.sendall(b"line 2\n")
                select.select([server], [], [], 5)  # line 2 has arrived
                if read_all:
                    server.recv(1024)
                server.sendall(b"reply\n")
            # What the server sent may still be on its way: wait for it.
            client_now = settle(lambda: tcp_state(client), "ESTABLISHED")
            server_now = settle(lambda: table_state(server_ends), "FIN_WAIT1")
            seen = [client_now, server_now]
            try:
                for _ in range(2):
                    seen.append(client.recv(1024))
            except ConnectionResetError as exc:
                seen.append(type(exc).__name__)
            return seen


# --8<-- [start:compare]
print("everything read:", close_after(read_all=True))
#> everything read: ['CLOSE_WAIT', 'FIN_WAIT2', b'reply\n', b'']
print("line 2 unread:  ", close_after(read_all=False))
#> line 2 unread:   ['CLOSE', 'gone', b'reply\n', 'ConnectionResetError']
# --8<-- [end:compare]
