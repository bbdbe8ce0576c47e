"""Every program in snippets/ runs and prints exactly what its #> lines say."""

from __future__ import annotations

import gc
import os
import socket
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from pytest_examples import CodeExample, EvalExample
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
def isolated_main(monkeypatch: pytest.MonkeyPatch):
    """Run a snippet as __main__ without leaking into pytest's own state."""
    monkeypatch.setattr(sys, "argv", list(sys.argv))
    monkeypatch.setitem(sys.modules, "__main__", sys.modules["__main__"])
    yield
    # A socket the snippet forgot to close is collected here, inside the test,
    # so its ResourceWarning fails this snippet and no other.
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
        eval_example.run_print_update(example)
    else:
        eval_example.run_print_check(example)


def free_port() -> int:
    with socket.create_server(("127.0.0.1", 0)) as probe:
        return probe.getsockname()[1]


@pytest.mark.parametrize("folder", pair_folders(), ids=lambda p: rel(p) + "/")
def test_two_processes(folder: Path, request):
    """server.py and client.py run as two real processes, as a reader runs them."""
    update = ["--update"] if request.config.getoption("update_examples") else []
    runner = [
        sys.executable,
        "-X",
        "dev",
        str(ROOT / "tests" / "run_snippet.py"),
        *update,
    ]
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    port = str(free_port())
    server_path, client_path = (folder / name for name in PAIR)
    with subprocess.Popen(
        [*runner, str(server_path), port],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    ) as server:
        try:
            first = server.stdout.readline()  # printed once the server listens
            assert first, (
                f"{rel(server_path)} exited before listening: {server.stderr.read()}"
            )
            client = subprocess.run(
                [*runner, str(client_path), port],
                capture_output=True,
                text=True,
                env=env,
                timeout=15,
            )
            out, err = server.communicate(timeout=15)
        finally:
            server.kill()
    assert client.returncode == 0, f"{rel(client_path)}:\n{client.stderr}"
    assert server.returncode == 0, f"{rel(server_path)}:\n{err}"
    for name, stderr in ((rel(server_path), err), (rel(client_path), client.stderr)):
        assert "Warning" not in stderr, f"{name} warned:\n{stderr}"


def test_every_snippet_is_tested():
    covered = set(single_snippets()) | {f / n for f in pair_folders() for n in PAIR}
    missing = sorted(rel(p) for p in SNIPPETS.rglob("*.py") if p not in covered)
    assert not missing, f"snippets with no test: {missing}"
