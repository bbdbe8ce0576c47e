"""Linux only: shutdown(SHUT_RD) from another thread wakes the handlers' recv().

A threaded HTTP server to copy, stopped by SIGTERM. The signal handler only
sets an event; stop_on_sigterm(), in a thread other than the main one
(where the handler runs), waits for it and calls stop(), which stops
serve_forever(), closes the listening socket (within serve_forever()'s
0.1 s poll), wakes the handlers that wait for a request (on Linux,
shutdown(SHUT_RD) makes their recv() return b''), lets the request in
progress finish, and returns once every handler thread has ended. The
program sends itself SIGTERM with os.kill(), as `kill` or a container
runtime would.
"""

import errno
import http.client
import http.server
import os
import signal
import socket
import threading
import time


def outcome(call):
    """What call() returned, or the class and errno name of the OSError it raised.

    The errno name only if errno holds one: a socket timeout's TimeoutError
    has none, and the exceptions that modules define (for TLS, for address
    lookups) hold codes of their own there. Other exceptions propagate.
    """
    try:
        return call()
    except OSError as exc:
        if exc.errno is None or type(exc).__module__ != "builtins":
            return type(exc).__name__
        return f"{type(exc).__name__} {errno.errorcode.get(exc.errno, exc.errno)}"


def in_thread(call):
    """Run call() in a new thread; its result or OSError lands in outcome."""
    outcome = []

    def target():
        try:
            outcome.append(call())
        except OSError as exc:
            outcome.append(exc)

    thread = threading.Thread(target=target)
    thread.start()
    return thread, outcome


