"""Instrumentation: the helpers the site's programs use to print what they observe.

Standard library only, Python 3.10+. Every program on the site is complete on
its own, so each one copies the helpers it needs from this file, word for
word, with the constants they use (tests/programs/test_helper_copies.py checks that
every copy is the same as here). These helpers watch; none of them is a way
to close a socket (those are in closing.py). tcp_state() reads the TCP_INFO
socket option, and table_state(), port_state() and count() read
/proc/net/tcp: those are Linux only, and STATES holds Linux's state numbers.
The others use portable calls, except settle(), which waits in a select()
on no sockets: Python's documentation says Windows does not accept that.
"""

import collections
import errno
import select
import socket
import struct

__all__ = [
    "STATES",
    "count",
    "describe",
    "errno_name",
    "hex_address",
    "outcome",
    "peer_reads",
    "port_state",
    "seen_by",
    "settle",
    "table_state",
    "tcp_state",
]

# --8<-- [start:STATES]
# Linux's TCP states (include/net/tcp_states.h): the first byte of TCP_INFO,
# and the st column of /proc/net/tcp, which writes them in hex.
STATES = {
    1: "ESTABLISHED", 2: "SYN_SENT", 3: "SYN_RECV", 4: "FIN_WAIT1",
    5: "FIN_WAIT2", 6: "TIME_WAIT", 7: "CLOSE", 8: "CLOSE_WAIT", 9: "LAST_ACK",
    10: "LISTEN", 11: "CLOSING", 12: "NEW_SYN_RECV", 13: "BOUND_INACTIVE",
}
# --8<-- [end:STATES]


# --8<-- [start:outcome]
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
# --8<-- [end:outcome]


# --8<-- [start:errno_name]
def errno_name(call):
    """What call() returned, or the errno name of the OSError it raised.

    The exception class if errno holds no errno: a socket timeout's
    TimeoutError has none, and the exceptions that modules define (for TLS,
    for address lookups) hold codes of their own there.
    """
    try:
        return call()
    except OSError as exc:
        if exc.errno is None or type(exc).__module__ != "builtins":
            return type(exc).__name__
        return errno.errorcode.get(exc.errno, str(exc.errno))
# --8<-- [end:errno_name]


# --8<-- [start:describe]
def describe(result):
    """repr() of a thread's result, or the class and errno name of its OSError.

    The class alone if errno holds no errno: a socket timeout's TimeoutError
    has none, and the exceptions that modules define (for TLS, for address
    lookups) hold codes of their own there.
    """
    if not isinstance(result, OSError):
        return repr(result)
    if result.errno is None or type(result).__module__ != "builtins":
        return type(result).__name__
    return f"{type(result).__name__} {errno.errorcode.get(result.errno, result.errno)}"
# --8<-- [end:describe]


# --8<-- [start:seen_by]
def seen_by(peer):
    """What the peer can read now: its bytes, b'' (a FIN), or nothing."""
    readable, _, _ = select.select([peer], [], [], 0.2)
    return peer.recv(1024) if readable else "nothing"
# --8<-- [end:seen_by]


# --8<-- [start:peer_reads]
def peer_reads(peer):
    """What one recv() returns, or "nothing" if nothing arrives within 0.2 s."""
    readable, _, _ = select.select([peer], [], [], 0.2)
    if not readable:
        return "nothing"
    received = errno_name(lambda: peer.recv(1024))
    return repr(received) if isinstance(received, bytes) else received
# --8<-- [end:peer_reads]


# --8<-- [start:tcp_state]
def tcp_state(sock):
    """The kernel's TCP state of sock: the first byte of struct tcp_info."""
    state = sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_INFO, 1)[0]
    return STATES.get(state, str(state))
# --8<-- [end:tcp_state]


# --8<-- [start:hex_address]
def hex_address(address):
    """('127.0.0.1', 5000) as /proc/net/tcp writes it: 0100007F:1388.

    Linux prints the four address bytes as one number in the machine's own
    byte order ('=I'): 0100007F on a little-endian machine such as x86.
    """
    host, port = address
    return f"{struct.unpack('=I', socket.inet_aton(host))[0]:08X}:{port:04X}"
# --8<-- [end:hex_address]


# --8<-- [start:table_state]
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
# --8<-- [end:table_state]


# --8<-- [start:port_state]
def port_state(local_port, remote_port):
    """The state of an IPv4 connection local_port -> remote_port (ports only)."""
    with open("/proc/net/tcp") as table:
        for line in list(table)[1:]:
            _, local, remote, state = line.split()[:4]
            ports = int(local.split(":")[1], 16), int(remote.split(":")[1], 16)
            if ports == (local_port, remote_port):
                return STATES.get(int(state, 16), state)
    return None
# --8<-- [end:port_state]


# --8<-- [start:settle]
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
# --8<-- [end:settle]


# --8<-- [start:count]
def count(all_ends, passing=("FIN_WAIT1", "FIN_WAIT2", "LAST_ACK")):
    """Count the states of these connections, once they have left `passing`
    (or once settle() gives up on one, after 500 rounds of 10 ms)."""
    states = collections.Counter()
    for ends in all_ends:
        for state in passing:  # segments on their way: wait, bounded, for them
            settle(lambda ends=ends: table_state(ends), state)
        states[table_state(ends)] += 1
    return ", ".join(f"{n} {state}" for state, n in sorted(states.items()))
# --8<-- [end:count]
