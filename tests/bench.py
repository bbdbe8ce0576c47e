"""Time the snippet suite against running every snippet once as a plain process.

    python tests/bench.py

Prints the wall time of `pytest tests/test_snippets.py`, the total wall time
of `python file.py` for every snippet (the two-terminal pairs as two
processes), their ratio (target: <= 1.0), and the time of a strict build
(target: < 3 s). A benchmark, not a test: it prints and exits 0 unless
something it runs fails.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from snippet_files import (
    PAIR,
    ROOT,
    pair_folders,
    platform_skip_reason,
    single_snippets,
    strict_build,
)

ENV = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "PYTHONUNBUFFERED": "1"}


def timed(args: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(
        args, cwd=ROOT, env=ENV, check=True, capture_output=True, timeout=300
    )
    return time.perf_counter() - start


def run_pair(folder) -> float:
    with socket.create_server(("127.0.0.1", 0)) as probe:
        port = str(probe.getsockname()[1])
    start = time.perf_counter()
    server_args = [sys.executable, str(folder / PAIR[0]), port]
    with subprocess.Popen(server_args, stdout=subprocess.PIPE, env=ENV) as server:
        server.stdout.readline()
        client = [sys.executable, str(folder / PAIR[1]), port]
        subprocess.run(client, check=True, capture_output=True, timeout=30)
        server.communicate(timeout=30)
    assert server.returncode == 0
    return time.perf_counter() - start


def main() -> None:
    suite = timed([sys.executable, "-m", "pytest", "-q", "tests/test_snippets.py"])
    singles = [p for p in single_snippets() if not platform_skip_reason(p)]
    once = sum(timed([sys.executable, str(p)]) for p in singles)
    once += sum(run_pair(folder) for folder in pair_folders())
    count = len(singles) + len(PAIR) * len(pair_folders())
    with tempfile.TemporaryDirectory() as site:
        start = time.perf_counter()
        assert strict_build(Path(site)).returncode == 0, "the strict build failed"
        build = time.perf_counter() - start
    print(f"snippet suite (pytest tests/test_snippets.py): {suite:6.2f} s")
    print(f"each of {count} snippets once (python file.py):  {once:6.2f} s")
    verdict = "ok" if suite <= once else "over target"
    print(f"ratio suite / once: {suite / once:.2f} (target <= 1.0: {verdict})")
    verdict = "ok" if build < 3 else "over target"
    print(f"strict build: {build:.2f} s (target < 3 s: {verdict})")


if __name__ == "__main__":
    main()
