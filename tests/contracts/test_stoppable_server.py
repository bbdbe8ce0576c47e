"""Contract tests of closing.StoppableHTTPServer, one per clause of its docstring.

The clients are plain sockets (TLS ones for a handler that wraps its
connection in TLS in setup()), so a test sees exactly what the server sends
and when it closes. Handlers block on threading.Event objects the test sets,
so each test decides when a request ends; stop() runs in its own thread,
bounded by a join() timeout, so a stop() that hangs fails the test instead
of hanging it.
"""

from __future__ import annotations

import contextlib
import functools
import http.client
import http.server
import io
import math
import os
import select
import socket
import ssl
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import pytest
import trustme

import closing

pytestmark = pytest.mark.skipif(
    sys.platform != "linux", reason="the contracts are verified on Linux"
)

TIMEOUT = 5.0  # seconds: the bound for waits that end by themselves
SHORT = 0.3  # seconds: the timeout given to stop() when a test waits it out
SLACK = 0.4  # seconds a busy machine may add to a bound (make contract-soak)
POLL = 0.1  # seconds serve_forever() may take to notice shutdown() (its poll)
BODY = 16 << 20  # bytes of a response: more than the kernel buffers hold
HOST = "127.0.0.1"
# How a client sees stop() close a connection waiting for a request. Over
# TLS, the server's OpenSSL 3 answers the EOF that shutdown(SHUT_RD) makes
# its read meet with a decode_error alert; OpenSSL 1.1 sends nothing.
CLOSED = {
    False: {(b"", "EOF")},
    True: {(b"", "EOF"), (b"", "TLSV1_ALERT_DECODE_ERROR")},
}


class Handler(closing.StoppableHTTPRequestHandler):
    """GET /slow waits for the test's release; GET /stream and POST never end.

    Each request appends what happened to it to `outcomes`: "sent", or the
    name of the exception its socket raised."""

    protocol_version = "HTTP/1.1"  # keep-alive
    timeout = TIMEOUT  # no test hangs on a connection stop() forgot
    started: threading.Event  # the fresh events of each test: see `app`
    release: threading.Event
    outcomes: list[str]

    def do_GET(self):
        if self.path == "/silent":
            self.started.set()
            self.release.wait(TIMEOUT)
            return  # answers nothing, and the connection stays open
        if self.path == "/slow":
            self.started.set()
            self.release.wait(TIMEOUT)  # never touches its socket meanwhile
        if self.path == "/stream":
            self.send(b"x" * BODY, started=self.started)
        else:
            self.send(self.path.encode())

    def do_POST(self):
        """Reads a body that never comes whole: waits in recv()."""
        length = int(self.headers["Content-Length"])
        self.started.set()
        got = self.rfile.read(length)
        self.outcomes.append(f"read {len(got)} of {length}")
        self.close_connection = True

    def send(self, body, started=None):
        try:
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if started is not None:
                started.set()
            self.wfile.write(body)
            self.outcomes.append("sent")
        except OSError as exc:
            self.outcomes.append(type(exc).__name__)
            self.close_connection = True

    def log_message(self, format, *args):
        pass  # no log lines on stderr


class TLSHandler(Handler):
    """Wraps its connection in TLS in setup(), as the docstring shows, the
    handshake left to the first read: the socket it was given is detached,
    the server's `request` no longer holds a descriptor. No finish() of its
    own: StoppableHTTPRequestHandler closes the wrapper."""

    context: ssl.SSLContext

    def setup(self):
        self.request.settimeout(TIMEOUT)  # bounds the handshake
        self.request = self.context.wrap_socket(
            self.request, server_side=True, do_handshake_on_connect=False
        )
        super().setup()


class HandshakeInSetupHandler(TLSHandler):
    """As TLSHandler, but with the handshake in setup() (wrap_socket()'s
    default), which the docstring advises against."""

    def setup(self):
        self.request.settimeout(TIMEOUT)
        self.request = self.context.wrap_socket(self.request, server_side=True)
        super(TLSHandler, self).setup()


class QuitHandler(Handler):
    """GET /quit answers, then calls stop() from its own thread: `outcomes`
    gets "sent", then what stop() returned or raised and how long it took;
    `release` is set once stop() has ended."""

    def do_GET(self):
        if self.path != "/quit":
            return super().do_GET()
        self.send(b"bye")
        start = time.monotonic()
        try:
            outcome = ("returned", self.server.stop(TIMEOUT))
        except Exception as exc:  # the outcome is what the test checks
            outcome = ("raised", exc)
        self.outcomes.append((outcome, time.monotonic() - start))
        self.release.set()


class StopFirstHandler(Handler):
    """GET /quit waits until `barrier` has two of them, calls stop(), then
    answers with what it returned; `outcomes` gets (what stop() returned,
    how long it took), then "sent"."""

    barrier: threading.Barrier  # set by the test

    def do_GET(self):
        if self.path != "/quit":
            return super().do_GET()
        self.barrier.wait()
        start = time.monotonic()
        stopped = self.server.stop(TIMEOUT)
        self.outcomes.append((stopped, time.monotonic() - start))
        self.send(repr(stopped).encode())


class HeldWhenWokenHandler(Handler):
    """Once its read of the next request line returns b'' (stop() woke the
    connection), sets `started` and keeps the connection open until
    `release`; then appends to `outcomes` the bytes queued unread on it."""

    def handle_one_request(self):
        super().handle_one_request()
        if self.raw_requestline == b"":
            self.started.set()
            self.release.wait(TIMEOUT)
            queued = self.connection.recv(65536, socket.MSG_PEEK | socket.MSG_DONTWAIT)
            self.outcomes.append(queued)


class Server(closing.StoppableHTTPServer):
    """Keeps its handlers' exceptions; stop_began is set once stop() has
    stopped serve_forever() (stop() calls shutdown() first)."""

    def __init__(self, handler):
        self.errors: list[BaseException] = []
        self.stop_began = threading.Event()
        super().__init__((HOST, 0), handler)

    def shutdown(self):
        super().shutdown()
        self.stop_began.set()

    def handle_error(self, request, client_address):
        self.errors.append(sys.exc_info()[1])


class HoldingServer(Server):
    """Once `hold_next` is set, holds the next handler that calls working()
    (its request line read, its state not yet changed) until `hold` is set;
    `holding` is set when it does."""

    def __init__(self, handler):
        self.hold_next = False
        self.hold = threading.Event()
        self.holding = threading.Event()
        super().__init__(handler)

    def working(self, connection):
        if self.hold_next:
            self.hold_next = False
            self.holding.set()
            self.hold.wait(TIMEOUT)
        return super().working(connection)


class HoldingAcceptServer(HoldingServer):
    """Once `hold_accepted_next` is set, holds serve_forever() in
    process_request() for the next connection it accepts (its handler thread
    not yet started) until `hold` is set; `holding` is set when it does.
    `shutdowns` counts the calls of shutdown() begun."""

    def __init__(self, handler):
        self.hold_accepted_next = False
        self.shutdowns = 0
        super().__init__(handler)

    def process_request(self, request, client_address):
        if self.hold_accepted_next:
            self.hold_accepted_next = False
            self.holding.set()
            self.hold.wait(TIMEOUT)
        super().process_request(request, client_address)

    def shutdown(self):
        with self._lock:
            self.shutdowns += 1
        super().shutdown()


class StopThenAnswerHandler(Handler):
    """GET /quit calls stop(stop_timeout), then answers with what it
    returned; `outcomes` gets what the answer's send did ("sent", or the
    error)."""

    stop_timeout = SHORT

    def do_GET(self):
        if self.path != "/quit":
            return super().do_GET()
        self.send(repr(self.server.stop(self.stop_timeout)).encode())


class StopLongThenAnswerHandler(StopThenAnswerHandler):
    stop_timeout = TIMEOUT


class Stopping:
    """server.stop(timeout) in a thread: what it returned or raised, and when."""

    def __init__(self, server, timeout):
        self.outcome: tuple[str, object] | None = None
        self.took = 0.0
        self._thread = threading.Thread(target=self._run, args=(server, timeout))
        self._thread.start()

    def _run(self, server, timeout):
        start = time.monotonic()
        try:
            self.outcome = ("returned", server.stop(timeout))
        except Exception as exc:  # the outcome is what the test checks
            self.outcome = ("raised", exc)
        self.took = time.monotonic() - start

    def result(self, limit=TIMEOUT):
        """The outcome, once stop() has ended within limit seconds."""
        self._thread.join(limit)
        assert not self._thread.is_alive(), f"stop() still running after {limit} s"
        return self.outcome


@pytest.fixture(scope="module")
def tls():
    """Server and client contexts for 127.0.0.1 from a throwaway CA."""
    ca = trustme.CA()
    server = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert(HOST).configure_cert(server)
    client = ssl.create_default_context()
    ca.configure_trust(client)
    return server, client


@pytest.fixture
def app(tls):
    """make(use_tls=False, start=True, base=None, server_class=Server): a
    server_class with fresh events, started; its handler class derives from
    base (by default Handler, or TLSHandler if use_tls).

    On teardown: every event set, stop() (a second call is allowed), and
    every thread the test started ended."""
    before = set(threading.enumerate())
    servers: list[Server] = []
    events: list[threading.Event] = []

    def make(use_tls=False, start=True, base=None, server_class=Server):
        if base is None:
            base = TLSHandler if use_tls else Handler
        attributes = {
            "started": threading.Event(),
            "release": threading.Event(),
            "outcomes": [],
            "context": tls[0],
        }
        events.extend([attributes["started"], attributes["release"]])
        server = server_class(type("TestHandler", (base,), attributes))
        servers.append(server)
        if start:
            server.start()
        return server

    yield make
    for event in events:
        event.set()
    for server in servers:
        if isinstance(server, HoldingServer):
            server.hold.set()
    for server in servers:
        Stopping(server, TIMEOUT).result(TIMEOUT + 2)
    left = [t for t in threading.enumerate() if t not in before]
    for thread in left:
        thread.join(TIMEOUT)
    assert not [t for t in left if t.is_alive()]


def handler_class(server) -> type[Handler]:
    return server.RequestHandlerClass


def connect(server, tls_client=None):
    sock = socket_to(server)
    if tls_client is not None:
        sock = tls_client.wrap_socket(sock, server_hostname=HOST)
    return sock


def socket_to(server):
    return socket.create_connection(server.server_address, timeout=TIMEOUT)


def send_get(sock, path="/"):
    sock.sendall(f"GET {path} HTTP/1.1\r\nHost: {HOST}\r\n\r\n".encode())


def get(sock, path="/"):
    """One request and its response on a keep-alive connection: (status, body)."""
    send_get(sock, path)
    response = http.client.HTTPResponse(sock)
    try:
        response.begin()
        return response.status, response.read()
    finally:
        response.close()


def read_until_eof(sock) -> tuple[bytes, str]:
    """What the client reads until the end, and the end: "EOF", "reset", or
    for TLS the alert the server's OpenSSL sends when its read meets EOF."""
    chunks = []
    for _ in range(100_000):  # bounded; each recv() is bounded by TIMEOUT
        try:
            chunk = sock.recv(65536)
        except ConnectionResetError:
            return b"".join(chunks), "reset"
        except ssl.SSLError as exc:
            return b"".join(chunks), exc.reason
        if not chunk:
            return b"".join(chunks), "EOF"
        chunks.append(chunk)
    raise AssertionError("no end after 100000 reads")


