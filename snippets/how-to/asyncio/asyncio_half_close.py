"""asyncio streams: write_eof() ends the request, and the reply still arrives.

The client writes a request and calls write_eof(): the server's read()
returns at end of file, and the server answers on the same connection.
"""

import asyncio

TIMEOUT = 5  # seconds: every wait below is bounded by it


async def handle(reader, writer):
    """The server: read the request until end of file, then answer."""
    try:
        # --8<-- [start:server]
        request = await asyncio.wait_for(reader.read(), TIMEOUT)  # (1)!
        print("server got:", request)
        #> server got: b'sum 1 2 3'
        numbers = [int(n) for n in request.split()[1:]]
        writer.write(str(sum(numbers)).encode())  # (2)!
        await asyncio.wait_for(writer.drain(), TIMEOUT)
        # --8<-- [end:server]
    finally:
        writer.close()
        await asyncio.wait_for(writer.wait_closed(), TIMEOUT)


async def main():
    server = await asyncio.start_server(handle, "127.0.0.1", 0)
    host, port = server.sockets[0].getsockname()
    reader, writer = await asyncio.open_connection(host, port)
    try:
        # --8<-- [start:client]
        writer.write(b"sum 1 2 3")
        writer.write_eof()  # (1)!
        reply = await asyncio.wait_for(reader.read(), TIMEOUT)  # (2)!
        print("client got:", reply)
        #> client got: b'6'
        print("can_write_eof():", writer.can_write_eof())  # (3)!
        #> can_write_eof(): True
        # --8<-- [end:client]
    finally:
        writer.close()
        await asyncio.wait_for(writer.wait_closed(), TIMEOUT)
        server.close()
        await asyncio.wait_for(server.wait_closed(), TIMEOUT)


asyncio.run(main())
