"""ssl.SSLEOFError in the handshake: the server closed before it answered.

Here the server reads the client's whole first TLS record (its ClientHello)
and closes, as a server that refuses the connection, or a proxy or load
balancer that drops it, can do. The client wraps its socket with
wrap_socket()'s default suppress_ragged_eofs=True, which covers reads only:
a handshake made by wrap_socket() on a connected socket (as here), by
connect() or by do_handshake() raises ssl.SSLEOFError, where a recv() that
makes the handshake itself would return b''. The certificate is
a throwaway one made by trustme.
"""

import socket
import ssl
import threading

import trustme

CA = trustme.CA()
CLIENT_CONTEXT = ssl.create_default_context()
CA.configure_trust(CLIENT_CONTEXT)


def read_exactly(sock, size):
    data = b""
    while len(data) < size:  # bounded: size bytes, each recv() under a timeout
        chunk = sock.recv(size - len(data))
        if not chunk:
            break
        data += chunk
    return data


def close_after_client_hello(listener):
    conn, _ = listener.accept()
    with conn:
        conn.settimeout(5)
        header = read_exactly(conn, 5)  # record type, version, length
        read_exactly(conn, int.from_bytes(header[3:5], "big"))  # nothing unread


with socket.create_server(("127.0.0.1", 0)) as listener:
    listener.settimeout(5)
    server = threading.Thread(target=close_after_client_hello, args=(listener,))
    server.start()
    try:
        with socket.create_connection(listener.getsockname(), timeout=5) as raw:
            try:
                CLIENT_CONTEXT.wrap_socket(raw, server_hostname="localhost").close()
                print("handshake done")
            except ssl.SSLEOFError as exc:
                print("handshake:", type(exc).__name__, exc.reason)
                #> handshake: SSLEOFError UNEXPECTED_EOF_WHILE_READING
    finally:
        server.join(timeout=5)