class _Unclosable(io.BytesIO):
    def close(self):
        pass  # HTTPResponse closes its file once a body is read


class _Recorded:
    """Bytes a client read, standing in for the socket HTTPResponse reads."""

    def __init__(self, data):
        self.file = _Unclosable(data)

    def makefile(self, mode):
        return self.file


def responses(data) -> list[tuple[int, str | None, bytes]]:
    """(status, Connection header, body) of each HTTP response in data."""
    recorded = _Recorded(data)
    found = []
    for _ in range(10):  # bounded: a test expects at most two
        if recorded.file.tell() == len(data):
            return found
        response = http.client.HTTPResponse(recorded)
        response.begin()
        found.append(
            (response.status, response.getheader("Connection"), response.read())
        )
    raise AssertionError("more than 10 responses")


def an_idle_keep_alive(server, tls_client=None):
    """A connection that had one request answered and now waits: its handler
    reads the next request line."""
    sock = connect(server, tls_client)
    assert get(sock) == (200, b"/")
    return sock


def listener_closed(server) -> bool:
    """The listening socket is closed: the object, and in the kernel.

    Not by connecting: once the port is free, another test's listener (on
    another xdist worker) may take it at once. Instead, no socket of this
    process listens on the port any more, per /proc/net/tcp (Linux)."""
    if server.socket.fileno() != -1:
        return False
    port = f"{server.server_address[1]:04X}"
    ours = set()
    for fd in Path("/proc/self/fd").iterdir():
        try:
            target = os.readlink(fd)
        except OSError:
            continue  # closed meanwhile
        if target.startswith("socket:["):
            ours.add(target[8:-1])
    with open("/proc/net/tcp") as table:
        next(table)  # the header line
        for line in table:
            fields = line.split()
            listening = fields[3] == "0A"
            if listening and fields[1].endswith(f":{port}") and fields[9] in ours:
                return False
    return True


def listens(inode: int) -> bool:
    """The TCP socket with that inode, whichever process holds it, is in
    LISTEN (per /proc/net/tcp, Linux)."""
    with open("/proc/net/tcp") as table:
        next(table)  # the header line
        return any(
            fields[9] == str(inode) and fields[3] == "0A"
            for fields in map(str.split, table)
        )


def test_stop_ends_listening_while_a_child_holds_the_listener(app):
    """a new
    connection is then refused, and one the kernel had queued unaccepted is
    reset, also while a child process holds the listening socket, as the
    workers a handler's ProcessPoolExecutor forks do on Linux: stop() shuts
    it down, which ends its listening for every holder

    A child started with the listener's descriptor (pass_fds) holds it:
    once stop() has returned True, the socket, which the child still holds,
    listens no more (an earlier version closed this process's descriptor
    only, and the child's kept listening: a new client connected and got
    no answer)."""
    server = app()
    inode = os.fstat(server.socket.fileno()).st_ino
    assert listens(inode)
    child = subprocess.Popen(
        [sys.executable, "-c", "import time; time.sleep(30)"],
        pass_fds=[server.socket.fileno()],
    )
    try:
        assert Stopping(server, TIMEOUT).result() == ("returned", True)
        assert not listens(inode), "the child's descriptor still listens"
    finally:
        child.kill()
        child.wait(TIMEOUT)


class DaemonThreadsServer(Server):
    daemon_threads = True  # ThreadingMixIn's attribute, which the class overrides


def test_its_threads_are_not_daemons_whatever_thread_called_start(app):
    """That thread is not a daemon, nor is any
    handler thread, whatever thread called start() and whatever
    daemon_threads says

    start() is called from a daemon thread, on a server whose
    daemon_threads is True: the serving thread and the handler thread of a
    request in progress are not daemons. (An earlier body let them copy the
    daemon flag of the thread that made them: both were daemons, and the
    process could exit with the request unanswered.)"""
    server = app(start=False, server_class=DaemonThreadsServer)
    starter = threading.Thread(target=server.start, daemon=True)
    starter.start()
    starter.join(TIMEOUT)
    assert not starter.is_alive()
    handler = handler_class(server)
    with connect(server) as busy:
        busy.sendall(f"GET /slow HTTP/1.1\r\nHost: {HOST}\r\n\r\n".encode())
        assert handler.started.wait(TIMEOUT)
        threads = [
            t
            for t in threading.enumerate()
            if target_of(t) in (server._serve, server.process_request_thread)
        ]
        assert len(threads) == 2
        assert not any(t.daemon for t in threads)
        handler.release.set()
        response = http.client.HTTPResponse(busy)
        response.begin()
        assert (response.status, response.read()) == (200, b"/slow")
        response.close()


def test_start_serves_in_a_new_thread(app):
    """serve with start(), which serves in a new thread ... That thread is
    not a daemon, ... until stop() (a with block calls it), the process
    does not exit.

    start() returns at once; the test's own thread then gets answers. The
    serving thread is a new one, and not a daemon (Python's exit waits for
    it)."""
    server = app(start=False)
    before = set(threading.enumerate())
    start = time.monotonic()
    server.start()
    assert time.monotonic() - start < SLACK
    (serving,) = set(threading.enumerate()) - before
    assert serving is not threading.current_thread() and not serving.daemon
    with connect(server) as sock:
        assert get(sock) == (200, b"/")
        assert get(sock, "/again") == (200, b"/again")


def test_stop_stops_accepting(app):
    """stop(timeout) stops accepting and closes the listening socket (once
    serve_forever() notices, at its next 0.1 s poll: a new connection is then
    refused ...).

    While a request is still in progress, the listener is already closed, so
    a new client is refused at once instead of waiting unanswered until
    stop() returns. (The test does not connect then: on a busy machine
    another test's listener may take the freed port at once.)"""
    server = app()
    with connect(server) as busy:
        send_get(busy, "/slow")
        assert handler_class(server).started.wait(TIMEOUT)
        stopping = Stopping(server, TIMEOUT)
        assert server.stop_began.wait(TIMEOUT)
        for _ in range(200):  # bounded: 2 s at most
            if server.socket.fileno() == -1:
                break
            time.sleep(0.01)  # a test's poll, not a program's synchronisation
        assert server.socket.fileno() == -1, "the listener is still open"
        assert stopping.outcome is None, "stop() should still be draining"
        handler_class(server).release.set()
        assert stopping.result() == ("returned", True)
    assert listener_closed(server)


def test_stop_lets_each_request_in_progress_finish(app):
    """stop(timeout) ... lets each request in progress finish.

    A request whose handler is busy when stop() begins gets its whole
    response, and stop() returns True. An earlier version shut the
    connection down under the handler: it got BrokenPipeError and the
    client RemoteDisconnected."""
    server = app()
    handler = handler_class(server)
    with connect(server) as busy:
        send_get(busy, "/slow")
        assert handler.started.wait(TIMEOUT)
        stopping = Stopping(server, TIMEOUT)
        assert server.stop_began.wait(TIMEOUT)
        handler.release.set()
        got = read_until_eof(busy)
        assert stopping.result() == ("returned", True)
    assert responses(got[0]) == [(200, None, b"/slow")]
    assert handler.outcomes == ["sent"]
    assert server.errors == []


@pytest.mark.parametrize("use_tls", [False, True], ids=["plain", "TLS"])
def test_stop_closes_the_connections_waiting_for_a_request(app, tls, use_tls):
    """stop(timeout) ... closes the connections waiting for a request.

    A silent connection (nothing sent since it was accepted) and an idle
    keep-alive one (one request answered) each read EOF, and stop(5) returns
    True at once instead of waiting for them."""
    server = app(use_tls)
    client = tls[1] if use_tls else None
    with connect(server, client) as silent:
        # accepted in order: once the next connection is answered, the
        # silent one has its handler too
        with an_idle_keep_alive(server, client) as idle:
            stopping = Stopping(server, TIMEOUT)
            assert stopping.result() == ("returned", True)
            assert stopping.took < POLL + SLACK
            assert read_until_eof(silent) in CLOSED[use_tls]
            assert read_until_eof(idle) in CLOSED[use_tls]
    assert server.errors == []


def test_stop_returns_true_once_every_handler_thread_has_ended(app):
    """stop(timeout) ... returns True once every handler thread has ended,
    within timeout seconds.

    With a silent connection, an idle keep-alive one and a request in
    progress that ends after stop() began: True, and when it returns no
    thread the server started is left."""
    before = set(threading.enumerate())
    server = app()
    handler = handler_class(server)
    with (
        connect(server) as silent,
        an_idle_keep_alive(server) as idle,
        connect(server) as busy,
    ):
        send_get(busy, "/slow")
        assert handler.started.wait(TIMEOUT)
        stopping = Stopping(server, TIMEOUT)
        assert server.stop_began.wait(TIMEOUT)
        handler.release.set()
        assert stopping.result() == ("returned", True)
        assert [t for t in threading.enumerate() if t not in before] == []
        assert stopping.took < POLL + SLACK
        for sock in (silent, idle):
            assert read_until_eof(sock) == (b"", "EOF")
    assert handler.outcomes == ["sent", "sent"]  # the idle one's first, /slow


@pytest.mark.parametrize("use_tls", [False, True], ids=["plain", "TLS"])
def test_a_request_reaching_a_connection_once_stop_has_begun_gets_503(
    app, tls, use_tls
):
    """Once serve_forever() has returned and stop() wakes the waiting
    connections, the first request that reaches a connection before the
    server closes it is answered 503 with Connection: close, also one
    pipelined behind a request in progress before stop() was called

    A keep-alive client sends a second request while its first is in
    progress, before stop() begins; the first gets its response, the second a
    503 with Connection: close, then the connection closes."""
    client = tls[1] if use_tls else None
    data = stop_behind_a_slow_request(app(use_tls), b"GET /next", True, client)
    (first, second) = responses(data)
    assert first == (200, None, b"/slow")
    assert second[:2] == (503, "close")


def stop_behind_a_slow_request(
    server, pipelined: bytes, idle: bool, tls_client=None, slow: bytes = b""
) -> bytes:
    """What the pipelined-request tests share: a client sends GET /slow
    (with the header lines `slow`) and, once its handler has started,
    `pipelined` (a bare request line gets "HTTP/1.1" and a Host line); then
    stop() begins (with `idle`, an idle keep-alive connection is open, and
    its closing shows that stop() has begun); then /slow is let go. Checks
    that the client reads up to the end (EOF), that stop() returns True and
    that no handler failed; returns what the client read."""
    if b"\r\n" not in pipelined:
        pipelined += f" HTTP/1.1\r\nHost: {HOST}\r\n\r\n".encode()
    handler = handler_class(server)
    with contextlib.ExitStack() as stack:
        if idle:
            idle_sock = stack.enter_context(an_idle_keep_alive(server, tls_client))
        busy = stack.enter_context(connect(server, tls_client))
        busy.sendall(
            f"GET /slow HTTP/1.1\r\nHost: {HOST}\r\n".encode() + slow + b"\r\n"
        )
        assert handler.started.wait(TIMEOUT)
        busy.sendall(pipelined)  # reaches the server while /slow is in progress
        stopping = Stopping(server, TIMEOUT)
        if idle:  # stop() has begun: it has closed the idle connection
            assert read_until_eof(idle_sock) in CLOSED[tls_client is not None]
        handler.release.set()
        data, end = read_until_eof(busy)
        assert stopping.result() == ("returned", True)
    assert end == "EOF"
    assert server.errors == []
    return data


class SaysCloseHandler(Handler):
    """Answers with Connection: close (as a handler of yours may)."""

    def end_headers(self):
        self.send_header("Connection", "close")
        super().end_headers()


