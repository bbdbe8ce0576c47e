"""What the contract tests of snippets/reference/helpers/closing.py share.

- `sockets`: connected pairs on 127.0.0.1 (the helper's end first: an
  accepted socket, as a server has), TLS pairs, never-connected sockets, a
  pair whose traffic is then dropped (a vanished peer), and the means to
  look at the peer's end: what it received and whether the connection
  ended with a FIN or a reset. Every socket made here is closed at teardown
  (with SO_LINGER 0, so that nothing lingers in the kernel).
- `peers`: the other end playing a role in a thread, joined at teardown.

Every wait is bounded (WAIT seconds at most), and a test synchronises with
threading.Event and joins; a timed wait appears only where the scenario is
time itself (a peer that answers late).
"""

from __future__ import annotations

import contextlib
import os
import platform
import select
import signal
import socket
import ssl
import struct
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

HOST = "127.0.0.1"
WAIT = 5.0  # the longest any one step may take: a bound, never a pause
LINGER_ZERO = struct.pack("ii", 1, 0)
# tcpi_state values in struct tcp_info (include/net/tcp_states.h)
TCP_SYN_SENT, TCP_CLOSE, TCP_CLOSE_WAIT = 2, 7, 8
SIOCGIFFLAGS, SIOCSIFFLAGS, IFF_UP = 0x8913, 0x8914, 0x1


# --- sockets ---


