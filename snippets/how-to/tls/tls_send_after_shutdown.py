"""Linux only: data arriving after shutdown(SHUT_RD) is kept on Linux; Windows resets.

SSLSocket.shutdown() drops the socket's TLS layer, so a later send() is a
plain socket.send(): the bytes go out unencrypted. The server here drops its
own TLS layer the same way to read the raw bytes; a server that stays in TLS
fails on them with ssl.SSLError. Needs `pip install trustme`, which makes a
throwaway certificate authority at run time.
"""

import socket
import ssl
import threading

import trustme

TIMEOUT = 5  # seconds: every socket gets this timeout

ca = trustme.CA()
server_ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
ca.issue_cert("localhost").configure_cert(server_ctx)
client_ctx = ssl.create_default_context()
ca.configure_trust(client_ctx)


def serve(listener, stay_in_tls, seen):
    """Complete the handshake, then read what the client sends."""
    conn, _ = listener.accept()
    conn.settimeout(TIMEOUT)
    with server_ctx.wrap_socket(conn, server_side=True) as tls:
        if not stay_in_tls:
            tls.shutdown(socket.SHUT_WR)  # (1)!
        try:
            seen.append(tls.recv(1024))
        except ssl.SSLError as exc:
            seen.append(type(exc).__name__)


def send_after_shutdown(stay_in_tls):
    """The client: shutdown(SHUT_RD) its SSLSocket, then send; what the server read."""
    seen = []
    with socket.create_server(("127.0.0.1", 0)) as listener:
        server = threading.Thread(target=serve, args=(listener, stay_in_tls, seen))
        server.start()
        with socket.create_connection(listener.getsockname(), timeout=TIMEOUT) as raw:
            with client_ctx.wrap_socket(raw, server_hostname="localhost") as tls:
                tls.shutdown(socket.SHUT_RD)  # (2)!
                tls.sendall(b"secret password")  # (3)!
                server.join()
    return seen


print("the server reads the raw bytes:", send_after_shutdown(stay_in_tls=False))
#> the server reads the raw bytes: [b'secret password']
print("the server stays in TLS:", send_after_shutdown(stay_in_tls=True))
#> the server stays in TLS: ['SSLError']