@pytest.mark.parametrize(
    "protocol, close_header, says_close",
    [("HTTP/1.0", False, False), ("HTTP/1.1", True, False), ("HTTP/1.1", False, True)],
    ids=[
        "an HTTP/1.0 handler",
        "the first request says Connection: close",
        "the handler says Connection: close",
    ],
)
def test_a_pipelined_request_on_a_connection_not_kept_alive_gets_no_answer(
    app, protocol, close_header, says_close
):
    """if that request leaves the connection open (as BaseHTTPRequestHandler
    decides for every request, ...; when it does not, the handler closes
    the connection after its response, as at any time, and the pipelined
    request gets no answer)

    A second request is pipelined behind one in progress, and stop() is
    called, as in the 503 test, but the handler keeps
    BaseHTTPRequestHandler's default protocol_version, "HTTP/1.0", or the
    first request says Connection: close, or the handler answers it with
    Connection: close: the first one's response, then the end, and nothing
    for the pipelined request; stop() returns True."""
    base = SaysCloseHandler if says_close else Handler
    server = app(False, base=type("Handler10", (base,), {"protocol_version": protocol}))
    extra = b"Connection: close\r\n" if close_header else b""
    data = stop_behind_a_slow_request(server, b"GET /next", False, slow=extra)
    [(status, _, body)] = responses(data)
    assert (status, body) == (200, b"/slow")


REJECTED = {  # what is pipelined: (the status, or the error page's code)
    "a request line of four words": (
        f"GET /next extra HTTP/1.1\r\nHost: {HOST}\r\n\r\n",
        (400, "close"),
    ),
    "a request line over 65536 bytes": (
        f"GET /{'x' * 70_000} HTTP/1.1\r\nHost: {HOST}\r\n\r\n",
        (414, "close"),
    ),
    "101 header lines": (
        "GET /next HTTP/1.1\r\n" + "X-A: b\r\n" * 101 + "\r\n",
        (431, "close"),
    ),
    "a header line over 65536 bytes": (
        f"GET /next HTTP/1.1\r\nX-A: {'b' * 70_000}\r\n\r\n",
        (431, "close"),
    ),
    "HTTP/2.0": (f"GET /next HTTP/2.0\r\nHost: {HOST}\r\n\r\n", "505"),
    "a version it cannot read": (f"GET /next FOO/1\r\nHost: {HOST}\r\n\r\n", "400"),
    # BaseHTTPRequestHandler reads headers after an HTTP/0.9 request line too
    "HTTP/0.9": ("GET /next\r\n\r\n", "503"),
    # ... but rejects any other method first, and reads no headers then
    "HTTP/0.9 other than GET": ("HEAD /next\r\n", "400"),
    "a single word (no version)": ("NEXT\r\n\r\n", "400"),
}


@pytest.mark.parametrize("case", REJECTED)
def test_a_request_it_rejects_gets_that_error_instead_of_the_503(app, case):
    """A request that BaseHTTPRequestHandler itself rejects (a request line it
    cannot parse, 400, or of more than 65536 bytes, 414; an HTTP/0.9
    request other than GET, 400; more than 100
    header lines or one of more than 65536 bytes, 431; an HTTP version it
    cannot read, 400, or from 2.0 on, 505) gets that error instead of the
    503, as at any time, and the connection is then closed. An HTTP/0.9
    request (a request line with no version), or one whose version it
    rejects, gets its answer, the 503 or that error, as the error page
    alone, with no status line and no headers.

    As in the 503 test, a second request is pipelined behind one in
    progress, and the first is let go once stop() has begun: 200 for it,
    then the error with Connection: close, or for a version it rejects and
    for HTTP/0.9 the error page alone (its code in the page), then the
    connection closes. (An earlier list left out HTTP/0.9's HEAD, which
    gets 400, not the 503.)"""
    pipelined, expected = REJECTED[case]
    data = stop_behind_a_slow_request(app(False), pipelined.encode(), True)
    recorded = _Recorded(data)
    first = http.client.HTTPResponse(recorded)
    first.begin()
    assert (first.status, first.read()) == (200, b"/slow")
    rest = data[recorded.file.tell() :]
    if isinstance(expected, tuple):
        (second,) = responses(rest)
        assert second[:2] == expected
    else:
        assert not rest.startswith(b"HTTP/"), rest[:80]
        assert f"Error code: {expected}".encode() in rest, rest[:300]


def test_an_empty_line_before_a_pipelined_request_ends_the_connection(app):
    """An empty line before a request (which RFC
    9112 says a server should ignore) ends the connection instead, with no
    answer, as at any time.

    As in the 503 test, a request is pipelined behind one in progress, with
    an empty line before it: 200 for the first, then nothing, and the
    connection closes."""
    pipelined = f"\r\nGET /next HTTP/1.1\r\nHost: {HOST}\r\n\r\n".encode()
    data = stop_behind_a_slow_request(app(False), pipelined, True)
    recorded = _Recorded(data)
    first = http.client.HTTPResponse(recorded)
    first.begin()
    assert (first.status, first.read()) == (200, b"/slow")
    assert data[recorded.file.tell() :] == b""


def test_a_request_reaching_an_idle_connection_after_the_wake_gets_no_answer(app):
    """(one woken in the middle of its request line is closed without an
    answer, and so is one that reaches an idle connection after the wake,
    once the woken handler's read has returned b'': it reads no further

    stop() wakes an idle keep-alive connection; its handler's read returns
    b''; the client's next request arrives only then (the test holds the
    handler until it has been sent): the handler leaves it unread, and the
    client reads no answer, only the end."""
    server = app(base=HeldWhenWokenHandler)
    handler = handler_class(server)
    with an_idle_keep_alive(server) as idle:
        stopping = Stopping(server, TIMEOUT)
        assert handler.started.wait(TIMEOUT)  # woken: its read returned b''
        send_get(idle, "/late")
        handler.release.set()
        data, end = read_until_eof(idle)
        assert stopping.result() == ("returned", True)
    assert data == b""
    assert end in ("EOF", "reset")
    late = b"GET /late HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
    assert handler.outcomes == ["sent", late]  # the first GET's, then unread
    assert server.errors == []


class LateAfterWakeServer(Server):
    """Once stop() is stopping, a handler about to read its next request
    (woken in waiting(): its connection shut down for reading) sets
    `woken` and waits, before that read, until `arrived` is set."""

    def __init__(self, handler):
        self.woken = threading.Event()
        self.arrived = threading.Event()
        super().__init__(handler)

    def waiting(self, connection):
        super().waiting(connection)
        if self._stopping:  # a private attribute: the test's hook, no more
            self.woken.set()
            self.arrived.wait(TIMEOUT)


def test_a_request_arriving_after_the_wake_but_before_the_read_gets_503(app, sockets):
    """one that arrives after the wake but before that read (Linux still
    hands a read the data that arrived after shutdown(SHUT_RD)) gets the
    503

    A request in progress when stop() begins; once it is answered, its
    handler is woken as it turns to wait for the next request; the
    client's next request arrives then, before the handler reads (the test
    holds it until the bytes are queued on the server's socket): 200, then
    503 with Connection: close."""
    server = app(server_class=LateAfterWakeServer)
    handler = handler_class(server)
    with an_idle_keep_alive(server) as idle, connect(server) as busy:
        send_get(busy, "/slow")
        assert handler.started.wait(TIMEOUT)
        stopping = Stopping(server, TIMEOUT)
        assert read_until_eof(idle) == (b"", "EOF")  # stop() has begun
        server.woken.clear()  # the idle connection's handler was woken too
        handler.release.set()
        assert server.woken.wait(TIMEOUT)  # /slow answered, its handler woken
        send_get(busy, "/late")
        deadline = time.monotonic() + TIMEOUT
        while not server_queued(server, sockets):  # a bounded poll
            assert time.monotonic() < deadline, "the request did not arrive"
            time.sleep(0.001)
        server.arrived.set()
        data, end = read_until_eof(busy)
        assert stopping.result() == ("returned", True)
    assert end == "EOF"
    (first, second) = responses(data)
    assert first == (200, None, b"/slow")
    assert second[:2] == (503, "close")
    assert server.errors == []


def server_queued(server, sockets) -> bool:
    """Whether bytes wait unread on a connection the server tracks."""
    with server._lock:  # private: the test's view of the tracked sockets
        connections = list(server._connections)
    return any(sockets.queued_bytes(c) > 0 for c in connections if c.fileno() != -1)


@pytest.mark.parametrize("request_kind", ["response cut", "upload cut"])
def test_past_the_timeout_the_connections_still_open_are_shut_down(app, request_kind):
    """Past the timeout, the connections still open (...) are shut down (their
    requests are cut ...; a handler reading a request body,
    self.rfile.read(n), gets it short, with no error ...) ... and stop()
    returns False after at most one second more.

    A handler sending 16 MB to a client that reads nothing (blocked in
    send()), or waiting in recv() for the rest of an upload: each is cut
    when the timeout runs out (the upload's read returns 10 of its 1000
    bytes, no error), and stop() returns False soon after."""
    server = app()
    handler = handler_class(server)
    with connect(server) as client:
        if request_kind == "response cut":
            send_get(client, "/stream")
        else:
            head = f"POST /upload HTTP/1.1\r\nHost: {HOST}\r\nContent-Length: 1000\r\n"
            client.sendall(head.encode() + b"\r\n" + b"y" * 10)
        assert handler.started.wait(TIMEOUT)
        stopping = Stopping(server, SHORT)
        assert stopping.result() == ("returned", False)
        assert SHORT <= stopping.took < SHORT + SLACK
        data, end = read_until_eof(client)
    if request_kind == "response cut":
        assert handler.outcomes == ["BrokenPipeError"]
        assert len(data) < BODY
    else:
        assert handler.outcomes == ["read 10 of 1000"]
        assert (data, end) == (b"", "EOF")
    assert server.errors == []


@pytest.mark.parametrize("stuck", ["waits on an Event", "TLS handshake in setup()"])
def test_a_handler_that_never_touches_its_socket_again_outlives_stop(app, tls, stuck):
    """... stop() returns False after at most one second more; a handler that
    never touches its socket again, or is still in setup() (a TLS
    handshake there, whose connection stays open until setup() returns),
    outlives stop(), and, its thread not a daemon, holds the
    process's exit until it ends.

    stop(0) returns False one second after its timeout; the handler's
    thread is still alive, and not a daemon (Python's exit waits for it).
    The one waiting on an Event had its connection shut down: its client
    reads EOF, and its late response fails. The one whose handshake (in
    setup()) waits for a hello had not: its client reads nothing, no EOF,
    until it closes."""
    before = set(threading.enumerate())
    if stuck == "waits on an Event":
        server = app()
    else:
        server = app(use_tls=True, base=HandshakeInSetupHandler)
    handler = handler_class(server)
    with connect(server) as client:
        if stuck == "waits on an Event":
            send_get(client, "/slow")
            assert handler.started.wait(TIMEOUT)
        else:
            # a TLS client that never says hello; accepted in order before
            # a connection that gets an answer
            with an_idle_keep_alive(server, tls[1]):
                pass
        stopping = Stopping(server, 0)
        assert stopping.result() == ("returned", False)
        assert 1 <= stopping.took < 1 + SLACK
        stuck_threads = [
            t for t in threading.enumerate() if t not in before and t.is_alive()
        ]
        assert len(stuck_threads) == 1
        assert not stuck_threads[0].daemon
        if stuck == "waits on an Event":
            assert read_until_eof(client) == (b"", "EOF")
            handler.release.set()
        else:
            client.settimeout(SHORT)
            with pytest.raises(TimeoutError):
                client.recv(1)  # not shut down: no EOF
    for thread in stuck_threads:
        thread.join(TIMEOUT)
    if stuck == "waits on an Event":
        assert handler.outcomes == ["BrokenPipeError"]
        assert server.errors == []
    else:
        assert [type(e).__name__ for e in server.errors] == ["SSLEOFError"]