class Sockets:
    """Makes the sockets of one test and closes every one of them at teardown."""

    LINGER_ZERO = LINGER_ZERO
    TCP_SYN_SENT = TCP_SYN_SENT
    TCP_CLOSE = TCP_CLOSE
    TCP_CLOSE_WAIT = TCP_CLOSE_WAIT

    def __init__(self, request: pytest.FixtureRequest) -> None:
        self._made: list[socket.socket] = []
        self._children: list[subprocess.Popen] = []
        self._request = request

    def keep(self, sock: socket.socket) -> socket.socket:
        """Close sock at teardown too."""
        self._made.append(sock)
        return sock

    def pair(
        self, timeout: float | None = WAIT, buffers: int | None = None
    ) -> tuple[socket.socket, socket.socket]:
        """(ours, peer): a TCP connection on 127.0.0.1. ours is the accepted
        end, peer the connecting one; both have a timeout. buffers, if given,
        sets SO_SNDBUF and SO_RCVBUF on both ends (before the connection, so
        that the window is small too)."""
        with socket.create_server((HOST, 0)) as listener:
            peer = self.keep(socket.socket())
            if buffers is not None:
                for sock in (listener, peer):
                    sock.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, buffers)
                    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, buffers)
            peer.settimeout(WAIT)
            peer.connect(listener.getsockname())
            ours, _ = listener.accept()
        self.keep(ours)
        ours.settimeout(timeout)
        return ours, peer

    def tls_pair(
        self, ours_is_client: bool = True, suppress_ragged_eofs: bool = True
    ) -> tuple[ssl.SSLSocket, ssl.SSLSocket]:
        """(ours, peer): a TLS connection, handshake done. ours is the TLS
        client unless ours_is_client is False; suppress_ragged_eofs applies
        to both ends."""
        server_context, client_context = self._request.getfixturevalue("tls_contexts")
        plain_ours, plain_peer = self.pair()
        if ours_is_client:
            server, client = plain_peer, plain_ours
        else:
            server, client = plain_ours, plain_peer
        server = self.keep(
            server_context.wrap_socket(
                server,
                server_side=True,
                do_handshake_on_connect=False,
                suppress_ragged_eofs=suppress_ragged_eofs,
            )
        )
        client = self.keep(
            client_context.wrap_socket(
                client,
                server_hostname="localhost",
                do_handshake_on_connect=False,
                suppress_ragged_eofs=suppress_ragged_eofs,
            )
        )
        failed: list[BaseException] = []

        def handshake() -> None:
            try:
                server.do_handshake()
            except BaseException as exc:  # reported below, in the test's thread
                failed.append(exc)

        thread = threading.Thread(target=handshake)
        thread.start()
        try:
            client.do_handshake()
        finally:
            thread.join(WAIT)
        assert not thread.is_alive() and not failed, f"TLS handshake: {failed}"
        return (client, server) if ours_is_client else (server, client)

    @staticmethod
    def tcp_state(sock: socket.socket) -> int:
        """The connection's TCP state (tcpi_state)."""
        return tcp_state(sock)

    @staticmethod
    def unacknowledged(sock: socket.socket) -> tuple[int, int]:
        """(tcpi_unacked, tcpi_last_data_sent in ms): see unacknowledged()."""
        return unacknowledged(sock)

    def unconnected(self) -> socket.socket:
        """A TCP socket that never connected."""
        sock = self.keep(socket.socket())
        sock.settimeout(WAIT)
        return sock

    def vanished_pair(
        self, retries2: int | None = None
    ) -> tuple[socket.socket, socket.socket]:
        """(ours, peer), connected, then every segment either end sends is
        dropped: a peer that vanished (no FIN, no reset, no answer).

        The pair lives in a network namespace of its own, whose loopback
        interface goes down once the connection is up; retries2, if given,
        is that namespace's net.ipv4.tcp_retries2 (how many retransmissions
        the kernel makes before it gives a connection up). Needs root
        (CAP_SYS_ADMIN): skips without it, or fails where REQUIRE_WIRE=1,
        as the suite's root CI run sets."""
        from harness.capture.namespace import fresh_network

        try:
            with fresh_network():
                if retries2 is not None:
                    # /proc/sys/net is the opening thread's namespace's
                    with open("/proc/sys/net/ipv4/tcp_retries2", "w") as knob:
                        knob.write(str(retries2))
                ours, peer = self.pair()
                _set_loopback_up(False)
        except PermissionError as exc:
            reason = (
                "a vanished peer needs a network namespace of its own "
                f"(root, CAP_SYS_ADMIN): {exc}"
            )
            if os.environ.get("REQUIRE_WIRE") == "1":
                pytest.fail(f"REQUIRE_WIRE=1, so this must run: {reason}")
            pytest.skip(reason)
        return ours, peer

    def given_up(self) -> socket.socket:
        """Our end of a connection that the kernel has given up (ETIMEDOUT),
        not yet reported: a byte of ours went unanswered to a vanished peer
        (vanished_pair()) until TCP_USER_TIMEOUT (200 ms) made the kernel
        close the connection. The next call on it reports ETIMEDOUT."""
        ours, _ = self.vanished_pair()
        ours.setsockopt(socket.IPPROTO_TCP, socket.TCP_USER_TIMEOUT, 200)
        ours.sendall(b"x")
        deadline = time.monotonic() + 3 * WAIT
        while tcp_state(ours) != self.TCP_CLOSE:
            assert time.monotonic() < deadline, "the kernel did not give up"
            select.select([], [], [], 0.01)  # a bounded poll, 10 ms at a time
        return ours

    def vanished_tls_pair(
        self, peer_sends: bytes = b""
    ) -> tuple[ssl.SSLSocket, ssl.SSLSocket]:
        """(ours, peer), as tls_pair() makes them (ours the TLS client, the
        handshake done), then, once peer_sends and all else either end sent
        has arrived and been acknowledged (ours has read none of it), every
        segment either end sends is dropped, as in vanished_pair():
        a TLS peer that vanished. Needs root, as vanished_pair() does."""
        from harness.capture.namespace import fresh_network

        try:
            with fresh_network():
                ours, peer = self.tls_pair()
                peer.sendall(peer_sends)
                for sock in (peer, ours):  # all delivered and acknowledged
                    self.wait_until_sent(sock)
                _set_loopback_up(False)
        except PermissionError as exc:
            reason = (
                "a vanished peer needs a network namespace of its own "
                f"(root, CAP_SYS_ADMIN): {exc}"
            )
            if os.environ.get("REQUIRE_WIRE") == "1":
                pytest.fail(f"REQUIRE_WIRE=1, so this must run: {reason}")
            pytest.skip(reason)
        return ours, peer

    def child_holding(self, sock: socket.socket) -> subprocess.Popen:
        """A child process that holds sock's descriptor (as its stdin),
        reads it until b'' (WAIT at most), then writes what it read to its
        stdout and exits, closing the descriptor."""
        child = subprocess.Popen(
            [sys.executable, "-S", "-c", CHILD_READER],
            stdin=sock.fileno(),
            stdout=subprocess.PIPE,
        )
        self._children.append(child)
        return child

    def alarmed(self, sock: socket.socket, delay: float) -> socket.socket:
        """sock as a socket whose first recv() sets SIGALRM's timer to delay
        seconds: the signal lands in that wait, wherever the call under test
        was when a timer set before it would have run out (on a busy
        machine, possibly before its try block). sock is detached, and its
        timeout kept."""
        alarmed = self.keep(AlarmedOnFirstRecv(fileno=sock.detach()))
        alarmed.settimeout(WAIT)
        alarmed.delay = delay
        return alarmed

    @contextlib.contextmanager
    def watchdog(self, sock: socket.socket, delay: float):
        """A signal handler of yours that raises TimeoutError("watchdog")
        delay seconds into the first wait (alarmed()): yields the alarmed
        socket with that SIGALRM handler installed; on exit the timer is
        cancelled and the previous handler restored."""

        def handler(signum, frame):
            raise TimeoutError("watchdog")

        alarmed = self.alarmed(sock, delay)
        previous = signal.signal(signal.SIGALRM, handler)
        try:
            yield alarmed
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, previous)

    def slow(self, sock: socket.socket) -> socket.socket:
        """sock as a socket whose every recv() takes a millisecond more: a
        busy server, which a fast peer outpaces. sock is detached."""
        return self.keep(SlowReader(fileno=sock.detach()))

    def raising(
        self,
        sock: socket.socket,
        at: str,
        nth: int = 1,
        error: type[BaseException] = KeyboardInterrupt,
    ) -> socket.socket:
        """sock as a socket whose nth call of gettimeout() or settimeout() (at)
        raises error as it returns, as a signal handler's exception does when
        the signal lands during that call (Ctrl+C's: KeyboardInterrupt). Its
        timeout stays sock's. sock is detached."""
        timeout = sock.gettimeout()
        raising = self.keep(RaisingAt(fileno=sock.detach()))
        socket.socket.settimeout(raising, timeout)  # not counted
        raising.at, raising.nth, raising.error = at, nth, error
        return raising

    def hold(self, sock: socket.socket, holder: str) -> Callable[[], bytes]:
        """Make another holder of sock's descriptor: "makefile()", "dup()" or
        "child process". Return a function that reads through that holder
        until b'' (WAIT at most), closes it and returns what it read."""
        if holder == "makefile()":
            file = sock.makefile("rb")

            def read_through() -> bytes:
                sock.settimeout(WAIT)  # the file reads with the socket's timeout
                with file:
                    return file.read()

        elif holder == "dup()":
            dup = self.keep(sock.dup())
            dup.settimeout(WAIT)

            def read_through() -> bytes:
                with dup:
                    return read_to_eof(dup)

        else:
            child = self.child_holding(sock)

            def read_through() -> bytes:
                out, _ = child.communicate(timeout=WAIT)
                return out

        return read_through

    def reuse_number(self, sock: socket.socket) -> socket.socket:
        """Close sock's descriptor behind its back and put an unrelated
        connection on its number, as the next socket() or accept() of a
        server would (os.dup2(), so that the number is certain); the number
        is that connection's only descriptor. Return the connection's peer.
        sock still holds the number: closing sock closes that connection."""
        other, other_peer = self.pair()
        os.dup2(other.fileno(), sock.fileno())  # closes sock's own descriptor
        other.close()
        return other_peer

    def close_all(self) -> None:
        for child in self._children:
            if child.poll() is None:
                child.kill()
            with child:  # waits, closes its pipe
                pass
        for sock in reversed(self._made):
            if sock.fileno() != -1:
                try:
                    sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, LINGER_ZERO)
                except OSError:
                    pass
            sock.close()

    # --- looking at a connection ---

    @staticmethod
    def ending(sock: socket.socket, timeout: float = WAIT) -> tuple[bytes, str]:
        """What sock still receives, and how the connection ends: "FIN",
        "RST" or "no end" (nothing more within timeout).

        Reads the raw TCP stream through a dup() of the descriptor (TLS
        records too), so that the answer does not depend on the ssl
        module's version."""
        data = bytearray()
        deadline = time.monotonic() + timeout
        with socket.socket(fileno=os.dup(sock.fileno())) as raw:
            for _ in range(1_000_000):
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    return bytes(data), "no end"
                raw.settimeout(remaining)
                try:
                    chunk = raw.recv(1 << 20)
                except ConnectionResetError:
                    return bytes(data), "RST"
                except TimeoutError:
                    return bytes(data), "no end"
                if not chunk:
                    return bytes(data), "FIN"
                data += chunk
        raise AssertionError("unreachable: the loop above returns")

    @staticmethod
    def nothing_arrived(sock: socket.socket) -> bool:
        """True if nothing is waiting to be read on sock: no data, no FIN,
        no reset (checked without waiting)."""
        readable, _, _ = select.select([sock], [], [], 0)
        return not readable

    @staticmethod
    def wait_until_queued(sock: socket.socket, size: int) -> None:
        """Wait (WAIT at most) until size bytes are in sock's receive queue
        (FIONREAD), read by no one."""
        deadline = time.monotonic() + WAIT
        while True:
            queued = queued_bytes(sock)
            if queued >= size:
                return
            assert time.monotonic() < deadline, f"{queued} of {size} bytes queued"
            select.select([], [], [], 0.01)  # a bounded wait, not a sleep

    @staticmethod
    def wait_until_sent(sock: socket.socket) -> None:
        """Wait (WAIT at most) until the peer has acknowledged all that sock
        sent (TIOCOUTQ: nothing unacknowledged). Nagle's algorithm may hold
        a small send back until an earlier one is acknowledged: a segment
        that is not sent yet, and would be lost if the path then died."""
        deadline = time.monotonic() + WAIT
        while True:
            unsent = unacknowledged_bytes(sock)
            if not unsent:
                return
            assert time.monotonic() < deadline, f"{unsent} bytes unacknowledged"
            select.select([], [], [], 0.001)  # a bounded poll, not a sleep

    @staticmethod
    def wait_readable(sock: socket.socket) -> None:
        """Wait (WAIT at most) until something arrived on sock: data, a FIN
        or a reset."""
        readable, _, _ = select.select([sock], [], [], WAIT)
        assert readable, f"nothing arrived within {WAIT} s"

    @staticmethod
    def wait_until_waiting(
        sock: socket.socket, thread_id: int, leaving: int = 0
    ) -> None:
        """Wait (WAIT at most) until nothing is queued for sock (at most
        `leaving` bytes) and the thread whose native id is thread_id is
        blocked in poll() (CPython waits for a socket with a timeout there,
        the ssl module too): a call of that thread on sock is waiting for
        what comes next. Reads nothing."""
        deadline = time.monotonic() + WAIT
        while True:
            queued = queued_bytes(sock)
            waiting = waits_in_poll(thread_id)
            if queued <= leaving and waiting:
                return
            assert time.monotonic() < deadline, f"{queued} queued; waiting: {waiting}"
            select.select([], [], [], 0.001)  # a bounded poll, 1 ms at a time

    @staticmethod
    def wait_until_in_poll(thread: threading.Thread, what: str) -> None:
        """Wait (WAIT at most) until thread sleeps in poll(), select() or
        epoll_wait(); fails naming what it was to wait in."""
        deadline = time.monotonic() + WAIT
        while not waits_in_poll(thread.native_id):
            assert time.monotonic() < deadline, f"not waiting in {what}"
            select.select([], [], [], 0.001)  # a bounded poll, 1 ms at a time

    @staticmethod
    def unacknowledged_bytes(sock: socket.socket) -> int:
        """How many bytes sock sent or queued that its peer has not yet
        acknowledged (TIOCOUTQ)."""
        return unacknowledged_bytes(sock)

    @staticmethod
    def queued_bytes(sock: socket.socket) -> int:
        """How many bytes are in sock's receive queue (FIONREAD)."""
        return queued_bytes(sock)

    @staticmethod
    def waits_in_poll(thread_id: int) -> bool:
        """Whether that thread sleeps in poll(), select() or epoll_wait()."""
        return waits_in_poll(thread_id)

    @staticmethod
    def wait_for_state(sock: socket.socket, state: int) -> None:
        """Wait (WAIT at most) until sock's connection is in this TCP state:
        TCP_CLOSE_WAIT once the peer's FIN (and all before it) has arrived,
        TCP_CLOSE once a reset has (if sock had sent no FIN). Reads nothing,
        and leaves a pending error for the next call to report."""
        deadline = time.monotonic() + WAIT
        while tcp_state(sock) != state:
            assert time.monotonic() < deadline, f"not in state {state} within {WAIT} s"
            select.select([], [], [], 0.001)  # a bounded poll, 1 ms at a time

    @staticmethod
    def fill(sock: socket.socket, pattern: bytes = b".") -> int:
        """Send until the kernel takes not even len(pattern) bytes more (the
        peer reads nothing, and what it has not read fills its window and
        this end's send buffer); return how many bytes are queued. sock
        keeps its timeout."""
        block = pattern * (65536 // len(pattern))
        queued = 0
        previous = sock.gettimeout()
        sock.setblocking(False)
        try:
            for _ in range(10_000):
                try:
                    queued += sock.send(block)
                    continue
                except BlockingIOError:
                    pass
                # Full for now; full for good once nothing moves for 50 ms
                # (the peer's window is closed) and a last small send fails.
                _, writable, _ = select.select([], [sock], [], 0.05)
                if not writable:
                    try:
                        queued += sock.send(pattern)
                    except BlockingIOError:
                        return queued
            raise AssertionError("the buffers never filled")
        finally:
            sock.settimeout(previous)


class RaisingAt(socket.socket):
    """See Sockets.raising()."""

    at, nth, error = "", 0, KeyboardInterrupt

    def gettimeout(self):
        result = super().gettimeout()
        self._count("gettimeout")
        return result

    def settimeout(self, value):
        super().settimeout(value)
        self._count("settimeout")

    def _count(self, name: str) -> None:
        if name == self.at:
            self.nth -= 1
            if self.nth == 0:
                raise self.error("as if from a signal handler")


class AlarmedOnFirstRecv(socket.socket):
    """A socket whose first recv() sets SIGALRM's timer (Sockets.alarmed())."""

    delay = 0.0
    armed = False

    def recv(self, *args):
        if not self.armed:
            self.armed = True
            signal.setitimer(signal.ITIMER_REAL, self.delay)
        return super().recv(*args)


class SlowReader(socket.socket):
    """A socket whose every recv() takes a millisecond more (Sockets.slow())."""

    def recv(self, *args):
        time.sleep(0.001)  # the scenario: a slow reader, not a synchronisation
        return super().recv(*args)


# The child of child_holding(): its stdin is a socket with O_NONBLOCK set
# (every Python socket with a timeout has it), so it waits with select().
CHILD_READER = f"""
import os, select
data = b""
while select.select([0], [], [], {WAIT})[0]:
    try:
        chunk = os.read(0, 65536)
    except BlockingIOError:
        continue
    if not chunk:
        break
    data += chunk
os.write(1, data)
"""


# poll() and ppoll() in /proc/<pid>/task/<tid>/syscall, by architecture
POLL_SYSCALLS = {"x86_64": {"7", "271"}, "aarch64": {"73"}}.get(
    platform.machine(), set()
)


def waits_in_poll(thread_id: int) -> bool:
    """Whether the thread whose native id is thread_id sleeps in the kernel
    in poll() (or select() or epoll_wait(), which sleep there too), by
    Linux's /proc."""
    task = Path(f"/proc/self/task/{thread_id}")
    if "poll" in (task / "wchan").read_text():
        return True
    return (task / "syscall").read_text().split(maxsplit=1)[0] in POLL_SYSCALLS


def unacknowledged_bytes(sock: socket.socket) -> int:
    """How many bytes sock sent or queued that its peer has not yet
    acknowledged (TIOCOUTQ)."""
    import fcntl  # POSIX only: this module is imported on Windows too
    import termios

    return struct.unpack("i", fcntl.ioctl(sock, termios.TIOCOUTQ, b"\0\0\0\0"))[0]


def queued_bytes(sock: socket.socket) -> int:
    """How many bytes are in sock's receive queue, read by no one (FIONREAD)."""
    import fcntl  # POSIX only: this module is imported on Windows too
    import termios

    return struct.unpack("i", fcntl.ioctl(sock, termios.FIONREAD, b"\0\0\0\0"))[0]


def tcp_state(sock: socket.socket) -> int:
    """The connection's TCP state (tcpi_state, the first byte of tcp_info)."""
    return sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_INFO, 8)[0]


