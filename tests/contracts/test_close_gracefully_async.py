"""Contract tests of closing.close_gracefully_async(), one per clause.

Each test connects an asyncio StreamReader and StreamWriter (the ones under
test) to a plain socket, the peer, which the test plays: it reads
everything, reads nothing while 16 MB wait to be sent, uploads more than any
budget, resets, goes silent, sends after the writer's EOF, or closes first.
"""

from __future__ import annotations

import asyncio
import contextlib
import math
import os
import signal
import socket
import ssl
import sys
import threading
import time

import pytest

import closing
from harness.peers.asyncio_peers import (
    BIG,
    PAYLOAD,
    SLACK,
    SMALL,
    TIMEOUT,
    connected,
    is_closed,
    lingering,
    python_child,
    read_all,
    read_tls_until_eof,
    reset,
    sends_20_kb_then_its_eof,
    sends_close_notify_first,
    tls_connected,
    unread_pipe_writer,
    until,
    until_paused,
)
from harness.peers.run_async import run

pytestmark = pytest.mark.skipif(
    sys.platform != "linux", reason="the contracts are verified on Linux"
)

SHORT = 0.2  # seconds: the timeout given to the helper when a test waits it out

# What each peer does, and how much the writer has queued for it.
PEERS = {
    "reads everything then sends EOF": BIG,
    "never reads nor sends EOF": BIG,
    "sends EOF but never reads": BIG,
    "uploads more than any budget then reads": SMALL,
    "resets": SMALL,
    "goes silent": SMALL,
    "sends after your EOF": SMALL,
    "closes first": SMALL,
}


TLS_DATA = PAYLOAD[:100]


def waits_for_your_eof(tls: ssl.SSLSocket, stop: threading.Event):
    """Read until the writer's EOF (its close_notify, or its end), then
    close; return what it read, and when the EOF came."""
    data = read_tls_until_eof(tls)
    return data, time.monotonic()


def reads_then_sends_its_eof(tls: ssl.SSLSocket, stop: threading.Event):
    """Read TLS_DATA, then send its EOF first: a close_notify (unwrap(),
    which waits for the writer's: Python 3.10's asyncio sends none, and
    just closes), then, once the writer's socket is closed, a FIN; return
    what it read, and when its EOF went."""
    data = bytearray()
    while len(data) < len(TLS_DATA):  # bounded: the socket's timeout
        chunk = tls.recv(len(TLS_DATA) - len(data))
        if not chunk:
            break
        data += chunk
    sent = time.monotonic()
    with contextlib.suppress(OSError):
        tls.unwrap()
        while tls.recv(65536):  # raw now; bounded: the socket's timeout
            pass
    return bytes(data), sent


def send_eof(sock: socket.socket) -> None:
    with contextlib.suppress(OSError):  # ENOTCONN once reset
        sock.shutdown(socket.SHUT_WR)


async def send(peer: socket.socket, data: bytes) -> None:
    loop = asyncio.get_running_loop()
    with contextlib.suppress(OSError):  # the writer's close may reset
        await asyncio.wait_for(loop.sock_sendall(peer, data), TIMEOUT)


async def play(peer: socket.socket, role: str) -> tuple[bytes, str] | None:
    """The peer's part during the call; what it read, if it reads."""
    if role in ("reads everything then sends EOF", "closes first"):
        got = await read_all(peer)
        send_eof(peer)
        return got
    if role == "uploads more than any budget then reads":
        await send(peer, PAYLOAD)
        send_eof(peer)
        return await read_all(peer)
    if role == "sends after your EOF":
        got = await read_all(peer)
        await send(peer, PAYLOAD[:SMALL])
        send_eof(peer)
        return got
    return None  # the others do nothing during the call


async def queue(writer: asyncio.StreamWriter, peer: socket.socket, role: str) -> int:
    """Write what PEERS gives role; prepare the peer; return the size written."""
    size = PEERS[role]
    writer.write(PAYLOAD[:size])
    if role in ("closes first", "sends EOF but never reads"):
        peer.shutdown(socket.SHUT_WR)
    elif role == "resets":
        reset(peer)
    return size


async def call(role, timeout, max_bytes=None):
    """close_gracefully_async() against role: (result, seconds, peer's part).

    The peer's part is what it read and how that ended, read after the call
    if the peer did not read during it."""
    async with connected() as (reader, writer, peer):
        await queue(writer, peer, role)
        playing = asyncio.ensure_future(play(peer, role))
        budget = {} if max_bytes is None else {"max_bytes": max_bytes}  # or the default
        start = time.monotonic()
        result = await closing.close_gracefully_async(reader, writer, timeout, **budget)
        took = time.monotonic() - start
        assert is_closed(writer)
        got = await asyncio.wait_for(playing, TIMEOUT)
        if got is None and role != "resets":
            got = await read_all(peer)
        return result, took, got


@pytest.mark.parametrize("timeout", [0, 0.5])
def test_timeout_bounds_the_whole_call_the_close_included(timeout):
    """timeout ... bounds the whole call, the close included (close_writer()
    gets what is left of it).

    The peer neither reads 16 MB nor sends EOF: False after timeout seconds,
    not twice that as when the close got a fresh timeout; the peer gets only
    part of the 16 MB."""

    async def main():
        result, took, (got, end) = await call("never reads nor sends EOF", timeout)
        assert result is False
        assert timeout <= took < timeout + SLACK
        assert end in ("EOF", "reset")
        assert 0 < len(got) < BIG and got == PAYLOAD[: len(got)]

    run(main())


def test_timeout_bounds_the_whole_call_against_a_peer_that_keeps_sending():
    """timeout ... bounds the whole call ...

    A peer that sends without pause for up to 3 s: False after about
    timeout seconds, not once the peer stops."""

    async def main():
        loop = asyncio.get_running_loop()
        async with connected() as (reader, writer, peer):
            chunk = PAYLOAD[:SMALL]

            async def flood():
                end = loop.time() + 3 * TIMEOUT / 5
                with contextlib.suppress(OSError):
                    while loop.time() < end:  # bounded: 3 s at most
                        await loop.sock_sendall(peer, chunk)

            flooding = asyncio.ensure_future(flood())
            await asyncio.sleep(0)
            start = time.monotonic()
            result = await closing.close_gracefully_async(reader, writer, SHORT)
            took = time.monotonic() - start
            assert result is False
            assert SHORT <= took < SHORT + SLACK
            assert is_closed(writer)
            await asyncio.wait_for(flooding, TIMEOUT)

    run(main())


@pytest.mark.parametrize(
    ("role", "max_bytes"),
    [
        ("reads everything then sends EOF", None),
        ("closes first", None),
        ("sends after your EOF", None),
        ("sends after your EOF", SMALL),
        ("uploads more than any budget then reads", None),
    ],
)
def test_returns_true_if_the_eof_arrived_and_the_writer_closed(role, max_bytes):
    """Returns True if the peer's EOF arrived and the writer closed in time.

    Whatever the peer sends before its EOF, 16 MB without a max_bytes, or
    exactly max_bytes, is discarded, and the peer gets every byte written,
    then EOF."""

    async def main():
        result, took, got = await call(role, TIMEOUT, max_bytes)
        assert (result, got) == (True, (PAYLOAD[: PEERS[role]], "EOF"))
        assert took < TIMEOUT

    run(main())


@pytest.mark.parametrize(
    ("role", "timeout", "max_bytes", "bound"),
    [
        pytest.param("goes silent", SHORT, None, SHORT, id="time spent"),
        pytest.param(
            "uploads more than any budget then reads",
            TIMEOUT,
            SMALL,
            0,
            id="more than max_bytes",
        ),
        pytest.param("sends after your EOF", TIMEOUT, SMALL - 1, 0, id="max_bytes + 1"),
        pytest.param("resets", TIMEOUT, None, 0, id="connection failed"),
        pytest.param(
            "sends EOF but never reads", SHORT, None, SHORT, id="the close aborted"
        ),
    ],
)
def test_returns_false_otherwise(role, timeout, max_bytes, bound):
    """False otherwise (time spent, more than max_bytes discarded, connection
    failed, ... the close had to abort, ...).

    Each ends when its budget runs out: after timeout seconds for the time
    and the close, at once for max_bytes and a reset."""

    async def main():
        result, took, _ = await call(role, timeout, max_bytes)
        assert result is False
        assert bound <= took < bound + SLACK

    run(main())


