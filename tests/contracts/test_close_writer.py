"""Contract tests of closing.close_writer(), one per clause of its docstring.

Each test connects an asyncio StreamWriter (the one under test) to a plain
socket, the peer, which the test plays: it reads everything, reads nothing
while 16 MB wait to be sent, uploads more than any buffer holds, resets,
goes silent, sends after the writer's FIN, or closes first.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import math
import os
import socket
import ssl
import struct
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
    sends_close_notify_first,
    tls_connected,
    unread_pipe_writer,
    until,
)
from harness.peers.run_async import run

pytestmark = pytest.mark.skipif(
    sys.platform != "linux", reason="the contracts are verified on Linux"
)

SHORT = 0.2  # seconds: the timeout given to close_writer() when a test waits it out
TCP_ESTABLISHED = 1  # tcpi_state (include/net/tcp_states.h)

# What each peer does, and how much the writer has queued for it.
PEERS = {
    "reads everything": BIG,
    "never reads": BIG,
    "uploads more than any budget then reads": BIG,
    "resets": SMALL,
    "goes silent": SMALL,
    "sends after your EOF": SMALL,
    "closes first": SMALL,
}


def reads_then_closes(tls: ssl.SSLSocket, stop: threading.Event) -> bytes:
    """Read until the writer's close_notify or end, then close at once:
    answer with a FIN, no close_notify."""
    return read_tls_until_eof(tls)


def reads_then_sends_close_notify(tls: ssl.SSLSocket, stop: threading.Event) -> bytes:
    """Read until the writer's close_notify, answer with a close_notify of its
    own (unwrap()), then send no FIN until the writer's socket has closed."""
    data = read_tls_until_eof(tls)
    tls.unwrap()
    while tls.recv(65536):  # raw now; bounded: the socket's timeout
        pass
    return data


def answers_mid_stream(go_on: threading.Event):
    """A TLS peer role: read 64 KiB of what the writer sends, answer b"ack",
    then read nothing until go_on is set, then read on until the end; what
    it read."""

    def answers_mid_stream(tls: ssl.SSLSocket, stop: threading.Event) -> bytes:
        data = bytearray()
        while len(data) < SMALL:  # bounded: the socket's timeout
            chunk = tls.recv(SMALL)
            if not chunk:
                break
            data += chunk
        tls.sendall(b"ack")
        go_on.wait(TIMEOUT)
        return bytes(data) + read_tls_until_eof(tls)

    return answers_mid_stream


def reads_then_neither(tls: ssl.SSLSocket, stop: threading.Event) -> bytes:
    """Read until the writer's close_notify, then send neither a close_notify
    nor a FIN until the test ends."""
    data = read_tls_until_eof(tls)
    stop.wait(TIMEOUT)
    return data


async def play(peer: socket.socket, role: str) -> tuple[bytes, str] | None:
    """The peer's part while the writer closes; what it read, if it reads."""
    loop = asyncio.get_running_loop()
    if role in ("reads everything", "closes first"):
        return await read_all(peer)
    if role == "uploads more than any budget then reads":
        with contextlib.suppress(OSError):  # the writer's abort resets
            await asyncio.wait_for(loop.sock_sendall(peer, PAYLOAD), TIMEOUT)
        return await read_all(peer)
    if role == "sends after your EOF":
        got = await read_all(peer)
        with contextlib.suppress(OSError):  # the writer's socket is closed
            await asyncio.wait_for(loop.sock_sendall(peer, PAYLOAD[:SMALL]), TIMEOUT)
        return got
    return None  # "never reads", "goes silent", "resets": nothing during the close


async def queue(writer: asyncio.StreamWriter, peer: socket.socket, role: str) -> int:
    """Write what PEERS gives role; prepare the peer; return the size written."""
    size = PEERS[role]
    writer.write(PAYLOAD[:size])
    if role == "closes first":
        peer.shutdown(socket.SHUT_WR)
    elif role == "resets":
        reset(peer)
    return size


async def stuck(writer: asyncio.StreamWriter) -> None:
    """Queue PAYLOAD for a peer that never reads: most of it stays in asyncio."""
    writer.write(PAYLOAD)
    assert writer.transport.get_write_buffer_size() > 0


def assert_prefix_lost(got: bytes, end: str) -> None:
    """The peer got a strict prefix of PAYLOAD: the rest was dropped."""
    assert end in ("EOF", "reset")
    assert 0 < len(got) < BIG
    assert got == PAYLOAD[: len(got)]


@pytest.mark.parametrize("role", ["reads everything", "closes first", "goes silent"])
def test_returns_true_if_it_closed_with_its_buffer_flushed(role):
    """Returns True if it closed (its buffer flushed ...) within timeout.

    The peer reads all 16 MB, or closed its side first and reads, or reads
    nothing while 64 KiB fit in the kernel's buffers; it gets every byte."""

    async def main():
        async with connected() as (_, writer, peer):
            size = await queue(writer, peer, role)
            reading = asyncio.ensure_future(play(peer, role))
            start = time.monotonic()
            closed = await closing.close_writer(writer, TIMEOUT)
            took = time.monotonic() - start
            got = await asyncio.wait_for(reading, TIMEOUT) or await read_all(peer)
            assert (closed, got) == (True, (PAYLOAD[:size], "EOF"))
            assert took < TIMEOUT
            assert is_closed(writer)

    run(main())


@pytest.mark.parametrize(
    "role", ["never reads", "uploads more than any budget then reads"]
)
def test_returns_false_if_it_had_to_abort_and_drops_the_rest(role):
    """False if it did not close within timeout: it then aborts what is
    still open (the rest of its buffer is dropped and the peer may get a
    reset; ...)

    The peer reads nothing while 16 MB are queued, or uploads 16 MB that
    nobody reads before it reads: the peer gets a strict prefix of what was
    written, then EOF or a reset."""

    async def main():
        async with connected() as (_, writer, peer):
            await stuck(writer)
            playing = asyncio.ensure_future(play(peer, role))
            closed = await closing.close_writer(writer, SHORT)
            got = await asyncio.wait_for(playing, TIMEOUT) or await read_all(peer)
            assert closed is False
            assert_prefix_lost(*got)
            assert is_closed(writer)

    run(main())


def test_an_abort_leaves_what_the_kernel_took_to_go_out_then_a_fin():
    """asyncio's abort
    closes the socket, without SO_LINGER 0, so with nothing of the peer's
    unread, what the kernel had already taken still goes out, then a FIN,
    from the connection that close orphans, as in close_gracefully()

    The peer reads nothing while 16 MB are queued; once the call has
    returned False, it reads: a strict prefix of what was written (what
    the kernel held), then EOF, not a reset."""

    async def main():
        async with connected() as (_, writer, peer):
            await stuck(writer)
            assert await closing.close_writer(writer, SHORT) is False
            assert is_closed(writer)
            got, end = await read_all(peer)
            assert end == "EOF"
            assert 0 < len(got) < BIG and got == PAYLOAD[: len(got)]

    run(main())


@pytest.mark.parametrize("timeout", [0, SHORT])
def test_timeout_bounds_the_wait(timeout):
    """timeout ... bounds the wait.

    The peer never reads 16 MB: it returns False after timeout seconds, and
    not much later."""

    async def main():
        async with connected() as (_, writer, _peer):
            await stuck(writer)
            start = time.monotonic()
            closed = await closing.close_writer(writer, timeout)
            took = time.monotonic() - start
            assert closed is False
            assert timeout <= took < timeout + SLACK
            assert is_closed(writer)

    run(main())


