"""Linux only: when the client closes first, TIME_WAIT stays on the client's side.

Here the server's port is free as soon as its listener is closed, even
without SO_REUSEADDR, once the client has acknowledged the server's FIN
(at once, on loopback).
"""

import socket

# Linux's TCP states (include/net/tcp_states.h): the first byte of TCP_INFO,
# and the st column of /proc/net/tcp, which writes them in hex.
STATES = {
    1: "ESTABLISHED", 2: "SYN_SENT", 3: "SYN_RECV", 4: "FIN_WAIT1",
    5: "FIN_WAIT2", 6: "TIME_WAIT", 7: "CLOSE", 8: "CLOSE_WAIT", 9: "LAST_ACK",
    10: "LISTEN", 11: "CLOSING", 12: "NEW_SYN_RECV", 13: "BOUND_INACTIVE",
}


def port_state(local_port, remote_port):
    """The state of an IPv4 connection local_port -> remote_port (ports only)."""
    with open("/proc/net/tcp") as table:
        for line in list(table)[1:]:
            _, local, remote, state = line.split()[:4]
            ports = int(local.split(":")[1], 16), int(remote.split(":")[1], 16)
            if ports == (local_port, remote_port):
                return STATES.get(int(state, 16), state)
    return None


def plain_listener(port):
    """socket(), bind(), listen(): SO_REUSEADDR stays off, its default."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    try:
        sock.bind(("127.0.0.1", port))
        sock.listen()
    except OSError:
        sock.close()
        raise
    return sock


# --8<-- [start:client_first]
with plain_listener(0) as listener:
    port = listener.getsockname()[1]
    with socket.create_connection(("127.0.0.1", port), timeout=5) as client:
        conn, _ = listener.accept()
        with conn:
            conn.settimeout(5)
            client_port = client.getsockname()[1]
            client.sendall(b"request")
            client.close()  # (1)!
            print(conn.recv(1024), conn.recv(1024))
            #> b'request' b''
        # Now the server has closed too.

print("client side:", port_state(client_port, port))
#> client side: TIME_WAIT
print("server side:", port_state(port, client_port) or "gone")
#> server side: gone
with plain_listener(port):
    print("restarted without SO_REUSEADDR")
    #> restarted without SO_REUSEADDR
# --8<-- [end:client_first]
