"""Linux only: it reads /proc/net/tcp, which only Linux has.

Here the listener's kernel makes the connection: the client's connect() and
sendall() return, and the server's end is ESTABLISHED, before the server
calls accept(), which then hands that connection over, with what arrived.
"""

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


with socket.create_server(("127.0.0.1", 0)) as listener:
    with socket.create_connection(listener.getsockname(), timeout=5) as client:
        client.sendall(b"sent before accept()")
        # --8<-- [start:before_accept]
        server_end = (client.getpeername(), client.getsockname())
        print("before accept(), the server's end:", table_state(server_end))
        #> before accept(), the server's end: ESTABLISHED
        conn, _ = listener.accept()
        with conn:
            conn.settimeout(5)
            print("accept(), then recv():", conn.recv(1024))
            #> accept(), then recv(): b'sent before accept()'
        # --8<-- [end:before_accept]
