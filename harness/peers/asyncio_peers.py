"""The peers of the asyncio contract tests (close_writer, close_gracefully_async).

A StreamReader and StreamWriter, the ones under test, connected to a plain
socket or to a TLS server in a thread, which the test plays; and what that
peer reads until its end.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import random
import socket
import ssl
import struct
import sys
import threading

TIMEOUT = 5.0  # seconds: the bound for waits that end by themselves
SLACK = 0.4  # seconds a busy machine may add to a bound (make contract-soak)
BIG = 16 * 1024 * 1024  # more than the kernel's socket buffers hold
SMALL = 64 * 1024  # what the kernel's buffers take at once
PAYLOAD = random.Random(0).randbytes(BIG)  # random: a lost chunk cannot hide


@contextlib.asynccontextmanager
async def lingering(seconds: int):
    """(reader, writer, peer): a TCP connection whose writer's socket has
    SO_LINGER on with seconds, with 300 kB written, all taken by the kernel
    (asyncio's buffer empty) and most of it unsent: the peer, with a 16 KiB
    receive buffer, reads nothing."""
    with socket.create_server(("127.0.0.1", 0)) as listener:
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 16384)
        opening = asyncio.open_connection(*listener.getsockname())
        reader, writer = await asyncio.wait_for(opening, TIMEOUT)
        listener.settimeout(TIMEOUT)
        peer, _ = listener.accept()
    with peer:
        sock = writer.get_extra_info("socket")
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 1 << 20)
        linger = struct.pack("ii", 1, seconds)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, linger)
        writer.write(PAYLOAD[:300_000])
        assert writer.transport.get_write_buffer_size() == 0
        try:
            yield reader, writer, peer
        finally:
            writer.transport.abort()


@contextlib.asynccontextmanager
async def connected(peer_rcvbuf: int | None = None):
    """(reader, writer) under test, and the peer's socket (non-blocking),
    with SO_RCVBUF peer_rcvbuf if given (set before the handshake).

    Both ends are closed on exit, whatever the test did."""
    with socket.create_server(("127.0.0.1", 0)) as listener:
        if peer_rcvbuf is not None:
            listener.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, peer_rcvbuf)
        listener.settimeout(TIMEOUT)
        opening = asyncio.open_connection(*listener.getsockname())
        reader, writer = await asyncio.wait_for(opening, TIMEOUT)
        peer, _ = listener.accept()
    try:
        peer.setblocking(False)
        yield reader, writer, peer
    finally:
        peer.close()
        if writer.get_extra_info("socket").fileno() != -1:
            writer.transport.abort()
            await asyncio.sleep(0)  # abort() closes the socket in the next iteration


class TLSPeer:
    """The peer of a TLS connection: a thread that accepts on listener, makes
    the handshake as the TLS server, then plays role(tls, stop); the
    connection is closed (a FIN, no close_notify) when the role returns."""

    def __init__(self, listener: socket.socket, context: ssl.SSLContext, role):
        self.stop = threading.Event()  # set at the end: a waiting role returns
        self.tls: ssl.SSLSocket | None = None
        self._outcome: list[tuple[bool, object]] = []
        self._thread = threading.Thread(
            target=self._run, args=(listener, context, role), name=role.__name__
        )
        self._thread.start()

    def _run(self, listener, context, role) -> None:
        try:
            raw, _ = listener.accept()
            raw.settimeout(TIMEOUT)  # bounds the handshake and every recv()
            with context.wrap_socket(raw, server_side=True) as self.tls:
                self._outcome.append((True, role(self.tls, self.stop)))
        except BaseException as exc:  # raised again by result(), in the test
            self._outcome.append((False, exc))

    async def result(self):
        """What the role returned (TIMEOUT at most); raises what it raised."""
        loop = asyncio.get_running_loop()
        await loop.run_in_executor(None, self._thread.join, TIMEOUT)
        assert not self._thread.is_alive(), f"{self._thread.name}: still running"
        returned, value = self._outcome[-1]
        if not returned:
            raise value
        return value

    async def end(self) -> None:
        """Stop the role, waking it from a blocked recv() if need be."""
        self.stop.set()
        loop = asyncio.get_running_loop()
        await loop.run_in_executor(None, self._thread.join, 0.05)
        if self._thread.is_alive() and self.tls is not None:
            with contextlib.suppress(OSError):  # socket.socket's: no TLS alert
                socket.socket.shutdown(self.tls, socket.SHUT_RDWR)
        await loop.run_in_executor(None, self._thread.join, TIMEOUT)
        assert not self._thread.is_alive(), f"{self._thread.name}: did not end"


@contextlib.asynccontextmanager
async def tls_connected(
    contexts: tuple[ssl.SSLContext, ssl.SSLContext], role, **options
):
    """(reader, writer) under test, the writer's raw socket, and the TLSPeer
    playing role; options go to asyncio.open_connection().

    The writer is the TLS client (asyncio.open_connection(ssl=...)). Both
    ends are closed on exit, whatever the test did."""
    server_context, client_context = contexts
    with socket.create_server(("127.0.0.1", 0)) as listener:
        listener.settimeout(TIMEOUT)
        peer = TLSPeer(listener, server_context, role)
        try:  # not wait_for(): its extra loop iteration hides the race below
            reader, writer = await asyncio.open_connection(
                *listener.getsockname(),
                ssl=client_context,
                server_hostname="localhost",
                ssl_handshake_timeout=TIMEOUT,  # the connect itself is local
                **options,
            )
        except BaseException:
            await peer.end()
            raise
    raw = writer.get_extra_info("socket")  # TLS lets go of it once closed
    try:
        yield reader, writer, raw, peer
    finally:
        if raw.fileno() != -1:
            writer.transport.abort()
            await asyncio.sleep(0)  # abort() closes the socket in the next iteration
        await peer.end()


def read_tls_until_eof(tls: ssl.SSLSocket) -> bytes:
    """What the TLS peer reads until b'' (a close_notify, or a FIN: ragged
    EOFs are suppressed), or until a reset."""
    data = bytearray()
    with contextlib.suppress(OSError):
        while chunk := tls.recv(65536):  # bounded: the socket's timeout
            data += chunk
    return bytes(data)


def reset(sock: socket.socket) -> None:
    """Close with SO_LINGER 0: the kernel sends RST."""
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    sock.close()


async def read_all(peer: socket.socket) -> tuple[bytes, str]:
    """What the peer reads until the end, and the end: "EOF" or "reset"."""
    loop = asyncio.get_running_loop()
    chunks: list[bytes] = []

    async def read() -> str:
        while True:  # bounded by the wait_for below
            try:
                chunk = await loop.sock_recv(peer, 1 << 20)
            except ConnectionResetError:
                return "reset"
            if not chunk:
                return "EOF"
            chunks.append(chunk)

    end = await asyncio.wait_for(read(), TIMEOUT)
    return b"".join(chunks), end


def is_closed(writer: asyncio.StreamWriter) -> bool:
    """The writer's transport is closing and its socket is closed."""
    sock = writer.transport.get_extra_info("socket")
    return writer.transport.is_closing() and sock.fileno() == -1


@contextlib.asynccontextmanager
async def unread_pipe_writer(queued: int = 1_000_000):
    """A StreamWriter on asyncio.streams.FlowControlMixin (a protocol with no
    close waiter) over a pipe that nobody reads, `queued` bytes of PAYLOAD
    written, more than the pipe holds; yields (writer, pipe), pipe being the
    transport's file of the write end. The read end is closed on exit."""
    loop = asyncio.get_running_loop()
    read_end, write_end = os.pipe()
    try:
        pipe = os.fdopen(write_end, "wb", buffering=0)  # the transport's
        transport, protocol = await loop.connect_write_pipe(
            asyncio.streams.FlowControlMixin, pipe
        )
        writer = asyncio.StreamWriter(transport, protocol, None, loop)
        writer.write(PAYLOAD[:queued])
        assert transport.get_write_buffer_size() > 0  # the pipe is full
        yield writer, pipe
    finally:
        os.close(read_end)


def sends_close_notify_first(tls: ssl.SSLSocket, stop: threading.Event) -> str:
    """A TLSPeer role: send a close_notify at once (unwrap(), which then
    waits for the writer's, until the writer's end or the socket's timeout);
    how unwrap() ended: "unwrap ok" (the writer's close_notify came), or
    the error."""
    try:
        tls.unwrap()
    except OSError as error:
        return type(error).__name__
    return "unwrap ok"


def sends_20_kb_then_its_eof(tls: ssl.SSLSocket, stop: threading.Event) -> None:
    """A TLSPeer role: send 20 000 bytes (more than twice an 8 KiB reader
    limit), then a close_notify and the FIN."""
    with contextlib.suppress(OSError):
        tls.sendall(PAYLOAD[:20_000])
        tls.unwrap()


async def until(condition) -> None:
    """Let the event loop run until condition() holds (TIMEOUT at most)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + TIMEOUT
    while not condition():
        assert loop.time() < deadline, f"{condition} still false after {TIMEOUT} s"
        await asyncio.sleep(0.001)  # a test's bounded poll


async def until_paused(reader: asyncio.StreamReader, raw: socket.socket) -> None:
    """Wait until a reader with a small limit has paused its transport (a
    private attribute: no public one tells) and, on 3.10, until that TLS
    transport has closed itself and its socket under it (3.10's SSL
    transport reads on while paused and meets the peer's EOF)."""
    await until(
        lambda: reader._paused and (sys.version_info >= (3, 11) or raw.fileno() == -1)
    )


@contextlib.asynccontextmanager
async def python_child(code: str, stdout: bool = True):
    """A child Python (sys.executable -S -c code) whose stdin is a pipe, and
    its stdout too if stdout (else it writes to ours); on exit it is killed
    if still running, and waited for (TIMEOUT at most)."""
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-S",
        "-c",
        code,
        stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE if stdout else None,
    )
    try:
        yield process
    finally:
        if process.returncode is None:
            process.kill()
        await asyncio.wait_for(process.wait(), TIMEOUT)
