"""Linux only: the order of data and reset here is what Linux reports.

The peer sends b'reply', then resets the connection (SO_LINGER on with a
zero linger time, then close()). A plain socket's recv() returns the bytes,
then raises ConnectionResetError. asyncio moves the bytes into the
StreamReader's buffer, then meets the reset; from then on every read raises
ConnectionResetError, and the bytes in the buffer are lost, unless a read(n)
was already waiting when they arrived. After a FIN instead of a reset,
readexactly() hands over what arrived.
"""

import asyncio
import socket
import struct

TIMEOUT = 5  # seconds: every wait below is bounded by it
LINGER_0 = struct.pack("ii", 1, 0)  # SO_LINGER on, linger time 0: close() resets


def send_then_reset(conn):
    """The peer: send b'reply', then reset the connection."""
    conn.sendall(b"reply")
    conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, LINGER_0)
    conn.close()


def socket_reads(listener):
    """What a plain socket's recv() calls give."""
    with socket.create_connection(listener.getsockname(), timeout=TIMEOUT) as sock:
        conn, _ = listener.accept()
        send_then_reset(conn)
        got = []
        for _ in range(3):
            try:
                data = sock.recv(1024)
            except ConnectionResetError as exc:
                return [*got, type(exc).__name__]
            got.append(data)
    return got


async def stream_reads(listener, read, *, waiting=False):
    """What read(reader) gives when the peer sends b'reply', then resets.

    With waiting=True, read(reader) is waiting before asyncio takes the bytes
    from the socket (they and the reset are in the kernel by then: asyncio
    hands the bytes on one loop step before the reset); otherwise it starts
    once asyncio has met the reset.
    """
    reader, writer = await asyncio.open_connection(*listener.getsockname())
    try:
        conn, _ = listener.accept()  # connected already: does not wait
        reading = asyncio.ensure_future(read(reader)) if waiting else None
        send_then_reset(conn)
        if reading is None:
            try:
                await asyncio.wait_for(writer.wait_closed(), TIMEOUT)
            except ConnectionResetError:
                pass  # asyncio has met the reset
            reading = asyncio.ensure_future(read(reader))
        try:
            return await asyncio.wait_for(reading, TIMEOUT)
        except ConnectionResetError as exc:
            return type(exc).__name__
    finally:
        writer.close()


# --8<-- [start:keep_reading]
async def read_chunks(reader):
    """read(1024) until end of file, as a task that keeps reading does."""
    got = []
    for _ in range(100):
        try:
            data = await reader.read(1024)
        except ConnectionResetError as exc:
            return [*got, type(exc).__name__]  # what arrived before it is kept
        if not data:
            break
        got.append(data)
    return got
# --8<-- [end:keep_reading]


async def main():
    with socket.create_server(("127.0.0.1", 0)) as listener:
        listener.settimeout(TIMEOUT)
        print("socket recv():", socket_reads(listener))
        #> socket recv(): [b'reply', 'ConnectionResetError']

        # --8<-- [start:lost]
        got = await stream_reads(listener, lambda reader: reader.read(1024))
        print("read(1024) after the reset:", got)  # (1)!
        #> read(1024) after the reset: ConnectionResetError
        got = await stream_reads(
            listener, lambda reader: reader.read(1024), waiting=True
        )
        print("read(1024) already waiting:", got)  # (2)!
        #> read(1024) already waiting: b'reply'
        got = await stream_reads(listener, lambda reader: reader.read(), waiting=True)
        print("read() already waiting:", got)  # (3)!
        #> read() already waiting: ConnectionResetError
        got = await stream_reads(listener, read_chunks, waiting=True)
        print("a read(1024) loop already waiting:", got)  # (4)!
        #> a read(1024) loop already waiting: [b'reply', 'ConnectionResetError']
        # --8<-- [end:lost]

        # --8<-- [start:fin]
        reader, writer = await asyncio.open_connection(*listener.getsockname())
        try:
            conn, _ = listener.accept()
            with conn:
                conn.sendall(b"reply")  # then a FIN: no reset
            try:
                await asyncio.wait_for(reader.readexactly(10), TIMEOUT)
            except asyncio.IncompleteReadError as exc:
                print("readexactly(10), then a FIN:", type(exc).__name__, exc.partial)
                #> readexactly(10), then a FIN: IncompleteReadError b'reply'
        finally:
            writer.close()
        # --8<-- [end:fin]


asyncio.run(main())