class StoppableHTTPServer(http.server.ThreadingHTTPServer):
    """A ThreadingHTTPServer that serves in its own thread and stops cleanly.

    Its whole contract (inputs, results, errors, limits) is its docstring in
    closing.py, on the Helpers page (reference/helpers/) of shutdown-vs-close.
    """

    daemon_threads = False
    block_on_close = False

    def __init__(self, *args, **kwargs):
        self._lock = threading.Lock()
        self._stopping = False
        self._connections = {}  # connection -> "waiting", "working", "woken", "cut"
        self._owners = {}  # connection -> its handler thread
        self._handlers = {}  # handler thread -> Event set when it ends
        self._running = set()  # handler threads that began handling
        self._stoppers = set()  # threads inside stop()
        self._started = False  # start() succeeded, or stop() was called
        self._serving = None  # start()'s thread, until stop() or start() gives it up
        self._began = False  # that thread began serve_forever()
        super().__init__(*args, **kwargs)

    def start(self):
        # daemon=False: a thread takes its creator's flag by default, and a
        # daemon's start() would make the serving and handler threads daemons
        serving = threading.Thread(target=self._serve, daemon=False)  # Ctrl+C: ok
        try:
            with self._lock:  # a stop() meanwhile waits, then finds the thread
                if self._started:
                    raise RuntimeError(
                        "start() may be called once, and not after stop()"
                    )
                # Together, in one statement: the smallest window for Ctrl+C.
                self._serving, self._started = serving, True
            serving.start()
        except BaseException:  # e.g. Ctrl+C in start()'s wait for the thread
            with self._lock:  # still ours (no stop() took it), not serving:
                if self._serving is serving and not self._began:
                    self._serving, self._started = None, False  # give it up
            raise

    def _serve(self):
        with self._lock:  # a thread given up never serves
            if self._serving is not threading.current_thread():
                return
            self._began = True
        # shutdown(), in stop(), waits up to poll_interval for serve_forever()
        self.serve_forever(0.1)

    def process_request(self, request, client_address):
        thread = threading.Thread(
            target=self.process_request_thread,
            args=(request, client_address),
            daemon=False,  # whatever daemon_threads says: never cut at exit
        )
        try:
            with self._lock:  # before start(): it may end at once
                self._handlers[thread] = threading.Event()
            thread.start()
        except BaseException:  # e.g. Ctrl+C in a serve_forever() of your own
            with self._lock:  # give it up unless it began: it will not handle
                if thread not in self._running:
                    self._handlers.pop(thread, None)
            raise

    def process_request_thread(self, request, client_address):
        me = threading.current_thread()
        with self._lock:
            if me not in self._handlers:
                return  # given up by process_request(), which closes the request
            self._running.add(me)
        try:
            super().process_request_thread(request, client_address)
        finally:  # what _join() waits for
            with self._lock:
                self._running.discard(me)
                ended = self._handlers.pop(me)
            ended.set()

    def waiting(self, connection):
        """Called by the handler before it reads a request."""
        with self._lock:
            self._owners[connection] = threading.current_thread()
            if self._connections.get(connection) == "cut":
                return  # stop() shut it down: it stays cut
            if self._stopping:
                self._wake(connection)
            else:
                self._connections[connection] = "waiting"

    def working(self, connection):
        """Called once a request arrived; False if stop() woke or cut it."""
        with self._lock:
            if self._connections.get(connection) in ("woken", "cut"):
                return False
            self._connections[connection] = "working"
            return True

    def was_cut(self, connection):
        """Whether stop() cut the connection while its request arrived."""
        with self._lock:
            return self._connections.get(connection) == "cut"

    def finished(self, connection):
        """Called when the handler is done with the connection."""
        with self._lock:
            self._connections.pop(connection, None)
            self._owners.pop(connection, None)

    def _wake(self, connection):
        self._connections[connection] = "woken"
        try:  # socket.socket's: SSLSocket.shutdown() would end its TLS
            socket.socket.shutdown(connection, socket.SHUT_RD)
        except OSError:
            pass  # closed, reset or never connected: nothing to wake

    def _cut(self, connection):
        try:  # socket.socket's, as in _wake()
            socket.socket.shutdown(connection, socket.SHUT_RDWR)
        except OSError:
            pass

    def stop(self, timeout=5.0):
        deadline = time.monotonic()
        me = threading.current_thread()
        if me is self._serving:  # its shutdown() would wait for itself
            raise RuntimeError("stop() called from the serving thread")
        try:
            with self._lock:
                self._stoppers.add(me)  # see _join()
                self._started = True  # no start() after stop()
                serving = self._serving if self._began else None
                if serving is None:
                    self._serving = None  # if it has not begun, it never will
            if serving is not None:  # every call waits for serve_forever() to
                self.shutdown()  # end, so that a handler it starts meanwhile
                serving.join()  # is among those _join() waits for
            try:  # a child this process forked may hold the listener too:
                self.socket.shutdown(socket.SHUT_RDWR)  # ends listening for all
            except OSError:
                pass
            self.socket.close()  # refuse new connections while draining
            if timeout is None or not 0 <= timeout <= 1e6:
                raise ValueError(f"timeout must be from 0 to 1e6, not {timeout!r}")
            deadline += timeout
            with self._lock:
                self._stopping = True
                for connection, state in list(self._connections.items()):
                    # "woken" and "cut" too: a stop() cut short may have
                    # marked them before their shutdown(); again is harmless
                    if state in ("waiting", "woken"):
                        self._wake(connection)
                    elif state == "cut":
                        self._cut(connection)
            if self._join(deadline):
                return True
            with self._lock:
                spared = self._spared(me)  # they answer once their stop() returns
                owners = self._owners
                late = [c for c in self._connections if owners.get(c) not in spared]
                for connection in late:
                    self._connections[connection] = "cut"
            for connection in late:
                self._cut(connection)
            self._join(deadline + 1)
            return False
        finally:
            try:  # two levels: Ctrl+C in the first still reaches server_close()
                with self._lock:
                    self._stoppers.discard(me)
            finally:
                self.server_close()

    def _spared(self, me):
        # From a handler, not the handlers inside stop(), its own thread
        # included: two would wait for each other (call with the lock held).
        return self._stoppers if me in self._handlers else ()

    def _join(self, deadline):
        with self._lock:
            spared = self._spared(threading.current_thread())
            handlers = [(t, e) for t, e in self._handlers.items() if t not in spared]
        for thread, ended in handlers:
            # Its Event, not is_alive(): a join() that KeyboardInterrupt cut
            # short marks a running thread ended (3.10 to 3.12, gh-90882).
            if ended.wait(max(deadline - time.monotonic(), 0)):
                thread.join(max(deadline - time.monotonic(), 0))
        return all(ended.is_set() for _, ended in handlers)

    def __exit__(self, *exc_info):
        self.stop()