@pytest.mark.parametrize(
    "before",
    [
        "an earlier call aborted",
        "the caller closed it",
        "the caller closed it after the peer's EOF",
        "wait_for(wait_closed()) timed out",
    ],
)
def test_returns_false_if_the_writer_was_already_closing(before):
    """False otherwise (... or, over a plain socket, the writer was closing,
    already ...).

    Its reader then reports the EOF of the writer's own close, not the
    peer's: False at once, even when the peer did send EOF. An earlier
    version returned True."""

    async def main():
        async with connected() as (reader, writer, peer):
            if before == "the caller closed it":
                writer.close()
            elif before == "the caller closed it after the peer's EOF":
                peer.shutdown(socket.SHUT_WR)
                assert await asyncio.wait_for(reader.read(), TIMEOUT) == b""
                writer.close()
            else:
                await queue(writer, peer, "never reads nor sends EOF")
                if before == "an earlier call aborted":
                    first = closing.close_gracefully_async(reader, writer, SHORT)
                    assert await first is False
                else:
                    writer.close()
                    with pytest.raises(asyncio.TimeoutError):
                        await asyncio.wait_for(writer.wait_closed(), 0.05)
            start = time.monotonic()
            result = await closing.close_gracefully_async(reader, writer, TIMEOUT)
            assert result is False
            assert time.monotonic() - start < SLACK
            assert is_closed(writer)

    run(main())


@pytest.mark.parametrize(
    "meanwhile",
    ["another task closes it", "another task aborts it", "a second call"],
)
def test_returns_false_if_the_writer_was_closed_while_it_read(meanwhile):
    """False otherwise (... or, over a plain socket, the writer was closing,
    already or when this call read EOF: another task, or a second call,
    closed or aborted it meanwhile: its reader's EOF may then be its own
    close's, not the peer's).

    The peer never sends EOF. Once it has the call's EOF (the call is
    reading), the writer is closed, aborted, or a second call raises
    RuntimeError and closes it: asyncio feeds the reader EOF, and the call
    returns False at once. An earlier version took that EOF for the peer's
    and returned True."""

    async def main():
        async with connected() as (reader, writer, peer):
            first = asyncio.ensure_future(
                closing.close_gracefully_async(reader, writer, TIMEOUT)
            )
            assert await read_all(peer) == (b"", "EOF")  # the call reads now
            start = time.monotonic()
            if meanwhile == "another task closes it":
                writer.close()
            elif meanwhile == "another task aborts it":
                writer.transport.abort()
            else:
                with pytest.raises(RuntimeError, match="already waiting"):
                    await closing.close_gracefully_async(reader, writer, TIMEOUT)
            result = await asyncio.wait_for(first, TIMEOUT)
            assert result is False
            assert time.monotonic() - start < SLACK
            assert is_closed(writer)

    run(main())


def test_a_tls_writer_aborted_while_it_reads_gives_true(tls_contexts):
    """over TLS, a writer that you, an earlier call, or another task while
    this call reads, closed or aborted looks the same, and gives True too
    once its reader reads EOF

    The limit: the TLS peer sends nothing and waits for the writer's EOF;
    another task aborts the writer while the call reads, and the call
    returns True at once, as if the peer's EOF had come."""

    async def main():
        async with tls_connected(tls_contexts, waits_for_your_eof) as (
            reader,
            writer,
            raw,
            peer,
        ):
            first = asyncio.ensure_future(
                closing.close_gracefully_async(reader, writer, TIMEOUT)
            )
            await asyncio.sleep(0)  # it starts, and reads: no EOF to send over TLS
            await asyncio.sleep(0)
            assert not first.done()
            start = time.monotonic()
            writer.transport.abort()
            assert await asyncio.wait_for(first, TIMEOUT) is True
            assert time.monotonic() - start < SLACK
            assert writer.transport.is_closing() and raw.fileno() == -1
            await peer.result()

    run(main())


@pytest.mark.parametrize("timeout", [0, SHORT])
@pytest.mark.parametrize("role", [*PEERS, "cancelled"])
def test_the_writer_is_closed_when_this_returns_or_raises(role, timeout):
    """The writer is closed when this returns or raises, in every case but
    that TLS writer closed twice.

    Against each peer, with timeout 0 and a short one, and when its task is
    cancelled while the peer neither reads nor sends EOF: the writer's
    socket is closed when the call ends, within timeout."""

    async def main():
        if role != "cancelled":
            _, took, _ = await call(role, timeout)  # call() checks is_closed()
            assert took < timeout + SLACK
            return
        async with connected() as (reader, writer, peer):
            await queue(writer, peer, "never reads nor sends EOF")
            start = time.monotonic()
            task = asyncio.ensure_future(
                closing.close_gracefully_async(reader, writer, timeout)
            )
            await asyncio.sleep(0)  # it has started
            task.cancel()
            await asyncio.wait({task}, timeout=TIMEOUT)
            assert task.cancelled()
            assert time.monotonic() - start < timeout + SLACK
            assert is_closed(writer)

    run(main())


@pytest.mark.parametrize(
    ("timeout", "max_bytes", "message"),
    [
        (None, None, "timeout must be from 0 to 1e6, not None"),
        (-1, None, "timeout must be from 0 to 1e6, not -1"),
        (math.nan, None, "timeout must be from 0 to 1e6, not nan"),
        (math.inf, None, "timeout must be from 0 to 1e6, not inf"),
        (1e10, None, "timeout must be from 0 to 1e6, not 10000000000.0"),
        (TIMEOUT, -1, "max_bytes must be None or >= 0, not -1"),
        (TIMEOUT, math.nan, "max_bytes must be None or >= 0, not nan"),
    ],
)
def test_value_error_for_a_bad_timeout_or_max_bytes_closes_the_writer(
    timeout, max_bytes, message
):
    """timeout, ... in seconds from 0 to 1e6 ... The writer is closed ... also
    when it raises ValueError for a timeout out of range or a max_bytes
    below 0 or NaN

    16 MB wait for a peer that never reads: ValueError at once, the writer
    closed. Earlier versions raised TypeError for None, and left the writer
    open; and for inf and 1e10 waited for ever, or raised OverflowError."""

    async def main():
        async with connected() as (reader, writer, peer):
            await queue(writer, peer, "never reads nor sends EOF")
            start = time.monotonic()
            with pytest.raises(ValueError) as raised:
                # bounded: a call that waited for ever raises TimeoutError
                await asyncio.wait_for(
                    closing.close_gracefully_async(reader, writer, timeout, max_bytes),
                    TIMEOUT,
                )
            assert str(raised.value) == message
            assert time.monotonic() - start < SLACK
            assert is_closed(writer)

    run(main())


@pytest.mark.parametrize("max_bytes", ["5", [1], b"5"], ids=["str", "list", "bytes"])
def test_type_error_for_a_max_bytes_that_is_no_number_closes_the_writer(max_bytes):
    """The writer is closed ... also when it
    raises ValueError for a timeout out of range or a max_bytes below 0 or
    NaN, or TypeError for a max_bytes that is no number

    A peer that never reads: TypeError at once, the writer closed."""

    async def main():
        async with connected() as (reader, writer, peer):
            start = time.monotonic()
            with pytest.raises(TypeError):
                await closing.close_gracefully_async(reader, writer, TIMEOUT, max_bytes)
            assert time.monotonic() - start < SLACK
            assert is_closed(writer)

    run(main())


def test_a_timeout_of_1e6_is_in_range():
    """timeout, ... in seconds from 0 to 1e6, bounds the whole call.

    1e6 is no error: against a peer that reads everything then sends EOF,
    True at once."""

    async def main():
        result, took, got = await call("reads everything then sends EOF", 1e6)
        assert (result, got) == (True, (PAYLOAD, "EOF"))
        assert took < TIMEOUT

    run(main())


