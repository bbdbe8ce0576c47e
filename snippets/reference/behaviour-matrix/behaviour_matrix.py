"""Linux only: what each side observes after each way of ending a connection.

Each scenario runs twice, each time on a fresh connection over 127.0.0.1.
The first run records what the peer's recv() returns after the closer's
action, the TCP state of both sides once the peer has acknowledged what it
received, then what the peer's next two send() calls do. The second run
repeats the action; then the peer closes, the closer closes whatever it
still holds, and /proc/net/tcp tells who is left in TIME_WAIT. A state is
read with the TCP_INFO socket option (the first byte of struct tcp_info)
while a descriptor is open, and from /proc/net/tcp once all are closed.
The table on the behaviour matrix page is made from this program's output.
"""

import contextlib
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


# --8<-- [start:scenarios]
# Each action ends the closer's side one way and returns the sockets the
# closer still holds; keep() closes a new socket when the run ends.
def close(closer, peer, keep):
    closer.close()
    return []


def shut_wr(closer, peer, keep):
    closer.shutdown(socket.SHUT_WR)
    return [closer]


def shut_rd(closer, peer, keep):
    closer.shutdown(socket.SHUT_RD)
    return [closer]


def shut_rdwr(closer, peer, keep):
    closer.shutdown(socket.SHUT_RDWR)
    return [closer]


def shut_rdwr_close(closer, peer, keep):
    closer.shutdown(socket.SHUT_RDWR)
    closer.close()
    return []


def close_unread(closer, peer, keep):
    peer.sendall(b"never read")
    select.select([closer], [], [], 5)  # until the bytes have arrived
    closer.close()
    return []


def shut_rdwr_unread(closer, peer, keep):
    peer.sendall(b"never read")
    select.select([closer], [], [], 5)  # until the bytes have arrived
    closer.shutdown(socket.SHUT_RDWR)
    return [closer]


def shut_rdwr_close_unread(closer, peer, keep):
    peer.sendall(b"never read")
    select.select([closer], [], [], 5)  # until the bytes have arrived
    closer.shutdown(socket.SHUT_RDWR)
    closer.close()
    return []


def linger_zero_close(closer, peer, keep):
    closer.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    closer.close()
    return []


def close_with_dup(closer, peer, keep):
    copy = keep(closer.dup())
    closer.close()
    return [copy]


def shut_wr_close_with_dup(closer, peer, keep):
    copy = keep(closer.dup())
    closer.shutdown(socket.SHUT_WR)
    closer.close()
    return [copy]


SCENARIOS = {
    "close()": close,
    "shutdown(SHUT_WR)": shut_wr,
    "shutdown(SHUT_RD)": shut_rd,
    "shutdown(SHUT_RDWR)": shut_rdwr,
    "shutdown(SHUT_RDWR), close()": shut_rdwr_close,
    "close(), unread data": close_unread,
    "shutdown(SHUT_RDWR), unread data": shut_rdwr_unread,
    "shutdown(SHUT_RDWR), close(), unread data": shut_rdwr_close_unread,
    "SO_LINGER 0, close()": linger_zero_close,
    "close(), a dup() open": close_with_dup,
    "shutdown(SHUT_WR), close(), a dup() open": shut_wr_close_with_dup,
}
# --8<-- [end:scenarios]


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


def tcp_state(sock):
    """The kernel's TCP state of sock: the first byte of struct tcp_info."""
    state = sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_INFO, 1)[0]
    return STATES.get(state, str(state))


def side_state(held, local, remote):
    """TCP_INFO of the first socket held; /proc/net/tcp if none is held."""
    for sock in held:
        return tcp_state(sock)
    return table_state((local, remote))


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


def peer_reads(peer):
    """What one recv() returns, or "nothing" if nothing arrives within 0.2 s."""
    readable, _, _ = select.select([peer], [], [], 0.2)
    if not readable:
        return "nothing"
    received = errno_name(lambda: peer.recv(1024))
    return repr(received) if isinstance(received, bytes) else received


def peer_sends(peer):
    return errno_name(lambda: peer.send(b"x") and "ok")


@contextlib.contextmanager
def closer_and_peer():
    """A connection over 127.0.0.1: (closer, peer, keep); all closed at the end."""
    with contextlib.ExitStack() as stack:
        listener = stack.enter_context(socket.create_server(("127.0.0.1", 0)))
        address = listener.getsockname()
        peer = stack.enter_context(socket.create_connection(address, timeout=5))
        closer = stack.enter_context(listener.accept()[0])
        closer.settimeout(5)
        yield closer, peer, stack.enter_context


# --8<-- [start:runs]
def first_run(action):
    """The peer's recv(), both states, then the peer's two send() calls."""
    with closer_and_peer() as (closer, peer, keep):
        ends = closer.getsockname(), closer.getpeername()
        held = action(closer, peer, keep)
        received = peer_reads(peer)
        peer.setsockopt(socket.IPPROTO_TCP, socket.TCP_QUICKACK, 1)  # (1)!
        states = side_state(held, *ends), side_state([peer], *ends[::-1])
        sends = f"{peer_sends(peer)}, {peer_sends(peer)}"
        return [received, sends, *states]


def second_run(action):
    """The peer reads and closes, then the closer: who is left in TIME_WAIT?"""
    with closer_and_peer() as (closer, peer, keep):
        ends = closer.getsockname(), closer.getpeername()
        held = action(closer, peer, keep)
        peer_reads(peer)
        peer.close()
        for sock in held:
            sock.close()
        sides = {"closer": table_state(ends), "peer": table_state(ends[::-1])}
        waiting = [side for side, found in sides.items() if found == "TIME_WAIT"]
        return ", ".join(waiting) or "neither"


print("closer calls|peer recv()|peer send() x2|closer state|peer state|TIME_WAIT")
#> closer calls|peer recv()|peer send() x2|closer state|peer state|TIME_WAIT
for name, action in SCENARIOS.items():
    print("|".join([name, *first_run(action), second_run(action)]))
    #> close()|b''|ok, EPIPE|FIN_WAIT2|CLOSE_WAIT|closer
    #> shutdown(SHUT_WR)|b''|ok, ok|FIN_WAIT2|CLOSE_WAIT|closer
    #> shutdown(SHUT_RD)|nothing|ok, ok|ESTABLISHED|ESTABLISHED|peer
    #> shutdown(SHUT_RDWR)|b''|ok, EPIPE|FIN_WAIT2|CLOSE_WAIT|closer
    #> shutdown(SHUT_RDWR), close()|b''|ok, EPIPE|FIN_WAIT2|CLOSE_WAIT|closer
    #> close(), unread data|ECONNRESET|EPIPE, EPIPE|gone|CLOSE|neither
    #> shutdown(SHUT_RDWR), unread data|b''|ok, EPIPE|FIN_WAIT2|CLOSE_WAIT|closer
    #> shutdown(SHUT_RDWR), close(), unread data|b''|EPIPE, EPIPE|gone|CLOSE|neither
    #> SO_LINGER 0, close()|ECONNRESET|EPIPE, EPIPE|gone|CLOSE|neither
    #> close(), a dup() open|nothing|ok, ok|ESTABLISHED|ESTABLISHED|peer
    #> shutdown(SHUT_WR), close(), a dup() open|b''|ok, ok|FIN_WAIT2|CLOSE_WAIT|closer
# --8<-- [end:runs]