@pytest.mark.parametrize(
    ("left", "expected"),
    [("nothing", True), ("nothing: an earlier call closed it", True), ("16 MB", False)],
)
def test_zero_aborts_unless_nothing_is_left_to_send(left, expected):
    """0 aborts unless the close completes at once, as on a plain transport
    with nothing left to send; ...; the abort itself takes a few loop
    iterations more.

    A plain writer whose 64 KiB the kernel took, or that an earlier call closed,
    returns True; one with 16 MB its peer does not read returns False.
    Either way, within a few turns of the event loop."""

    async def main():
        turns = 0

        async def count_turns():
            nonlocal turns
            while True:  # cancelled below
                await asyncio.sleep(0)
                turns += 1

        async with connected() as (_, writer, peer):
            if left == "16 MB":
                await stuck(writer)
            else:
                writer.write(PAYLOAD[:SMALL])
                await asyncio.wait_for(writer.drain(), TIMEOUT)
                assert writer.transport.get_write_buffer_size() == 0
                if left == "nothing: an earlier call closed it":
                    assert await closing.close_writer(writer, TIMEOUT) is True
            counter = asyncio.ensure_future(count_turns())
            await asyncio.sleep(0)  # the counter runs
            turns = 0
            closed = await closing.close_writer(writer, 0)
            counted = turns
            counter.cancel()
            await asyncio.wait({counter}, timeout=TIMEOUT)
            assert closed is expected
            assert counted <= 8  # 2 closing, 6 aborting, on Python 3.10 to 3.13
            assert is_closed(writer)
            if expected:
                assert await read_all(peer) == (PAYLOAD[:SMALL], "EOF")

    run(main())


@pytest.mark.parametrize("timeout", [0, SHORT])
@pytest.mark.parametrize(
    "peer_reads", [False, True], ids=["never reads", "reads later"]
)
def test_returns_false_after_abort_when_an_earlier_wait_closed_was_cancelled(
    peer_reads, timeout
):
    """Also returns
    False when an earlier wait_for(wait_closed()) was cancelled, which
    leaves wait_closed() raising CancelledError: after abort() if the writer
    had not closed yet, and with no abort, everything delivered or not, if
    it had.

    16 MB wait for a peer; wait_for(wait_closed(), 0.05) times out. If the
    peer never reads, the call aborts: the peer gets part of the 16 MB; if
    it then reads them all, the close ends by itself before the call, and
    the peer has everything. False either way, at once. Earlier versions let
    the CancelledError escape, and raised AttributeError when the close had
    ended by itself."""

    async def main():
        async with connected() as (_, writer, peer):
            await stuck(writer)
            writer.close()
            with pytest.raises(asyncio.TimeoutError):
                await asyncio.wait_for(writer.wait_closed(), 0.05)
            with pytest.raises(asyncio.CancelledError):
                await writer.wait_closed()  # the trap is set
            if peer_reads:
                assert await read_all(peer) == (PAYLOAD, "EOF")
                assert is_closed(writer)
            start = time.monotonic()
            try:
                closed = await closing.close_writer(writer, timeout)
            except asyncio.CancelledError:
                pytest.fail("close_writer() let CancelledError escape")
            took = time.monotonic() - start
            assert closed is False
            assert took < SLACK
            assert is_closed(writer)
            if not peer_reads:
                assert_prefix_lost(*await read_all(peer))  # it aborted

    run(main())


@pytest.mark.parametrize(
    "case",
    [
        "the peer resets while it waits",
        "the peer reset before the call",
        "closed by an earlier call",
        "aborted by an earlier call",
    ],
)
def test_a_connection_that_failed_or_was_closed_before_counts_as_closed(case):
    """A connection that fails while closing, or that was closed before (even
    by an abort), counts as closed.

    16 MB wait for a peer that resets, before the call or during it: True,
    at once. Called again after a call that flushed, or after one that had
    to abort: True, at once."""

    async def main():
        async with connected() as (_, writer, peer):
            await stuck(writer)
            if case == "the peer reset before the call":
                reset(peer)
            elif case == "closed by an earlier call":
                reading = asyncio.ensure_future(read_all(peer))
                assert await closing.close_writer(writer, TIMEOUT) is True
                assert await asyncio.wait_for(reading, TIMEOUT) == (PAYLOAD, "EOF")
            elif case == "aborted by an earlier call":
                assert await closing.close_writer(writer, 0) is False
            start = time.monotonic()
            closing_task = asyncio.ensure_future(closing.close_writer(writer, TIMEOUT))
            if case == "the peer resets while it waits":
                await asyncio.sleep(0)  # it has called close() and waits
                assert writer.transport.is_closing() and not closing_task.done()
                reset(peer)
            closed = await asyncio.wait_for(closing_task, TIMEOUT)
            assert closed is True
            assert time.monotonic() - start < SLACK
            assert is_closed(writer)

    run(main())


@pytest.mark.parametrize("timeout", [0, SHORT])
@pytest.mark.parametrize("role", list(PEERS))
def test_the_writer_is_closed_when_this_returns(role, timeout):
    """... writer is closed when this returns or raises, in every case.

    Against each peer, with timeout 0 and a short one: its transport is
    closing and its socket closed when close_writer() returns."""

    async def main():
        async with connected() as (_, writer, peer):
            await queue(writer, peer, role)
            playing = asyncio.ensure_future(play(peer, role))
            await closing.close_writer(writer, timeout)
            assert is_closed(writer)
            await asyncio.wait_for(playing, TIMEOUT)

    run(main())


@pytest.mark.parametrize("timeout", [None, -1.0, math.nan, math.inf, 1e10])
def test_value_error_for_a_timeout_out_of_range_aborts_first(timeout):
    """timeout, ... in seconds from 0 to 1e6 ... ValueError for a timeout out of
    range, ... all abort first.

    16 MB wait for a peer that never reads: ValueError at once (for inf
    and 1e10 too: an earlier version waited for ever, or raised
    OverflowError), the writer closed, and the peer gets only part of the
    16 MB."""

    async def main():
        async with connected() as (_, writer, peer):
            await stuck(writer)
            start = time.monotonic()
            with pytest.raises(ValueError, match="timeout must be from 0 to 1e6"):
                # bounded: a call that waited for ever raises TimeoutError
                await asyncio.wait_for(closing.close_writer(writer, timeout), TIMEOUT)
            assert time.monotonic() - start < SLACK
            assert is_closed(writer)
            assert_prefix_lost(*await read_all(peer))

    run(main())


@pytest.mark.parametrize("how", ["task.cancel()", "an outer wait_for() times out"])
def test_cancelled_error_if_its_task_is_cancelled_aborts_first(how):
    """CancelledError if the task running it is cancelled once it has started,
    ... all abort first.

    16 MB wait for a peer that never reads, timeout 5 s; the task is
    cancelled while close_writer() waits: it ends at once, the writer
    closed, and the peer gets only part of the 16 MB."""

    async def main():
        async with connected() as (_, writer, peer):
            await stuck(writer)
            start = time.monotonic()
            if how == "task.cancel()":
                task = asyncio.ensure_future(closing.close_writer(writer, TIMEOUT))
                await asyncio.sleep(0)  # it has started and waits
                assert writer.transport.is_closing() and not task.done()
                task.cancel()
                await asyncio.wait({task}, timeout=TIMEOUT)
                assert task.cancelled()
                took = time.monotonic() - start
                assert took < SLACK
            else:
                with pytest.raises(asyncio.TimeoutError):
                    await asyncio.wait_for(closing.close_writer(writer, TIMEOUT), SHORT)
                took = time.monotonic() - start
                assert SHORT <= took < SHORT + SLACK
            assert is_closed(writer)
            assert_prefix_lost(*await read_all(peer))

    run(main())


