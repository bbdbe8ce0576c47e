"""Linux only: with SO_KEEPALIVE on, CLOSE_WAIT ends once the peer's side is gone.

TCP_KEEPIDLE, TCP_KEEPINTVL and TCP_LINGER2 are Linux's options, and the
states come from TCP_INFO and /proc/net/tcp. The client closes first, and its
orphaned side may stay in FIN_WAIT2 for one second (TCP_LINGER2). The server
sends nothing and keeps its socket open until the reset, but turns keepalive on, with a
probe after one idle second. Once the client's side is gone, a probe draws a
reset from the client's kernel: the server's side leaves CLOSE_WAIT for
CLOSE, /proc/net/tcp no longer lists it, and the socket is still open.
"""

import errno
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


def outcome(call):
    """What call() returned, or the class and errno name of the OSError it raised.

    The errno name only if errno holds one: a socket timeout's TimeoutError
    has none, and the exceptions that modules define (for TLS, for address
    lookups) hold codes of their own there. Other exceptions propagate.
    """
    try:
        return call()
    except OSError as exc:
        if exc.errno is None or type(exc).__module__ != "builtins":
            return type(exc).__name__
        return f"{type(exc).__name__} {errno.errorcode.get(exc.errno, exc.errno)}"


def wait_for_reset(sock, timeout=5.0):
    """Wait until the socket reports an error or a hang-up; True if it did."""
    poller = select.poll()
    poller.register(sock, 0)
    return bool(poller.poll(timeout * 1000))


# --8<-- [start:keepalive]
with socket.create_server(("127.0.0.1", 0)) as listener:
    listener.settimeout(5)
    with socket.create_connection(listener.getsockname(), timeout=5) as client:
        conn, _ = listener.accept()
        with conn:
            conn.settimeout(5)
            print("keepalive:", conn.getsockopt(socket.SOL_SOCKET, socket.SO_KEEPALIVE))
            #> keepalive: 0
            conn.setsockopt(socket.SOL_SOCKET, socket.SO_KEEPALIVE, 1)  # (1)!
            conn.setsockopt(socket.IPPROTO_TCP, socket.TCP_KEEPIDLE, 1)
            conn.setsockopt(socket.IPPROTO_TCP, socket.TCP_KEEPINTVL, 1)
            client.setsockopt(socket.IPPROTO_TCP, socket.TCP_LINGER2, 1)  # (2)!
            side = (conn.getsockname(), conn.getpeername())  # for /proc/net/tcp
            client.close()
            print("server reads:", conn.recv(1024), tcp_state(conn))
            #> server reads: b'' CLOSE_WAIT
            print("reset within 10 s:", wait_for_reset(conn, timeout=10))  # (3)!
            #> reset within 10 s: True
            print(f"server: {tcp_state(conn)}; in /proc/net/tcp: {table_state(side)}")
            #> server: CLOSE; in /proc/net/tcp: gone
            print("socket open:", conn.fileno() != -1)  # (4)!
            #> socket open: True
            print("send():", outcome(lambda: conn.send(b"late")))
            #> send(): BrokenPipeError EPIPE
# --8<-- [end:keepalive]
