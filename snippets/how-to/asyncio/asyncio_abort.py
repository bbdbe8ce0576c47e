"""Linux only: whether a close sends FIN or RST is the kernel's choice, seen on Linux.

transport.abort() throws away what asyncio still buffers and closes the
socket. The peer sees a reset only when the kernel sends one, as Linux
does here with unread bytes in the kernel's receive queue, or with
SO_LINGER set to zero.
"""

import asyncio
import select
import socket
import struct

TIMEOUT = 5  # seconds: every wait below is bounded by it
BIG = 16 * 1024 * 1024  # more than the kernel's socket buffers hold


async def read_to_end(reader, max_reads=BIG):
    """Read until end of file or a reset. Return (bytes read, how it ended).

    Any other error (a TimeoutError from wait_for() among them) propagates.
    """
    got = 0
    for _ in range(max_reads):
        try:
            chunk = await asyncio.wait_for(reader.read(1 << 20), TIMEOUT)
        except ConnectionResetError as exc:
            return got, type(exc).__name__
        if not chunk:
            return got, "b''"
        got += len(chunk)
    raise RuntimeError("too many reads")


async def end_with_abort(connections, host, port, unread=False, paused=False,
                         linger_zero=False):
    """Queue BIG bytes towards a peer that reads nothing yet, then abort().

    Return what the peer reads afterwards, in words.
    """
    peer_reader, peer_writer = await asyncio.open_connection(host, port)
    reader, writer = await asyncio.wait_for(connections.get(), TIMEOUT)
    if paused:
        writer.transport.pause_reading()  # leave what arrives in the kernel
    if unread:
        peer_writer.write(b"hello\n" + b"0123456789")  # the peer sends 16 bytes
        if paused:
            sock = writer.transport.get_extra_info("socket")
            select.select([sock], [], [], TIMEOUT)  # they are in the kernel now
        else:
            await asyncio.wait_for(reader.readline(), TIMEOUT)  # 10 bytes left
    writer.write(b"x" * BIG)  # the kernel takes what fits; asyncio keeps the rest
    # --8<-- [start:linger]
    if linger_zero:
        sock = writer.transport.get_extra_info("socket")
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    writer.transport.abort()
    # --8<-- [end:linger]
    await asyncio.wait_for(writer.wait_closed(), TIMEOUT)
    got, end = await read_to_end(peer_reader)
    peer_writer.close()
    try:
        await asyncio.wait_for(peer_writer.wait_closed(), TIMEOUT)
    except OSError:
        pass  # the reset cases: the peer's connection is already gone
    return f"the peer gets {'all' if got == BIG else 'less than was sent'}, then {end}"


async def main():
    connections = asyncio.Queue()

    async def accept(reader, writer):
        await connections.put((reader, writer))

    server = await asyncio.start_server(accept, "127.0.0.1", 0)
    address = server.sockets[0].getsockname()

    # --8<-- [start:cases]
    print(await end_with_abort(connections, *address))  # (1)!
    #> the peer gets less than was sent, then b''
    print(await end_with_abort(connections, *address, unread=True))  # (2)!
    #> the peer gets less than was sent, then b''
    print(await end_with_abort(connections, *address, unread=True, paused=True))  # (3)!
    #> the peer gets less than was sent, then ConnectionResetError
    print(await end_with_abort(connections, *address, linger_zero=True))  # (4)!
    #> the peer gets less than was sent, then ConnectionResetError
    # --8<-- [end:cases]

    server.close()
    await asyncio.wait_for(server.wait_closed(), TIMEOUT)


asyncio.run(main())