def test_a_timeout_of_1e6_is_in_range():
    """timeout, ... in seconds from 0 to 1e6, bounds the wait.

    1e6 is no error: 64 KiB reach a peer that reads them, and True at once."""

    async def main():
        async with connected() as (_, writer, peer):
            writer.write(PAYLOAD[:SMALL])
            reading = asyncio.ensure_future(read_all(peer))
            start = time.monotonic()
            assert await closing.close_writer(writer, 1e6) is True
            assert time.monotonic() - start < SLACK
            assert await asyncio.wait_for(reading, TIMEOUT) == (PAYLOAD[:SMALL], "EOF")
            assert is_closed(writer)

    run(main())


TLS_DATA = PAYLOAD[:100]
RACING = [0, 0.001, 0.002, 0.005]  # seconds: may end while the TLS layer closes
IDLE = 0.02  # seconds a connection idles before its close: the race needs it


def test_over_tls_the_writer_is_closed_when_this_returns(tls_contexts):
    """ "... writer is closed when this returns or raises, in every case":
    also on a TLS writer (asyncio.open_connection(ssl=...)).

    A TLS peer reads until the writer's close_notify, then closes at once;
    the connection idles 20 ms before the close. With timeout 0: False (no
    close_notify or FIN can have come back); with 0.2 s: True; with 1 to 5
    ms, either. Eight times each: 0 to 5 ms may end just as the TLS layer
    lets go of its socket, and an earlier version then raised
    AttributeError (the writer's "socket" was None), at 0 about every
    other time (without the idle 20 ms, rarely). Never an exception here,
    and every time the writer's socket is closed and the peer got what
    was written."""

    async def main():
        for timeout in [*RACING * 8, SHORT]:  # 8 times each: a race
            async with tls_connected(tls_contexts, reads_then_closes) as (
                _,
                writer,
                raw,
                peer,
            ):
                time.sleep(IDLE)  # the scenario, not a synchronisation
                writer.write(TLS_DATA)
                start = time.monotonic()
                try:
                    closed = await closing.close_writer(writer, timeout)
                except AttributeError as exc:
                    pytest.fail(f"close_writer(writer, {timeout}) raised {exc!r}")
                took = time.monotonic() - start
                assert type(closed) is bool
                if timeout == 0:
                    assert closed is False
                elif timeout == SHORT:
                    assert closed is True
                assert took < timeout + SLACK
                assert writer.transport.is_closing() and raw.fileno() == -1
                assert await peer.result() == TLS_DATA

    run(main())


def test_over_tls_zero_aborts_even_with_nothing_left_to_send(tls_contexts):
    """0 aborts unless the close completes at once ...; a TLS writer's
    close, which waits for the peer's close_notify or FIN, does not complete
    at once unless asyncio has already read one

    A TLS writer that wrote nothing, its peer reading until the writer's
    close_notify: False, its socket closed, and the peer read nothing."""

    async def main():
        for _ in range(8):  # the close_notify must not come back at once
            async with tls_connected(tls_contexts, reads_then_closes) as (
                _,
                writer,
                raw,
                peer,
            ):
                assert writer.transport.get_write_buffer_size() == 0
                assert await closing.close_writer(writer, 0) is False
                assert writer.transport.is_closing() and raw.fileno() == -1
                assert await peer.result() == b""

    run(main())


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        pytest.param(reads_then_sends_close_notify, True, id="close_notify"),
        pytest.param(reads_then_closes, True, id="FIN"),
        pytest.param(reads_then_neither, False, id="neither"),
    ],
)
def test_over_tls_true_needs_the_peers_close_notify_or_fin_too(
    tls_contexts, role, expected
):
    """Returns True if it closed (its buffer flushed ...; over TLS, the
    peer's close_notify or FIN received too) within timeout, ... False if it
    did not close within timeout

    A TLS peer reads all that was written, then answers the writer's
    close_notify with its own (and no FIN), with a FIN (and no
    close_notify), or with neither: True at once for the first two; for
    the third, whose buffer was flushed all the same, False once the
    timeout is spent."""

    async def main():
        async with tls_connected(tls_contexts, role) as (_, writer, raw, peer):
            writer.write(TLS_DATA)
            timeout = TIMEOUT if expected else SHORT
            start = time.monotonic()
            closed = await closing.close_writer(writer, timeout)
            took = time.monotonic() - start
            assert closed is expected
            if expected:
                assert took < SLACK
            else:
                assert SHORT <= took < SHORT + SLACK
            assert writer.transport.is_closing() and raw.fileno() == -1
            if not expected:
                peer.stop.set()
            assert await peer.result() == TLS_DATA

    run(main())


@pytest.mark.skipif(
    sys.version_info < (3, 11), reason="ssl_shutdown_timeout is new in Python 3.11"
)
def test_over_tls_true_when_ssl_shutdown_timeout_ends_the_wait(tls_contexts):
    """Returns True ... also when asyncio's ssl_shutdown_timeout (3.11+)
    ended the wait first.

    The TLS peer answers neither close_notify nor FIN; the connection was
    opened with ssl_shutdown_timeout=SHORT, well under close_writer()'s
    timeout: asyncio gives up the TLS shutdown and closes the socket, and
    close_writer() returns True when it does, long before its own timeout."""

    async def main():
        async with tls_connected(
            tls_contexts, reads_then_neither, ssl_shutdown_timeout=SHORT
        ) as (_, writer, raw, peer):
            writer.write(TLS_DATA)
            start = time.monotonic()
            closed = await closing.close_writer(writer, TIMEOUT)
            took = time.monotonic() - start
            assert closed is True
            assert SHORT <= took < SHORT + SLACK
            assert writer.transport.is_closing() and raw.fileno() == -1
            peer.stop.set()
            assert await peer.result() == TLS_DATA

    run(main())


@pytest.mark.skipif(
    sys.version_info < (3, 11), reason="ssl_shutdown_timeout is new in Python 3.11"
)
def test_a_tls_writer_closed_twice_closes_at_ssl_shutdown_timeout(tls_contexts):
    """so it closes only once the peer's close_notify,
    FIN or reset arrives, asyncio's ssl_shutdown_timeout ends it, ...: True
    then, if in time

    A TLS writer opened with ssl_shutdown_timeout=SHORT and closed twice,
    whose peer answers nothing: True at SHORT, long before close_writer()'s
    own timeout (5 s), the socket closed."""

    async def main():
        async with tls_connected(
            tls_contexts, reads_then_neither, ssl_shutdown_timeout=SHORT
        ) as (_, writer, raw, peer):
            writer.close()
            writer.close()  # the scenario: a second close(), before the call
            start = time.monotonic()
            assert await closing.close_writer(writer, TIMEOUT) is True
            assert time.monotonic() - start < SHORT + SLACK
            assert raw.fileno() == -1
            peer.stop.set()
            await peer.result()

    run(main())


# A child whose stdin the writer feeds: it never reads it (killed at the
# end), or reads it all and prints how many bytes it read.
CHILDREN = {
    "never reads": "import time; time.sleep(5)",
    "reads everything": "import sys; print(len(sys.stdin.buffer.read()))",
}