@pytest.mark.parametrize("before", ["nothing", "data the caller read"])
def test_timeout_zero_takes_an_eof_already_received_with_nothing_before_it(before):
    """once it is spent, one more read takes what has arrived, so 0 takes an
    EOF already received with nothing before it.

    The peer's EOF has reached the reader (reader.at_eof()), with nothing
    before it, or after data the caller has read: timeout 0 returns True,
    at once, and the peer gets the writer's EOF. An earlier version
    cancelled that read at 0 and returned False."""

    async def main():
        async with connected() as (reader, writer, peer):
            if before == "data the caller read":
                peer.sendall(b"last words")
            peer.shutdown(socket.SHUT_WR)
            if before == "data the caller read":
                assert await asyncio.wait_for(reader.readexactly(10), TIMEOUT)
            await until(reader.at_eof)
            start = time.monotonic()
            result = await closing.close_gracefully_async(reader, writer, 0)
            assert result is True
            assert time.monotonic() - start < SLACK
            assert is_closed(writer)
            assert await read_all(peer) == (b"", "EOF")

    run(main())


@pytest.mark.parametrize("how", ["task.cancel()", "an outer wait_for() times out"])
def test_its_task_cancelled_closes_the_writer_at_once_aborted(how):
    """The writer is closed when this returns or raises, in every case but
    that TLS writer closed twice: ...
    and at once when its task is cancelled once it has started (the transport
    is aborted ...).

    16 MB wait for a peer that neither reads nor sends EOF, timeout 5 s;
    the task is cancelled while it waits for the EOF: it ends at once, not
    once its timeout is spent (as an earlier version did, which gave the
    close what was left of it), the writer closed, and the peer gets only
    part of the 16 MB."""

    async def main():
        async with connected() as (reader, writer, peer):
            await queue(writer, peer, "never reads nor sends EOF")
            call = closing.close_gracefully_async(reader, writer, TIMEOUT)
            start = time.monotonic()
            if how == "task.cancel()":
                task = asyncio.ensure_future(call)
                await asyncio.sleep(0)  # it has started and waits
                assert not task.done()
                task.cancel()
                await asyncio.wait({task}, timeout=TIMEOUT)
                assert task.cancelled()
                assert time.monotonic() - start < SLACK
            else:
                with pytest.raises(asyncio.TimeoutError):
                    await asyncio.wait_for(call, SHORT)
                took = time.monotonic() - start
                assert SHORT <= took < SHORT + SLACK
            assert is_closed(writer)
            got, end = await read_all(peer)
            assert end in ("EOF", "reset")
            assert 0 < len(got) < BIG and got == PAYLOAD[: len(got)]

    run(main())


def test_its_task_cancelled_drops_the_buffer_and_the_peer_sees_a_fin():
    """the peer sees a FIN, not a reset,
    after what the kernel had taken: over a plain socket it cannot tell
    that the rest was dropped

    1 MB written to a peer with a 16 KiB receive buffer that reads nothing
    yet, the writer's SO_SNDBUF 16 KiB: most of it stays in asyncio's
    buffer. The task is cancelled while it waits for the peer's EOF; the
    peer then reads the start of the 1 MB, far from all of it, and then
    EOF, no reset."""

    async def main():
        async with connected(peer_rcvbuf=16384) as (reader, writer, peer):
            sock = writer.get_extra_info("socket")
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 16384)
            writer.write(PAYLOAD[: 1 << 20])
            task = asyncio.ensure_future(
                closing.close_gracefully_async(reader, writer, TIMEOUT)
            )
            await asyncio.sleep(0)  # it has started and waits
            assert writer.transport.get_write_buffer_size() > 0
            task.cancel()
            await asyncio.wait({task}, timeout=TIMEOUT)
            assert task.cancelled()
            assert is_closed(writer)
            got, end = await read_all(peer)
            assert end == "EOF"
            assert 0 < len(got) < (1 << 20) // 2 and got == PAYLOAD[: len(got)]

    run(main())


@pytest.mark.parametrize("written", [1 << 20, 0], ids=["1 MB", "nothing"])
@pytest.mark.parametrize("strict", [True, False], ids=["strict peer", "default peer"])
def test_over_tls_its_task_cancelled_drops_the_close_notify_too(
    tls_contexts, strict, written
):
    """over TLS, a close_notify the kernel does not
    take at once (queued behind data, ...) is
    dropped with the rest, so a strict peer (suppress_ragged_eofs=False, its
    context without ssl.OP_IGNORE_UNEXPECTED_EOF) gets ssl.SSLEOFError, and
    a default one b'', while with nothing left to
    send and room in the kernel for it the close_notify goes out, and the
    peer reads a clean end

    1 MB, or nothing, written by the TLS client, whose SO_SNDBUF is 16 KiB,
    to a peer that reads nothing yet: most of the 1 MB stays in asyncio's
    buffer. The task is cancelled while it waits for the peer's EOF; the
    peer then reads the start of the 1 MB, far from all of it, and then
    SSLEOFError if strict, b'' if not (an earlier clause said the peer
    could not tell); with nothing written, b'' (an earlier clause said
    SSLEOFError for a strict peer whatever was left)."""
    go = threading.Event()

    def reads_once_told(tls: ssl.SSLSocket, stop: threading.Event):
        tls.suppress_ragged_eofs = not strict
        assert go.wait(TIMEOUT), "never told to read"
        got = 0
        try:
            while chunk := tls.recv(65536):  # bounded: the socket's timeout
                got += len(chunk)
        except ssl.SSLEOFError:
            return got, "SSLEOFError"
        return got, "EOF"

    async def main():
        async with tls_connected(tls_contexts, reads_once_told) as (
            reader,
            writer,
            raw,
            peer,
        ):
            raw.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 16384)
            writer.write(PAYLOAD[:written])
            task = asyncio.ensure_future(
                closing.close_gracefully_async(reader, writer, TIMEOUT)
            )
            await asyncio.sleep(0)  # it has started and waits
            task.cancel()
            await asyncio.wait({task}, timeout=TIMEOUT)
            assert task.cancelled()
            go.set()
            got, end = await peer.result()
            if written:
                assert end == ("SSLEOFError" if strict else "EOF")
                assert 0 < got < written // 2
            else:
                assert (got, end) == (0, "EOF")

    run(main())


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        pytest.param(waits_for_your_eof, False, id="the peer waits for yours"),
        pytest.param(reads_then_sends_its_eof, True, id="the peer sends its EOF"),
    ],
)
def test_over_tls_no_eof_can_be_sent_so_a_peer_waiting_for_yours_makes_it_false(
    tls_contexts, role, expected
):
    """Over TLS no EOF can be sent (can_write_eof() is False): it waits for
    the peer's EOF all the same, so a peer that waits for yours makes it
    return False at the timeout.

    A TLS peer that reads until the writer's EOF gets the data, but its
    EOF only once the timeout is spent: False then, and the writer closed.
    One that sends its EOF (a close_notify) after the data: True, at
    once."""

    async def main():
        async with tls_connected(tls_contexts, role) as (reader, writer, raw, peer):
            assert writer.can_write_eof() is False
            writer.write(TLS_DATA)
            timeout = TIMEOUT if expected else SHORT
            start = time.monotonic()
            result = await closing.close_gracefully_async(reader, writer, timeout)
            took = time.monotonic() - start
            assert result is expected
            assert writer.transport.is_closing() and raw.fileno() == -1
            got, when = await peer.result()
            assert got == TLS_DATA
            if expected:
                assert took < SLACK
            else:
                assert SHORT <= took < SHORT + SLACK
                assert when - start >= SHORT  # no EOF reached it before

    run(main())


def test_cancelled_with_nothing_left_to_send_the_peer_sees_a_fin(sockets):
    """... and at once when its task is cancelled once it has started (the
    transport is aborted: what is left of its buffer is dropped, and the
    socket closed, so with nothing of the peer's unread the peer sees a
    FIN, not a reset, ...).

    Nothing queued, a peer that sends nothing: the task is cancelled while
    it waits for the peer's EOF. The writer is closed at once; the peer
    reads EOF, and its end of the connection stays in CLOSE_WAIT, where a
    reset would have moved it to CLOSE. (An earlier docstring said
    "aborted", which reads as a reset.)"""

    async def main():
        async with connected() as (reader, writer, peer):
            task = asyncio.ensure_future(
                closing.close_gracefully_async(reader, writer, TIMEOUT)
            )
            await asyncio.sleep(0)  # it has started and waits
            assert not task.done()
            task.cancel()
            await asyncio.wait({task}, timeout=TIMEOUT)
            assert task.cancelled()
            assert is_closed(writer)
            assert await read_all(peer) == (b"", "EOF")
            assert sockets.tcp_state(peer) == sockets.TCP_CLOSE_WAIT

    run(main())


