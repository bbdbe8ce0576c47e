"""Over TLS, close() waits for the peer's close_notify: bound wait_closed().

writer.close() on a TLS stream sends close_notify, then the transport waits
for the peer's close_notify (or FIN) before it closes the socket. The peer
here reads the close_notify and answers nothing. Since Python 3.11,
ssl_shutdown_timeout (30 s by default) ends that wait; Python 3.10 has no
such parameter, and wait_closed() was still waiting when this program gave
up. Needs `pip install trustme`, which makes a throwaway certificate
authority at run time.
"""

import asyncio
import socket
import ssl
import sys

import trustme

TIMEOUT = 5  # seconds: the bound for waits that end by themselves
PATIENCE = 1.0  # seconds: how long this program waits for wait_closed()
SHUTDOWN = 0.2  # seconds: the ssl_shutdown_timeout it sets on 3.11 and later

ca = trustme.CA()
server_ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
ca.issue_cert("localhost").configure_cert(server_ctx)
client_ctx = ssl.create_default_context()
ca.configure_trust(client_ctx)


async def close_writer(writer, timeout=5.0):
    """Close an asyncio StreamWriter; abort it if not closed in timeout seconds.

    Its whole contract (inputs, results, errors, limits) is its docstring in
    closing.py, on the Helpers page (reference/helpers/) of shutdown-vs-close.
    """
    if not writer.is_closing():  # a second close() breaks a TLS writer (3.11+)
        writer.close()
    closing = asyncio.ensure_future(writer.wait_closed())
    try:
        if timeout is None or not 0 <= timeout <= 1e6:
            raise ValueError(f"timeout must be from 0 to 1e6, not {timeout!r}")
        done, _ = await asyncio.wait({closing}, timeout=timeout)
        if done and not closing.cancelled():
            error = closing.exception()  # an OSError: it closed all the same
            if error is None or isinstance(error, OSError):
                return True
            raise error  # NotImplementedError: no close waiter (aborted first)
        return False
    finally:
        ended = closing.done() and not closing.cancelled()
        error = closing.exception() if ended else None
        if not ended or not isinstance(error, (OSError, type(None))):
            try:
                sock = writer.get_extra_info("socket")  # None: TLS let go, a pipe
                pipe = writer.get_extra_info("pipe")
            except AttributeError:  # a TLS writer closed twice (3.11+) has let
                sock = pipe = None  # go of its protocol: it cannot be aborted
                abortable = False
            else:
                abortable = True
            if pipe is not None:  # a pipe breaks if aborted after its close()
                unclosed = writer.transport.get_write_buffer_size() > 0
            else:  # has scheduled its end (empty buffer)
                unclosed = sock is None or sock.fileno() != -1
            if unclosed and abortable:  # (a closed one has nothing to abort)
                writer.transport.abort()
            await asyncio.wait({closing}, timeout=1 if abortable else 0)
            if not closing.done():
                closing.cancel()
            elif not closing.cancelled():
                closing.exception()  # retrieved: no "never retrieved" warning


def accept_tls(listener):
    """The peer: accept one connection and do the TLS handshake (blocking)."""
    conn, _ = listener.accept()
    conn.settimeout(TIMEOUT)
    return server_ctx.wrap_socket(conn, server_side=True)


async def main():
    with socket.create_server(("127.0.0.1", 0)) as listener:
        listener.settimeout(TIMEOUT)
        host, port = listener.getsockname()
        accepting = asyncio.ensure_future(asyncio.to_thread(accept_tls, listener))
        # --8<-- [start:connect]
        options = {}
        if sys.version_info >= (3, 11):  # a TypeError on 3.10
            options["ssl_shutdown_timeout"] = SHUTDOWN  # (1)!
        reader, writer = await asyncio.wait_for(
            asyncio.open_connection(
                host, port, ssl=client_ctx, server_hostname="localhost", **options
            ),
            TIMEOUT,
        )
        # --8<-- [end:connect]
        with await asyncio.wait_for(accepting, TIMEOUT) as peer:
            raw = writer.get_extra_info("socket")  # the TCP socket under TLS
            # --8<-- [start:hang]
            writer.close()  # (1)!
            got = await asyncio.wait_for(asyncio.to_thread(peer.recv, 1024), TIMEOUT)
            print("the peer read close_notify:", got)
            #> the peer read close_notify: b''
            try:
                await asyncio.wait_for(writer.wait_closed(), PATIENCE)  # (2)!
            except asyncio.TimeoutError as exc:  # TimeoutError, since 3.11
                print("wait_closed():", repr(exc))
                #> [3.11+] wait_closed(): TimeoutError('SSL shutdown timed out')
                #> [3.10] wait_closed(): TimeoutError()
            print("socket closed:", raw.fileno() == -1)  # (3)!
            #> [3.11+] socket closed: True
            #> [3.10] socket closed: False
            # --8<-- [end:hang]
            closed = await close_writer(writer, TIMEOUT)  # on 3.10, it aborts
            print("close_writer():", closed)
            #> [3.11+] close_writer(): True
            #> [3.10] close_writer(): False


asyncio.run(main())