def unacknowledged(sock: socket.socket) -> tuple[int, int]:
    """(segments this end sent that are not yet acknowledged, milliseconds
    since it last sent data): tcpi_unacked and tcpi_last_data_sent."""
    info = sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_INFO, 48)
    return struct.unpack_from("I", info, 24)[0], struct.unpack_from("I", info, 44)[0]


def _set_loopback_up(up: bool) -> None:
    """Bring this network namespace's loopback interface up or down."""
    import fcntl  # POSIX only: this module is imported on Windows too

    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        request = struct.pack("16sH", b"lo", 0)
        flags = struct.unpack("16sH", fcntl.ioctl(s, SIOCGIFFLAGS, request))[1]
        flags = flags | IFF_UP if up else flags & ~IFF_UP
        fcntl.ioctl(s, SIOCSIFFLAGS, struct.pack("16sH", b"lo", flags))


@pytest.fixture(scope="session")
def tls_contexts() -> tuple[ssl.SSLContext, ssl.SSLContext]:
    """(server context, client context) with a throwaway CA (trustme)."""
    import trustme

    ca = trustme.CA()
    server = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ca.issue_cert("localhost").configure_cert(server)
    client = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    ca.configure_trust(client)
    return server, client


@pytest.fixture
def sockets(request):
    made = Sockets(request)  # TLS contexts only if a test asks for a TLS pair
    yield made
    made.close_all()