@pytest.mark.parametrize("how", ["task.cancel() at once", "wait_for(..., 0)"])
def test_a_task_cancelled_before_its_first_step_leaves_the_writer_open(sockets, how):
    """A task cancelled before its first step runs none of it, and the
    writer stays open: await this call directly, or close the writer in a
    finally of your own.

    A task made and cancelled before the loop ran it, and wait_for() with
    a timeout of 0 (which does the same): the call never starts, the writer
    is not closing, and the peer reads nothing; the caller's own close then
    ends the connection."""

    async def main():
        async with connected() as (reader, writer, peer):
            call = closing.close_gracefully_async(reader, writer, TIMEOUT)
            try:
                if how == "task.cancel() at once":
                    task = asyncio.ensure_future(call)
                    task.cancel()
                    await asyncio.wait({task}, timeout=TIMEOUT)
                    assert task.cancelled()
                else:
                    with pytest.raises(asyncio.TimeoutError):
                        await asyncio.wait_for(call, 0)
                assert not writer.is_closing()
                assert sockets.nothing_arrived(peer)
            finally:
                assert await closing.close_writer(writer, TIMEOUT) is True
            assert await read_all(peer) == (b"", "EOF")

    run(main())


async def true_at_once(reader, writer, raw, peer, timeout) -> None:
    """The call returns True at once, the writer closing and its socket
    closed, and the TLS peer's role ends without error."""
    start = time.monotonic()
    result = await closing.close_gracefully_async(reader, writer, timeout)
    assert result is True
    assert time.monotonic() - start < SLACK
    assert writer.transport.is_closing() and raw.fileno() == -1
    await peer.result()


def sends_its_eof_first(tls: ssl.SSLSocket, stop: threading.Event):
    """Send a close_notify at once (unwrap(), which waits for the writer's),
    then read what comes raw until the end; return nothing."""
    with contextlib.suppress(OSError):
        tls.unwrap()
        while tls.recv(65536):  # raw now; bounded: the socket's timeout
            pass


@pytest.mark.parametrize("timeout", [0, TIMEOUT])
def test_a_tls_writer_already_closing_on_the_peers_eof_gives_true(
    tls_contexts, timeout
):
    """Over TLS and over a subprocess's pipes, a writer already closing is no
    exception: asyncio's TLS transport (3.11+) closes itself once the peer's
    EOF arrives ... so the call still reads to EOF and gives True if that
    comes in time

    The TLS peer sends its close_notify first; once the reader is at EOF
    (and, where the transport closes itself, its socket is closed), the
    call returns True at once, with timeout 0 or 5 s. (An earlier version
    returned False at once on 3.11+, for any timeout, as for a writer the
    caller had closed; 3.10, whose transport does not close itself, gave
    True.)"""

    async def main():
        async with tls_connected(tls_contexts, sends_its_eof_first) as (
            reader,
            writer,
            raw,
            peer,
        ):

            def settled():
                """The reader is at EOF, and the socket closed if closing."""
                still_closing = writer.is_closing() and raw.fileno() != -1
                return reader.at_eof() and not still_closing

            await until(settled)
            await true_at_once(reader, writer, raw, peer, timeout)

    run(main())


def sends_its_eof_first_then_reads_raw(tls: ssl.SSLSocket, stop: threading.Event):
    """Send a close_notify at once (unwrap(), which waits for the writer's),
    then read what comes raw until the end; return it."""
    got = b""
    with contextlib.suppress(OSError):
        tls.unwrap()
        while chunk := tls.recv(65536):  # raw now; bounded: the socket's timeout
            got += chunk
    return got


@pytest.mark.skipif(
    sys.version_info < (3, 11), reason="3.10's TLS transport does not close itself"
)
def test_what_a_tls_writer_is_given_after_it_closed_itself_is_lost(tls_contexts):
    """What such a writer had not sent when it closed itself, or is given
    after, is lost: True says nothing of it.

    The TLS peer sends its close_notify first; once the writer has closed
    itself (3.11+), it is given a reply: the call returns True at once, and
    the peer, reading raw after its close_notify, gets nothing."""

    async def main():
        async with tls_connected(tls_contexts, sends_its_eof_first_then_reads_raw) as (
            reader,
            writer,
            raw,
            peer,
        ):
            await until(lambda: writer.is_closing() and reader.at_eof())
            writer.write(b"a reply nobody gets\n")
            start = time.monotonic()
            result = await closing.close_gracefully_async(reader, writer, TIMEOUT)
            assert result is True
            assert time.monotonic() - start < SLACK
            assert await peer.result() == b""

    run(main())


def test_raises_runtime_error_if_another_task_is_reading_from_reader():
    """while another task is reading from reader (a StreamReader takes one
    reader at a time), ... the first that finds nothing buffered raises
    RuntimeError; ... the writer is closed either way.

    Another task waits in reader.read() when the call begins: it raises
    asyncio's RuntimeError at its first read, at once, and the writer is
    closed; the peer gets the writer's EOF."""

    async def main():
        async with connected() as (reader, writer, peer):
            other = asyncio.ensure_future(reader.read(100))
            await asyncio.sleep(0)  # it waits for data
            assert not other.done()
            start = time.monotonic()
            try:
                with pytest.raises(RuntimeError, match="already waiting"):
                    await closing.close_gracefully_async(reader, writer, TIMEOUT)
                assert time.monotonic() - start < SLACK
                assert is_closed(writer)
                assert await read_all(peer) == (b"", "EOF")
            finally:
                other.cancel()
                await asyncio.wait({other}, timeout=TIMEOUT)

    run(main())


@pytest.mark.parametrize(
    "buffered, timeout, max_bytes, expected",
    [
        (50, 0, None, False),
        (50, TIMEOUT, 10, False),
        (50, TIMEOUT, 50, RuntimeError),
        (50, TIMEOUT, None, RuntimeError),
        (0, 0, None, RuntimeError),
    ],
    ids=[
        "timeout 0",
        "more than max_bytes taken",
        "max_bytes taken, not more",
        "a read that finds nothing",
        "timeout 0, nothing buffered",
    ],
)
def test_with_another_task_reading_it_takes_the_bytes_already_buffered(
    buffered, timeout, max_bytes, expected
):
    """Give it the reader alone: while another task is reading from reader
    (a StreamReader takes one reader at a time), each of the call's reads
    takes what is buffered, which that task then misses, and the first that
    finds nothing buffered raises RuntimeError; the call makes one read in
    every case but two ..., timeout 0 included, and another after each
    while time is left and no more than max_bytes were taken (so it returns
    False instead once the time is spent, or more than max_bytes were
    taken, by reads that found bytes); the writer is closed either way.

    Another task waits in reader.readexactly(100); the peer has sent 50
    bytes (buffered, a private attribute tells), or nothing, and no EOF.
    With the 50 buffered: False at timeout 0 or with max_bytes 10; with
    max_bytes 50 or None, the next read finds nothing: RuntimeError. With
    nothing buffered, timeout 0: RuntimeError. The writer is closed; the
    other task, woken by the writer's close, ends without the 50 bytes."""

    async def main():
        async with connected() as (reader, writer, peer):
            other = asyncio.ensure_future(reader.readexactly(100))
            if buffered:
                peer.send(PAYLOAD[:buffered])
                await until(lambda: len(reader._buffer) == buffered)
            else:
                await asyncio.sleep(0)  # the other task waits
            assert not other.done()
            call = closing.close_gracefully_async(reader, writer, timeout, max_bytes)
            if expected is RuntimeError:
                with pytest.raises(RuntimeError, match="already waiting"):
                    await call
            else:
                assert await call is expected
            assert is_closed(writer)
            done, _ = await asyncio.wait({other}, timeout=TIMEOUT)
            assert done
            with pytest.raises(asyncio.IncompleteReadError) as missed:
                other.result()
            assert missed.value.partial == b""

    run(main())