@pytest.mark.parametrize("child", list(CHILDREN))
def test_a_pipe_writer_is_closed_when_this_returns(child):
    """Returns True if it closed (its buffer flushed ...) within timeout, ...
    False if it did not close within timeout: it then aborts what is still
    open (the rest of its buffer is dropped ...) ... writer is closed
    when this returns or raises, in every case.

    On the StreamWriter of a subprocess's stdin (a pipe: it has no socket),
    with 16 MB queued: False after 0.3 s, nothing raised, the rest dropped
    and the pipe closed, if the child never reads (an earlier version
    raised AttributeError); True, with a timeout of 5 s, if it reads them
    all."""

    async def main():
        async with python_child(CHILDREN[child]) as process:
            writer = process.stdin
            assert writer.get_extra_info("socket") is None
            pipe = writer.get_extra_info("pipe")
            writer.write(PAYLOAD)
            timeout = 0.3 if child == "never reads" else TIMEOUT
            start = time.monotonic()
            try:
                closed = await closing.close_writer(writer, timeout)
            except AttributeError as exc:
                pytest.fail(f"close_writer() raised {exc!r}")
            took = time.monotonic() - start
            assert writer.transport.is_closing() and pipe.closed
            assert writer.transport.get_write_buffer_size() == 0
            if child == "never reads":
                assert closed is False
                assert 0.3 <= took < 0.3 + SLACK
            else:
                assert closed is True
                out = await asyncio.wait_for(process.stdout.read(), TIMEOUT)
                assert out == f"{BIG}\n".encode()

    run(main())


@pytest.mark.parametrize("earlier", ["the caller closed it", "a wait_for() timed out"])
def test_over_tls_a_writer_already_closing_counts_as_closed(tls_contexts, earlier):
    """A connection ... that was closed before ... counts as closed ...
    writer is closed when this returns or raises, in every case.

    A TLS writer whose close() was already called (by the caller, or before
    an earlier wait_for(wait_closed()) timed out), while the peer answers
    neither close_notify nor FIN: False after the timeout, nothing raised,
    the socket closed (on 3.11+ a second close() broke the transport and an
    earlier version raised AttributeError, leaving it open)."""

    async def main():
        async with tls_connected(tls_contexts, reads_then_neither) as (
            _,
            writer,
            raw,
            peer,
        ):
            writer.write(TLS_DATA)
            writer.close()
            if earlier == "a wait_for() timed out":
                with contextlib.suppress(asyncio.TimeoutError):
                    await asyncio.wait_for(writer.wait_closed(), 0.05)
            start = time.monotonic()
            closed = await closing.close_writer(writer, SHORT)
            took = time.monotonic() - start
            assert closed is False
            assert took < SHORT + SLACK
            assert raw.fileno() == -1
            peer.stop.set()
            await peer.result()

    run(main())


PIPE_CASES = [
    "timeout 0, 16 MB queued",
    "timeout 0, nothing queued",
    "timeout 0, aborted just before",
    "timeout 0, aborted a loop iteration before",
    "timeout -1",
    "cancelled after 1 loop turn",
    "cancelled after 2 loop turns",
]


@pytest.mark.parametrize("case", PIPE_CASES)
def test_a_pipe_writer_is_closed_in_every_case_with_no_error_in_the_loop(case):
    """the close of a subprocess's stdin (create_subprocess_exec()), with
    nothing left to send, takes a loop iteration more than 0 allows: False,
    with nothing dropped and no abort, and so does one aborted just before
    the call: False, it counts as closed only a loop iteration later) ...
    writer
    is closed when this returns or raises, in every case: ValueError for a
    timeout out of range, CancelledError if the task running it is
    cancelled once it has started, ... all abort first (a transport closed
    already, or a pipe whose close has nothing left to send, needs no
    abort).

    On the StreamWriter of a subprocess's stdin, the child never reading:
    timeout 0 returns False (16 MB queued: aborted; nothing queued: closed
    by its close(); aborted just before the call), True once a loop
    iteration has passed after the abort, a timeout of -1 raises ValueError, a task
    cancelled one or two loop turns in raises CancelledError; each time
    the pipe is closed and the event loop logs no error. (An earlier
    version aborted a pipe whose close() had already scheduled its end:
    AttributeError raised, or an "Exception in callback" logged.)"""

    async def main():
        loop = asyncio.get_running_loop()
        errors = []
        loop.set_exception_handler(lambda _, context: errors.append(context))
        async with python_child(CHILDREN["never reads"], stdout=False) as process:
            writer = process.stdin
            pipe = writer.get_extra_info("pipe")
            if case == "timeout 0, 16 MB queued":
                writer.write(PAYLOAD)
            if case.startswith("timeout 0, aborted"):
                writer.transport.abort()
                if case.endswith("a loop iteration before"):
                    await asyncio.sleep(0)
                expected = case.endswith("a loop iteration before")
                assert await closing.close_writer(writer, 0) is expected
            elif case.startswith("timeout 0"):
                assert await closing.close_writer(writer, 0) is False
            elif case == "timeout -1":
                with pytest.raises(ValueError):
                    await closing.close_writer(writer, -1)
            else:
                task = asyncio.ensure_future(closing.close_writer(writer, TIMEOUT))
                for _ in range(int(case.split()[2])):
                    await asyncio.sleep(0)
                task.cancel()
                with pytest.raises(asyncio.CancelledError):
                    await task
            for _ in range(100):  # bounded: let the loop run its callbacks
                await asyncio.sleep(0)
            assert writer.transport.is_closing() and pipe.closed
            assert errors == []

    run(main())


def test_a_reset_it_meets_with_data_queued_at_timeout_0_logs_nothing():
    """False if it did not close within timeout: it then aborts what is
    still open ..., and a connection that failed meanwhile, closed by the
    failure, needs no abort.

    8 MB queued, the peer resets, and close_writer(writer, 0) runs before
    the loop has seen the reset: False, the writer closed, and the event
    loop logs nothing (an earlier version left the failed close's
    ConnectionResetError unretrieved: "Task exception was never
    retrieved")."""

    async def main():
        loop = asyncio.get_running_loop()
        logged = []
        loop.set_exception_handler(lambda _, context: logged.append(context))
        async with connected() as (_, writer, peer):
            writer.write(PAYLOAD[:8_000_000])
            reset(peer)
            assert await closing.close_writer(writer, 0) is False
            assert is_closed(writer)
        for _ in range(3):  # let the loop run its callbacks, and collect
            await asyncio.sleep(0.05)
            gc.collect()
        assert logged == []

    run(main())


def test_code_that_blocks_the_loop_delays_the_return():
    """Like every asyncio timeout, it holds while the event loop runs: code
    that blocks the loop (a time.sleep() in another task, say) delays the
    return by as long

    The peer never reads 16 MB; another task blocks the loop for 0.5 s as
    the call, with a timeout of SHORT, begins to wait: False, returned 0.5 s
    or more after the call began."""

    async def main():
        async with connected() as (_, writer, _peer):
            await stuck(writer)

            async def block():
                await asyncio.sleep(0)  # the call has begun to wait
                time.sleep(0.5)  # the scenario: it blocks the event loop

            blocker = asyncio.ensure_future(block())
            start = time.monotonic()
            closed = await closing.close_writer(writer, SHORT)
            took = time.monotonic() - start
            await blocker
            assert closed is False
            assert took >= 0.5

    run(main())


