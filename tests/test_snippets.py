"""Every program in snippets/ runs and prints exactly what its #> lines say."""

from __future__ import annotations

import gc
import json
import os
import socket
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from pytest_examples import CodeExample, EvalExample
from pytest_examples.config import ExamplesConfig
from pytest_examples.lint import code_diff
from pytest_examples.run_code import Arg, InsertPrintStatements, PrintStatement

from snippet_files import (
    PAIR,
    ROOT,
    SNIPPETS,
    pair_folders,
    platform_skip_reason,
    rel,
    single_snippets,
)


@pytest.fixture
def isolated_main():
    """Run a snippet as __main__ without leaking into pytest's own state."""
    saved_argv, saved_main = sys.argv[:], sys.modules["__main__"]
    try:
        yield
    finally:
        sys.argv[:] = saved_argv
        sys.modules["__main__"] = saved_main
        # The snippet's module is gone now: a socket it forgot to close is
        # collected here, inside the test, so its ResourceWarning fails this
        # snippet and no other. (conftest.py froze pytest's own objects, so
        # this only looks at what the snippet left behind, and is quick.)
        gc.collect()


@pytest.mark.parametrize("path", single_snippets(), ids=rel)
def test_snippet(path: Path, eval_example: EvalExample, isolated_main, request):
    reason = platform_skip_reason(path, request.config.getoption("--fake-platform"))
    if reason:
        pytest.skip(reason)
    sys.argv[:] = [str(path)]
    example = CodeExample.create(path.read_text(), path=path)
    example.group = uuid.uuid4()  # create() leaves None; --update-examples needs one
    if eval_example.update_examples:
        eval_example.run_print_update(example, rewrite_assertions=False)
    else:
        eval_example.run_print_check(example, rewrite_assertions=False)


def free_port() -> int:
    with socket.create_server(("127.0.0.1", 0)) as probe:
        return probe.getsockname()[1]


def check_recorded_prints(path: Path, record: Path, update: bool) -> str | None:
    """Compare what a process printed with its #> lines, as pytest-examples does.

    Returns a diff if they differ (or rewrites the file when updating)."""
    statements = [
        PrintStatement(r["line"], r["sep"], [recorded_arg(a) for a in r["args"]])
        for r in json.loads(record.read_text())
    ]
    example = CodeExample.create(path.read_text(), path=path)
    config = ExamplesConfig()
    prints = InsertPrintStatements(path, config, True, None, None)
    prints.print_func.statements = statements
    new_source = prints.updated_print_statements(example)
    if new_source is None:
        return None
    if update:
        path.write_text(new_source)
        return None
    diff = code_diff(example, new_source, config)
    name = rel(path) if path.is_relative_to(SNIPPETS) else str(path)
    return f"{name}: printed output differs from its #> lines:\n{diff}"


def recorded_arg(recorded: dict) -> Arg:
    arg = Arg(recorded["data"])
    arg.is_str = recorded["is_str"]
    return arg


@pytest.mark.parametrize("folder", pair_folders(), ids=lambda p: rel(p) + "/")
def test_two_processes(folder: Path, tmp_path: Path, request):
    """server.py and client.py run as two real processes, as a reader runs them."""
    runner = [sys.executable, "-W", "error", str(ROOT / "tests" / "run_snippet.py")]
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    port = str(free_port())
    server_path, client_path = (folder / name for name in PAIR)
    records = tmp_path / "server.json", tmp_path / "client.json"
    pipes = dict(stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    with subprocess.Popen([*runner, records[0], server_path, port], **pipes) as server:
        try:
            first = server.stdout.readline()  # printed once the server listens
            assert first, f"{rel(server_path)} did not start: {server.stderr.read()}"
            client = subprocess.run(
                [*runner, records[1], client_path, port], **pipes, timeout=15
            )
            _, server_err = server.communicate(timeout=15)
        finally:
            server.kill()
    runs = (
        (server_path, server.returncode, server_err),
        (
            client_path,
            client.returncode,
            client.stderr,
        ),
    )
    for path, returncode, stderr in runs:
        assert returncode == 0, f"{rel(path)} exited with {returncode}:\n{stderr}"
        assert not stderr, f"{rel(path)} wrote to stderr:\n{stderr}"
    update = request.config.getoption("update_examples")
    paths = [folder / name for name in PAIR]
    diffs = [
        check_recorded_prints(p, r, update) for p, r in zip(paths, records, strict=True)
    ]
    diffs = [d for d in diffs if d]
    if diffs:
        pytest.fail("\n".join(diffs), pytrace=False)


def test_every_snippet_is_tested():
    covered = set(single_snippets()) | {f / n for f in pair_folders() for n in PAIR}
    missing = sorted(rel(p) for p in SNIPPETS.rglob("*.py") if p not in covered)
    assert not missing, f"snippets with no test: {missing}"