# --- peers ---


class Peer:
    """The other end, playing role(sock, stop, *args) in a thread."""

    def __init__(self, role: Callable[..., Any], sock: socket.socket, args) -> None:
        self.stop = threading.Event()  # set at teardown: a waiting role ends
        self.sock = sock
        self._outcome: list[tuple[bool, Any]] = []
        self._thread = threading.Thread(
            target=self._run, args=(role, sock, args), name=f"peer {role.__name__}"
        )
        self._thread.start()

    def _run(self, role, sock, args) -> None:
        try:
            self._outcome.append((True, role(sock, self.stop, *args)))
        except BaseException as exc:  # raised again by result(), in the test
            self._outcome.append((False, exc))

    def result(self, timeout: float = WAIT) -> Any:
        """What the role returned (WAIT at most); raises what it raised."""
        self._thread.join(timeout)
        assert not self._thread.is_alive(), f"{self._thread.name}: still running"
        returned, value = self._outcome.pop()
        self._outcome.append((True, None))  # reported once
        if not returned:
            raise value
        return value

    def end(self) -> BaseException | None:
        """Stop the role (waking it from a blocked call if need be)."""
        self.stop.set()
        self._thread.join(0.05)
        if self._thread.is_alive() and self.sock.fileno() != -1:
            try:
                self.sock.shutdown(socket.SHUT_RDWR)  # wakes a blocked recv()
            except OSError:
                pass
        self._thread.join(WAIT)
        if self._thread.is_alive():
            return AssertionError(f"{self._thread.name}: did not end")
        returned, value = self._outcome[-1]
        return None if returned else value