def test_true_says_the_buffer_reached_the_kernel_not_the_peer():
    """Returns True if it closed (its buffer flushed into the kernel, which
    is not delivered: bytes from the peer still unread when the socket
    closes make the kernel reset the connection, and drop what it had not
    yet sent

    16 MB queued; the peer reads 1 MB, sends one byte, then reads on: True,
    and the peer's reading ends with a reset, not EOF (what the kernel had
    not sent by then, if anything, is lost: most runs here lose some)."""

    async def main():
        async with connected() as (_, writer, peer):
            loop = asyncio.get_running_loop()
            writer.write(PAYLOAD)

            async def read_send_read():
                got = 0
                while got < 1 << 20:
                    chunk = await loop.sock_recv(peer, 65536)
                    assert chunk, "EOF before 1 MB"
                    got += len(chunk)
                await loop.sock_sendall(peer, b"x")
                try:
                    for _ in range(100_000):  # bounded: 16 MB in 64 KB reads
                        chunk = await loop.sock_recv(peer, 65536)
                        if not chunk:
                            return got, "EOF"
                        got += len(chunk)
                except ConnectionResetError:
                    return got, "reset"
                return got, "no end"

            reading = asyncio.ensure_future(read_send_read())
            closed = await closing.close_writer(writer, TIMEOUT)
            got, end = await asyncio.wait_for(reading, TIMEOUT)
            assert closed is True
            assert end == "reset"
            assert got <= BIG

    run(main())


def test_another_exception_of_wait_closed_is_raised_after_the_abort():
    """and any other exception wait_closed() raises within timeout
    (NotImplementedError, at once, from a writer made on a protocol with no
    close waiter, such as asyncio.streams.FlowControlMixin; ... all abort first

    A StreamWriter made on FlowControlMixin over a pipe that nobody reads,
    1 MB queued: NotImplementedError at once, the rest of the buffer dropped
    and the pipe closed. (An earlier version counted it as closed: True at
    once, with 983 040 bytes still queued and the pipe open.)"""

    async def main():
        async with unread_pipe_writer() as (writer, pipe):
            start = time.monotonic()
            with pytest.raises(NotImplementedError):
                await asyncio.wait_for(closing.close_writer(writer, TIMEOUT), TIMEOUT)
            assert time.monotonic() - start < SLACK
            assert writer.transport.get_write_buffer_size() == 0
            await asyncio.sleep(0)  # abort() closes the pipe in the next iteration
            assert pipe.closed

    run(main())


def test_over_tls_data_from_the_peer_after_your_close_notify_gives_true(
    tls_contexts,
):
    """and also when ... or, over TLS, the peer sent data after your
    close_notify (asyncio then fails the close: ssl.SSLError,
    APPLICATION_DATA_AFTER_CLOSE_NOTIFY): that True does not mean the
    buffer was delivered, as asyncio then drops what is left of it.

    16 MB queued, then the call; the TLS peer reads 64 KiB, answers b"ack"
    and reads no more until the call has returned: True, well within the
    timeout, and the peer, reading on, gets only the first part of the
    16 MB (what its kernel's buffers held), then the end."""

    async def main():
        go_on = threading.Event()
        async with tls_connected(tls_contexts, answers_mid_stream(go_on)) as (
            reader,
            writer,
            raw,
            peer,
        ):
            writer.write(PAYLOAD)
            start = time.monotonic()
            assert await closing.close_writer(writer, TIMEOUT) is True
            assert time.monotonic() - start < TIMEOUT / 2
            with pytest.raises(ssl.SSLError) as failed:
                await writer.wait_closed()
            assert failed.value.reason == "APPLICATION_DATA_AFTER_CLOSE_NOTIFY"
            go_on.set()
            got = await peer.result()
            assert SMALL <= len(got) < BIG and got == PAYLOAD[: len(got)]

    run(main())


def sends_1_mb_then_its_close_notify(tls: ssl.SSLSocket, stop: threading.Event):
    """Send 1 MB, then a close_notify (unwrap(), which waits for the
    writer's); how unwrap() ended."""
    try:
        tls.sendall(PAYLOAD[:1_000_000])
        tls.unwrap()
    except OSError as error:
        return type(error).__name__
    return "unwrap ok"


def test_over_tls_data_left_unread_fails_the_close_or_hides_the_close_notify(
    tls_contexts,
):
    """Over TLS, with more than twice the reader's limit of the peer's data
    left unread (asyncio has paused reading), that data counts as data
    after your close_notify on 3.11 to 3.13 (True at once), and on 3.10
    hides the peer's close_notify behind it, never read: False at
    the timeout.

    The TLS peer sends 1 MB, then its close_notify; the application reads
    nothing (its reader pauses at 128 KiB); then the call, timeout 1 s."""

    async def main():
        async with tls_connected(tls_contexts, sends_1_mb_then_its_close_notify) as (
            reader,
            writer,
            raw,
            peer,
        ):
            await until(lambda: reader._paused)  # a private attribute: no public one
            start = time.monotonic()
            result = await closing.close_writer(writer, 1)
            took = time.monotonic() - start
            if sys.version_info >= (3, 11):
                assert (result, took < SLACK) == (True, True)
                with pytest.raises(ssl.SSLError) as failed:
                    await writer.wait_closed()
                assert failed.value.reason == "APPLICATION_DATA_AFTER_CLOSE_NOTIFY"
            else:
                assert (result, 1 <= took < 1 + SLACK) == (False, True)
            assert writer.transport.is_closing()
            await peer.result()

    run(main())


def test_with_so_linger_on_with_a_time_close_blocks_the_loop_past_the_timeout():
    """Over TCP, ... with SO_LINGER on with a time (not 0), and nothing of
    the peer's unread (else the reset above, at once), asyncio's close() of
    the socket waits, blocking the event loop, until the peer has
    acknowledged what is queued and the FIN, or that time has run: the
    timeout does not bound the call then, and True means it closed, after
    the timeout or not.

    SO_LINGER on with 1 s; a peer that reads nothing, with a 16 KiB receive
    buffer; 300 kB written, all taken by the kernel (asyncio's buffer empty,
    the writer's send buffer 1 MB), most of it unsent; timeout 0.3 s: the
    call returns True after about 1 s."""

    async def main():
        async with lingering(1) as (reader, writer, peer):
            start = time.monotonic()
            assert await closing.close_writer(writer, 0.3) is True
            assert 0.9 <= time.monotonic() - start < 1 + SLACK

    run(main())


def test_with_so_linger_on_with_a_time_false_can_come_late_too():
    """so does the abort's close, so False can come late
    too.

    SO_LINGER on with 1 s; a peer that reads nothing; 300 kB, then 4 MB
    more, some of which the kernel does not take (it stays in asyncio's
    buffer); timeout 0.3 s: the call aborts at
    0.3 s, and the abort's close of the socket blocks for the linger time:
    False after about 1.3 s."""

    async def main():
        async with lingering(1) as (reader, writer, peer):
            writer.write(PAYLOAD[: 4 << 20])
            assert writer.transport.get_write_buffer_size() > 0
            start = time.monotonic()
            assert await closing.close_writer(writer, 0.3) is False
            assert 1.2 <= time.monotonic() - start < 1.3 + SLACK
            assert is_closed(writer)

    run(main())


@pytest.mark.parametrize("written", [0, 10])
@pytest.mark.parametrize("timeout", [0, 0.5])
@pytest.mark.parametrize("family", ["TCP", "AF_UNIX"])
def test_a_socket_never_connected_counts_as_closed(family, timeout, written):
    """and so does a socket never connected
    (open_connection(sock=) of one: True at once, the socket closed)

    A writer made on an unconnected TCP or AF_UNIX socket, with nothing or
    10 bytes written: timeout 0 and 0.5 s give True at once, the socket
    closed."""

    async def main():
        kind = socket.AF_INET if family == "TCP" else socket.AF_UNIX
        sock = socket.socket(kind, socket.SOCK_STREAM)
        sock.setblocking(False)
        if family == "TCP":
            opening = asyncio.open_connection(sock=sock)
        else:
            opening = asyncio.open_unix_connection(sock=sock)
        try:
            reader, writer = await asyncio.wait_for(opening, TIMEOUT)
        except BaseException:
            sock.close()
            raise
        writer.write(b"x" * written)
        start = time.monotonic()
        assert await closing.close_writer(writer, timeout) is True
        assert time.monotonic() - start < SLACK
        assert is_closed(writer) and sock.fileno() == -1

    run(main())