@pytest.mark.parametrize(
    "ignore", [False, True], ids=["default", "OP_IGNORE_UNEXPECTED_EOF"]
)
def test_a_handshake_in_the_first_read_is_woken_as_any_wait_for_a_request(app, ignore):
    """So wrapped, the handshake happens in the handler's first read, its
    wait for the first request, which stop() wakes as it wakes any (the
    timeout bounds it meanwhile: a client that never sends its hello cannot
    hold it)

    A TLS handler wrapped as the docstring shows; a client connects and
    never says hello; stop() returns True at once (no timeout to wait
    out), and the client's connection ends: it reads a TLS alert record
    (content type 21), then EOF, or with ssl.OP_IGNORE_UNEXPECTED_EOF on
    the server's context only EOF; no handler error."""
    handler, _ = own_tls(ignore)
    server = app(base=handler)
    with connect(server) as client:
        assert wait_for_state(server, "waiting")  # its handshake reads
        stopping = Stopping(server, TIMEOUT)
        assert stopping.result() == ("returned", True)
        assert stopping.took < SLACK
        data, end = read_until_eof(client)
    assert data[:1] == (b"" if ignore else b"\x15")  # 21: an alert
    assert end == "EOF"
    assert server.errors == []


@pytest.mark.parametrize(
    ("connection_timeout", "stop_timeout", "returned"),
    [(TIMEOUT, 1.0, False), (0.5, 3.0, True)],
    ids=["cut at stop()'s timeout", "the connection's timeout first"],
)
def test_a_handshake_still_sending_its_reply_is_not_woken(
    app, sockets, connection_timeout, stop_timeout, returned
):
    """while the handshake waits to
    read: one still sending its reply to a client that reads nothing (a
    certificate chain larger than the send buffer and the client's window
    hold) is not woken: the connection's timeout ends it if that comes
    first (True), else it is cut at stop()'s timeout (False)

    The server's certificate comes with a chain of 8 RSA CAs (about 9 kB),
    its connection's SO_SNDBUF set to 4096 in setup(); the client (SO_RCVBUF
    1, the least Linux allows) sends its hello and reads nothing. Once the
    server has data it cannot send: with the connection's timeout at 5 s,
    stop(1) returns False at its timeout; at 0.5 s, stop(3) returns True
    once that timeout has ended the handshake, not at once."""
    ca = trustme.CA(key_type=trustme.KeyType.RSA)
    for _ in range(7):
        ca = ca.create_child_ca(key_type=trustme.KeyType.RSA)
    server_context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert(HOST, key_type=trustme.KeyType.RSA).configure_cert(server_context)
    client_context = ssl.create_default_context()
    ca.configure_trust(client_context)

    class SmallSendBufferTLSHandler(Handler):
        timeout = None  # StreamRequestHandler's default: the socket's own stays

        def setup(self):
            self.request.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 4096)
            self.request.settimeout(connection_timeout)
            self.request = server_context.wrap_socket(
                self.request, server_side=True, do_handshake_on_connect=False
            )
            super().setup()

    server = app(base=SmallSendBufferTLSHandler)
    hello = ssl.MemoryBIO()
    tls = client_context.wrap_bio(ssl.MemoryBIO(), hello, server_hostname=HOST)
    with pytest.raises(ssl.SSLWantReadError):
        tls.do_handshake()
    with socket.socket() as client:
        client.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1)
        client.settimeout(TIMEOUT)
        client.connect(server.server_address)
        client.sendall(hello.read())
        deadline = time.monotonic() + TIMEOUT
        while not unsent_on_a_connection(server, sockets):  # a bounded poll
            assert time.monotonic() < deadline, "the server's reply all left"
            time.sleep(0.01)
        stopping = Stopping(server, stop_timeout)
        assert stopping.result() == ("returned", returned)
        ended_by = min(connection_timeout, stop_timeout)
        assert ended_by - 0.1 <= stopping.took < ended_by + SLACK


def unsent_on_a_connection(server, sockets) -> bool:
    """Whether a connection the server tracks holds data its peer has not
    acknowledged."""
    with server._lock:  # private: the test's view of the tracked sockets
        connections = list(server._connections)
    return any(
        sockets.unacknowledged_bytes(c) > 0 for c in connections if c.fileno() != -1
    )


LISTENER_CASES = {
    "TLS handler (its socket detached)": TIMEOUT,
    "timeout=None": None,
    "timeout=inf": math.inf,
    "timeout=1e10": 1e10,
    "timeout=nan": math.nan,
    "timeout=1e6": 1e6,
}


@pytest.mark.parametrize("case", list(LISTENER_CASES))
def test_the_listening_socket_is_closed_when_stop_returns_or_raises(app, tls, case):
    """stop(timeout) ... raises ValueError for a timeout that is None,
    negative, NaN or above 1e6, once it has stopped accepting ... The
    listening socket is closed when stop() returns or raises, in every
    case.

    With a handler that wraps its connection in TLS in setup(), stop()
    returns True (an earlier version raised EBADF for the detached socket
    and left the listener open); stop(None), stop(inf), stop(1e10) and
    stop(nan) raise ValueError (earlier, inf and 1e10 raised OverflowError), and
    stop(1e6) returns True. Either way the listener is closed: a new
    connection is refused."""
    use_tls = case.startswith("TLS")
    timeout = LISTENER_CASES[case]
    server = app(use_tls)
    with an_idle_keep_alive(server, tls[1] if use_tls else None) as idle:
        outcome = Stopping(server, timeout).result()
        assert listener_closed(server)
        if use_tls or timeout == 1e6:
            assert outcome == ("returned", True)
            assert read_until_eof(idle) in CLOSED[use_tls]
        else:
            assert outcome[0] == "raised" and type(outcome[1]) is ValueError
            assert str(outcome[1]) == f"timeout must be from 0 to 1e6, not {timeout!r}"


@pytest.mark.parametrize("case", ["twice", "without start()"])
def test_stop_may_be_called_twice_or_without_start(app, case):
    """stop() may be called twice, ... without start().

    The second call, or one on a server never started, returns True at
    once and leaves the listener closed."""
    server = app(start=case == "twice")
    if case == "twice":
        with an_idle_keep_alive(server):
            assert Stopping(server, TIMEOUT).result() == ("returned", True)
    stopping = Stopping(server, TIMEOUT)
    assert stopping.result() == ("returned", True)
    assert stopping.took < SLACK
    assert listener_closed(server)


def test_stop_may_be_called_by_two_threads_at_once(app):
    """stop() may be called ... by two threads at once.

    Five times: a server with an idle keep-alive connection, stop(5) called
    by two threads together. Both return True, at once (neither raises: an
    earlier version had the second join a serving thread the first had
    already dropped), the listener is closed, and the connection reads
    EOF."""
    for _ in range(5):
        server = app()
        with an_idle_keep_alive(server) as idle:
            both = [Stopping(server, TIMEOUT), Stopping(server, TIMEOUT)]
            assert [stopping.result() for stopping in both] == [("returned", True)] * 2
            assert max(stopping.took for stopping in both) < POLL + SLACK
            assert listener_closed(server)
            assert read_until_eof(idle) == (b"", "EOF")
        assert server.errors == []


class FinishingHandler(Handler):
    """Appends "finished" to `outcomes` once it is done with its connection
    (the last thing its thread does for the server)."""

    def finish(self):
        super().finish()
        self.outcomes.append("finished")


def poll(condition, limit=TIMEOUT):
    """Poll (bounded) until condition() holds; whether it did."""
    for _ in range(int(limit / 0.01)):
        if condition():
            return True
        time.sleep(0.01)  # a test's poll of another thread's progress
    return condition()


def test_stop_called_by_two_threads_at_once_waits_for_a_handler_started_meanwhile(app):
    """... returns True once every handler thread has ended ... stop() may be
    called twice, by two threads at once (each waits, as one call would, for
    the handlers serve_forever() starts until it ends).

    serve_forever() has accepted a connection, its handler not yet started,
    when a first stop() waits for it in shutdown() and a second stop()
    begins; then the handler starts and answers (200, or 503 if stop() woke
    the connection first). Both calls return True, each once the handler
    has finished. (An earlier version had the second call skip the serving
    thread the first had taken: it listed no handler and returned True at
    once, while the handler was still to run.)"""
    server = app(server_class=HoldingAcceptServer, base=FinishingHandler)
    handler = handler_class(server)
    seen = []

    def stop():
        seen.append((server.stop(TIMEOUT), list(handler.outcomes)))

    server.hold_accepted_next = True
    with connect(server) as client:
        send_get(client)
        assert server.holding.wait(TIMEOUT), "serve_forever() accepted nothing"
        first = threading.Thread(target=stop)
        first.start()
        assert poll(lambda: server.shutdowns == 1), "stop() did not call shutdown()"
        second = threading.Thread(target=stop)
        second.start()
        # the second waits in shutdown() too, or (earlier) has returned
        assert poll(lambda: server.shutdowns == 2 or not second.is_alive())
        server.hold.set()
        for thread in (first, second):
            thread.join(TIMEOUT)
        data, end = read_until_eof(client)
    assert [stopped for stopped, _ in seen] == [True, True]
    assert all("finished" in outcomes for _, outcomes in seen), seen
    [(status, _, _)] = responses(data)
    assert (status in (200, 503), end) == (True, "EOF")
    assert server.errors == []


def test_stop_may_be_called_from_a_handler(app):
    """stop() may be called ... from handlers (a call from a handler waits for
    no handler inside stop(), its own thread included ...).

    GET /quit answers, then its handler calls stop(5): it returns True at
    once (an earlier version raised RuntimeError: a thread cannot join
    itself), having closed the listener and the other, idle, connection;
    then the /quit connection closes too, its handler thread ends."""
    server = app(base=QuitHandler)
    handler = handler_class(server)
    with an_idle_keep_alive(server) as idle, connect(server) as quitting:
        assert get(quitting, "/quit") == (200, b"bye")
        assert handler.release.wait(TIMEOUT), "stop() did not return"
        *sent, (outcome, took) = handler.outcomes
        assert (sent, outcome) == (["sent", "sent"], ("returned", True))
        assert took < POLL + SLACK
        assert listener_closed(server)
        assert read_until_eof(idle) == (b"", "EOF")
        assert read_until_eof(quitting) == (b"", "EOF")
    assert server.errors == []


def test_stop_closes_the_listening_socket_within_the_poll(app):
    """stop(timeout) stops accepting and closes the listening socket (once
    serve_forever() notices, at its next 0.1 s poll ...).

    start(), then stop(0) with no connection: True, within 0.1 s (the poll
    of the serving thread) and a machine's slack; the listener is closed.
    (An earlier start() took a poll_interval: a longer one made stop() take
    that long.)"""
    server = app()
    stopping = Stopping(server, 0)
    assert stopping.result() == ("returned", True)
    assert stopping.took < POLL + SLACK
    assert listener_closed(server)