class StoppableHTTPRequestHandler(http.server.BaseHTTPRequestHandler):
    """A request handler that StoppableHTTPServer.stop() can drain.

    Its whole contract (inputs, results, errors, limits) is its docstring in
    closing.py, on the Helpers page (reference/helpers/) of shutdown-vs-close.
    """

    def __init__(self, request, client_address, server, **kwargs):
        self._accepted = request  # setup() may wrap it (TLS): see finish()
        self._refusing = False
        super().__init__(request, client_address, server, **kwargs)

    def handle_one_request(self):
        self.server.waiting(self.connection)
        super().handle_one_request()

    def parse_request(self):
        working = self.server.working(self.connection)
        cut = self.server.was_cut(self.connection)
        if not working and (cut or not self.raw_requestline.endswith(b"\n")):
            self.close_connection = True  # cut, or woken mid-line: no answer
            return False
        self._refusing = not working  # a 503 follows: no 100 Continue
        if not super().parse_request():
            return False
        if self.server.was_cut(self.connection):
            self.close_connection = True  # cut while its headers arrived
            return False
        if not working:
            self.close_connection = True
            self.send_error(503, "Server stopping")
            return False
        return True

    def handle_expect_100(self):
        # parse_request() calls it for Expect: 100-continue; a 503 needs no 100
        return True if self._refusing else super().handle_expect_100()

    def finish(self):
        try:
            super().finish()
        finally:
            self.server.finished(self.connection)
            if self.connection is not self._accepted:
                self.connection.close()  # the server closes only what it accepted


class Hello(StoppableHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive: one connection, many requests
    timeout = 30  # the longest a silent connection keeps its thread

    def do_GET(self):
        if self.path == "/slow":
            working.set()
            finish.wait(5)  # a request still in progress when stop() begins
        body = self.path.encode()
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format, *args):
        pass  # no log lines on stderr


def get(address, path):
    """One request on a connection of its own: the status and the body."""
    client = http.client.HTTPConnection(*address, timeout=5)
    try:
        client.request("GET", path)
        response = client.getresponse()
        return response.status, response.read()
    finally:
        client.close()


# --8<-- [start:sigterm]
stop_requested = threading.Event()
signal.signal(signal.SIGTERM, lambda signum, frame: stop_requested.set())  # (1)!


def stop_on_sigterm(server, grace=5.0):
    """Wait for SIGTERM, then drain the server (stop()'s result)."""
    while not stop_requested.wait(0.5):  # a bare wait() can sleep through the signal
        pass
    return server.stop(grace)  # keep grace below the container's grace period
# --8<-- [end:sigterm]


working, finish = threading.Event(), threading.Event()
with StoppableHTTPServer(("127.0.0.1", 0), Hello) as server:
    server.start()
    address = server.server_address
    with socket.create_connection(address, timeout=5) as silent:  # (2)!
        keep_alive = http.client.HTTPConnection(*address, timeout=5)
        try:
            keep_alive.request("GET", "/")
            print(keep_alive.getresponse().read())
            #> b'/'
            slow, answer = in_thread(lambda: get(address, "/slow"))  # (3)!
            working.wait(5)
            os.kill(os.getpid(), signal.SIGTERM)
            print("SIGTERM received:", stop_requested.wait(5))
            #> SIGTERM received: True
            stopping, stopped = in_thread(lambda: stop_on_sigterm(server))  # (4)!
            print("the keep-alive client reads:", keep_alive.sock.recv(1024))  # (5)!
            #> the keep-alive client reads: b''
            print("the silent client reads:", silent.recv(1024))
            #> the silent client reads: b''
            finish.set()
            slow.join(5)
            print("the request in progress:", answer)  # (6)!
            #> the request in progress: [(200, b'/slow')]
            stopping.join(5)
            print("stop() returned:", stopped)  # (7)!
            #> stop() returned: [True]
        finally:
            keep_alive.close()

print("listening socket closed:", server.socket.fileno() == -1)
#> listening socket closed: True
others = [t for t in threading.enumerate() if t is not threading.main_thread()]
print("other threads left:", len(others))
#> other threads left: 0
refused = outcome(lambda: socket.create_connection(address, timeout=5))
print("a new connection:", refused)
#> a new connection: ConnectionRefusedError ECONNREFUSED