def test_over_tls_zero_does_not_count_a_close_notify_still_unread(tls_contexts):
    """a TLS writer's close, which waits for the peer's close_notify or FIN,
    does not complete at once unless asyncio has already read one: one still
    unread in the kernel, the event loop busy meanwhile, does not count

    The TLS peer sends its close_notify first, while the event loop is busy
    (0.3 s), so that it waits unread in the kernel (the reader is not at
    EOF): timeout 0 gives False, the writer aborted, its socket closed."""

    async def main():
        async with tls_connected(tls_contexts, sends_close_notify_first) as (
            reader,
            writer,
            raw,
            peer,
        ):
            time.sleep(0.3)  # the scenario: a busy loop, while it arrives
            assert not reader.at_eof()
            assert await closing.close_writer(writer, 0) is False
            assert writer.transport.is_closing() and raw.fileno() == -1
            await peer.result()

    run(main())


async def read_to_eof(reader: asyncio.StreamReader) -> None:
    """Read until b'', as a reader's code does: reader.read() itself, not
    inside wait_for(), which on 3.10 and 3.11 runs it as a task of its own,
    a loop iteration more (bounded: a million reads, and run()'s limit)."""
    for _ in range(1_000_000):
        if not await reader.read(65536):
            return
    raise AssertionError("no EOF")


def test_over_tls_zero_may_give_false_once_the_reader_read_the_close_notify(
    tls_contexts,
):
    """and even once the reader has read it (at EOF), or right after an
    abort, a TLS transport takes a loop iteration or more to finish
    closing, so 0 may give False then, with nothing dropped (on 3.11 to
    3.13 right after the reader's EOF, ... as run here)

    The TLS peer sends its close_notify; the reader reads to b''; at once,
    timeout 0: False on 3.11 to 3.13, True on 3.10; after one more loop
    iteration, True on every version. The writer is closed."""

    async def main():
        for turns in (0, 1):
            async with tls_connected(tls_contexts, sends_close_notify_first) as (
                reader,
                writer,
                raw,
                peer,
            ):
                await read_to_eof(reader)
                for _ in range(turns):
                    await asyncio.sleep(0)  # the scenario: one more loop turn
                closed = await closing.close_writer(writer, 0)
                assert closed is (turns > 0 or sys.version_info < (3, 11)), turns
                assert writer.transport.is_closing()
                await peer.result()

    run(main())


@pytest.mark.parametrize("turns, expected", [(0, False), (1, True)])
def test_over_tls_zero_gives_false_right_after_an_abort(tls_contexts, turns, expected):
    """that was closed before (even by an abort), counts as closed (at
    timeout 0, over TLS once its transport has finished closing, ...)

    A TLS writer aborted, then at once timeout 0: False (nothing left to
    drop); aborted, then one loop iteration later: True. Its socket is
    closed either way."""

    async def main():
        async with tls_connected(tls_contexts, reads_then_closes) as (
            _,
            writer,
            raw,
            peer,
        ):
            writer.transport.abort()
            for _ in range(turns):
                await asyncio.sleep(0)  # the scenario: one more loop turn
            assert await closing.close_writer(writer, 0) is expected
            assert writer.transport.is_closing() and raw.fileno() == -1
            await peer.result()

    run(main())


def test_on_3_10_a_peer_that_sent_close_notify_first_gets_none_back(tls_contexts):
    """On 3.10, a TLS writer whose peer sent its close_notify first closes
    without sending its own (the unwrap() of a peer whose context lacks
    ssl.OP_IGNORE_UNEXPECTED_EOF then raises SSLEOFError); 3.11 to 3.13
    send it, as run here.

    The TLS peer sends its close_notify, then waits for the writer's
    (unwrap()); the reader reads to b'', and the call, timeout 5, returns
    True on every version; the peer's unwrap() raises SSLEOFError on 3.10,
    and ends cleanly on 3.11 to 3.13."""

    async def main():
        async with tls_connected(tls_contexts, sends_close_notify_first) as (
            reader,
            writer,
            raw,
            peer,
        ):
            await read_to_eof(reader)
            assert await closing.close_writer(writer, TIMEOUT) is True
            expected = "SSLEOFError" if sys.version_info < (3, 11) else "unwrap ok"
            assert await peer.result() == expected

    run(main())


def test_true_when_another_task_aborts_the_writer_while_it_waits():
    """and also when ... or another task aborted the writer while it waited
    (on 3.13, Server.abort_clients(), say), ...: that True does not mean
    the buffer was delivered, as asyncio then drops what is left of it.

    16 MB wait for a peer that never reads; while the call waits (timeout
    5 s), another task aborts the transport: True at once, and the peer
    gets only part of the 16 MB."""

    async def main():
        async with connected() as (_, writer, peer):
            await stuck(writer)
            waiting = asyncio.ensure_future(closing.close_writer(writer, TIMEOUT))
            await asyncio.sleep(0)  # it has called close() and waits
            assert writer.transport.is_closing() and not waiting.done()
            start = time.monotonic()
            writer.transport.abort()  # the scenario: another task's abort
            assert await asyncio.wait_for(waiting, TIMEOUT) is True
            assert time.monotonic() - start < SLACK
            assert_prefix_lost(*await read_all(peer))

    run(main())


def closed_by_the_server_while_it_waits(tls_contexts, how: str, twice: bool):
    """close_writer(writer, TIMEOUT) on a TLS server writer
    (start_server(ssl=...)), closed twice before the call if twice, whose
    peer reads our close_notify and answers nothing; once the call waits,
    another task calls the server's how(), close_clients() or
    abort_clients() (3.13). Return what the call returned, and how long it
    took after that."""
    server_context, client_context = tls_contexts
    go = threading.Event()  # the peer may close

    def peer(port: int) -> bytes:
        with socket.create_connection(("127.0.0.1", port), timeout=TIMEOUT) as raw:
            with client_context.wrap_socket(raw, server_hostname="localhost") as tls:
                tls.sendall(b"hi")
                data = read_tls_until_eof(tls)  # our close_notify, or the end
                go.wait(TIMEOUT)
                return data

    async def main():
        outcome = asyncio.get_running_loop().create_future()

        async def handle(reader, writer):
            await reader.readexactly(2)
            if twice:
                writer.close()
                writer.close()  # the scenario: a second close(), before the call
            call = asyncio.ensure_future(closing.close_writer(writer, TIMEOUT))
            await asyncio.sleep(0)  # it has called close() and waits
            assert writer.is_closing() and not call.done()
            start = time.monotonic()
            getattr(server, how)()  # the scenario: another task's
            result = await asyncio.wait_for(call, TIMEOUT)
            outcome.set_result((result, time.monotonic() - start))

        server = await asyncio.start_server(handle, "127.0.0.1", 0, ssl=server_context)
        try:
            port = server.sockets[0].getsockname()[1]
            loop = asyncio.get_running_loop()
            peering = loop.run_in_executor(None, peer, port)
            result = await asyncio.wait_for(outcome, TIMEOUT)
            go.set()
            assert await asyncio.wait_for(peering, TIMEOUT) == b""
        finally:
            go.set()
            server.close()
            await asyncio.wait_for(server.wait_closed(), TIMEOUT)
        return result

    return run(main())