SIGTERM_PROGRAM = textwrap.dedent(
    """
    import http.client, os, signal, sys, threading

    sys.path.insert(0, sys.argv[1])
    from closing import StoppableHTTPRequestHandler, StoppableHTTPServer

    TIMEOUT = 5
    stop_requested = threading.Event()
    signal.signal(signal.SIGTERM, lambda signum, frame: stop_requested.set())
    stop_began = threading.Event()


    class Server(StoppableHTTPServer):
        def shutdown(self):
            super().shutdown()
            stop_began.set()


    class Slow(StoppableHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        timeout = TIMEOUT

        def do_GET(self):
            os.kill(os.getpid(), signal.SIGTERM)  # while the request is in progress
            stop_began.wait(TIMEOUT)
            body = b"finished"
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format, *args):
            pass


    def client(address, got):
        connection = http.client.HTTPConnection(*address, timeout=TIMEOUT)
        try:
            connection.request("GET", "/")
            response = connection.getresponse()
            got.append((response.status, response.read()))
        except (OSError, http.client.HTTPException) as exc:
            got.append(type(exc).__name__)
        finally:
            connection.close()


    server = Server(("127.0.0.1", 0), Slow)
    server.start()
    got = []
    other = threading.Thread(target=client, args=(server.server_address, got))
    other.start()
    if not stop_requested.wait(TIMEOUT):
        sys.exit("no SIGTERM")
    print("stop() returned", server.stop(TIMEOUT))
    other.join(TIMEOUT)
    print("the client got", got)
    """
)


def test_stop_called_after_sigterm_lets_the_request_in_progress_finish():
    """ "stop(timeout) ... lets each request in progress finish ... but not
    from a signal handler: set an event there, and call stop() from the main
    thread": a SIGTERM handler sets a threading.Event and the main thread,
    waiting on it, calls stop().

    A program sends itself SIGTERM while a request is in progress: the
    client gets the whole response. With the earlier pattern (SIGTERM raising
    KeyboardInterrupt in serve_forever()) the request was aborted and the
    client read b''."""
    helpers = Path(closing.__file__).parent
    command = [sys.executable, "-X", "dev", "-W", "error", "-c", SIGTERM_PROGRAM]
    run = subprocess.run(
        [*command, str(helpers)],
        capture_output=True,
        text=True,
        timeout=3 * TIMEOUT,
    )
    assert (run.returncode, run.stderr) == (0, ""), (
        f"exit status {run.returncode}, stdout:\n{run.stdout}stderr:\n{run.stderr}"
    )
    assert run.stdout == ("stop() returned True\nthe client got [(200, b'finished')]\n")


CTRL_C_PROGRAM = textwrap.dedent(
    """
    import http.client, signal, sys, threading, time

    sys.path.insert(0, sys.argv[1])
    from closing import StoppableHTTPRequestHandler, StoppableHTTPServer

    # Ctrl+C as in a terminal, also when this runs from a background job,
    # whose shell starts it with SIGINT ignored (Python then keeps it so).
    signal.signal(signal.SIGINT, signal.default_int_handler)
    TIMEOUT = 5
    main = threading.main_thread()
    started, again, finished = threading.Event(), threading.Event(), threading.Event()


    def main_waits_in_stop(server):
        # Poll (bounded) until the main thread waits in stop() for the
        # handlers: the listener closed, and its innermost frame a wait.
        for _ in range(TIMEOUT * 100):
            frame, names = sys._current_frames().get(main.ident), []
            while frame is not None:
                names.append(frame.f_code.co_name)
                frame = frame.f_back
            waits = names[:1] in (["wait"], ["join"], ["_wait_for_tstate_lock"])
            if server.socket.fileno() == -1 and waits and "stop" in names:
                return True
            time.sleep(0.01)
        return False


    class Slow(StoppableHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        timeout = TIMEOUT

        def do_GET(self):
            started.set()
            if main_waits_in_stop(self.server):
                signal.pthread_kill(main.ident, signal.SIGINT)  # Ctrl+C
            if again.wait(TIMEOUT):
                main_waits_in_stop(self.server)
            body = b"finished"
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
            finished.set()

        def log_message(self, format, *args):
            pass


    def client(address, got):
        connection = http.client.HTTPConnection(*address, timeout=TIMEOUT)
        try:
            connection.request("GET", "/")
            response = connection.getresponse()
            got.append((response.status, response.read()))
        except (OSError, http.client.HTTPException) as exc:
            got.append(type(exc).__name__)
        finally:
            connection.close()


    server = StoppableHTTPServer(("127.0.0.1", 0), Slow)
    server.start()
    got = []
    other = threading.Thread(target=client, args=(server.server_address, got))
    other.start()
    started.wait(TIMEOUT)
    try:
        print("stop() returned", server.stop(TIMEOUT))
    except KeyboardInterrupt:
        print("stop() interrupted")
    again.set()
    stopped = server.stop(TIMEOUT)
    print("stop() again returned", stopped, "after the handler:", finished.is_set())
    other.join(TIMEOUT)
    print("the client got", got)
    """
)


def test_stop_called_again_after_ctrl_c_waits_for_the_request_in_progress():
    """stop() may be called ... again after KeyboardInterrupt (Ctrl+C) cut
    one short (as a with block's __exit__ does: it waits for the handlers
    all the same, also on 3.10 to 3.12, where that interrupted join() can
    mark a running thread ended, CPython gh-90882; ...).

    A program's main thread calls stop() while a request is in progress;
    SIGINT reaches it while stop() waits for the handler. It calls stop()
    again, which returns True once the handler has answered: the client
    gets the whole response. (An earlier version waited with join() and
    is_alive(): on 3.10 to 3.12 the second call returned True at once, the
    handler still running, and the program could exit under it.)"""
    helpers = Path(closing.__file__).parent
    command = [sys.executable, "-X", "dev", "-W", "error", "-c", CTRL_C_PROGRAM]
    run = subprocess.run(
        [*command, str(helpers)],
        capture_output=True,
        text=True,
        timeout=3 * TIMEOUT,
    )
    assert (run.returncode, run.stderr) == (0, ""), (
        f"exit status {run.returncode}, stdout:\n{run.stdout}stderr:\n{run.stderr}"
    )
    assert run.stdout == (
        "stop() interrupted\n"
        "stop() again returned True after the handler: True\n"
        "the client got [(200, b'finished')]\n"
    )


def wait_for_state(server, state, limit=TIMEOUT):
    """Poll (bounded) until a connection of the server is in that state."""
    for _ in range(int(limit / 0.01)):
        with server._lock:
            if state in server._connections.values():
                return True
        time.sleep(0.01)  # a test's poll of private state, not synchronisation
    return False


def test_a_request_cut_while_its_headers_arrive_never_reaches_the_handler(app):
    """Past the timeout, the connections still open (...) are shut down (their
    requests are cut: a request that had not reached do_GET() never does ...).

    A POST whose headers stop half-way: stop(SHORT) returns False, do_POST()
    never runs (an earlier version ran it on the truncated headers), and the
    handler reports no error."""
    server = app()
    with connect(server) as client:
        client.sendall(b"POST /transfer HTTP/1.1\r\nHost: x\r\nContent-Len")
        assert wait_for_state(server, "working"), "the request line was not read"
        stopping = Stopping(server, SHORT)
        assert stopping.result() == ("returned", False)
        assert SHORT <= stopping.took < SHORT + 1 + SLACK
        assert read_until_eof(client)[0] == b""
    assert handler_class(server).outcomes == []
    assert not handler_class(server).started.is_set()
    assert server.errors == []


def test_a_connection_woken_mid_request_line_is_closed_without_an_answer(app):
    """... (one woken in the middle of its request line is closed without an
    answer ...

    A keep-alive connection, served once, then half a request line: stop()
    returns True and the client reads EOF with nothing before it (an earlier
    version answered a bare 400 page with no status line)."""
    server = app()
    with connect(server) as client:
        send_get(client, "/first")
        first = b""
        for _ in range(10):  # bounded: the response in a few segments at most
            first += client.recv(1024)
            if first.endswith(b"/first"):
                break
        assert first.startswith(b"HTTP/1.1 200") and first.endswith(b"/first")
        client.sendall(b"POST /transfer HT")
        stopping = Stopping(server, TIMEOUT)
        assert stopping.result() == ("returned", True)
        assert read_until_eof(client) == (b"", "EOF")
    assert server.errors == []


def test_stop_may_be_called_from_two_handlers_at_once(app):
    """stop() may be called ... from handlers (a call from a handler waits
    for no handler inside stop(), its own thread included, so two handlers
    may call it at once).

    Two clients send GET /quit together; each handler calls stop(5), then
    answers with what it returned. Both return True at once and both
    clients get their answer. (An earlier version had each call wait for
    the other handler's thread: both returned False after 6 s, each cut
    the other's connection, and the clients got RemoteDisconnected.)"""
    server = app(base=StopFirstHandler)
    handler = handler_class(server)
    handler.barrier = threading.Barrier(2, timeout=TIMEOUT)
    answers = []

    def quit_client():
        try:
            with connect(server) as sock:
                answers.append(get(sock, "/quit"))
        except (OSError, http.client.HTTPException) as exc:
            answers.append(type(exc).__name__)

    clients = [threading.Thread(target=quit_client) for _ in range(2)]
    for client in clients:
        client.start()
    for client in clients:
        client.join(2 * TIMEOUT)
    assert answers == [(200, b"True")] * 2
    stops = [outcome for outcome in handler.outcomes if outcome != "sent"]
    assert [stopped for stopped, _ in stops] == [True, True]
    assert max(took for _, took in stops) < POLL + SLACK
    assert listener_closed(server)
    assert server.errors == []


def test_a_handler_calling_stop_keeps_its_own_connection_past_the_timeout(app):
    """Past the timeout, the connections still open (...) are shut down (...), but
    for a call from a handler not those of the handlers inside stop(), its
    own included (each can answer once its stop() returns, and its
    connection then closes, ...).

    A request in progress outlasts stop(0.3), which the handler of GET
    /quit calls: that request's connection is cut, stop() returns False,
    and /quit's client gets that answer, then EOF. (An earlier version cut
    /quit's own connection too: its answer failed with BrokenPipeError, and
    its client read EOF with no answer.)"""
    server = app(base=StopThenAnswerHandler)
    handler = handler_class(server)
    with connect(server) as busy, connect(server) as quitting:
        send_get(busy, "/slow")
        assert handler.started.wait(TIMEOUT)
        send_get(quitting, "/quit")
        assert wait_for_state(server, "cut"), "stop() cut no connection"
        # marked cut first, shut down after: wait for the FIN of the cut itself
        assert read_until_eof(busy) == (b"", "EOF")
        handler.release.set()
        got = read_until_eof(quitting)
    assert (responses(got[0]), got[1]) == ([(200, None, b"False")], "EOF")
    assert sorted(handler.outcomes) == ["BrokenPipeError", "sent"]
    assert server.errors == []


