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
    """Close an asyncio StreamWriter; abort it if not closed in timeout seconds.

    Returns True if it closed (its buffer flushed; over TLS, the peer's
    close_notify or FIN received too) within timeout, and also when
    asyncio's ssl_shutdown_timeout (3.11+) ended the wait first: that True
    does not mean the buffer was delivered, as asyncio then drops what is
    left of it. False if it had to abort: the rest of its buffer is then
    dropped and the peer may get a reset. timeout, in seconds from 0 to
    1e6, bounds the wait (0 aborts unless the close completes at once, as
    on a plain transport with nothing left to send; a TLS writer's close,
    which waits for the peer's close_notify or FIN, does not complete at
    once unless one has arrived); the abort itself takes a few loop
    iterations more. Also
    returns False, after abort(), when an earlier wait_for(wait_closed())
    was cancelled, which leaves wait_closed() raising CancelledError. A
    connection that fails while closing, or that was closed before (even
    by an abort), counts as closed. The writer is closed when this returns
    or raises, in every case: ValueError for a timeout out of range, and
    CancelledError if the task running it is cancelled once it has started,
    both abort first.
    """
    if not writer.is_closing():  # a second close() breaks a TLS writer (3.11+)
        writer.close()
    closing = asyncio.ensure_future(writer.wait_closed())
    try:
        if timeout is None or not 0 <= timeout <= 1e6:
            raise ValueError(f"timeout must be from 0 to 1e6, not {timeout!r}")
        done, _ = await asyncio.wait({closing}, timeout=timeout)
        if done and not closing.cancelled():
            closing.exception()  # an OSError here: it closed all the same
            return True
        return False
    finally:
        if not closing.done() or closing.cancelled():
            sock = writer.get_extra_info("socket")  # None: TLS let go of it, a pipe
            if sock is None or sock.fileno() != -1:  # not closed yet
                writer.transport.abort()  # (a closed one has nothing to abort)
            await asyncio.wait({closing}, timeout=1)
            if not closing.done():
                closing.cancel()
        elif not closing.cancelled():
            closing.exception()  # retrieved: no "never retrieved" warning


# --8<-- [start:close_gracefully_async]
async def close_gracefully_async(reader, writer, timeout=5.0, max_bytes=None):
    """Send EOF, discard what the peer still sends until its EOF, then close.

    The asyncio streams twin of close_gracefully(). timeout, in seconds from
    0 to 1e6, bounds the whole call, the close included (close_writer() gets
    what is left of it); once it is spent, one more read takes what has
    arrived, so 0 takes an EOF already received with nothing before it.
    Returns True if the peer's EOF arrived and the writer closed in time,
    False otherwise (time spent, more than max_bytes discarded, connection
    failed, the close had to abort, or the writer was closing, already or,
    over a socket, when this call read EOF: another task, or a second call,
    closed or aborted it meanwhile: its reader's EOF may then be its own
    close's, not the peer's; over a subprocess's pipes, whose reader has a
    pipe of its own, the EOF read is the child's). A TLS writer closing
    whose reader is at EOF (reader.at_eof()) is the exception: asyncio's TLS
    transport (3.11+) closes itself once the peer's EOF arrives, so that
    gives True once the writer has closed in time (as does such a writer
    that you, an earlier call, or another task while this call reads, closed
    or aborted: the two look the same). Over TLS no EOF can be sent
    (can_write_eof() is False): it waits for the peer's EOF all the same, so
    a peer that waits for yours makes it return False at the timeout. The
    writer is closed when this returns or raises, in every case: also when
    it raises ValueError for a timeout out of range or a max_bytes below 0,
    and at once when its task is cancelled once it has started (the
    transport is aborted: what is left of its buffer is dropped, and the
    socket closed, so with nothing left to send or unread the peer sees a
    FIN, not a reset). A task cancelled before its first step runs none of
    it, and the writer stays open: await this call directly, or close the
    writer in a finally of your own. It raises RuntimeError if another task
    is reading from reader (a StreamReader takes one reader at a time); the
    writer is closed all the same.
    """
    loop = asyncio.get_running_loop()
    deadline = loop.time()
    saw_eof = False
    try:
        if timeout is None or not 0 <= timeout <= 1e6:
            raise ValueError(f"timeout must be from 0 to 1e6, not {timeout!r}")
        if max_bytes is not None and not max_bytes >= 0:
            raise ValueError(f"max_bytes must be None or >= 0, not {max_bytes!r}")
        deadline += timeout
        discarded = 0
        tls = writer.get_extra_info("sslcontext") is not None
        pipe = writer.get_extra_info("pipe") is not None
        if writer.is_closing() and not (tls and reader.at_eof()):
            return False  # its reader's EOF may be its own close's
        if writer.can_write_eof():
            writer.write_eof()  # (1)!
        while max_bytes is None or discarded <= max_bytes:  # (2)!
            remaining = deadline - loop.time()
            reading = asyncio.ensure_future(reader.read(65536))
            try:  # not wait_for(): at 0 it would cancel a read of what is buffered
                done, _ = await asyncio.wait({reading}, timeout=remaining)
            finally:
                if not reading.done():
                    reading.cancel()
            if not done:
                break  # time spent
            chunk = reading.result()
            if not chunk:  # the peer's EOF, or one a close meanwhile fed it
                # (not over pipes: write_eof() closes the writer's pipe, and
                # the reader has a pipe of its own, which no close feeds)
                saw_eof = tls or pipe or not writer.is_closing()  # (3)!
                break
            discarded += len(chunk)
            if remaining <= 0:
                break  # time spent: one read of what had arrived, no more
    except OSError:  # (4)!
        pass
    except asyncio.CancelledError:  # (5)!
        deadline = loop.time()  # cancelled: close at once
        raise
    finally:
        closed = await close_writer(writer, max(deadline - loop.time(), 0))  # (6)!
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
