"""The site's programs and the one way the suite runs them: as a reader does.

Every program is run as `python -W error file.py` in a process of its own, in
an empty temporary folder. A folder holding server.py and client.py is a
two-terminal example: the server starts first, prints one line once it
listens, then the client runs with the same port argument. While a program
runs, harness/print_recorder/ notes which line each print() came from, so that
pytest-examples can compare the output with the #> lines.
"""

from __future__ import annotations

import ast
import json
import os
import select
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from core.paths import PAIR, SNIPPETS
from core.wire import wire_path
from harness.examples_compat import PrintStatement, read_prints

RECORDER = Path(__file__).resolve().parent / "print_recorder"
# A program that runs longer than this is killed and named. The slowest takes
# about 2 s alone; the bound is generous so a busy machine does not trip it.
TIMEOUT = float(os.environ.get("PROGRAM_TIMEOUT", "45"))


@dataclass(frozen=True)
class Program:
    """One program, or a server.py/client.py pair run together."""

    files: tuple[Path, ...]

    @property
    def name(self) -> str:
        if len(self.files) == 1:
            return rel(self.files[0])
        return rel(self.files[0].parent) + "/{" + ",".join(PAIR) + "}"

    def __str__(self) -> str:
        return self.name


def rel(path: Path) -> str:
    return path.relative_to(SNIPPETS).as_posix()


def program_files() -> list[Path]:
    return sorted(p for p in SNIPPETS.rglob("*.py") if "__pycache__" not in p.parts)


def is_pair_member(path: Path) -> bool:
    return path.name in PAIR and all((path.parent / n).is_file() for n in PAIR)


def all_programs() -> list[Program]:
    files = program_files()
    singles = [Program((p,)) for p in files if not is_pair_member(p)]
    folders = sorted({p.parent for p in files if is_pair_member(p)})
    pairs = [Program(tuple(folder / n for n in PAIR)) for folder in folders]
    return sorted(singles + pairs, key=lambda p: p.name)


def docstring(path: Path) -> str:
    return ast.get_docstring(ast.parse(path.read_text(), filename=str(path))) or ""


def platform_skip_reason(path: Path, platform: str | None = None) -> str | None:
    """A program whose docstring starts with "Linux only" runs only on Linux."""
    platform = sys.platform if platform is None else platform
    if docstring(path).startswith("Linux only") and platform != "linux":
        return f"{rel(path)}: Linux only (its docstring says so); this is {platform}"
    return None


@dataclass
class Run:
    """What one process did: exit status, output, and its print() calls."""

    path: Path
    returncode: int | None = None  # None: killed at the time bound
    stdout: str = ""
    stderr: str = ""
    prints: list[PrintStatement] = field(default_factory=list)
    # (time_ns, text) of each print, for harness/capture/
    timed_prints: list[tuple[int, str]] = field(default_factory=list)
    # Why the run failed, where neither its exit status nor its stderr says
    # (not run at all; its output held open after it exited)
    failure: str = ""

    def problem(self) -> str | None:
        """Why this run fails, with the program's own output; None if it did not."""
        name = rel(self.path)
        if self.failure:
            why = f"{name}: {self.failure}"
        elif self.returncode is None:
            why = f"{name}: still running after {TIMEOUT:g} s, killed"
        elif self.returncode != 0:
            why = f"{name}: exited with status {self.returncode}"
        elif self.stderr:
            why = f"{name}: wrote to stderr"
        else:
            return None
        return f"{why}\n--- stdout ---\n{self.stdout}--- stderr ---\n{self.stderr}"


def read_timed_prints(record: Path) -> list[tuple[int, str]]:
    """When each print() call happened (time.time_ns()) and the line it printed."""
    lines = record.read_text().splitlines() if record.is_file() else []
    timed = []
    for line in map(json.loads, lines):
        timed.append(
            (line["time_ns"], line["sep"].join(a["data"] for a in line["args"]))
        )
    return timed