def test_a_stop_from_no_handler_cuts_a_stopping_handlers_connection_too(app):
    """(each can
    answer once its stop() returns, and its connection then closes, unless
    a call from a thread that is no handler, which spares none, cuts it
    first at its own timeout)

    A request in progress; the handler of GET /quit is inside stop(5) when
    another thread calls stop(0): that call cuts both connections at once,
    /quit's client reads EOF with no answer, both answers (once the request
    in progress ends) fail with BrokenPipeError, and the other call returns
    False."""
    server = app(base=StopLongThenAnswerHandler)
    handler = handler_class(server)
    with connect(server) as busy, connect(server) as quitting:
        send_get(busy, "/slow")
        assert handler.started.wait(TIMEOUT)
        send_get(quitting, "/quit")
        deadline = time.monotonic() + TIMEOUT
        while not server._stoppers:  # private: no public view of who stops
            assert time.monotonic() < deadline, "the handler did not call stop()"
            select.select([], [], [], 0.001)  # a bounded poll, 1 ms at a time
        stopping = Stopping(server, 0)  # the scenario: no handler, no spare
        assert read_until_eof(quitting) == (b"", "EOF")
        assert read_until_eof(busy) == (b"", "EOF")
        handler.release.set()
        assert stopping.result() == ("returned", False)
    assert sorted(handler.outcomes) == ["BrokenPipeError", "BrokenPipeError"]
    assert server.errors == []


def test_a_request_on_a_connection_cut_before_it_was_parsed_never_reaches_do_get(
    app,
):
    """Past the timeout, the connections still open (...) are shut down (their
    requests are cut: a request that had not reached do_GET() never does,
    and gets no answer ...).

    A keep-alive connection, served once, sends a second request; its
    handler has read the request line when stop(0) wakes the connection,
    then cuts it, before the handler tells the server it is working. The
    request never reaches do_GET(): the client reads EOF with nothing
    before it, and stop() returns False. (An earlier version let the
    handler's "working" overwrite "cut": do_GET() ran on the cut
    connection, and its response failed with BrokenPipeError.)"""
    server = app(server_class=HoldingServer)
    handler = handler_class(server)
    with connect(server) as client:
        assert get(client, "/first") == (200, b"/first")
        server.hold_next = True
        send_get(client, "/late")
        assert server.holding.wait(TIMEOUT), "the request line was not read"
        stopping = Stopping(server, 0)
        assert wait_for_state(server, "cut"), "stop() did not cut the connection"
        server.hold.set()
        assert stopping.result() == ("returned", False)
        assert read_until_eof(client) == (b"", "EOF")
    assert handler.outcomes == ["sent"]  # /first only
    assert server.errors == []


def test_a_connection_cut_while_its_handler_works_answers_no_later_request(app):
    """Past the timeout, the connections still open (...) are shut down (their
    requests are cut: a request that had not reached do_GET() never does,
    and gets no answer ...).

    A client pipelines GET /silent, whose handler answers nothing and
    returns once released, and GET /next. stop(0.3) cuts the connection
    while /silent is in progress; once /silent returns, /next, already
    read into the handler's buffer, gets no answer, not even a 503 (an
    earlier version woke the cut connection again and tried to send a 503
    on it: BrokenPipeError in handle_error())."""
    server = app()
    handler = handler_class(server)
    with connect(server) as client:
        two = f"GET /silent HTTP/1.1\r\nHost: {HOST}\r\n\r\n"
        two += f"GET /next HTTP/1.1\r\nHost: {HOST}\r\n\r\n"
        client.sendall(two.encode())
        assert handler.started.wait(TIMEOUT)
        stopping = Stopping(server, SHORT)
        assert wait_for_state(server, "cut"), "stop() did not cut the connection"
        handler.release.set()
        assert stopping.result() == ("returned", False)
        assert read_until_eof(client) == (b"", "EOF")
    assert handler.outcomes == []
    assert server.errors == []


def target_of(thread: threading.Thread):
    """The function thread runs (a private attribute: the test's view), or
    None once it has finished (Thread.run() deletes it)."""
    return getattr(thread, "_target", None)


def test_stop_after_a_handler_thread_failed_to_start(app, monkeypatch):
    """stop(timeout) ... returns True once every handler thread has ended.

    The thread for one connection fails to start (Thread.start() raises
    RuntimeError, as when the process may start no more threads):
    serve_forever() reports it to handle_error() and closes that
    connection, and a later stop() returns True. (An earlier version joined
    the thread that never started: stop() raised RuntimeError, cannot join
    thread before it is started.)"""
    server = app()
    start = threading.Thread.start
    failed = []

    def start_or_fail(thread):
        if not failed and target_of(thread) == server.process_request_thread:
            failed.append(thread)
            raise RuntimeError("can't start new thread")
        return start(thread)

    monkeypatch.setattr(threading.Thread, "start", start_or_fail)
    with connect(server) as client:
        assert read_until_eof(client) == (b"", "EOF")
    assert len(failed) == 1
    assert [type(error) for error in server.errors] == [RuntimeError]
    assert Stopping(server, TIMEOUT).result() == ("returned", True)
    assert listener_closed(server)


def test_the_503_goes_out_without_the_body_read(app):
    """The 503 goes out without the request's body being read, and the
    connection is then closed: a client that sends a whole body before it
    reads (as http.client does) may get BrokenPipeError or
    ConnectionResetError instead of the 503.

    A keep-alive client sends a POST with a 16 MB body while its first
    request is in progress, and stop() begins: the POST gets the 503
    unread, the server closes, and the client's sendall() fails with one
    of those two errors; do_POST() never runs."""
    server = app()
    handler = handler_class(server)
    sent = []

    def upload(sock):
        head = f"POST /upload HTTP/1.1\r\nHost: {HOST}\r\nContent-Length: {BODY}\r\n"
        try:
            sock.sendall(head.encode() + b"\r\n" + b"u" * BODY)
            sent.append("all sent")
        except OSError as exc:
            sent.append(type(exc).__name__)

    with an_idle_keep_alive(server) as idle, connect(server) as busy:
        send_get(busy, "/slow")
        assert handler.started.wait(TIMEOUT)
        uploading = threading.Thread(target=upload, args=(busy,))
        uploading.start()
        stopping = Stopping(server, TIMEOUT)
        # stop() has begun: it has closed the idle connection
        assert read_until_eof(idle) == (b"", "EOF")
        handler.release.set()
        uploading.join(TIMEOUT)
        assert stopping.result() == ("returned", True)
    assert sent in (["BrokenPipeError"], ["ConnectionResetError"])
    assert handler.outcomes == ["sent", "sent"]  # /, /slow; do_POST() never ran
    assert server.errors == []


def release_a_hung_shutdown(server):
    """If stop() hangs in shutdown(), waiting for a serve_forever() that never
    ran, let it return: a serve_forever() that finds shutdown() requested
    returns at once, and tells shutdown() so. Only a failing test needs it
    (without it, the hung thread would keep the test run from ending). Not
    a Thread of start()'s: those fail to start here."""
    rescue = threading.Thread(target=lambda: server.serve_forever(0.01))
    rescue.start()
    rescue.join(TIMEOUT)


def serving_thread_fails_to_start(server, monkeypatch):
    """From now on, the Thread that start() makes to serve fails to start
    (Thread.start() raises RuntimeError, as when the process may start no
    more threads); other threads start as usual."""
    start = threading.Thread.start

    def start_or_fail(thread):
        if target_of(thread) == server._serve:
            raise RuntimeError("can't start new thread")
        return start(thread)

    monkeypatch.setattr(threading.Thread, "start", start_or_fail)


@pytest.mark.parametrize("how", ["stop()", "leaving the with block"])
def test_if_start_raises_stop_closes_the_listener_at_once(app, monkeypatch, how):
    """ "If start() raises (no thread could start ...) ... The listening
    socket is closed when stop() returns or raises, in every case": nothing is
    serving, and stop() closes the listener at once.

    The serving thread fails to start: start() raises RuntimeError; then
    stop(), or leaving `with server:` (whose block raised that error),
    returns at once, and the listener is closed. (An earlier start() kept
    the thread that never started: stop() waited in shutdown() for a
    serve_forever() that never ran, for ever.)"""
    server = app(start=False)
    serving_thread_fails_to_start(server, monkeypatch)
    outcome = []

    def run():
        start = time.monotonic()
        try:
            if how == "stop()":
                with pytest.raises(RuntimeError, match="can't start new thread"):
                    server.start()
                outcome.append(("returned", server.stop(TIMEOUT)))
            else:
                with pytest.raises(RuntimeError, match="can't start new thread"):
                    with server:
                        server.start()
                outcome.append(("left", "the with block"))
        except BaseException as exc:  # the outcome is what the test checks
            outcome.append(("raised", exc))
        outcome.append(time.monotonic() - start)

    stopping = threading.Thread(target=run)
    stopping.start()
    stopping.join(TIMEOUT)
    hung = stopping.is_alive()
    if hung:
        release_a_hung_shutdown(server)
        stopping.join(TIMEOUT)
    assert not hung, "stop() still running: it waits for a serve_forever() never run"
    returned, took = outcome
    assert returned in (("returned", True), ("left", "the with block"))
    assert took < SLACK
    assert listener_closed(server)


@pytest.mark.parametrize("when", ["again", "after stop()"])
def test_start_raises_runtime_error_if_called_again_or_after_stop(app, when):
    """start() ... raises RuntimeError if called again or after stop().

    A second start() raises RuntimeError, and the server goes on serving
    from the first; stop() then returns True at once and closes the
    listener. (An earlier version started a second serving thread: stop()
    waited for ever for the one shutdown() left running.) start() after
    stop() raises RuntimeError too, and nothing serves."""
    server = app(start=when == "again")
    if when == "after stop()":
        assert Stopping(server, TIMEOUT).result() == ("returned", True)
    with pytest.raises(RuntimeError, match=r"start\(\) may be called once"):
        server.start()
    if when == "again":
        with connect(server) as sock:
            assert get(sock) == (200, b"/")
        stopping = Stopping(server, TIMEOUT)
        try:
            outcome = stopping.result()
        finally:
            if stopping.outcome is None:  # hung: end the serving threads
                threading.Thread(target=server.shutdown, daemon=True).start()
        assert outcome == ("returned", True)
        assert stopping.took < POLL + SLACK
    serving = [t for t in threading.enumerate() if target_of(t) == server._serve]
    assert serving == []
    assert listener_closed(server)


def serving_threads(server) -> list[threading.Thread]:
    """The live threads that start() made to serve."""
    return [
        t
        for t in threading.enumerate()
        if target_of(t) == server._serve and t.is_alive()
    ]


def test_ctrl_c_in_start_after_its_thread_began_serving_stop_ends_it(app, monkeypatch):
    """If start() raises (... KeyboardInterrupt cut it short), ... and stop()
    ends the serving if it had.

    KeyboardInterrupt reaches start() once its thread serves (a request is
    answered): start() raises it; stop() then shuts serve_forever() down
    and returns True, no serving thread is left and the listener is closed.
    (An earlier start() recorded its thread only once Thread.start()
    returned: stop() closed the listener and left serve_forever() polling
    it without a pause, for ever, in a thread that kept the process
    alive.)"""
    server = app(start=False)
    start = threading.Thread.start

    def start_then_ctrl_c(thread):
        start(thread)
        if target_of(thread) == server._serve:
            with connect(server) as sock:  # it serves
                assert get(sock) == (200, b"/")
            raise KeyboardInterrupt

    monkeypatch.setattr(threading.Thread, "start", start_then_ctrl_c)
    with pytest.raises(KeyboardInterrupt):
        server.start()
    stopping = Stopping(server, TIMEOUT)
    try:
        assert stopping.result() == ("returned", True)
    finally:
        if serving_threads(server):  # a failing test: end the loop
            server.shutdown()
    assert stopping.took < POLL + SLACK
    assert serving_threads(server) == []
    assert listener_closed(server)


