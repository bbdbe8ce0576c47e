"""asyncio servers: close() stops accepting; open connections are yours to close.

Server.close() closes the listening socket only. On Python 3.12 and later,
Server.wait_closed() called after close() also waits for every open
connection; on 3.10 and 3.11 it returns at once. Close the connections
yourself, then wait, with a bound.
"""

import asyncio

TIMEOUT = 5  # seconds: the bound for waits that end by themselves
PATIENCE = 0.2  # seconds: how long to watch for something that does not happen


async def main():
    writers = set()
    handlers = []

    async def handle(reader, writer):
        """Echo each line until end of file."""
        writers.add(writer)
        handlers.append(asyncio.current_task())
        try:
            for _ in range(100):
                line = await asyncio.wait_for(reader.readline(), TIMEOUT)
                if not line:
                    break
                writer.write(b"echo " + line)
        finally:
            writers.discard(writer)
            writer.close()
            try:
                await asyncio.wait_for(writer.wait_closed(), TIMEOUT)
            except OSError:
                pass

    server = await asyncio.start_server(handle, "127.0.0.1", 0)
    address = server.sockets[0].getsockname()
    reader, writer = await asyncio.open_connection(*address)
    try:
        # --8<-- [start:close]
        server.close()  # (1)!
        try:
            _, extra = await asyncio.open_connection(*address)
            extra.close()
        except ConnectionRefusedError as exc:
            print("a new connection:", type(exc).__name__)
            #> a new connection: ConnectionRefusedError
        writer.write(b"still there?\n")
        line = await asyncio.wait_for(reader.readline(), TIMEOUT)
        print("the open connection:", line)  # (2)!
        #> the open connection: b'echo still there?\n'
        # --8<-- [end:close]

        # --8<-- [start:wait_closed]
        try:
            await asyncio.wait_for(server.wait_closed(), PATIENCE)  # (1)!
            returned = True
        except asyncio.TimeoutError:
            returned = False
        print("wait_closed() returned with a connection open:", returned)
        #> [3.12+] wait_closed() returned with a connection open: False
        #> [3.10-3.11] wait_closed() returned with a connection open: True
        # --8<-- [end:wait_closed]
        # --8<-- [start:shutdown]
        for open_writer in list(writers):
            open_writer.close()  # (1)!
        await asyncio.wait_for(server.wait_closed(), TIMEOUT)  # (2)!
        await asyncio.wait_for(asyncio.gather(*handlers), TIMEOUT)
        # --8<-- [end:shutdown]
        print("the client reads:", await asyncio.wait_for(reader.read(), TIMEOUT))
        #> the client reads: b''
    finally:
        writer.close()
        await asyncio.wait_for(writer.wait_closed(), TIMEOUT)


asyncio.run(main())