def test_a_reset_asyncio_has_not_seen_fails_write_eof_false_with_no_read():
    """the call makes one read in every case but two (... and so does one
    whose write_eof() fails: over TCP, a connection reset or given up that
    asyncio has not yet seen, ...)

    5 bytes buffered in the reader; the peer resets; the event loop does
    not run until the kernel has the reset (the test waits for it without
    awaiting): the call returns False at once, its write_eof() having
    failed (ENOTCONN), and the 5 bytes are still buffered: no read."""

    async def main():
        async with connected() as (reader, writer, peer):
            peer.send(b"hello")
            await until(lambda: len(reader._buffer) == 5)  # private: no public view
            reset(peer)
            raw = writer.get_extra_info("socket")
            deadline = time.monotonic() + TIMEOUT
            while raw.getsockopt(socket.IPPROTO_TCP, socket.TCP_INFO, 8)[0] != 7:
                assert time.monotonic() < deadline, "no reset"  # 7: TCP_CLOSE
                time.sleep(0.001)  # the scenario: a loop that does not run
            start = time.monotonic()
            assert (
                await closing.close_gracefully_async(reader, writer, TIMEOUT) is False
            )
            assert time.monotonic() - start < SLACK
            assert bytes(reader._buffer) == b"hello"
            assert is_closed(writer)

    run(main())


def test_a_socket_never_connected_fails_write_eof_false_with_no_read(sockets):
    """the call makes one read in every case but two (... and so does one
    whose write_eof() fails: ... or a socket never connected)

    A writer made with open_connection(sock=) from a TCP socket that never
    connected: the call returns False at once (its write_eof() fails with
    ENOTCONN), with timeout 5 s and 0, and the writer is closed."""

    async def main(timeout):
        reader, writer = await asyncio.open_connection(sock=sockets.unconnected())
        start = time.monotonic()
        assert await closing.close_gracefully_async(reader, writer, timeout) is False
        assert time.monotonic() - start < SLACK
        assert is_closed(writer)

    for timeout in (TIMEOUT, 0):
        run(main(timeout))


# A child that reads its stdin to the end, writes what it read back to its
# stdout, and exits: its stdout's EOF follows the writer's EOF.
ECHO_CHILD = "import sys; sys.stdout.buffer.write(sys.stdin.buffer.read())"


def test_over_a_subprocess_pipes_the_childs_eof_gives_true():
    """Over TLS and over a subprocess's pipes ... the
    call still reads to EOF and gives True if that comes in time (... from
    a pipe, the EOF comes once every process holding the child's stdout has
    closed it ...)

    With the child's stdout as reader and its stdin as writer: write_eof()
    marks the pipe writer closing at once (an earlier version took that for
    a close by another task and returned False); the child reads up to the
    EOF, echoes 100 bytes and exits; the call discards them, reads the
    child's EOF and returns True, in time, with the writer closed."""

    async def main():
        async with python_child(ECHO_CHILD) as process:
            reader, writer = process.stdout, process.stdin
            assert writer.get_extra_info("pipe") is not None
            writer.write(TLS_DATA)
            start = time.monotonic()
            result = await closing.close_gracefully_async(reader, writer, TIMEOUT)
            assert time.monotonic() - start < TIMEOUT
            assert result is True
            assert reader.at_eof() and writer.transport.is_closing()
            assert await asyncio.wait_for(process.wait(), TIMEOUT) == 0

    run(main())


def sends_data_then_its_eof(tls: ssl.SSLSocket, stop: threading.Event):
    """Send 100 bytes and a close_notify at once (unwrap(), which waits for
    the writer's), then read what comes raw until the end."""
    with contextlib.suppress(OSError):
        tls.sendall(TLS_DATA)
        tls.unwrap()
        while tls.recv(65536):  # raw now; bounded: the socket's timeout
            pass


def test_a_tls_writer_closed_by_the_peers_eof_with_data_unread_gives_true(
    tls_contexts,
):
    """Over TLS and over a subprocess's pipes, a writer already closing is no
    exception: asyncio's TLS transport (3.11+) closes itself once the peer's
    EOF arrives ... so the call still reads to EOF and gives True if that
    comes in time

    The TLS peer sends 100 bytes, then its close_notify, and the caller
    reads none of them: the call discards them, reads the EOF and returns
    True. (An earlier version returned False at once on 3.11+, where the
    transport had closed itself with the data unread, and True on 3.10.)"""

    async def main():
        async with tls_connected(tls_contexts, sends_data_then_its_eof) as (
            reader,
            writer,
            raw,
            peer,
        ):
            if sys.version_info >= (3, 11):
                await until(writer.is_closing)
            await true_at_once(reader, writer, raw, peer, TIMEOUT)

    run(main())


# A child that reads nothing, says it is ready, and on SIGUSR1 closes its
# stdin and its stdout (the writer's pipe breaks, the reader gets its EOF),
# then, or on SIGUSR2 at once, ends: alive, or gone, while the call closes.
BREAKS_ITS_STDIN = """
import os, signal, sys
signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGUSR1, signal.SIGUSR2})
print("ready", flush=True)
if signal.sigwait({signal.SIGUSR1, signal.SIGUSR2}) == signal.SIGUSR1:
    os.close(0)
    os.close(1)
    signal.sigwait({signal.SIGUSR2})
"""


@pytest.mark.parametrize("child", ["alive", "gone"])
def test_a_pipe_writer_that_breaks_during_its_own_close_gives_false(child):
    """A pipe writer that was not closing when the call began, and breaks
    while the call's own close still sends (the child closed its stdin or
    went, with data of yours unread), gives False.

    1 MB written to a child that reads nothing (most of it left in the
    writer's buffer), then the call (timeout 5 s), which sends its EOF and
    closes; then the child closes its stdin and stdout and stays alive, or
    exits: False, the writer closed. (An earlier version returned True.)"""

    async def main():
        async with python_child(BREAKS_ITS_STDIN) as process:
            reader, writer = process.stdout, process.stdin
            assert await asyncio.wait_for(reader.readline(), TIMEOUT) == b"ready\n"
            writer.write(PAYLOAD[:1_000_000])
            assert writer.transport.get_write_buffer_size() > 0
            call = asyncio.ensure_future(
                closing.close_gracefully_async(reader, writer, TIMEOUT)
            )
            await asyncio.sleep(0)  # it has begun: its EOF sent, the writer closing
            assert writer.is_closing() and not call.done()
            process.send_signal(signal.SIGUSR1 if child == "alive" else signal.SIGUSR2)
            assert await asyncio.wait_for(call, TIMEOUT) is False
            assert writer.transport.is_closing()
            if child == "alive":
                assert process.returncode is None

    run(main())


@pytest.mark.parametrize(
    "written",
    ["one byte after the child went", "200 kB, unsent when the child went"],
)
def test_a_pipe_writer_closed_as_the_child_went_gives_true(written):
    """Over TLS and over a subprocess's pipes, a writer already closing is no
    exception: ... and a pipe writer once every
    process holding the read end of the child's stdin has closed it (the
    child's exit does, ...), so the
    call still reads to EOF and gives True if that comes in time ... What such a
    writer had not sent when it closed itself, or is given after, is lost:
    True says nothing of it.

    A child that exits without reading its stdin, given one byte after it
    went (the writer, closed already, drops it), or 200 kB as it starts
    (more than a pipe holds: its stdin writer fails with BrokenPipeError as
    the child goes): once the writer has closed itself, the call reads the
    child's stdout to its EOF and returns True. (An earlier version returned
    False at once; another, False for the failed pipe.)"""

    async def main():
        async with python_child("print('bye')") as process:
            reader, writer = process.stdout, process.stdin
            if written.startswith("200 kB"):
                writer.write(PAYLOAD[:200_000])
            assert await asyncio.wait_for(process.wait(), TIMEOUT) == 0
            if written.startswith("one byte"):
                writer.write(b"x")  # dropped: the writer closed as the child went
            await until(writer.is_closing)
            start = time.monotonic()
            result = await closing.close_gracefully_async(reader, writer, TIMEOUT)
            assert result is True
            assert time.monotonic() - start < SLACK

    run(main())


# A child that starts a grandchild holding its stdin and stdout (inherited),
# prints the grandchild's pid, and exits without waiting for it.
PASSES_ITS_PIPES_ON = (
    "import subprocess, sys; "
    "g = subprocess.Popen([sys.executable, '-S', '-c', 'import time; time.sleep(30)']);"
    " print(g.pid, flush=True)"
)


