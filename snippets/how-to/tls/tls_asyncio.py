"""asyncio over TLS: no half-close, and here a StreamReader cannot see truncation.

Over TLS, can_write_eof() is False and write_eof() raises
NotImplementedError. writer.close() sends close_notify; transport.abort()
does not. A strict ssl client tells the two apart; an asyncio client reads
b'' after both. Needs `pip install trustme`, which makes a throwaway
certificate authority at run time.
"""

import asyncio
import socket
import ssl

import trustme

TIMEOUT = 5  # seconds: every wait below is bounded by it

ca = trustme.CA()
server_ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
ca.issue_cert("localhost").configure_cert(server_ctx)
client_ctx = ssl.create_default_context()
ca.configure_trust(client_ctx)


def strict_client(address):
    """A blocking client that raises SSLEOFError on a missing close_notify."""
    with socket.create_connection(address, timeout=TIMEOUT) as raw:
        with client_ctx.wrap_socket(
            raw, server_hostname="localhost", suppress_ragged_eofs=False
        ) as tls:
            results = []
            for _ in range(100):
                try:
                    data = tls.recv(1024)
                except ssl.SSLError as exc:
                    return [*results, type(exc).__name__]
                results.append(data)
                if not data:
                    return results
    raise RuntimeError("too many reads")


async def asyncio_client(address):
    reader, writer = await asyncio.open_connection(
        *address, ssl=client_ctx, server_hostname="localhost"
    )
    try:
        results = []
        for _ in range(100):
            data = await asyncio.wait_for(reader.read(1024), TIMEOUT)
            results.append(data)
            if not data:
                return results
        raise RuntimeError("too many reads")
    finally:
        writer.close()
        await asyncio.wait_for(writer.wait_closed(), TIMEOUT)


async def main():
    end = "close()"  # how the server ends each connection; the loop below sets it
    handlers = []

    async def handle(reader, writer):
        handlers.append(asyncio.current_task())
        # --8<-- [start:handler]
        writer.write(b"done")
        await asyncio.wait_for(writer.drain(), TIMEOUT)
        if end == "close()":
            writer.close()  # (1)!
        else:
            writer.transport.abort()  # (2)!
        await asyncio.wait_for(writer.wait_closed(), TIMEOUT)
        # --8<-- [end:handler]

    server = await asyncio.start_server(handle, "127.0.0.1", 0, ssl=server_ctx)
    address = server.sockets[0].getsockname()

    # --8<-- [start:eof]
    reader, writer = await asyncio.open_connection(
        *address, ssl=client_ctx, server_hostname="localhost"
    )
    print("can_write_eof():", writer.can_write_eof())
    #> can_write_eof(): False
    try:
        writer.write_eof()  # (1)!
    except NotImplementedError as exc:
        print("write_eof():", type(exc).__name__)
        #> write_eof(): NotImplementedError
    # --8<-- [end:eof]
    await asyncio.wait_for(reader.read(), TIMEOUT)
    writer.close()
    await asyncio.wait_for(writer.wait_closed(), TIMEOUT)
    await asyncio.wait_for(asyncio.gather(*handlers), TIMEOUT)

    # --8<-- [start:ends]
    for end in ("close()", "abort()"):
        strict = await asyncio.to_thread(strict_client, address)
        plain = await asyncio_client(address)
        print(f"{end:<8} strict: {strict}  asyncio: {plain}")
        #> close()  strict: [b'done', b'']  asyncio: [b'done', b'']
        #> abort()  strict: [b'done', 'SSLEOFError']  asyncio: [b'done', b'']
    # --8<-- [end:ends]
    await asyncio.wait_for(asyncio.gather(*handlers), TIMEOUT)

    server.close()
    await asyncio.wait_for(server.wait_closed(), TIMEOUT)


asyncio.run(main())
