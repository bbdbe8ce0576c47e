"""The TCP segments a program sends, captured while it runs.

The program (or the server.py/client.py pair) runs in a network namespace
created for that one run (namespace.py), so a capture holds only the
program's segments and any port works; a packet socket reads them
(packet.py); normalise.py reduces them to the events a .wire file stores.

Needs CAP_SYS_ADMIN (unshare a network namespace) and CAP_NET_RAW (packet
socket): root, or `sudo`. `unavailable()` says what is missing.
"""

from __future__ import annotations

import socket

from harness.capture.namespace import fresh_network
from harness.capture.normalise import events
from harness.capture.packet import Capture

__all__ = [
    "Capture",
    "capture_once",
    "events",
    "fresh_network",
    "overhead",
    "run_captured",
    "unavailable",
]


def unavailable() -> str | None:
    """Why this process cannot capture, or None if it can."""
    if not hasattr(socket, "AF_PACKET"):
        return "capturing needs Linux (packet sockets and network namespaces)"
    try:
        with fresh_network():
            with socket.socket(socket.AF_PACKET, socket.SOCK_DGRAM):
                pass
    except PermissionError as exc:
        needs = "capturing needs CAP_SYS_ADMIN and CAP_NET_RAW (root, or sudo)"
        return f"{needs}: {exc}"
    except OSError as exc:
        return f"capturing is not possible here: {exc}"
    return None


_unavailable: list[str | None] = []


def why_not() -> str | None:
    """unavailable(), asked once per process."""
    if not _unavailable:
        _unavailable.append(unavailable())
    return _unavailable[0]


def run_captured(program, workdir):
    """Run a program (harness.programs) in a network namespace of its own,
    capturing; return its runs and the segments."""
    from harness.programs import run_program

    with fresh_network():
        capture = Capture()
        try:
            runs = run_program(program, workdir)
        finally:
            segments = capture.stop()
    return runs, segments


def capture_once(program) -> tuple[str, str]:
    """One captured run of a program with a stored sequence: (its events as
    core.wire text, or "" if the program failed; the failure)."""
    import tempfile
    from pathlib import Path

    from core import wire as wire_format
    from harness.programs import wire_file

    header, _ = wire_format.read(wire_file(program))
    with tempfile.TemporaryDirectory() as folder:
        runs, segments = run_captured(program, Path(folder))
    problems = [p for run in runs if (p := run.problem())]
    if problems:
        return "", problems[0]
    prints = sorted(p for run in runs for p in run.timed_prints)
    found = events(segments, prints, wire_format.larger_than(header))
    return wire_format.text([], found), ""


def overhead(program, repeat: int = 5) -> float:
    """Extra seconds a captured run takes over a plain one: the fastest of
    `repeat` runs each, which a busy machine disturbs least."""
    import tempfile
    import time
    from pathlib import Path

    from harness.programs import run_program

    def fastest(run) -> float:
        times = []
        for _ in range(repeat):
            with tempfile.TemporaryDirectory() as folder:
                start = time.perf_counter()
                run(program, Path(folder))
                times.append(time.perf_counter() - start)
        return min(times)

    return fastest(run_captured) - fastest(run_program)
