"""`make serve` serves the site on 127.0.0.1 and rebuilds when a snippet changes."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from harness.build import environment


def fetch(url: str) -> str | None:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return response.read().decode()
    except OSError:
        return None


def wait_for(url: str, text: str, seconds: float) -> str | None:
    """Poll url until its body contains text; bounded by seconds."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        body = fetch(url)
        if body is not None and text in body:
            return body
        time.sleep(0.2)
    return None


@pytest.mark.timeout(150)
def test_serve_reloads_when_a_snippet_changes(project: Path):
    with socket.create_server(("127.0.0.1", 0)) as probe:
        port = probe.getsockname()[1]
    url = f"http://127.0.0.1:{port}/"
    serve = [sys.executable, "-m", "mkdocs", "serve", "--dev-addr", f"127.0.0.1:{port}"]
    env = environment()
    with subprocess.Popen(
        serve, cwd=project, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    ) as server:
        try:
            assert wait_for(url, "close_sole_owner.py", 60), "the index was not served"
            snippet = project / "snippets/index/close_sole_owner.py"
            snippet.write_text(
                snippet.read_text().replace("last words", "LIVE RELOADED")
            )
            assert wait_for(url, "LIVE RELOADED", 60), "no rebuild after a snippet edit"
        finally:
            server.terminate()
            server.communicate(timeout=10)
