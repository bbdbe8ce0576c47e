"""Linux only: reads /proc/net/tcp; the reset's errno is Linux's.

After a complete exchange the client closes first, once with close() and
once with SO_LINGER set to zero. The abort leaves no TIME_WAIT on the
client, and the server, waiting for the end of the stream, gets a reset.
"""

import collections
import errno
import select
import socket
import struct
import sys

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


def abort(sock):
    """Reset the connection: SO_LINGER on with a zero timeout, then close().

    Its whole contract (inputs, results, errors, limits) is its docstring in
    closing.py, on the Helpers page (reference/helpers/) of shutdown-vs-close.
    """
    if sock.fileno() == -1:
        return
    # struct linger is two ints on Linux and macOS, two u_shorts on Windows.
    layout = "HH" if sys.platform == "win32" else "ii"
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack(layout, 1, 0))
    finally:
        sock.close()


# --8<-- [start:linger]
def client_closes(listener, linger_zero):
    """One request and reply; then the client closes, the server reads."""
    with socket.create_connection(listener.getsockname(), timeout=5) as client:
        server, _ = listener.accept()
        with server:
            server.settimeout(5)
            client_side = (client.getsockname(), client.getpeername())
            client.sendall(b"request")
            server.recv(1024)
            server.sendall(b"reply")
            client.recv(1024)
            if linger_zero:
                abort(client)  # (1)!
            else:
                client.close()  # (2)!
            server_read = outcome(lambda: server.recv(1024))  # (3)!
    return f"server read {server_read}; client side {count([client_side])}"


with socket.create_server(("127.0.0.1", 0)) as listener:
    listener.settimeout(5)
    print("close():", client_closes(listener, linger_zero=False))
    #> close(): server read b''; client side 1 TIME_WAIT
    print("SO_LINGER 0:", client_closes(listener, linger_zero=True))
    #> SO_LINGER 0: server read ConnectionResetError ECONNRESET; client side 1 gone
# --8<-- [end:linger]