def test_a_pipe_writer_closes_once_no_process_holds_the_childs_stdin():
    """a pipe writer once every
    process holding the read end of the child's stdin has closed it (the
    child's exit does, unless a process it started still holds it)

    The child starts a grandchild that inherits its stdin and stdout, then
    exits: the writer is not closing and the reader gets no EOF (an earlier
    clause said the writer closed once the child had gone), so the call
    gives False at its timeout (0.5 s); once the grandchild is killed, the
    reader's EOF comes."""

    async def main():
        async with python_child(PASSES_ITS_PIPES_ON) as process:
            reader, writer = process.stdout, process.stdin
            grandchild = int(await asyncio.wait_for(reader.readline(), TIMEOUT))
            try:
                await until(lambda: process.returncode is not None)
                assert not writer.is_closing()
                start = time.monotonic()
                result = await closing.close_gracefully_async(reader, writer, 0.5)
                assert result is False
                assert 0.5 <= time.monotonic() - start < 0.5 + SLACK
                assert not reader.at_eof()
            finally:
                os.kill(grandchild, signal.SIGKILL)
            assert await asyncio.wait_for(reader.read(), TIMEOUT) == b""

    run(main())


def sends_200_kb_then_its_eof(tls: ssl.SSLSocket, stop: threading.Event):
    """Send 200 kB (more than a StreamReader buffers before it pauses its
    transport, twice 64 KiB), then a close_notify and the FIN."""
    with contextlib.suppress(OSError):
        tls.sendall(PAYLOAD[:200_000])
        tls.unwrap()


@pytest.mark.parametrize("max_bytes", [None, 100])
@pytest.mark.parametrize("how", ["SHUT_RD", "SHUT_RDWR"])
@pytest.mark.parametrize("by", ["its socket", "a dup()"])
def test_a_socket_already_shut_down_for_reading_gives_true_at_once(how, by, max_bytes):
    """A
    writer whose socket is already shut down for reading (shutdown(SHUT_RD)
    or SHUT_RDWR, through writer.get_extra_info("socket") or another holder
    of it) while the connection is still open reads, without waiting, what
    had already arrived, then EOF: True then says nothing of the peer (False
    if what had arrived was more than max_bytes); abort such a writer.

    The peer's 5000 bytes arrive, then the writer's socket, or a dup() of
    it, is shut down for reading; the peer sends no EOF: the call returns
    at once (timeout 5 s), True with no max_bytes, False with max_bytes 100
    (an earlier clause said the EOF came at once), the writer closed."""

    async def main():
        async with connected() as (reader, writer, peer):
            sock = writer.get_extra_info("socket")
            peer.sendall(b"x" * 5000)
            # Queued for the writer's socket before the loop reads any of it
            # (no await in between): peeked through a dup(), non-blocking
            # as the loop's own socket is.
            with socket.socket(fileno=os.dup(sock.fileno())) as view:
                for _ in range(500):  # bounded: 5 s at most
                    with contextlib.suppress(BlockingIOError):
                        if len(view.recv(8192, socket.MSG_PEEK)) == 5000:
                            break
                    time.sleep(0.01)  # a test's poll of the queue, bounded
                else:
                    raise AssertionError("the peer's 5000 bytes did not arrive")
            if by == "a dup()":
                with socket.socket(fileno=os.dup(sock.fileno())) as holder:
                    holder.shutdown(getattr(socket, how))
            else:
                sock.shutdown(getattr(socket, how))
            start = time.monotonic()
            result = await closing.close_gracefully_async(
                reader, writer, TIMEOUT, max_bytes=max_bytes
            )
            assert result is (max_bytes is None)
            assert time.monotonic() - start < SLACK
            assert is_closed(writer)

    run(main())


def reads_5_bytes_then_closes(tls: ssl.SSLSocket, stop: threading.Event) -> bytes:
    """A TLSPeer role: read the writer's 5 bytes, then close: a FIN, no
    close_notify."""
    data = b""
    while len(data) < 5:  # bounded: the socket's timeout
        data += tls.recv(5 - len(data))
    return data


@pytest.mark.parametrize("timeout", [0, TIMEOUT])
def test_over_tls_a_fin_without_close_notify_is_the_peers_eof(tls_contexts, timeout):
    """Over TLS the peer's EOF is its close_notify, or a FIN without one.

    The TLS peer reads our b"hello", then closes with a FIN and no
    close_notify; once the reader is at EOF, the call returns True at once,
    with timeout 0 and 5 s."""

    async def main():
        async with tls_connected(tls_contexts, reads_5_bytes_then_closes) as (
            reader,
            writer,
            raw,
            peer,
        ):
            writer.write(b"hello")
            assert await peer.result() == b"hello"
            await until(reader.at_eof)
            start = time.monotonic()
            result = await closing.close_gracefully_async(reader, writer, timeout)
            assert result is True
            assert time.monotonic() - start < SLACK
            assert writer.transport.is_closing() and raw.fileno() == -1

    run(main())


def test_a_tls_peer_whose_reply_and_eof_all_arrived_gives_true(tls_contexts):
    """Returns True if the peer's EOF arrived and the writer closed in time

    A TLS peer sends 200 kB, then its close_notify and its FIN, all of it
    arriving while the event loop is busy (0.5 s): the call discards the
    200 kB, reads the EOF and returns True, on every version. (On 3.10 the
    TLS transport closed itself under the paused reader, whose next read
    then raised AttributeError from resume_reading(): an earlier version let
    it escape.)"""

    async def main():
        async with tls_connected(tls_contexts, sends_200_kb_then_its_eof) as (
            reader,
            writer,
            raw,
            peer,
        ):
            time.sleep(0.5)  # the scenario: a busy loop, while it all arrives
            start = time.monotonic()
            result = await closing.close_gracefully_async(reader, writer, TIMEOUT)
            assert result is True
            assert time.monotonic() - start < SLACK
            assert writer.transport.is_closing()
            await peer.result()

    run(main())


def test_code_that_blocks_the_loop_delays_the_return():
    """Like every asyncio timeout, it holds while the event loop runs: code
    that blocks the loop (a time.sleep() in another task, say) delays the
    return by as long

    The peer neither reads 16 MB nor sends EOF; another task blocks the
    loop for 0.5 s as the call, with a timeout of SHORT, begins to wait:
    False, returned 0.5 s or more after the call began."""

    async def main():
        async with connected() as (reader, writer, peer):
            await queue(writer, peer, "never reads nor sends EOF")

            async def block():
                await asyncio.sleep(0)  # the call has begun to wait
                time.sleep(0.5)  # the scenario: it blocks the event loop

            blocker = asyncio.ensure_future(block())
            start = time.monotonic()
            result = await closing.close_gracefully_async(reader, writer, SHORT)
            took = time.monotonic() - start
            await blocker
            assert result is False
            assert took >= 0.5
            assert is_closed(writer)

    run(main())


def test_returns_false_if_the_connection_fails_while_it_closes():
    """False otherwise (time spent, more than max_bytes discarded, connection
    failed, also while the close still sent

    The peer sends its EOF at once; once the call has read it and begun to
    close, the peer reads 1 MB of a 16 MB reply, then resets: False. (An
    earlier body returned True: close_writer() counts a connection that
    fails while closing as closed.)"""

    async def main():
        async with connected() as (reader, writer, peer):
            loop = asyncio.get_running_loop()
            writer.write(PAYLOAD)
            peer.shutdown(socket.SHUT_WR)

            async def read_then_reset():
                for _ in range(100_000):  # until the call has begun to close
                    if writer.is_closing():
                        break
                    await asyncio.sleep(0)
                assert writer.is_closing()
                got = 0
                while got < 1 << 20:
                    chunk = await loop.sock_recv(peer, 65536)
                    if not chunk:
                        break
                    got += len(chunk)
                reset(peer)
                return got

            resetting = asyncio.ensure_future(read_then_reset())
            result = await closing.close_gracefully_async(reader, writer, TIMEOUT)
            assert await asyncio.wait_for(resetting, TIMEOUT) >= 1 << 20
            assert result is False
            assert is_closed(writer)

    run(main())


def uploads_4_mb_then_reads(tls: ssl.SSLSocket, stop: threading.Event) -> bytes:
    """Send 4 MB, then read what comes until the end; return it."""
    got = b""
    with contextlib.suppress(OSError):
        tls.sendall(PAYLOAD[: 4 << 20])
        while chunk := tls.recv(65536):  # bounded: the socket's timeout
            got += chunk
    return got


