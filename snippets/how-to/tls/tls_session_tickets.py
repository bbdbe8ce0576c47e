"""TLS 1.3: by default the server writes session tickets after the handshake.

Right after the handshake, bytes the client never asked for arrive on its
socket: the server's NewSessionTicket messages. SSLContext.num_tickets = 0
turns them off. Needs `pip install trustme`, which makes a throwaway
certificate authority at run time.
"""

import select
import socket
import ssl
import threading

import trustme

TIMEOUT = 5  # seconds: every socket gets this timeout
PATIENCE = 0.2  # seconds: how long to watch for bytes that do not come

ca = trustme.CA()
server_ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
ca.issue_cert("localhost").configure_cert(server_ctx)
client_ctx = ssl.create_default_context()
ca.configure_trust(client_ctx)


def serve(listener, done):
    conn, _ = listener.accept()
    conn.settimeout(TIMEOUT)
    with server_ctx.wrap_socket(conn, server_side=True) as tls:
        done.wait(TIMEOUT)  # the server application sends nothing
        tls.unwrap()


def bytes_after_handshake(wait):
    """Does anything arrive on the client's socket after the handshake?"""
    done = threading.Event()
    with socket.create_server(("127.0.0.1", 0)) as listener:
        server = threading.Thread(target=serve, args=(listener, done))
        server.start()
        with socket.create_connection(listener.getsockname(), timeout=TIMEOUT) as raw:
            with client_ctx.wrap_socket(raw, server_hostname="localhost") as tls:
                readable, _, _ = select.select([tls], [], [], wait)
                done.set()
                result = tls.version(), bool(readable)
                tls.unwrap()  # reads the tickets, then the server's close_notify
        server.join()
    return result


# --8<-- [start:tickets]
print("default:", bytes_after_handshake(TIMEOUT))  # (1)!
#> default: ('TLSv1.3', True)
server_ctx.num_tickets = 0
print("num_tickets = 0:", bytes_after_handshake(PATIENCE))  # (2)!
#> num_tickets = 0: ('TLSv1.3', False)
# --8<-- [end:tickets]