def command(path: Path, *args: str) -> list[str]:
    return [sys.executable, "-W", "error", str(path), *args]


def environment(record: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST")}
    env.update(
        PYTHONPATH=str(RECORDER),
        RECORD_PRINTS=str(record),
        PYTHONUNBUFFERED="1",
        PYTHONDONTWRITEBYTECODE="1",
    )
    return env


def text(data: bytes | str | None) -> str:
    if isinstance(data, bytes):
        return data.decode(errors="replace")
    return data or ""


def run_one(path: Path, workdir: Path, *args: str) -> Run:
    record = workdir / f"{path.name}.prints.jsonl"
    try:
        done = subprocess.run(
            command(path, *args),
            cwd=workdir,
            env=environment(record),
            capture_output=True,
            text=True,
            timeout=TIMEOUT,
        )
        run = Run(path, done.returncode, done.stdout, done.stderr)
    except subprocess.TimeoutExpired as killed:
        run = Run(path, None, text(killed.stdout), text(killed.stderr))
    run.prints = read_prints(record)
    run.timed_prints = read_timed_prints(record)
    return run


def free_port() -> int:
    """A port for the two-terminal example, which takes one on its command line."""
    with socket.create_server(("127.0.0.1", 0)) as probe:
        return probe.getsockname()[1]


def first_line(fd: int) -> tuple[str, bool]:
    """What the server printed up to its first newline (and any more that
    came with it), read within TIMEOUT, and whether that newline came."""
    deadline = time.monotonic() + TIMEOUT
    data = b""
    while b"\n" not in data:
        remaining = deadline - time.monotonic()
        if remaining <= 0 or not select.select([fd], [], [], remaining)[0]:
            break
        chunk = os.read(fd, 4096)
        if not chunk:  # the server closed its output
            break
        data += chunk
    return text(data), b"\n" in data


def run_pair(server_path: Path, client_path: Path, workdir: Path) -> list[Run]:
    port = str(free_port())
    record = workdir / "server.prints.jsonl"
    server = Run(server_path)
    with subprocess.Popen(
        command(server_path, port),
        cwd=workdir,
        env=environment(record),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    ) as process:
        # The server prints one line once it listens: read it from the pipe
        # itself, within the bound (a thread blocked in readline() would hold
        # the pipe's lock, and closing the pipe would wait for it, as long as
        # a child of the server kept the pipe open).
        line, started = first_line(process.stdout.fileno())
        if started:
            client = run_one(client_path, workdir, port)
        else:
            client = Run(client_path, failure="not run: the server printed no line")
        try:
            out, err = process.communicate(timeout=TIMEOUT)
            server.returncode = process.returncode
        except subprocess.TimeoutExpired as expired:
            # As subprocess.run() does: wait for the process, not for its
            # pipes, which a child it started may still hold open.
            exited = process.poll()
            process.kill()
            process.wait()
            out, err = text(expired.stdout), text(expired.stderr)
            if exited is not None:
                server.returncode = exited
                server.failure = (
                    f"exited with status {exited}, but a process it started "
                    f"still held its output open {TIMEOUT:g} s later"
                )
        server.stdout, server.stderr = line + out, err
    server.prints = read_prints(record)
    server.timed_prints = read_timed_prints(record)
    return [server, client]


def run_program(program: Program, workdir: Path) -> list[Run]:
    if len(program.files) == 1:
        return [run_one(program.files[0], workdir)]
    return run_pair(*program.files, workdir)


def wire_file(program: Program) -> Path | None:
    """The program's stored wire sequence (core.wire), if it has one."""
    paths = [wire_path(p) for p in program.files]
    return next((p for p in paths if p.is_file()), None)


def wire_scenarios(pattern: str = "") -> list[Program]:
    """The programs with a stored wire sequence, whose name holds pattern."""
    return [p for p in all_programs() if pattern in p.name and wire_file(p)]