class Peers:
    """Starts peers; the roles most tests use are attributes too."""

    def __init__(self) -> None:
        self.started: list[Peer] = []

    def start(self, role: Callable[..., Any], sock: socket.socket, *args) -> Peer:
        peer = Peer(role, sock, args)
        self.started.append(peer)
        return peer

    # Roles: role(sock, stop, *args). Each is bounded: by its socket's
    # timeout (WAIT), by a count, or by stop.

    @staticmethod
    def read_to_eof_then_close(sock, stop) -> bytes:
        """Read everything until b'', then close; return what was read."""
        data = read_to_eof(sock)
        sock.close()
        return data

    @staticmethod
    def upload_then_read(sock, stop, body: bytes) -> bytes:
        """An ordinary client: sendall() the whole body, then read until
        b'', then close; return what was read (raises on a reset)."""
        sock.sendall(body)
        data = read_to_eof(sock)
        sock.close()
        return data

    @staticmethod
    def send_after_fin(sock, stop, data: bytes) -> bytes:
        """Read until the FIN, then send data and close; return what was
        read before the FIN."""
        got = read_to_eof(sock)
        sock.sendall(data)
        sock.close()
        return got

    @staticmethod
    def silent_then_fin(sock, stop, seconds: float = 3.0) -> bool:
        """Send nothing; after seconds (unless stopped first), send a FIN: a
        safety net that ends a call that ignored its timeout. Return True
        if it had to."""
        if stop.wait(seconds):
            return False
        shutdown_write(sock)
        return True

    @staticmethod
    def trickle(sock, stop, data: bytes, interval: float) -> int:
        """Send data one byte every interval seconds, then a FIN (unless
        stopped first, or an error); return how many bytes were sent."""
        sent = 0
        for byte in data:
            if stop.wait(interval):
                return sent
            try:
                sock.sendall(bytes([byte]))
            except OSError:
                return sent
            sent += 1
        shutdown_write(sock)
        return sent

    @staticmethod
    def flood(sock, stop, seconds: float) -> int:
        """Send as fast as the kernel takes it, for seconds at most, then a
        FIN (unless stopped first, or an error). Return how many bytes went."""
        block = b"u" * (1 << 20)
        sent = 0
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            if stop.is_set():
                return sent
            try:
                sock.sendall(block)
            except OSError:
                return sent
            sent += len(block)
        shutdown_write(sock)
        return sent


