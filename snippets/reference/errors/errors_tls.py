"""ssl.SSLEOFError: the TLS peer closed the TCP connection without close_notify.

SSLSocket.close() closes the connection without sending the TLS
close_notify alert. By default the reader gets b'' anyway
(suppress_ragged_eofs=True); with suppress_ragged_eofs=False it gets
ssl.SSLEOFError. The last line of its traceback is printed without the
"(_ssl.c:NNNN)" at its end, a line number of CPython's source that changes
between versions; its "[SSL: ...]" part is OpenSSL 3's. Then unwrap(), which
sends close_notify and waits for the peer's, meets the peer's reply first and
raises ssl.SSLError. The errno attribute of both holds an SSL error code,
not an errno. The certificate is a throwaway one made by trustme.
"""

import errno
import re
import socket
import ssl
import threading
import traceback

import trustme

CA = trustme.CA()
SERVER_CONTEXT = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
CA.issue_cert("localhost").configure_cert(SERVER_CONTEXT)
CLIENT_CONTEXT = ssl.create_default_context()
CA.configure_trust(CLIENT_CONTEXT)
messages = []  # the last line of each traceback, without "(_ssl.c:NNNN)"
codes = {}  # exception class name: its errno attribute


def last_line(exc):
    """The last line of exc's traceback, without "(_ssl.c:NNNN)"."""
    line = traceback.format_exception_only(exc)[-1].strip()
    return re.sub(r" \(_ssl\.c:\d+\)$", "", line)


def serve_once(listener):
    """Handshake, send a reply, close() without close_notify."""
    conn, _ = listener.accept()
    conn.settimeout(5)
    with SERVER_CONTEXT.wrap_socket(conn, server_side=True) as tls:
        tls.sendall(b"reply")


def read_to_the_end(suppress_ragged_eofs):
    with socket.create_server(("127.0.0.1", 0)) as listener:
        listener.settimeout(5)
        server = threading.Thread(target=serve_once, args=(listener,))
        server.start()
        try:
            address = listener.getsockname()
            with (
                socket.create_connection(address, timeout=5) as raw,
                CLIENT_CONTEXT.wrap_socket(
                    raw,
                    server_hostname="localhost",
                    suppress_ragged_eofs=suppress_ragged_eofs,
                ) as tls,
            ):
                received = [tls.recv(1024)]
                server.join()  # the server has closed
                try:
                    received.append(tls.recv(1024))
                except ssl.SSLEOFError as exc:
                    received.append(type(exc).__name__)
                    messages.append(last_line(exc))
                    codes[type(exc).__name__] = exc.errno
                return received
        finally:
            server.join()


def serve_and_read(listener):
    """Handshake, send a reply, read until the client's close_notify, close."""
    conn, _ = listener.accept()
    conn.settimeout(5)
    with SERVER_CONTEXT.wrap_socket(conn, server_side=True) as tls:
        tls.sendall(b"reply")
        tls.recv(1024)  # b'': the client's close_notify


def unwrap_early():
    """The client calls unwrap() while the server's reply is on its way."""
    with socket.create_server(("127.0.0.1", 0)) as listener:
        listener.settimeout(5)
        server = threading.Thread(target=serve_and_read, args=(listener,))
        server.start()
        try:
            address = listener.getsockname()
            with (
                socket.create_connection(address, timeout=5) as raw,
                CLIENT_CONTEXT.wrap_socket(raw, server_hostname="localhost") as tls,
            ):
                try:
                    tls.unwrap()
                    return "unwrap() done"
                except OSError as exc:  # ssl.SSLError, TimeoutError or a reset
                    messages.append(last_line(exc))
                    codes[type(exc).__name__] = exc.errno
                    return type(exc).__name__
                finally:
                    server.join()  # the server is done before the client closes
        finally:
            server.join()


# --8<-- [start:runs]
print("suppress_ragged_eofs=True:", read_to_the_end(True))
#> suppress_ragged_eofs=True: [b'reply', b'']
print("suppress_ragged_eofs=False:", read_to_the_end(False))
#> suppress_ragged_eofs=False: [b'reply', 'SSLEOFError']
# --8<-- [end:runs]

# --8<-- [start:message]
exception, text = messages[0].split(": ", 1)  # the traceback's last line, in two
print(exception)
#> ssl.SSLEOFError
print(text)
#> [SSL: UNEXPECTED_EOF_WHILE_READING] EOF occurred in violation of protocol
# --8<-- [end:message]

# --8<-- [start:unwrap]
print("unwrap(), the reply unread:", unwrap_early())
#> unwrap(), the reply unread: SSLError
exception, text = messages[1].split(": ", 1)
print(exception)
#> ssl.SSLError
print(text)
#> [SSL: APPLICATION_DATA_AFTER_CLOSE_NOTIFY] application data after close notify
# --8<-- [end:unwrap]

# --8<-- [start:codes]
for name, code in codes.items():
    print(f"{name}.errno: {code}, read as an errno: {errno.errorcode[code]}")
    #> SSLEOFError.errno: 8, read as an errno: ENOEXEC
    #> SSLError.errno: 1, read as an errno: EPERM
# --8<-- [end:codes]
