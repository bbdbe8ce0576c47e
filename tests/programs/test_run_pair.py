"""The two-process runner keeps its time bound (reference/verification.md):
each of its three waits, for the server's first line, for the client, and
for the server once the client has ended, is bounded."""

from __future__ import annotations

import os
import signal
import time
from pathlib import Path

import pytest

from harness import programs

BOUND = 1.0  # seconds, for each wait, instead of the suite's 45

# A server that prints its line (or not), then outlives its bound (or exits
# at once), while a child it started (which exits on its own after 30 s)
# holds its output open.
SERVER = """\
import pathlib, subprocess, sys, time
child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
pathlib.Path("child.pid").write_text(str(child.pid))
if sys.argv[1:] and {prints}:
    print("listening on", sys.argv[1], flush=True)
if {stays}:
    time.sleep(30)
"""


def run_pair(tmp_path: Path, monkeypatch, prints: bool, stays: bool):
    """(server's Run, client's Run, seconds taken) of run_pair() with
    SERVER and a client that prints one line, each wait bounded by BOUND;
    the server's child is killed afterwards."""
    monkeypatch.setattr(programs, "TIMEOUT", BOUND)
    monkeypatch.setattr(programs, "SNIPPETS", tmp_path)  # names in problem()
    server, client = tmp_path / "server.py", tmp_path / "client.py"
    server.write_text(SERVER.format(prints=prints, stays=stays))
    client.write_text('print("client")\n')
    start = time.monotonic()
    try:
        ran_server, ran_client = programs.run_pair(server, client, tmp_path)
        return ran_server, ran_client, time.monotonic() - start
    finally:
        pid = tmp_path / "child.pid"
        if pid.exists():
            os.kill(int(pid.read_text()), signal.SIGKILL)


@pytest.mark.parametrize("prints", [True, False], ids=["prints its line", "never"])
def test_a_server_whose_child_holds_its_output_is_killed_at_its_bound(
    tmp_path: Path, monkeypatch, prints
):
    """The server is killed once its bound is spent (after the client, or,
    with no first line, at once): the run ends within three bounds, the
    server failed (no exit status), its first line kept. (An earlier runner
    then waited for the server's output to close, which the child held for
    30 s: after the client, and, with no first line, while closing the
    pipe a reader thread still read.)"""
    ran_server, ran_client, took = run_pair(tmp_path, monkeypatch, prints, True)
    assert took < 3 * BOUND + 2, f"the run took {took:.1f} s"
    assert ran_server.returncode is None
    if prints:
        assert ran_client.returncode == 0
        assert ran_server.stdout.startswith("listening on ")
    else:
        assert ran_client.failure.startswith("not run")
        assert ran_client.problem().startswith("client.py: not run: the server")


def test_a_server_that_exits_while_its_child_holds_its_output_is_named_so(
    tmp_path: Path, monkeypatch
):
    """A server that prints its line and exits at once, while a child it
    started holds its output open, keeps its exit status, and its problem
    says that its output was held open: not that it was killed while still
    running (as an earlier runner said)."""
    ran_server, ran_client, took = run_pair(tmp_path, monkeypatch, True, False)
    assert took < 2 * BOUND + 2, f"the run took {took:.1f} s"
    assert (ran_server.returncode, ran_client.returncode) == (0, 0)
    assert ran_client.problem() is None
    assert ran_server.problem().startswith(
        "server.py: exited with status 0, but a process it started still held "
        f"its output open {BOUND:g} s later"
    ), ran_server.problem()
