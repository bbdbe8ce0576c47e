"""Linux only: TCP_LINGER2, and states read from TCP_INFO and /proc/net/tcp.

CLOSE_WAIT has no timer of its own (keepalive and TCP_USER_TIMEOUT are off
here). The client closes first and shortens its own wait in FIN_WAIT2 to
one second with TCP_LINGER2; once its side is gone, the server's side is
still in CLOSE_WAIT. The server's next send() succeeds,
the client's kernel answers it with a reset, and the send() after that
raises BrokenPipeError.
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


def tcp_state(sock):
    """The kernel's TCP state of sock: the first byte of struct tcp_info."""
    state = sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_INFO, 1)[0]
    return STATES.get(state, str(state))


# --8<-- [start:stays]
with socket.create_server(("127.0.0.1", 0)) as listener:
    listener.settimeout(5)
    with socket.create_connection(listener.getsockname(), timeout=5) as client:
        conn, _ = listener.accept()
        with conn:
            conn.settimeout(5)
            client.setsockopt(socket.IPPROTO_TCP, socket.TCP_LINGER2, 1)  # (1)!
            client_side = (client.getsockname(), client.getpeername())
            client.close()
            print("server reads:", conn.recv(1024))
            #> server reads: b''
            client_state = settle(lambda: table_state(client_side), "FIN_WAIT1")
            print("server:", tcp_state(conn), "client:", client_state)
            #> server: CLOSE_WAIT client: FIN_WAIT2
            gone = settle(lambda: table_state(client_side), "FIN_WAIT2")  # (2)!
            print("then client:", gone, "server:", tcp_state(conn))
            #> then client: gone server: CLOSE_WAIT
            print("server's send():", outcome(lambda: conn.send(b"late")))  # (3)!
            #> server's send(): 4
            settle(lambda: tcp_state(conn), "CLOSE_WAIT")  # the reset comes back
            print("after the reset, server:", tcp_state(conn))
            #> after the reset, server: CLOSE
            print("next send():", outcome(lambda: conn.send(b"late")))
            #> next send(): BrokenPipeError EPIPE
# --8<-- [end:stays]