def shutdown_write(sock: socket.socket) -> None:
    """Send a FIN, if the connection is still there to send it on."""
    try:
        sock.shutdown(socket.SHUT_WR)
    except OSError:
        pass


def read_to_eof(sock: socket.socket, limit: int = 1 << 30) -> bytes:
    """Read until b'' (at most limit bytes); the socket's timeout bounds each recv."""
    data = bytearray()
    while len(data) <= limit:
        chunk = sock.recv(1 << 20)
        if not chunk:
            return bytes(data)
        data += chunk
    raise AssertionError(f"more than {limit} bytes")


@pytest.fixture
def peers(sockets):
    """Starts peers (peers.start(role, sock, *args)); at teardown each is
    stopped and joined, and an error a test did not collect fails it."""
    made = Peers()
    yield made
    problems = [problem for peer in made.started if (problem := peer.end())]
    if problems:
        raise problems[0]


# --- an interrupt between two bytecodes ---


@contextlib.contextmanager
def _interrupt_before(function: Callable, line: str, error=KeyboardInterrupt):
    """Raise error in function as it reaches the first line whose text is
    line (stripped), before that line runs: a trace function stands in for
    a signal handler whose signal lands there. Fails if the line is never
    reached."""
    code = function.__code__
    lines = Path(code.co_filename).read_text().splitlines()
    reached = []

    def in_function(frame, event, arg):
        if event == "line" and lines[frame.f_lineno - 1].strip() == line:
            sys.settrace(None)
            frame.f_trace = None
            reached.append(True)
            raise error
        return in_function

    def trace(frame, event, arg):
        return in_function if frame.f_code is code else None

    sys.settrace(trace)
    try:
        yield
    finally:
        sys.settrace(None)
    assert reached, f"{function.__name__}() never reached {line!r}"


