"""Linux only: what stays in asyncio's buffer depends on the kernel's buffers.

close() flushes the write buffer before it closes the socket, so with
data left in that buffer wait_closed() waits as long as the peer does not
read. Bound the wait, and abort() when it runs out.
"""

import asyncio

TIMEOUT = 5  # seconds: the bound for waits that end by themselves
PATIENCE = 0.5  # seconds: how long to wait for a peer that does not read
BIG = 16 * 1024 * 1024  # more than the kernel's socket buffers hold


# --8<-- [start:close_writer]
async def close_writer(writer, timeout=5.0):
    """Close an asyncio StreamWriter; abort it if not closed in timeout seconds.

    Its whole contract (inputs, results, errors, limits) is its docstring in
    closing.py, on the Helpers page (reference/helpers/) of shutdown-vs-close.
    """
    if not writer.is_closing():  # a second close() breaks a TLS writer (3.11+)
        writer.close()  # (1)!
    closing = asyncio.ensure_future(writer.wait_closed())
    try:
        if timeout is None or not 0 <= timeout <= 1e6:
            raise ValueError(f"timeout must be from 0 to 1e6, not {timeout!r}")
        done, _ = await asyncio.wait({closing}, timeout=timeout)  # (2)!
        if done and not closing.cancelled():
            error = closing.exception()  # an OSError: it closed all the same
            if error is None or isinstance(error, OSError):
                return True
            raise error  # NotImplementedError: no close waiter (aborted first)
        return False
    finally:
        ended = closing.done() and not closing.cancelled()
        error = closing.exception() if ended else None
        if not ended or not isinstance(error, (OSError, type(None))):  # (3)!
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
            await asyncio.wait({closing}, timeout=1 if abortable else 0)  # (4)!
            if not closing.done():
                closing.cancel()
            elif not closing.cancelled():
                closing.exception()  # retrieved: no "never retrieved" warning
# --8<-- [end:close_writer]


async def stuck_writer(connections, host, port):
    """Connect a peer that reads nothing; fill the buffers towards it.

    Return the server's writer (BIG bytes queued) and the peer's writer.
    """
    _, peer = await asyncio.open_connection(host, port)
    _, writer = await asyncio.wait_for(connections.get(), TIMEOUT)
    writer.write(b"x" * BIG)  # the kernel takes what fits; asyncio keeps the rest
    return writer, peer


async def main():
    connections = asyncio.Queue()

    async def accept(reader, writer):
        await connections.put((reader, writer))

    server = await asyncio.start_server(accept, "127.0.0.1", 0)
    host, port = server.sockets[0].getsockname()

    # --8<-- [start:trap]
    writer, peer = await stuck_writer(connections, host, port)
    writer.close()
    try:
        await asyncio.wait_for(writer.wait_closed(), PATIENCE)  # (1)!
    except asyncio.TimeoutError as exc:
        print("wait_closed():", type(exc).__name__)
        #> wait_closed(): TimeoutError
    left = writer.transport.get_write_buffer_size()
    print("bytes left in asyncio's buffer:", left > 0)
    #> bytes left in asyncio's buffer: True
    writer.transport.abort()
    try:
        await asyncio.wait_for(writer.wait_closed(), TIMEOUT)  # (2)!
    except asyncio.CancelledError as exc:
        print("wait_closed() again:", type(exc).__name__)
        #> wait_closed() again: CancelledError
    # --8<-- [end:trap]
    await close_writer(peer, TIMEOUT)

    # --8<-- [start:fix]
    writer, peer = await stuck_writer(connections, host, port)
    print("closed in time:", await close_writer(writer, PATIENCE))
    #> closed in time: False
    # --8<-- [end:fix]
    await close_writer(peer, TIMEOUT)

    server.close()
    await asyncio.wait_for(server.wait_closed(), TIMEOUT)


asyncio.run(main())
