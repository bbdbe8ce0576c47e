"""Linux only: the reset after close() with unread bytes is Linux's behaviour.

The server reads the first line of a 1 MB upload, replies and closes. With
close(), the bytes it never read make the kernel reset the connection.
close_gracefully_async() sends EOF, discards the rest until the client's EOF,
then closes: the client gets the whole reply, then b''.
"""

import asyncio
import sys

TIMEOUT = 5  # seconds: every wait below is bounded by it
REQUEST = b"PUT /upload\n" + b"x" * 1_000_000
REPLY = b"413 Content Too Large\n" + b"." * 100_000


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


# --8<-- [start:close_gracefully_async]
async def close_gracefully_async(reader, writer, timeout=5.0, max_bytes=None):
    """Send EOF, discard what the peer still sends until its EOF, then close.

    Its whole contract (inputs, results, errors, limits) is its docstring in
    closing.py, on the Helpers page (reference/helpers/) of shutdown-vs-close.
    """
    loop = asyncio.get_running_loop()
    deadline = loop.time()
    saw_eof = pipe = False
    closing_before = True  # the writer was closing when the call began
    try:
        if timeout is None or not 0 <= timeout <= 1e6:
            raise ValueError(f"timeout must be from 0 to 1e6, not {timeout!r}")
        if max_bytes is not None and not max_bytes >= 0:
            raise ValueError(f"max_bytes must be None or >= 0, not {max_bytes!r}")
        deadline += timeout
        discarded = 0
        try:
            tls = writer.get_extra_info("sslcontext") is not None
            pipe = writer.get_extra_info("pipe") is not None
        except AttributeError:  # a TLS writer closed twice (3.11+): close_writer()
            tls, pipe = True, False
        closing_before = writer.is_closing()
        if closing_before and not (tls or pipe):
            return False  # its reader's EOF may be its own close's
        if writer.can_write_eof():
            writer.write_eof()  # (1)!
        old_tls = tls and sys.version_info < (3, 11)

        async def read_chunk():
            """reader.read(65536), and how many bytes it took. On 3.10 over TLS
            the transport closes itself under a paused reader, whose next read
            takes its chunk, then fails (AttributeError) to resume reading: a
            read that found the buffer full, so it took min(65536, buffered)."""
            buffered = len(reader._buffer) if old_tls else 0
            try:
                chunk = await reader.read(65536)
            except AttributeError:
                if not old_tls:
                    raise
                return None, buffered - len(reader._buffer) if buffered else 65536
            return chunk, len(chunk)

        while max_bytes is None or discarded <= max_bytes:  # (2)!
            remaining = deadline - loop.time()
            reading = asyncio.ensure_future(read_chunk())
            try:  # not wait_for(): at 0 it would cancel a read of what is buffered
                done, _ = await asyncio.wait({reading}, timeout=remaining)
            finally:
                if not reading.done():
                    reading.cancel()
            if not done:
                break  # time spent
            chunk, taken = reading.result()
            discarded += taken
            # chunk None: 3.10's failed TLS read, which took its bytes (above)
            if chunk == b"":  # the peer's EOF, or one a close meanwhile fed it
                # (not over pipes: write_eof() closes the writer's pipe, and
                # the reader has a pipe of its own, which no close feeds)
                saw_eof = tls or pipe or not writer.is_closing()  # (3)!
                break
            if remaining <= 0:
                break  # time spent: one read of what had arrived, no more
    except OSError:  # (4)!
        pass
    except asyncio.CancelledError:  # (5)!
        deadline = loop.time()  # cancelled: close at once
        raise
    finally:
        closed = await close_writer(writer, max(deadline - loop.time(), 0))  # (6)!
    # A pipe that closed itself as its child went fails for that, not for us
    if saw_eof and closed and not (pipe and closing_before):
        try:
            await writer.wait_closed()  # done: raises what ended the connection
        except OSError:
            return False  # it failed while closing (a reset): not graceful
    return saw_eof and closed
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
