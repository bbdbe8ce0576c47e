"""Linux only: what a closed socket leaves behind in the kernel.

An orderly close by the first closer leaves TIME_WAIT; a close with more
data than the peer's buffer holds, the peer reading none, leaves the
connection in FIN_WAIT1; an abort leaves nothing. The kernel lists the IPv4
TCP sockets of this network namespace, TIME_WAIT included, in
/proc/net/tcp; we look up the closer's address and port there.
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


def states(local, remote):
    """The connections from local to remote that /proc/net/tcp lists, by state."""
    found = []
    with open("/proc/net/tcp") as table:
        next(table)  # the header line
        for line in table:
            fields = line.split()
            if fields[1:3] == [hex_address(local), hex_address(remote)]:
                state = STATES.get(int(fields[3], 16), fields[3])
                not_acked = int(fields[4].split(":")[0], 16)  # the tx_queue column
                found.append(f"{state} with data queued" if not_acked else state)
    return found


def send_until_full(sock, limit=1000):
    """Send while select() says writable (at most limit sends); return the count."""
    sent = 0
    for _ in range(limit):
        _, writable, _ = select.select([], [sock], [], 0)
        if not writable:
            break
        sent += sock.send(b"." * 65536)
    return sent


with socket.create_server(("127.0.0.1", 0)) as listener:
    with socket.create_connection(listener.getsockname(), timeout=5) as client:
        server, _ = listener.accept()
        with server:
            server.settimeout(5)
            closer = server.getsockname(), server.getpeername()
            server.shutdown(socket.SHUT_WR)  # the server finishes first
            client.recv(1024)  # b'': the server's FIN
            client.close()  # the client's FIN
            server.recv(1024)  # (1)!
    print("orderly close:", states(*closer))
    #> orderly close: ['TIME_WAIT']

    with socket.create_connection(listener.getsockname(), timeout=5) as client:
        server, _ = listener.accept()
        with server:
            server.settimeout(5)
            closer = server.getsockname(), server.getpeername()
            send_until_full(server)  # the client reads nothing
        print("close(), peer not reading:", states(*closer))  # (2)!
        #> close(), peer not reading: ['FIN_WAIT1 with data queued']

    with socket.create_connection(listener.getsockname(), timeout=5) as client:
        server, _ = listener.accept()
        with server:
            server.settimeout(5)
            closer = server.getsockname(), server.getpeername()
            server.setsockopt(
                socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0)
            )  # the end of the with block closes: an abort
        print("abort:", states(*closer))  # (3)!
        #> abort: []
        try:
            client.recv(1024)
        except ConnectionResetError as exc:
            print("the peer got", type(exc).__name__)
            #> the peer got ConnectionResetError