@pytest.fixture
def interrupt_before():
    """interrupt_before(function, line): a context manager in which calling
    function raises KeyboardInterrupt as it reaches line, before it runs."""
    return _interrupt_before


# --- another thread running Python code ---


@pytest.fixture
def busy_thread():
    """busy_thread(interval): a context manager in which another thread runs
    Python code without pause (WAIT at most), with the switch interval set
    to interval seconds; restored, and the thread joined, on exit."""

    @contextlib.contextmanager
    def run(interval: float):
        stop = threading.Event()

        def spin() -> None:
            deadline = time.monotonic() + WAIT
            while not stop.is_set() and time.monotonic() < deadline:
                pass

        previous = sys.getswitchinterval()
        sys.setswitchinterval(interval)
        thread = threading.Thread(target=spin)
        thread.start()
        try:
            yield
        finally:
            stop.set()
            thread.join(WAIT)
            sys.setswitchinterval(previous)

    return run


# --- another thread that uses the socket ---


@pytest.fixture
def timeout_seen_by_another_thread():
    """watch(sock): start a thread that reads sock's timeout until it is not
    None (WAIT at most); return a function that joins it and gives the
    first timeout it saw that was not None (or None)."""
    threads: list[threading.Thread] = []

    def watch(sock: socket.socket) -> Callable[[], float | None]:
        seen: list[float] = []

        def run() -> None:
            deadline = time.monotonic() + WAIT
            while time.monotonic() < deadline:
                timeout = sock.gettimeout()
                if timeout is not None:
                    seen.append(timeout)
                    return
                select.select([], [], [], 0.005)  # a bounded wait, not a sleep

        thread = threading.Thread(target=run)
        thread.start()
        threads.append(thread)

        def result() -> float | None:
            thread.join(WAIT)
            return seen[0] if seen else None

        return result

    yield watch
    for thread in threads:
        thread.join(WAIT)