def test_over_tls_on_3_10_a_spent_byte_budget_may_still_wait_for_the_close(
    tls_contexts,
):
    """Over TLS on 3.10, once more than max_bytes were discarded, the close
    may still wait for the rest of timeout (its TLS shutdown waits for the
    peer's close_notify, which a peer still sending does not send): False,
    at the latest at the timeout; 3.11 to 3.13 return False at once, as run
    here, when the peer's data still arrives after the call's close_notify

    A TLS peer uploads 4 MB and only then reads; max_bytes is 200 kB and
    timeout 1 s: False, within 1 s and SLACK on 3.10 (here usually after the
    whole second, once at once in a clean-clone run), within SLACK on 3.11
    and later."""

    async def main():
        async with tls_connected(tls_contexts, uploads_4_mb_then_reads) as (
            reader,
            writer,
            raw,
            peer,
        ):
            start = time.monotonic()
            result = await closing.close_gracefully_async(
                reader, writer, 1.0, max_bytes=200_000
            )
            took = time.monotonic() - start
            assert result is False
            if sys.version_info < (3, 11):
                assert took < 1.0 + SLACK
            else:
                assert took < SLACK

    run(main())


SILENT_AFTER = 120_000  # bytes: less than a StreamReader takes before it pauses


def sends_120_kb_then_waits(tls: ssl.SSLSocket, stop: threading.Event) -> None:
    """Send SILENT_AFTER bytes, then nothing, until the test ends."""
    tls.sendall(PAYLOAD[:SILENT_AFTER])
    stop.wait(TIMEOUT)


def test_over_tls_a_spent_budget_with_a_silent_peer_waits_for_the_timeout(
    tls_contexts,
):
    """3.11 to 3.13 return False at once, as run here, when the peer's
    data still arrives after the call's close_notify, but a peer whose data
    asyncio has all read and which then sends nothing makes every version
    wait for the timeout (...): False then.

    A TLS peer sends 120 kB, then nothing and no close_notify; once the
    reader holds all of it (a private attribute: no public one tells),
    with max_bytes 100 kB and timeout 0.5 s: False at the timeout, on every
    version (an earlier clause said at once on 3.11 and later)."""

    async def main():
        async with tls_connected(tls_contexts, sends_120_kb_then_waits) as (
            reader,
            writer,
            raw,
            peer,
        ):
            await until(lambda: len(reader._buffer) >= SILENT_AFTER)
            start = time.monotonic()
            result = await closing.close_gracefully_async(
                reader, writer, 0.5, max_bytes=100_000
            )
            took = time.monotonic() - start
            assert result is False
            assert 0.5 - 0.05 <= took < 0.5 + SLACK

    run(main())


@pytest.mark.skipif(
    sys.version_info < (3, 11), reason="ssl_shutdown_timeout is new in Python 3.11"
)
def test_over_tls_a_spent_budget_with_a_silent_peer_ends_at_ssl_shutdown_timeout(
    tls_contexts,
):
    """... makes every version
    wait for the timeout (on 3.11 to 3.13, or for asyncio's
    ssl_shutdown_timeout, 30 s by default, if that ends first): False
    then.

    As in the test above, but the connection opened with
    ssl_shutdown_timeout=SHORT and the call given TIMEOUT: False once SHORT
    is spent, long before the timeout (an earlier clause said every version
    waits for the timeout)."""

    async def main():
        async with tls_connected(
            tls_contexts, sends_120_kb_then_waits, ssl_shutdown_timeout=SHORT
        ) as (reader, writer, raw, peer):
            await until(lambda: len(reader._buffer) >= SILENT_AFTER)
            start = time.monotonic()
            result = await closing.close_gracefully_async(
                reader, writer, TIMEOUT, max_bytes=100_000
            )
            took = time.monotonic() - start
            assert result is False
            assert SHORT - 0.05 <= took < SHORT + SLACK
            assert writer.transport.is_closing() and raw.fileno() == -1

    run(main())


def test_over_pipes_the_reader_stays_open():
    """Over pipes only the writer is closed; the reader, the child's stdout,
    stays open: after False, a child still writing blocks once that pipe
    fills, and on 3.11 and later, once the reader's buffer is full (it has
    paused reading), proc.wait() waits for the pipe too, even after kill():
    read it to its EOF.

    A child writes without end; with max_bytes 1000 the call returns False,
    and the child still runs, until the reader's buffer is full and it
    pauses; after kill(), proc.wait() has not returned 0.5 s later on 3.11
    and later; once stdout is read to its EOF, it returns -9."""

    async def main():
        endless = "import sys\nwhile True: sys.stdout.buffer.write(b'y' * 65536)"
        async with python_child(endless) as process:
            reader, writer = process.stdout, process.stdin
            result = await closing.close_gracefully_async(
                reader, writer, TIMEOUT, max_bytes=1000
            )
            assert result is False
            assert process.returncode is None
            await until(lambda: reader._paused)  # its buffer is full: the child blocks
            process.kill()
            waiting = asyncio.ensure_future(process.wait())
            done, _ = await asyncio.wait({waiting}, timeout=0.5)
            assert bool(done) is (sys.version_info < (3, 11))
            for _ in range(100_000):  # bounded: the pipe ends as the child went
                if not await asyncio.wait_for(reader.read(65536), TIMEOUT):
                    break
            assert await asyncio.wait_for(waiting, TIMEOUT) == -9

    run(main())


def test_it_raises_what_close_writer_raises_the_writer_closed():
    """It is closed too when close_writer() raises (NotImplementedError for
    a writer with no close waiter): this call raises it too.

    A StreamWriter made on asyncio.streams.FlowControlMixin over a pipe
    that nobody reads, 1 MB queued, its reader at EOF: NotImplementedError
    at once, the rest of the buffer dropped and the pipe closed. (An earlier
    version returned True, with 983 040 bytes still queued.)"""

    async def main():
        async with unread_pipe_writer() as (writer, pipe):
            reader = asyncio.StreamReader()
            reader.feed_eof()
            start = time.monotonic()
            with pytest.raises(NotImplementedError):
                await asyncio.wait_for(
                    closing.close_gracefully_async(reader, writer, TIMEOUT), TIMEOUT
                )
            assert time.monotonic() - start < SLACK
            assert writer.transport.get_write_buffer_size() == 0
            await asyncio.sleep(0)  # abort() closes the pipe in the next iteration
            assert pipe.closed

    run(main())


@pytest.mark.parametrize("max_bytes, expected", [(20_000, True), (19_999, False)])
def test_over_tls_with_a_small_reader_limit_each_byte_counts_once(
    tls_contexts, max_bytes, expected
):
    """Returns True if the peer's EOF arrived and the writer closed in time,
    False otherwise (time spent, more than max_bytes discarded

    A reader whose limit is 8 KiB (it pauses its transport past 16 KiB); a
    TLS peer sends 20 000 bytes, then its close_notify and its FIN; the
    call begins once the reader has paused (and, on 3.10, its transport
    has closed itself and its socket under it): True with max_bytes
    20 000, False with 19 999, on every version. (On 3.10 an earlier
    version counted the chunk that the failing read took as 64 KiB: False
    for 20 000.)"""

    async def main():
        async with tls_connected(
            tls_contexts, sends_20_kb_then_its_eof, limit=8192
        ) as (reader, writer, raw, peer):
            await until_paused(reader, raw)
            result = await closing.close_gracefully_async(
                reader, writer, TIMEOUT, max_bytes=max_bytes
            )
            assert result is expected
            assert writer.transport.is_closing()
            await peer.result()

    run(main())


def test_over_tls_zero_may_miss_a_close_notify_still_unread(tls_contexts):
    """so 0 takes an EOF already received with nothing before it (over TLS
    ..., one that asyncio has already read, reader.at_eof(): a close_notify
    ... still unread in the kernel, the event loop busy meanwhile, may give
    False).

    The TLS peer sends its close_notify first, while the event loop is busy
    (0.3 s), so that it waits unread in the kernel (the reader is not at
    EOF): timeout 0 gives False on 3.10, every time here; on 3.11 to 3.13
    True or False, as the loop's turns fall. Either way the writer is
    closed."""

    async def main():
        async with tls_connected(tls_contexts, sends_close_notify_first) as (
            reader,
            writer,
            raw,
            peer,
        ):
            time.sleep(0.3)  # the scenario: a busy loop, while it arrives
            assert not reader.at_eof()
            result = await closing.close_gracefully_async(reader, writer, 0)
            if sys.version_info < (3, 11):
                assert result is False
            assert writer.transport.is_closing() and raw.fileno() == -1
            await peer.result()

    run(main())


