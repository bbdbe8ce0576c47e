"""Linux only: shutdown(SHUT_RDWR) just before close() does not prevent the reset.

Same server as graceful_close_reset.py, now calling shutdown(SHUT_RDWR)
before close(). The TCP state is read with the TCP_INFO socket option.
"""

import select
import socket

REQUEST = b"PUT /upload\n" + b"x" * 10_000
REPLY = b"413 Content Too Large\n"

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


def send_until_full(sock, limit=1000):
    """Send while select() says writable (at most limit sends); return the count."""
    sent = 0
    for _ in range(limit):
        _, writable, _ = select.select([], [sock], [], 0)
        if not writable:
            break
        sent += sock.send(b"." * 65536)
    return sent


# --8<-- [start:short]
def short_reply(read_whole_request):
    """Reply, shutdown(SHUT_RDWR), close(); return what the client then sees."""
    with socket.create_server(("127.0.0.1", 0)) as listener:
        with socket.create_connection(listener.getsockname(), timeout=5) as client:
            server, _ = listener.accept()
            with server:
                server.settimeout(5)
                client.sendall(REQUEST)
                server.recv(1024)
                if read_whole_request:
                    server.recv(len(REQUEST))  # the rest, already here
                server.sendall(REPLY)
                server.shutdown(socket.SHUT_RDWR)  # (1)!
                server.close()
            return client.recv(1024), client.recv(1024), tcp_state(client)  # (2)!


print(short_reply(read_whole_request=True))
#> (b'413 Content Too Large\n', b'', 'CLOSE_WAIT')
print(short_reply(read_whole_request=False))  # (3)!
#> (b'413 Content Too Large\n', b'', 'CLOSE')
# --8<-- [end:short]

# A long reply, partly queued in the server's kernel, as in graceful_close_reset.py.
with socket.create_server(("127.0.0.1", 0)) as listener:
    with socket.create_connection(listener.getsockname(), timeout=5) as client:
        server, _ = listener.accept()
        with server:
            server.settimeout(5)
            client.sendall(REQUEST)
            server.recv(1024)
            queued = send_until_full(server)
            # --8<-- [start:long]
            server.shutdown(socket.SHUT_RDWR)  # (1)!
            server.close()
            received = 0
            try:
                for _ in range(1000):
                    chunk = client.recv(65536)
                    if not chunk:
                        break
                    received += len(chunk)
            except ConnectionResetError as exc:
                print("client got", type(exc).__name__)
                #> client got ConnectionResetError
            print("client received everything the server queued:", received == queued)
            #> client received everything the server queued: False
            # --8<-- [end:long]
