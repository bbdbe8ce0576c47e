"""Every snippet, run as `python file.py` would run it, prints what its #> lines say.

tests/test_snippets.py runs each snippet inside pytest, which is fast; this
file runs each one again as a separate real process, as a reader runs it, so
that nothing a snippet prints can depend on the test harness. The processes
run a few at a time, so this costs about as much as the slowest snippet.
"""

from __future__ import annotations

import os
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from snippet_files import ROOT, platform_skip_reason, rel, single_snippets
from test_snippets import check_recorded_prints

TIMEOUT = 30


def run_as_process(path: Path, record: Path) -> subprocess.CompletedProcess | str:
    runner = [sys.executable, "-W", "error", str(ROOT / "tests" / "run_snippet.py")]
    try:
        return subprocess.run(
            [*runner, str(record), str(path)],
            capture_output=True,
            text=True,
            timeout=TIMEOUT,
            cwd=path.parent,
            env={**os.environ, "PYTHONUNBUFFERED": "1"},
        )
    except subprocess.TimeoutExpired:
        return f"{rel(path)}: still running after {TIMEOUT} s, killed"


@pytest.fixture(scope="module")
def process_runs(tmp_path_factory) -> dict:
    folder = tmp_path_factory.mktemp("records")
    paths = [p for p in single_snippets() if not platform_skip_reason(p)]
    records = {p: folder / (rel(p).replace("/", "__") + ".json") for p in paths}
    with ThreadPoolExecutor(max_workers=4) as pool:
        results = pool.map(lambda p: run_as_process(p, records[p]), paths)
        return {
            p: (result, records[p]) for p, result in zip(paths, results, strict=True)
        }


@pytest.mark.parametrize("path", single_snippets(), ids=rel)
def test_snippet_as_a_process(path: Path, process_runs: dict, request):
    reason = platform_skip_reason(path, request.config.getoption("--fake-platform"))
    if reason:
        pytest.skip(reason)
    if request.config.getoption("update_examples"):
        pytest.skip("--update-examples: test_snippets.py rewrites the #> lines")
    result, record = process_runs[path]
    if isinstance(result, str):
        pytest.fail(result, pytrace=False)
    if result.returncode != 0 or result.stderr:
        pytest.fail(
            f"{rel(path)} exited with {result.returncode}:\n{result.stderr}",
            pytrace=False,
        )
    diff = check_recorded_prints(path, record, update=False)
    if diff:
        pytest.fail(diff, pytrace=False)