@pytest.mark.parametrize("when", ["before the thread ran", "before it served"])
def test_ctrl_c_in_start_before_its_thread_served_start_may_be_called_again(
    app, monkeypatch, when
):
    """If start() raises (... KeyboardInterrupt cut it short), start() may be
    called again if its thread had not begun serving (that thread then
    never serves).

    KeyboardInterrupt reaches start() before its thread runs, or once it
    runs but before it begins serve_forever() (held there until start()
    has raised): start() raises it; that thread ends without serving; a
    second start() serves, and stop() returns True."""
    server = app(start=False)
    start = threading.Thread.start
    held = threading.Event()
    if when == "before it served":
        serve = server._serve

        def serve_when_released():
            held.wait(TIMEOUT)
            serve()

        server._serve = serve_when_released  # the target start() gives its thread

    def ctrl_c(thread):
        if target_of(thread) == server._serve:
            if when == "before it served":
                start(thread)
            raise KeyboardInterrupt
        start(thread)

    monkeypatch.setattr(threading.Thread, "start", ctrl_c)
    with pytest.raises(KeyboardInterrupt):
        server.start()
    monkeypatch.undo()
    given_up = serving_threads(server)
    held.set()  # it may go on: it must not serve
    for thread in given_up:
        thread.join(TIMEOUT)
        assert not thread.is_alive(), "the given-up thread is serving"
    if when == "before it served":
        del server._serve  # the class's own again
    server.start()
    with connect(server) as sock:
        assert get(sock) == (200, b"/")
    assert Stopping(server, TIMEOUT).result() == ("returned", True)
    assert serving_threads(server) == []
    assert listener_closed(server)


class CountingServer(Server):
    """Counts the rounds of serve_forever()'s loop (it calls
    service_actions() once a round)."""

    rounds = 0

    def service_actions(self):
        self.rounds += 1


def rounds_within(server, seconds):
    """How many rounds serve_forever() makes in so many seconds."""
    before = server.rounds
    time.sleep(seconds)  # the scenario is time itself: a rate
    return server.rounds - before


@pytest.mark.parametrize("order", ["shutdown() first", "stop() alone"])
def test_stop_does_not_stop_a_serve_forever_of_your_own(app, order):
    """stop() does not stop a serve_forever() of your own: call shutdown()
    from another thread first, then stop(); stop() alone returns, and
    leaves that loop polling the closed listener without a pause (a CPU
    kept busy) until shutdown().

    serve_forever(0.1) runs in a thread of the test's, and answers. With
    shutdown() first, then stop(): the loop has ended, stop() returns True
    and the listener is closed. With stop() alone: True, the listener
    closed, but the loop still runs, at thousands of rounds in 0.2 s where
    it made about two before; shutdown() then ends it."""
    server = app(start=False, server_class=CountingServer)
    loop = threading.Thread(target=server.serve_forever, args=(POLL,))
    loop.start()
    try:
        with connect(server) as sock:
            assert get(sock) == (200, b"/")
        assert rounds_within(server, 0.2) <= 5
        if order == "shutdown() first":
            server.shutdown()
            loop.join(TIMEOUT)
            assert not loop.is_alive()
        stopping = Stopping(server, TIMEOUT)
        assert stopping.result() == ("returned", True)
        assert stopping.took < SLACK
        assert listener_closed(server)
        if order == "stop() alone":
            assert loop.is_alive()
            assert rounds_within(server, 0.2) > 100
    finally:
        if loop.is_alive():
            server.shutdown()
        loop.join(TIMEOUT)
    assert not loop.is_alive()


def test_a_request_expecting_100_continue_gets_the_503_without_one(app):
    """A request that expects 100 Continue (Expect: 100-continue) gets the
    503 without one, so a client that waits for it sends no body.

    A keep-alive client sends a POST with Expect: 100-continue and no body
    yet while its first request is in progress, and stop() begins: after
    the first response comes the 503 with Connection: close, no 100
    Continue before it, then EOF; do_POST() never runs. (An earlier version
    sent 100 Continue first: a client that then sent its body got
    BrokenPipeError.)"""
    server = app()
    handler = handler_class(server)
    with an_idle_keep_alive(server) as idle, connect(server) as busy:
        send_get(busy, "/slow")
        assert handler.started.wait(TIMEOUT)
        head = f"POST /upload HTTP/1.1\r\nHost: {HOST}\r\nContent-Length: 1000\r\n"
        busy.sendall(head.encode() + b"Expect: 100-continue\r\n\r\n")
        stopping = Stopping(server, TIMEOUT)
        # stop() has begun: it has closed the idle connection
        assert read_until_eof(idle) == (b"", "EOF")
        handler.release.set()
        data, end = read_until_eof(busy)
        assert stopping.result() == ("returned", True)
    assert end == "EOF"
    recorded = _Recorded(data)
    first = http.client.HTTPResponse(recorded)
    first.begin()
    assert (first.status, first.read()) == (200, b"/slow")
    after = data[recorded.file.tell() :]
    assert after.split(b"\r\n", 1)[0] == b"HTTP/1.1 503 Server stopping"
    assert [status for status, _, _ in responses(after)] == [503]
    assert handler.outcomes == ["sent", "sent"]  # /, /slow; do_POST() never ran
    assert server.errors == []


class KeptTLSHandler(TLSHandler):
    """A TLSHandler that something keeps a reference to (a registry, a log of
    handlers): the garbage collector does not close its SSLSocket."""

    kept: list  # set by the test

    def setup(self):
        super().setup()
        self.kept.append(self)


def test_the_handler_closes_a_tls_wrapper_when_it_finishes(app, tls, sockets):
    """Add TLS per connection, in the handler's setup() ... The handler
    closes such a wrapper when it finishes (the server closes only the
    socket it accepted, which the wrapping detached).

    A handler that wraps its connection in setup() and defines no finish(),
    kept referenced: once stop() has returned True, its SSLSocket is closed
    and the client's end has the FIN (CLOSE_WAIT). (Earlier, the server
    closed only the detached socket: the SSLSocket stayed open until
    garbage collection, with a ResourceWarning.)"""
    server = app(use_tls=True, base=KeptTLSHandler)
    kept = handler_class(server).kept = []
    try:
        with an_idle_keep_alive(server, tls[1]) as idle:
            assert Stopping(server, TIMEOUT).result() == ("returned", True)
            assert [handler.connection.fileno() for handler in kept] == [-1]
            sockets.wait_for_state(idle, sockets.TCP_CLOSE_WAIT)
    finally:
        for handler in kept:
            handler.connection.close()


def test_start_raises_runtime_error_after_a_stop_that_ran_while_ctrl_c_cut_it_short(
    app, monkeypatch
):
    """ "start(), which serves in a new thread, and raises RuntimeError if
    called again or after stop()": also after a stop() that ran, in another
    thread, while start() waited for its thread to boot, before
    KeyboardInterrupt cut that wait short.

    stop() returns True and closes the listener; start() then raises
    KeyboardInterrupt; a later start() raises RuntimeError and nothing
    serves. (An earlier start() gave the thread up on its way out although
    stop() had already taken it: a later start() served the closed
    listener.)"""
    server = app(start=False)
    start = threading.Thread.start

    def stop_then_ctrl_c(thread):
        if target_of(thread) == server._serve:
            assert Stopping(server, TIMEOUT).result() == ("returned", True)
            raise KeyboardInterrupt
        start(thread)

    monkeypatch.setattr(threading.Thread, "start", stop_then_ctrl_c)
    with pytest.raises(KeyboardInterrupt):
        server.start()
    monkeypatch.undo()
    with pytest.raises(RuntimeError, match=r"start\(\) may be called once"):
        server.start()
    assert serving_threads(server) == []
    assert listener_closed(server)


def test_ctrl_c_while_start_makes_its_thread_start_may_be_called_again(
    app, monkeypatch
):
    """ "If start() raises (... KeyboardInterrupt cut it short), start() may be
    called again if its thread had not begun serving": also when
    KeyboardInterrupt lands while start() makes that thread (in
    Thread.__init__).

    start() raises KeyboardInterrupt; a second start() serves (200), and
    stop() returns True. (An earlier start() had marked itself started
    before it made the thread: the second start() raised RuntimeError.)"""
    server = app(start=False)
    init = threading.Thread.__init__
    interrupted = []

    def ctrl_c_once(thread, *args, **kwargs):
        if kwargs.get("target") == server._serve and not interrupted:
            interrupted.append(thread)
            raise KeyboardInterrupt
        init(thread, *args, **kwargs)

    monkeypatch.setattr(threading.Thread, "__init__", ctrl_c_once)
    with pytest.raises(KeyboardInterrupt):
        server.start()
    monkeypatch.undo()
    assert len(interrupted) == 1
    server.start()
    with connect(server) as sock:
        assert get(sock) == (200, b"/")
    assert Stopping(server, TIMEOUT).result() == ("returned", True)
    assert serving_threads(server) == []
    assert listener_closed(server)


def interrupted_stop(server, monkeypatch, how: int, timeout: float) -> None:
    """A first server.stop(timeout), in a thread of its own, that Ctrl+C cuts
    short at its first socket shutdown(how): KeyboardInterrupt raised there,
    before that shutdown is made (other threads' shutdowns go through)."""
    shutdown = socket.socket.shutdown
    interrupted, outcome = [], []

    def ctrl_c_once(sock, asked):
        first_stop = threading.current_thread().name == "first stop()"
        if first_stop and asked == how and not interrupted:
            interrupted.append(sock)
            raise KeyboardInterrupt
        return shutdown(sock, asked)

    def first_stop():
        try:
            server.stop(timeout)
        except KeyboardInterrupt:
            outcome.append("KeyboardInterrupt")

    monkeypatch.setattr(socket.socket, "shutdown", ctrl_c_once)
    stopping = threading.Thread(target=first_stop, name="first stop()")
    stopping.start()
    stopping.join(TIMEOUT + 2)
    monkeypatch.undo()
    assert not stopping.is_alive()
    assert outcome == ["KeyboardInterrupt"]


def test_stop_called_again_after_ctrl_c_in_its_wake_closes_the_idle_connection(
    app, monkeypatch
):
    """ "stop() may be called ... again after KeyboardInterrupt (Ctrl+C) cut
    one short ... if a second Ctrl+C cuts that call short, call stop() again
    yourself, in an except KeyboardInterrupt around the with block, or the
    connections it had not woken yet keep their handlers, and the
    process's exit, waiting": also when KeyboardInterrupt lands as stop()
    wakes an idle connection, after marking it woken and before its
    shutdown(SHUT_RD).

    The first stop() raises KeyboardInterrupt; the idle keep-alive
    connection then stays open, its (non-daemon) handler thread waiting; a
    second stop(TIMEOUT) returns True at once, and the connection reads
    EOF.
    (An earlier second stop() woke only the connections still marked
    waiting: the handler stayed in recv(), and stop() returned False once
    the timeout was spent, cutting it.)"""
    server = app()
    with an_idle_keep_alive(server) as client:
        assert wait_for_state(server, "waiting"), "the handler does not wait"
        interrupted_stop(server, monkeypatch, socket.SHUT_RD, TIMEOUT)
        waiting = client.gettimeout()
        client.settimeout(0.3)
        with pytest.raises(TimeoutError):  # not woken: still open, nothing sent
            client.recv(1)
        client.settimeout(waiting)
        handlers = [t for t in server._handlers if t.is_alive()]
        assert len(handlers) == 1 and not handlers[0].daemon
        again = Stopping(server, TIMEOUT)
        assert again.result(TIMEOUT + 2) == ("returned", True)
        assert again.took < SLACK
        assert read_until_eof(client) == (b"", "EOF")
    assert server.errors == []