@pytest.mark.skipif(
    sys.version_info < (3, 13), reason="Server.close_clients() is new in Python 3.13"
)
def test_true_when_another_task_closes_the_connection_under_a_tls_writer(
    tls_contexts,
):
    """A TLS writer also gives True, with no close_notify from the peer, when
    another task closed the connection under it while the call waited (on
    3.13, Server.close_clients()).

    A TLS server writer (start_server(ssl=...)) whose peer reads our
    close_notify and answers nothing; while the call waits (timeout 5 s),
    another task calls the server's close_clients(): True at once, with no
    close_notify from the peer."""
    result, took = closed_by_the_server_while_it_waits(
        tls_contexts, "close_clients", twice=False
    )
    assert result is True
    assert took < SLACK


@pytest.mark.parametrize("how", ["task.cancel() at once", "wait_for(..., 0)"])
def test_a_task_cancelled_before_its_first_step_leaves_the_writer_open(how):
    """A task cancelled before its first step runs none of it, and the
    writer stays open (asyncio.wait_for(close_writer(writer), 0) ..., say):
    await this call directly.

    A task made and cancelled before the loop ran it, and wait_for() with a
    timeout of 0 (which does the same): the writer is not closing; the
    caller's own call then closes it."""

    async def main():
        async with connected() as (_, writer, peer):
            call = closing.close_writer(writer, TIMEOUT)
            if how == "task.cancel() at once":
                task = asyncio.ensure_future(call)
                task.cancel()
                await asyncio.wait({task}, timeout=TIMEOUT)
                assert task.cancelled()
            else:
                with pytest.raises(asyncio.TimeoutError):
                    await asyncio.wait_for(call, 0)
            assert not writer.is_closing()
            assert await closing.close_writer(writer, TIMEOUT) is True
            assert await read_all(peer) == (b"", "EOF")

    run(main())


@pytest.mark.parametrize("holder", ["a dup() in this process", "a child process"])
def test_another_descriptor_holding_the_socket_keeps_the_connection_open(holder):
    """Like close(), it closes only this hold on the socket: while another
    descriptor holds it too (a dup() in this process, or a child forked
    meanwhile, as a ProcessPoolExecutor's workers are on Linux), it returns
    True and the peer gets no FIN

    A dup() of the writer's socket, or a child process it was passed to,
    holds it; the call returns True, and the peer reads nothing more within
    0.3 s, no FIN; once the dup() is closed, or the child exits, the peer
    reads its EOF."""

    async def main():
        async with connected() as (_, writer, peer):
            fd = writer.get_extra_info("socket").fileno()
            if holder == "a child process":
                child = await asyncio.create_subprocess_exec(
                    sys.executable,
                    "-S",
                    "-c",
                    "import sys; sys.stdin.read()",
                    stdin=asyncio.subprocess.PIPE,
                    pass_fds=(fd,),
                )
            else:
                copy = os.dup(fd)
            try:
                assert await closing.close_writer(writer, TIMEOUT) is True
                peer.settimeout(0.3)
                with pytest.raises(TimeoutError):
                    peer.recv(1)
            finally:
                if holder == "a child process":
                    child.stdin.close()  # its read ends: it exits
                    await asyncio.wait_for(child.wait(), TIMEOUT)
                else:
                    os.close(copy)
            peer.settimeout(TIMEOUT)
            assert peer.recv(1) == b""

    run(main())


def test_a_makefile_of_the_socket_keeps_the_connection_open(sockets):
    """A makefile() of a socket you gave
    asyncio (open_connection(sock=...)) holds it the same way, though it is
    no other descriptor: the descriptor stays open until that file is
    closed.

    A connected socket, a makefile() of it, then open_connection(sock=): the
    call returns True, the socket's fileno() is not -1 yet, and the peer
    reads nothing more within 0.3 s, no FIN; once the file is closed, the
    descriptor is, and the peer reads its EOF."""

    async def main():
        ours, peer = sockets.pair()
        held = ours.makefile("rb")
        try:
            _, writer = await asyncio.open_connection(sock=ours)
            assert await closing.close_writer(writer, TIMEOUT) is True
            assert ours.fileno() != -1
            peer.settimeout(0.3)
            with pytest.raises(TimeoutError):
                peer.recv(1)
        finally:
            held.close()
        assert ours.fileno() == -1
        peer.settimeout(TIMEOUT)
        assert peer.recv(1) == b""

    run(main())


def sends_close_notify_and_no_fin(tls: ssl.SSLSocket, stop: threading.Event):
    """A TLSPeer role: send a close_notify (unwrap(), not waiting for the
    writer's), then keep the connection open, no FIN, until the test ends."""
    tls.setblocking(False)
    with pytest.raises(ssl.SSLWantReadError):
        tls.unwrap()
    stop.wait(TIMEOUT)


@pytest.mark.parametrize("transport", ["plain socket", "TLS"])
def test_close_gracefully_async_sends_a_fin_past_a_dup_over_a_plain_socket_only(
    sockets, tls_contexts, transport
):
    """(close_gracefully_async()
    sends one first over a plain socket: write_eof() shuts the connection
    down; over TLS it sends close_notify ..., and no FIN while the other
    descriptor holds the socket)

    A dup() of the writer's socket holds it; the peer sends its EOF (a FIN;
    over TLS a close_notify and no FIN); close_gracefully_async() returns
    True, and then the connection has sent its FIN (no longer ESTABLISHED
    or CLOSE_WAIT) over the plain socket, and not over TLS (ESTABLISHED)."""

    async def main():
        if transport == "TLS":
            opened = tls_connected(tls_contexts, sends_close_notify_and_no_fin)
        else:
            opened = connected()
        async with opened as (reader, writer, *_, peer):
            fd = writer.get_extra_info("socket").fileno()
            copy = sockets.keep(socket.socket(fileno=os.dup(fd)))
            if transport != "TLS":
                peer.shutdown(socket.SHUT_WR)
            assert await closing.close_gracefully_async(reader, writer, TIMEOUT)
            state = sockets.tcp_state(copy)
            if transport == "TLS":
                assert state == TCP_ESTABLISHED
                peer.stop.set()
            else:
                assert state not in (TCP_ESTABLISHED, sockets.TCP_CLOSE_WAIT)

    run(main())


def test_with_so_linger_on_and_0_it_gives_true_and_the_peer_a_reset():
    """Over TCP, with SO_LINGER on and 0 (abort()'s setting), asyncio's
    close() of the socket resets the connection (...): True all the same,
    and the peer gets a reset, not a FIN

    SO_LINGER on and 0 on the writer's socket, b"hi" written: True, and
    the peer's reads end in a reset."""

    async def main():
        async with connected() as (_, writer, peer):
            sock = writer.get_extra_info("socket")
            sock.setsockopt(
                socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0)
            )
            writer.write(b"hi")
            assert await closing.close_writer(writer, TIMEOUT) is True
            _, end = await read_all(peer)
            assert end == "reset"

    run(main())


