"""Linux only: a TLS send() to a peer that closed, or reset, the connection.

A pooled HTTPS connection that the server closed while it sat idle: the
server reads a request, then closes without close_notify, or aborts
(SO_LINGER 0). Once that has reached the client, the client sends twice.
After the peer's close, the first send() goes out and draws a reset; after
the peer's reset, the first one fails already. On Python 3.10 to 3.12 each
failure is ssl.SSLEOFError; on 3.13 it is the kernel's error,
BrokenPipeError or ConnectionResetError (errnos: Linux's). The last line
of the traceback is printed without its "(_ssl.c:NNNN)". The certificate
is a throwaway one made by trustme.
"""

import errno
import re
import select
import socket
import ssl
import struct
import threading
import traceback

import trustme

CA = trustme.CA()
SERVER_CONTEXT = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
CA.issue_cert("localhost").configure_cert(SERVER_CONTEXT)
CLIENT_CONTEXT = ssl.create_default_context()
CA.configure_trust(CLIENT_CONTEXT)
REQUEST = b"GET / HTTP/1.1\r\nHost: localhost\r\n\r\n"

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


def last_line(exc):
    """The last line of exc's traceback, without "(_ssl.c:NNNN)"."""
    line = traceback.format_exception_only(exc)[-1].strip()
    return re.sub(r" \(_ssl\.c:\d+\)$", "", line)


def serve_then_close(listener, abort):
    """Handshake, read one request, then close without close_notify, or abort."""
    conn, _ = listener.accept()
    conn.settimeout(5)
    with SERVER_CONTEXT.wrap_socket(conn, server_side=True) as tls:
        tls.recv(1024)
        if abort:
            linger = struct.pack("ii", 1, 0)  # SO_LINGER on, 0 s: close() resets
            tls.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, linger)


def send_twice(abort):
    """What two sends give once the server has closed (or aborted)."""
    with socket.create_server(("127.0.0.1", 0)) as listener:
        listener.settimeout(5)
        server = threading.Thread(target=serve_then_close, args=(listener, abort))
        server.start()
        try:
            address = listener.getsockname()
            with (
                socket.create_connection(address, timeout=5) as raw,
                CLIENT_CONTEXT.wrap_socket(raw, server_hostname="localhost") as tls,
            ):
                tls.sendall(REQUEST)
                server.join()  # the server has closed
                select.select([tls], [], [], 5)  # its FIN or reset has arrived
                results = []
                for _ in range(2):
                    results.append(outcome(lambda: tls.sendall(REQUEST)))
                    settle(lambda: tcp_state(tls), "CLOSE_WAIT")  # a reset comes back
                try:
                    tls.sendall(REQUEST)
                except OSError as exc:
                    results.append(last_line(exc))
                return results
        finally:
            server.join()


closed = send_twice(abort=False)
print("closed, 1st send:", closed[0])
#> closed, 1st send: None
print("closed, 2nd send:", closed[1])
#> [3.10-3.12] closed, 2nd send: SSLEOFError
#> [3.13+] closed, 2nd send: BrokenPipeError EPIPE
print(closed[2])
#> [3.10-3.12] ssl.SSLEOFError: EOF occurred in violation of protocol
#> [3.13+] BrokenPipeError: [Errno 32] Broken pipe
reset = send_twice(abort=True)
print("reset, 1st send:", reset[0])
#> [3.10-3.12] reset, 1st send: SSLEOFError
#> [3.13+] reset, 1st send: ConnectionResetError ECONNRESET
print("reset, 2nd send:", reset[1])
#> [3.10-3.12] reset, 2nd send: SSLEOFError
#> [3.13+] reset, 2nd send: BrokenPipeError EPIPE
