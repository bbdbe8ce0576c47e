"""Linux only: the reset after close() with unread bytes is Linux's behaviour.

The server reads the first line of a 1 MB upload, replies and closes. With
close(), the bytes it never read make the kernel reset the connection.
close_gracefully_async() sends EOF, discards the rest until the client's EOF,
then closes: the client gets the whole reply, then b''.
"""

import asyncio

TIMEOUT = 5  # seconds: every wait below is bounded by it
REQUEST = b"PUT /upload\n" + b"x" * 1_000_000
REPLY = b"413 Content Too Large\n" + b"." * 100_000


async def close_writer(writer, timeout=5.0):
    """Close writer; abort it if it is not closed after timeout seconds.

    Return True if it closed in time, False if it had to be aborted.
    """
    writer.close()
    closing = asyncio.ensure_future(writer.wait_closed())
    done, _ = await asyncio.wait({closing}, timeout=timeout)
    if not done:
        writer.transport.abort()
    try:
        await closing
    except OSError:
        pass  # the connection failed while closing: it is closed all the same
    return bool(done)


# --8<-- [start:close_gracefully_async]
async def close_gracefully_async(reader, writer, timeout=5.0, max_bytes=1 << 20):
    """Send EOF, discard what the peer still sends until its EOF, then close.

    Return True if the peer's EOF arrived within timeout seconds and
    max_bytes bytes, False otherwise. The writer is closed in every case.
    """
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    discarded = 0
    try:
        if writer.can_write_eof():
            writer.write_eof()  # (1)!
        while discarded <= max_bytes:  # (2)!
            remaining = deadline - loop.time()
            chunk = await asyncio.wait_for(reader.read(65536), max(remaining, 0))
            if not chunk:
                return True  # (3)!
            discarded += len(chunk)
        return False
    except (OSError, asyncio.TimeoutError):  # (4)!
        return False
    finally:
        await close_writer(writer, timeout)  # (5)!
# --8<-- [end:close_gracefully_async]


async def plain_close(reader, writer):
    return await close_writer(writer, TIMEOUT)


async def exchange(close):
    """One upload to a server that ends with close(reader, writer).

    Return what the client got and what close() returned.
    """
    closed = asyncio.get_running_loop().create_future()

    async def handle(reader, writer):
        await asyncio.wait_for(reader.readline(), TIMEOUT)  # the rest stays unread
        writer.write(REPLY)
        await asyncio.wait_for(writer.drain(), TIMEOUT)
        closed.set_result(await close(reader, writer))

    server = await asyncio.start_server(handle, "127.0.0.1", 0)
    reader, writer = await asyncio.open_connection(*server.sockets[0].getsockname())
    writer.write(REQUEST)
    try:
        reply = await asyncio.wait_for(reader.read(), TIMEOUT)
        got = "the whole reply, then b''" if reply == REPLY else "part of it"
    except ConnectionResetError as exc:
        got = type(exc).__name__
    await close_writer(writer, TIMEOUT)
    server.close()
    await asyncio.wait_for(server.wait_closed(), TIMEOUT)
    return got, await asyncio.wait_for(closed, TIMEOUT)


async def main():
    # --8<-- [start:exchange]
    got, _ = await exchange(plain_close)
    print("close(): the client got", got)
    #> close(): the client got ConnectionResetError
    got, saw_eof = await exchange(close_gracefully_async)
    print("close_gracefully_async() returned", saw_eof)
    #> close_gracefully_async() returned True
    print("close_gracefully_async(): the client got", got)
    #> close_gracefully_async(): the client got the whole reply, then b''
    # --8<-- [end:exchange]


asyncio.run(main())
