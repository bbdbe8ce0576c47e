"""Linux only: loop.add_signal_handler() is for Unix; this ran on Linux.

An asyncio server that drains on SIGTERM. The signal handler only sets an
event; drain_server() then stops accepting (server.close()), closes the
connections waiting for a request, gives the requests in progress GRACE
seconds to finish, cancels the handlers still running after that, and
waits for server.wait_closed(). The program sends itself SIGTERM with
os.kill(), as `kill` or a container runtime would.
"""

import asyncio
import os
import signal

TIMEOUT = 5  # seconds: the bound for the reads and waits (drain() and connects are not)
GRACE = 5  # seconds for the requests in progress: below the container's grace period
IDLE = 30  # seconds a connection may wait for its next request

handlers = {}  # each handler task -> its connection's writer
busy = set()  # the handler tasks answering a request
stopping = asyncio.Event()  # set once drain_server() has begun
working, finish = asyncio.Event(), asyncio.Event()  # this program's slow request


async def handle_connection(reader, writer):
    """Answer each line in upper case until the client or drain_server() ends."""
    task = asyncio.current_task()
    handlers[task] = writer
    try:
        for _ in range(1000):  # requests on one connection
            if stopping.is_set():
                break  # drain_server() began: close after the last answer
            line = await asyncio.wait_for(reader.readline(), IDLE)
            if not line or stopping.is_set():
                break  # the client closed, or drain_server() closed it while idle
            busy.add(task)
            if line == b"slow\n":
                working.set()
                await asyncio.wait_for(finish.wait(), TIMEOUT)
            writer.write(line.upper())
            await writer.drain()
            busy.discard(task)
    except (asyncio.TimeoutError, ConnectionError):
        pass  # a silent client, or one that reset
    finally:
        busy.discard(task)
        del handlers[task]
        writer.close()
        try:
            await asyncio.wait_for(writer.wait_closed(), TIMEOUT)
        except (asyncio.TimeoutError, OSError):
            pass


# --8<-- [start:drain]
async def drain_server(server, grace=GRACE):
    """Stop accepting, let the requests in progress finish, close the rest.

    True if every handler ended within grace seconds.
    """
    stopping.set()
    server.close()  # (1)!
    for task, writer in handlers.items():
        if task not in busy:
            writer.close()  # (2)!
    late = set()
    if handlers:
        _, late = await asyncio.wait(list(handlers), timeout=grace)  # (3)!
    for task in late:
        task.cancel()  # past the deadline: cut what is left
    if late:
        await asyncio.wait(late, timeout=TIMEOUT)
    await asyncio.wait_for(server.wait_closed(), TIMEOUT)  # (4)!
    return not late


async def drain_on_sigterm(server):
    """Serve until SIGTERM, then drain the server (drain_server()'s result)."""
    sigterm = asyncio.Event()
    asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, sigterm.set)  # (5)!
    await sigterm.wait()
    return await drain_server(server)
# --8<-- [end:drain]


async def main():
    server = await asyncio.start_server(handle_connection, "127.0.0.1", 0)
    address = server.sockets[0].getsockname()
    stopped = asyncio.ensure_future(drain_on_sigterm(server))  # your main(): await it
    idle_reader, idle = await asyncio.open_connection(*address)
    slow_reader, slow = await asyncio.open_connection(*address)
    try:
        idle.write(b"hello\n")
        print(await asyncio.wait_for(idle_reader.readline(), TIMEOUT))
        #> b'HELLO\n'
        slow.write(b"slow\n")
        await asyncio.wait_for(working.wait(), TIMEOUT)  # the request is in progress
        os.kill(os.getpid(), signal.SIGTERM)
        got = await asyncio.wait_for(idle_reader.read(), TIMEOUT)
        print("the idle client reads:", got)
        #> the idle client reads: b''
        try:
            _, extra = await asyncio.open_connection(*address)
            extra.close()
        except ConnectionRefusedError as exc:
            print("a new connection:", type(exc).__name__)
            #> a new connection: ConnectionRefusedError
        finish.set()
        got = await asyncio.wait_for(slow_reader.read(), TIMEOUT)
        print("the request in progress:", got)
        #> the request in progress: b'SLOW\n'
        print("drain_server() returned:", await asyncio.wait_for(stopped, TIMEOUT))
        #> drain_server() returned: True
    finally:
        for writer in (idle, slow):
            writer.close()
            await asyncio.wait_for(writer.wait_closed(), TIMEOUT)


asyncio.run(main())
