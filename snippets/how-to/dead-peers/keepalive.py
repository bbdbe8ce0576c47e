"""Linux only: keepalive's option names, defaults and probe count are Linux's.

TCP_KEEPIDLE, TCP_KEEPINTVL and TCP_KEEPCNT are Linux's names (macOS calls
the idle time TCP_KEEPALIVE); the defaults come from
/proc/sys/net/ipv4/tcp_keepalive_*; the probes are counted with TCP_INFO.
The peer is alive but its application sends nothing: its kernel answers the
probes, so keepalive keeps the connection, and only the read timeout fires.
"""

import pathlib
import socket
import struct

# Linux's TCP states (include/net/tcp_states.h): the first byte of TCP_INFO,
# and the st column of /proc/net/tcp, which writes them in hex.
STATES = {
    1: "ESTABLISHED", 2: "SYN_SENT", 3: "SYN_RECV", 4: "FIN_WAIT1",
    5: "FIN_WAIT2", 6: "TIME_WAIT", 7: "CLOSE", 8: "CLOSE_WAIT", 9: "LAST_ACK",
    10: "LISTEN", 11: "CLOSING", 12: "NEW_SYN_RECV", 13: "BOUND_INACTIVE",
}

SYSCTLS = ("tcp_keepalive_time", "tcp_keepalive_intvl", "tcp_keepalive_probes")


def tcp_state(sock):
    """The kernel's TCP state of sock: the first byte of struct tcp_info."""
    state = sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_INFO, 1)[0]
    return STATES.get(state, str(state))


# --8<-- [start:enable]
def enable_keepalive(sock, idle=60, interval=10, count=5):
    """Probe after idle s of silence, then every interval s; give up after count."""
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_KEEPALIVE, 1)
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_KEEPIDLE, idle)
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_KEEPINTVL, interval)
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_KEEPCNT, count)
# --8<-- [end:enable]


def keepalive_settings(sock):
    """SO_KEEPALIVE, TCP_KEEPIDLE, TCP_KEEPINTVL and TCP_KEEPCNT, read back."""
    return (
        sock.getsockopt(socket.SOL_SOCKET, socket.SO_KEEPALIVE),
        sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_KEEPIDLE),
        sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_KEEPINTVL),
        sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_KEEPCNT),
    )


def segments_sent(sock):
    """tcpi_segs_out of struct tcp_info (offset 136): every segment sent."""
    info = sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_INFO, 144)
    return struct.unpack_from("I", info, 136)[0]


with socket.create_server(("127.0.0.1", 0)) as listener:
    with socket.create_connection(listener.getsockname(), timeout=5) as sock:
        peer, _ = listener.accept()
        with peer:
            peer.settimeout(5)
            # --8<-- [start:defaults]
            print("defaults:", keepalive_settings(sock))  # (1)!
            #> defaults: (0, 7200, 75, 9)
            proc = pathlib.Path("/proc/sys/net/ipv4")
            sysctls = tuple(int((proc / name).read_text()) for name in SYSCTLS)
            print("from /proc:", keepalive_settings(sock)[1:] == sysctls)  # (2)!
            #> from /proc: True
            enable_keepalive(sock)
            print("after enable_keepalive():", keepalive_settings(sock))
            #> after enable_keepalive(): (1, 60, 10, 5)
            # --8<-- [end:defaults]

            # --8<-- [start:probes]
            enable_keepalive(sock, idle=1, interval=1, count=1)  # (1)!
            before = segments_sent(sock), segments_sent(peer)
            sock.settimeout(3)
            try:
                sock.recv(1024)  # (2)!
            except TimeoutError as exc:
                print(f"recv(): {type(exc).__name__}: {exc}")
                #> recv(): TimeoutError: timed out
            probes = segments_sent(sock) - before[0]
            answers = segments_sent(peer) - before[1]
            print("probes sent:", probes > 0, " answered:", answers == probes)  # (3)!
            #> probes sent: True  answered: True
            print("state:", tcp_state(sock))
            #> state: ESTABLISHED
            # --8<-- [end:probes]