# Reads a line from its stdin, closes its stdout (fd 1 then points to
# /dev/null), then reads its stdin to the end.
CLOSES_STDOUT_WHEN_TOLD = (
    "import os, sys; sys.stdin.buffer.readline(); os.close(1); "
    "os.open(os.devnull, os.O_WRONLY); sys.stdin.buffer.read()"
)


def test_over_pipes_zero_may_miss_an_eof_still_unread():
    """so 0 takes an EOF already received with nothing before it (over ...
    a subprocess's pipes, one that asyncio has already read,
    reader.at_eof(): ... a pipe's end, still unread in the kernel, the event
    loop busy meanwhile, may give False).

    We tell a child to close its stdout (a line on its stdin: a pipe
    writer's write() writes at once when nothing is buffered), then wait,
    blocking, until the child's fd 1 is no longer the pipe: the event loop
    has not run since, so the pipe's end is unread in the kernel, the
    reader is not at EOF, and timeout 0 gives False (asyncio takes a pipe's
    end in several turns of the loop), on every version here; the child
    still gets our EOF and exits. (A child that closes its stdout unasked
    may do so while the loop still runs, which can then have read the end
    without the reader being at EOF yet: then True, in 1 run of 100 on
    3.11.7 here.)"""

    async def main():
        async with python_child(CLOSES_STDOUT_WHEN_TOLD) as process:
            reader, writer = process.stdout, process.stdin
            writer.write(b"close your stdout\n")
            assert not writer.transport.get_write_buffer_size()  # written at once
            stdout = f"/proc/{process.pid}/fd/1"
            for _ in range(2000):  # bounded: until the child has closed it
                with contextlib.suppress(FileNotFoundError):  # closed, not reopened
                    if not os.readlink(stdout).startswith("pipe:"):
                        break
                time.sleep(0.005)  # the scenario: the loop does not run
            assert not os.readlink(stdout).startswith("pipe:")
            assert not reader.at_eof()
            result = await closing.close_gracefully_async(reader, writer, 0)
            assert result is False
            assert await asyncio.wait_for(process.wait(), TIMEOUT) == 0

    run(main())


def test_an_abort_by_another_task_while_it_closes_counts_as_closed():
    """An abort by another task once this call has read EOF and is closing
    counts as closed, as in close_writer(): True, with the rest of the
    buffer dropped.

    16 MB wait for a peer that sends its EOF at once and then reads
    nothing; once the call has read the EOF and begun to close, another
    task aborts the transport: True, and the peer gets only part of the
    16 MB."""

    async def main():
        async with connected() as (reader, writer, peer):
            writer.write(PAYLOAD)
            peer.shutdown(socket.SHUT_WR)

            async def abort_once_closing():
                for _ in range(100_000):  # until the call has begun to close
                    if writer.is_closing():
                        break
                    await asyncio.sleep(0)
                assert writer.is_closing()
                writer.transport.abort()  # the scenario: another task's abort

            aborting = asyncio.ensure_future(abort_once_closing())
            result = await closing.close_gracefully_async(reader, writer, TIMEOUT)
            await asyncio.wait_for(aborting, TIMEOUT)
            assert result is True
            assert is_closed(writer)
            got, end = await read_all(peer)
            assert 0 < len(got) < BIG and got == PAYLOAD[: len(got)]

    run(main())


def test_over_tls_timeout_zero_with_data_ahead_of_the_eof_gives_false(tls_contexts):
    """once it is spent, one more read takes what has arrived, so 0 takes an
    EOF already received with nothing before it

    A reader whose limit is 8 KiB; a TLS peer sends 20 000 bytes, then its
    close_notify and its FIN, all of it arrived (on 3.10 the transport has
    closed itself under the paused reader): timeout 0 reads once, the
    20 000 bytes, and gives False, on every version. (On 3.10 an earlier
    version read a second time, took the EOF, and gave True.)"""

    async def main():
        async with tls_connected(
            tls_contexts, sends_20_kb_then_its_eof, limit=8192
        ) as (reader, writer, raw, peer):
            await until_paused(reader, raw)
            assert await closing.close_gracefully_async(reader, writer, 0) is False
            assert writer.transport.is_closing()
            await peer.result()

    run(main())


def test_a_tls_writer_aborted_then_closed_still_gives_true_at_its_eof(tls_contexts):
    """over TLS, a writer that you, an earlier call, or another task while
    this call reads, closed or aborted looks the same, and gives True too
    once its reader reads EOF; on 3.11 to 3.13, one closed twice too, but
    close_writer() cannot abort it

    A TLS writer aborted, then closed (a broken writer on 3.11 to 3.13,
    whose get_extra_info() raises AttributeError): True, on every version.
    (An earlier version raised AttributeError on 3.11 to 3.13.)"""

    async def main():
        async with tls_connected(tls_contexts, waits_for_your_eof) as (
            reader,
            writer,
            raw,
            peer,
        ):
            writer.transport.abort()
            writer.close()  # the scenario: a close() after the abort
            result = await closing.close_gracefully_async(reader, writer, TIMEOUT)
            assert result is True
            peer.stop.set()
            await peer.result()

    run(main())


def test_with_so_linger_on_with_a_time_true_can_come_after_the_timeout():
    """So does the call's own close over TCP with SO_LINGER
    on with a time (not 0): closing the socket, or aborting it, with nothing
    of the peer's unread, blocks the loop until the peer has acknowledged
    what is queued and the FIN, or that time has run (close_writer()), so
    the timeout does not bound the call then, True can come after it

    SO_LINGER on with 1 s, most of 300 kB unsent to a peer that reads
    nothing but has sent its EOF; timeout 0.3 s: True, after about 1 s."""

    async def main():
        async with lingering(1) as (reader, writer, peer):
            peer.shutdown(socket.SHUT_WR)
            start = time.monotonic()
            assert await closing.close_gracefully_async(reader, writer, 0.3) is True
            assert 0.9 <= time.monotonic() - start < 1 + SLACK

    run(main())


def test_with_so_linger_on_with_a_time_a_cancelled_calls_close_is_not_at_once():
    """and a cancelled call's close is not at once either.

    SO_LINGER on with 1 s, most of 300 kB unsent to a silent peer; the call
    (timeout 10 s) is cancelled while it reads: the task ends about 1 s
    after the cancel, not at once, with the writer closed."""

    async def main():
        async with lingering(1) as (reader, writer, peer):
            call = asyncio.ensure_future(
                closing.close_gracefully_async(reader, writer, 10)
            )
            await asyncio.sleep(0.2)  # the scenario: the call is reading
            assert not call.done()
            start = time.monotonic()
            call.cancel()
            with pytest.raises(asyncio.CancelledError):
                await call
            assert 0.9 <= time.monotonic() - start < 1 + SLACK
            assert writer.transport.is_closing()

    run(main())


def test_after_an_earlier_cancelled_wait_closed_a_closing_writer_gives_false():
    """comes in time (False after an earlier cancelled
    wait_for(writer.wait_closed()), as close_writer() gives

    A child that reads its stdin to the end, echoes it and exits; 1 MB
    written, the writer closed, then wait_for(writer.wait_closed()) cancelled
    by its timeout: the call reads the child's EOF, and the writer closes,
    yet the result is False."""

    async def main():
        async with python_child(ECHO_CHILD) as process:
            reader, writer = process.stdout, process.stdin
            writer.write(PAYLOAD[: 1 << 20])
            writer.close()
            with contextlib.suppress(asyncio.TimeoutError):
                await asyncio.wait_for(writer.wait_closed(), 0.001)
            result = await closing.close_gracefully_async(reader, writer, TIMEOUT)
            assert result is False
            assert reader.at_eof()
            assert await asyncio.wait_for(process.wait(), TIMEOUT) == 0

    run(main())