@pytest.mark.parametrize("linger", [0, 2], ids=["SO_LINGER 0", "SO_LINGER 2 s"])
def test_on_af_unix_linux_ignores_so_linger(linger):
    """On AF_UNIX, Linux ignores SO_LINGER.

    An AF_UNIX socketpair, SO_LINGER on. With 0 and b"hi" written: True, and
    the peer reads b"hi", then its end, no reset. With 2 s and 16 MB
    written that the peer does not read: timeout 0.3 s gives False within
    it (the close does not block the loop), the writer aborted."""

    async def main():
        ours, peer = socket.socketpair()
        with peer:
            peer.setblocking(False)
            reader, writer = await asyncio.open_connection(sock=ours)
            ours.setsockopt(
                socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, linger)
            )
            if linger == 0:
                writer.write(b"hi")
                assert await closing.close_writer(writer, TIMEOUT) is True
                assert await read_all(peer) == (b"hi", "EOF")
            else:
                writer.write(PAYLOAD)
                start = time.monotonic()
                assert await closing.close_writer(writer, 0.3) is False
                assert time.monotonic() - start < 0.3 + SLACK
                assert writer.transport.is_closing() and ours.fileno() == -1

    run(main())


@pytest.mark.parametrize(
    "role, expected",
    [(reads_then_neither, False), (reads_then_sends_close_notify, True)],
    ids=["a peer that answers nothing", "a peer that answers close_notify"],
)
def test_a_tls_writer_closed_twice_before_the_call(tls_contexts, role, expected):
    """On 3.11 to 3.13, a TLS writer closed twice, before this call ... (two
    close() calls; ...), has let go of its TLS
    protocol: this call cannot abort it ... else False at the timeout, the
    connection still open, not aborted, and the wait this call gives up
    cancels the writer's own: a later writer.wait_closed() raises
    CancelledError, even once it has closed.

    A TLS writer whose close() was called twice: against a peer that
    answers nothing, False at the timeout (no AttributeError: an earlier
    version raised one on 3.11 to 3.13), the connection aborted on 3.10
    and still open after it, and on 3.11 to 3.13 a later wait_closed(),
    once the peer has closed, raises CancelledError; against a peer that
    answers the close_notify, True."""

    async def main():
        async with tls_connected(tls_contexts, role) as (_, writer, raw, peer):
            writer.close()
            writer.close()  # the scenario: a second close(), before the call
            start = time.monotonic()
            closed = await closing.close_writer(writer, SHORT)
            took = time.monotonic() - start
            assert closed is expected
            if not expected:
                assert SHORT <= took < SHORT + SLACK
                assert (raw.fileno() == -1) is (sys.version_info < (3, 11))
                peer.stop.set()
            await peer.result()
            if not expected and sys.version_info >= (3, 11):
                await until(lambda: raw.fileno() == -1)  # closed at the peer's end
                with pytest.raises(asyncio.CancelledError):
                    await writer.wait_closed()

    run(main())


def resets_when_told(tls: ssl.SSLSocket, stop: threading.Event) -> None:
    """A TLSPeer role: once stop is set, reset the connection (SO_LINGER 0,
    then the close TLSPeer makes when the role returns)."""
    stop.wait(TIMEOUT)
    tls.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))


def test_a_tls_writer_closed_twice_closes_at_a_reset_from_the_peer(tls_contexts):
    """so it closes only once the peer's close_notify,
    FIN or reset arrives, ...: True then, if in time

    A TLS writer closed twice, whose peer answers nothing; once the call
    waits (timeout 5 s), the peer resets the connection: True, within
    SLACK of the reset, the socket closed."""

    async def main():
        async with tls_connected(tls_contexts, resets_when_told) as (
            _,
            writer,
            raw,
            peer,
        ):
            writer.close()
            writer.close()  # the scenario: a second close(), before the call
            call = asyncio.ensure_future(closing.close_writer(writer, TIMEOUT))
            await asyncio.sleep(0)  # it has started and waits
            assert not call.done()
            start = time.monotonic()
            peer.stop.set()
            assert await asyncio.wait_for(call, TIMEOUT) is True
            assert time.monotonic() - start < SLACK
            assert raw.fileno() == -1
            await peer.result()

    run(main())


@pytest.mark.skipif(
    sys.version_info < (3, 13), reason="Server.close_clients() is new in Python 3.13"
)
@pytest.mark.parametrize("how", ["close_clients", "abort_clients"])
def test_a_tls_writer_closed_twice_closes_when_the_server_closes_its_clients(
    tls_contexts, how
):
    """or
    something closes the TCP transport beneath it (on 3.13,
    Server.close_clients() or abort_clients(), which hold that transport):
    True then, if in time

    A TLS server writer closed twice, whose peer reads our close_notify and
    answers nothing; while the call waits (timeout 5 s), another task calls
    the server's close_clients() or abort_clients(): True at once."""
    result, took = closed_by_the_server_while_it_waits(tls_contexts, how, twice=True)
    assert result is True
    assert took < SLACK


def test_a_tls_writer_closed_twice_cuts_a_concurrent_call_short(tls_contexts):
    """the wait this call gives up cancels the writer's own: ... another
    close_writer() on the writer meanwhile returns False with this one, at
    this call's timeout

    A TLS writer closed twice, whose peer answers nothing; two calls at
    once, with timeouts SHORT and TIMEOUT: on 3.11 to 3.13 both give False
    at SHORT; on 3.10 the first aborts the writer, and the second counts
    that as closed: True."""

    async def main():
        async with tls_connected(tls_contexts, reads_then_neither) as (
            _,
            writer,
            raw,
            peer,
        ):
            writer.close()
            writer.close()  # the scenario: a second close(), before the calls
            start = time.monotonic()
            results = await asyncio.gather(
                closing.close_writer(writer, SHORT),
                closing.close_writer(writer, TIMEOUT),
            )
            took = time.monotonic() - start
            if sys.version_info >= (3, 11):
                assert results == [False, False]
                assert SHORT <= took < SHORT + SLACK
            else:
                assert results == [False, True]
            peer.stop.set()
            await peer.result()

    run(main())


def test_a_tls_writer_aborted_then_closed_before_the_call_gives_true(tls_contexts):
    """(two close() calls; one aborted first, abort() and then close(), is
    closed by the abort: True)

    A TLS writer whose peer answers nothing; abort(), then close(), before
    the call: True at once, the socket closed, and a later wait_closed()
    returns."""

    async def main():
        async with tls_connected(tls_contexts, reads_then_neither) as (
            _,
            writer,
            raw,
            peer,
        ):
            writer.transport.abort()
            writer.close()  # the scenario: abort(), then close()
            start = time.monotonic()
            assert await closing.close_writer(writer, SHORT) is True
            assert time.monotonic() - start < SLACK
            assert raw.fileno() == -1
            await asyncio.wait_for(writer.wait_closed(), TIMEOUT)
            peer.stop.set()
            await peer.result()

    run(main())


def test_a_tls_writer_closed_again_by_another_task_during_the_call(tls_contexts):
    """On 3.11 to 3.13, a TLS writer closed twice, before this call or by
    another task during it (two close() calls; ...), has let go of its TLS
    protocol: this call cannot abort it ... else False at the timeout, the
    connection still open, not aborted.

    A TLS writer whose peer answers nothing; once the call has begun (its
    close() made), another task calls close() again: False at the timeout,
    the connection still open on 3.11 to 3.13 (aborted on 3.10)."""

    async def main():
        async with tls_connected(tls_contexts, reads_then_neither) as (
            _,
            writer,
            raw,
            peer,
        ):

            async def close_again_once_closing():
                await until(writer.is_closing)  # the call has closed it once
                writer.close()  # the scenario: another task's second close()

            again = asyncio.ensure_future(close_again_once_closing())
            start = time.monotonic()
            closed = await closing.close_writer(writer, SHORT)
            took = time.monotonic() - start
            await asyncio.wait_for(again, TIMEOUT)
            assert closed is False
            assert SHORT <= took < SHORT + SLACK
            assert (raw.fileno() == -1) is (sys.version_info < (3, 11))
            peer.stop.set()
            await peer.result()

    run(main())