def test_stop_called_again_after_ctrl_c_in_its_cut_shuts_the_cut_connections(
    app, monkeypatch
):
    """ "stop() may be called ... again after KeyboardInterrupt (Ctrl+C) cut
    one short": also when KeyboardInterrupt lands as stop(), past its
    timeout, shuts down the connections it has marked cut.

    A /slow request outlasts the first stop(0); KeyboardInterrupt lands at
    its first shutdown(SHUT_RDWR), before any connection is shut down. The
    request then finishes (200), and its keep-alive connection waits for
    another; a second stop(TIMEOUT) shuts it down and returns True at once.
    (An earlier second stop() woke only connections marked waiting or
    woken: the handler stayed in recv(), and stop() returned False once
    its timeout was spent.)"""
    server = app()
    handler = handler_class(server)
    with connect(server) as busy:
        send_get(busy, "/slow")
        assert handler.started.wait(TIMEOUT)
        interrupted_stop(server, monkeypatch, socket.SHUT_RDWR, 0)
        handler.release.set()
        answer = b""
        for _ in range(100):  # bounded: the whole answer, then it waits for another
            answer += busy.recv(65536)
            if answer.endswith(b"/slow"):
                break
        again = Stopping(server, TIMEOUT)
        assert again.result(TIMEOUT + 2) == ("returned", True)
        assert again.took < SLACK
        rest = read_until_eof(busy)
    assert responses(answer + rest[0]) == [(200, None, b"/slow")]
    assert rest[1] == "EOF"


@pytest.mark.parametrize("when", ["after the thread began", "before it ran"])
def test_ctrl_c_in_your_own_serve_forever_as_a_handler_starts(app, monkeypatch, when):
    """ "stop(timeout) ... returns True once every handler thread has
    ended": also after KeyboardInterrupt cut a serve_forever() of your own
    short while it started a handler's thread.

    A /slow request; in serve_forever() (your own, in its own thread here),
    KeyboardInterrupt lands in the handler thread's start(), once the
    handler has begun, or before the thread ran. stop() then waits for the
    handler that began (it returns True once /slow is released), and for
    none that never ran (True at once). (An earlier process_request()
    forgot a thread whose start() raised: stop() returned True while it
    still handled, and the thread then raised KeyError.)"""
    server = app(start=False)
    handler = handler_class(server)
    start = threading.Thread.start

    def ctrl_c(thread):
        if target_of(thread) == server.process_request_thread:
            if when == "after the thread began":
                start(thread)
                assert handler.started.wait(TIMEOUT)
            raise KeyboardInterrupt
        start(thread)

    def your_own_loop():
        try:
            server.serve_forever(POLL)
        except KeyboardInterrupt:
            outcome.append("KeyboardInterrupt")

    outcome = []
    monkeypatch.setattr(threading.Thread, "start", ctrl_c)
    loop = threading.Thread(target=your_own_loop)
    start(loop)
    with connect(server) as busy:
        send_get(busy, "/slow")
        loop.join(TIMEOUT)
        monkeypatch.undo()
        assert not loop.is_alive()
        assert outcome == ["KeyboardInterrupt"]
        stopping = Stopping(server, TIMEOUT)
        if when == "after the thread began":
            time.sleep(0.2)  # a test's pause: stop() must still be waiting
            assert stopping.outcome is None, "stop() did not wait for the handler"
            handler.release.set()
        assert stopping.result() == ("returned", True)
        if when == "before it ran":
            assert stopping.took < SLACK


def own_tls(ignore_unexpected_eof: bool, handshake_timeout: float = TIMEOUT):
    """(a handler class that wraps its connection in TLS with a server
    context of its own, as the docstring shows, the client's context)."""
    ca = trustme.CA()
    server_context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert(HOST).configure_cert(server_context)
    if ignore_unexpected_eof:
        server_context.options |= ssl.OP_IGNORE_UNEXPECTED_EOF
    client_context = ssl.create_default_context()
    ca.configure_trust(client_context)

    class OwnTLSHandler(Handler):
        timeout = None  # StreamRequestHandler's default: the socket's own stays

        def setup(self):
            self.request.settimeout(handshake_timeout)
            self.request = server_context.wrap_socket(
                self.request, server_side=True, do_handshake_on_connect=False
            )
            super().setup()

    return OwnTLSHandler, client_context


@pytest.mark.parametrize(
    "ignore", [False, True], ids=["default", "OP_IGNORE_UNEXPECTED_EOF"]
)
def test_over_tls_a_woken_client_gets_an_alert_unless_the_server_ignores_eof(
    app, ignore
):
    """Over TLS (OpenSSL 3), the client of a connection stop() wakes gets a
    decode_error alert (ssl.SSLError) instead of a plain end, unless the
    server's context has ssl.OP_IGNORE_UNEXPECTED_EOF.

    An idle HTTPS keep-alive connection; stop() returns True; its client
    then reads SSLError (TLSV1_ALERT_DECODE_ERROR), or b'' with the option
    set on the server's context."""
    handler, client_context = own_tls(ignore)
    server = app(base=handler)
    client = an_idle_keep_alive(server, client_context)
    with client:
        assert Stopping(server, TIMEOUT).result() == ("returned", True)
        if ignore:
            assert client.recv(1024) == b""
        else:
            with pytest.raises(ssl.SSLError, match="DECODE_ERROR"):
                client.recv(1024)


@pytest.mark.parametrize(
    "client_ignores", [False, True], ids=["client strict", "client ignores EOF too"]
)
def test_over_tls_with_op_ignore_unexpected_eof_a_strict_client_gets_ssleoferror(
    app, client_ignores
):
    """... unless the
    server's context has ssl.OP_IGNORE_UNEXPECTED_EOF: then it reads a FIN
    with no close_notify, b'' by default, and ssl.SSLEOFError if it does
    not suppress ragged EOFs (suppress_ragged_eofs=False) and its own
    context lacks that option too.

    As in the test above, with the option on the server's context and a
    client that does not suppress ragged EOFs: stop() returns True, and the
    client's read raises SSLEOFError (UNEXPECTED_EOF_WHILE_READING), where
    a default client reads b'' (above); b'' too if the client's own
    context has the option (an earlier clause said SSLEOFError whatever the
    client's context)."""
    handler, client_context = own_tls(True)
    if client_ignores:
        client_context.options |= ssl.OP_IGNORE_UNEXPECTED_EOF
    server = app(base=handler)
    client = an_idle_keep_alive(server, client_context)
    with client:
        client.suppress_ragged_eofs = False
        assert Stopping(server, TIMEOUT).result() == ("returned", True)
        if client_ignores:
            assert client.recv(1024) == b""
        else:
            with pytest.raises(ssl.SSLEOFError, match="UNEXPECTED_EOF"):
                client.recv(1024)


def test_over_tls_the_handshake_timeout_stays_as_the_wait_for_a_request(app):
    """That timeout stays on the connection, as its wait for each request,
    unless the handler's timeout attribute sets another.

    With 0.5 s set before the handshake (and no handler timeout), an HTTPS
    keep-alive connection idle after one answer is closed by the server
    after about 0.5 s: its client reads b''."""
    handler, client_context = own_tls(False, handshake_timeout=0.5)
    server = app(base=handler)
    client = an_idle_keep_alive(server, client_context)
    with client:
        client.settimeout(TIMEOUT)
        start = time.monotonic()
        assert client.recv(1024) == b""
        assert 0.4 <= time.monotonic() - start < 0.5 + SLACK


class StopsItselfServer(Server):
    """Calls stop() once from serve_forever()'s own thread, in the hook
    service_actions(); keeps what it raised or returned."""

    def __init__(self, handler):
        self.from_serving_thread: tuple[str, object] | None = None
        self.tried = threading.Event()
        super().__init__(handler)

    def service_actions(self):
        super().service_actions()
        if not self.tried.is_set():
            try:
                self.from_serving_thread = ("returned", self.stop(SHORT))
            except RuntimeError as error:
                self.from_serving_thread = ("raised", error)
            self.tried.set()


def test_stop_from_the_serving_thread_raises_runtime_error_and_does_nothing(app):
    """It raises RuntimeError, and does nothing, if called from the thread
    that start() serves in (from a server hook such as service_actions() or
    verify_request()): it would wait for that thread, for ever; ... The
    listening socket is closed when stop() returns or raises, in every case
    (except for that RuntimeError

    stop() called from service_actions() raises RuntimeError at once; the
    server still serves (a request gets its 200), and a stop() from
    another thread then returns True. (An earlier version hung there.)"""
    server = app(server_class=StopsItselfServer)
    assert server.tried.wait(TIMEOUT)
    kind, value = server.from_serving_thread
    assert kind == "raised" and isinstance(value, RuntimeError), value
    assert not listener_closed(server)
    with connect(server) as client:
        assert get(client, "/after") == (200, b"/after")
    assert Stopping(server, TIMEOUT).result() == ("returned", True)


class SlowToNoticeServer(Server):
    """Its shutdown(), stop()'s wait for serve_forever() to notice, lasts
    until `noticed` is set: a poll that comes late."""

    def __init__(self, handler):
        self.noticed = threading.Event()
        super().__init__(handler)

    def shutdown(self):
        self.noticed.wait(TIMEOUT)
        super().shutdown()


def test_a_handler_ending_while_stop_waits_for_serve_forever_is_in_time(app):
    """(its wait, of up to 0.1 s, for serve_forever() to notice included:
    with a timeout shorter than that wait, a handler that ends during it
    counts as in time, and stop() returns True up to 0.1 s after the call)

    A request in progress, its connection to close after it (Connection:
    close); stop(0) while serve_forever() has not yet noticed; the handler
    answers and its thread ends during that wait: True, and the client got
    its 200."""
    server = app(server_class=SlowToNoticeServer)
    handler = handler_class(server)
    with connect(server) as busy:
        busy.sendall(
            f"GET /slow HTTP/1.1\r\nHost: {HOST}\r\nConnection: close\r\n\r\n".encode()
        )
        assert handler.started.wait(TIMEOUT)
        stopping = Stopping(server, 0)
        handler.release.set()
        data, end = read_until_eof(busy)
        # its thread's end, as stop() sees it (the server's own record)
        poll(lambda: all(ended.is_set() for ended in server._handlers.values()))
        server.noticed.set()
        assert stopping.result() == ("returned", True)
    assert [status for status, _, _ in responses(data)] == [200]


def test_keyword_arguments_go_on_to_the_next_class(tmp_path):
    """Keyword arguments go on to the next class, as functools.partial(handler,
    directory=...) gives them to a SimpleHTTPRequestHandler mixed in.

    A handler class that mixes StoppableHTTPRequestHandler with
    SimpleHTTPRequestHandler, given directory= through functools.partial,
    serves a file of that folder; stop() then returns True. (An earlier
    version raised TypeError for every request.)"""
    (tmp_path / "hello.txt").write_bytes(b"hello")

    class Files(
        closing.StoppableHTTPRequestHandler, http.server.SimpleHTTPRequestHandler
    ):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args):
            pass  # quiet

    handler = functools.partial(Files, directory=str(tmp_path))
    server = closing.StoppableHTTPServer((HOST, 0), handler)
    server.start()
    try:
        with connect(server) as client:
            assert get(client, "/hello.txt") == (200, b"hello")
    finally:
        assert server.stop(TIMEOUT) is True
