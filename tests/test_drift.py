"""Drift is caught: each kind of breakage fails the suite or the build, naming the file.

Each test copies the project into a temporary folder, breaks one thing there,
and runs the real suite (or the strict build) on the copy.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from snippet_files import strict_build

# Each test runs part of the suite again, on a copy: allow for that.
pytestmark = pytest.mark.timeout(180)


def run(project: Path, *args: str, timeout: float = 120) -> subprocess.CompletedProcess:
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    return subprocess.run(
        [sys.executable, *args],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def pytest_on(project: Path, *args: str) -> subprocess.CompletedProcess:
    return run(project, "-m", "pytest", "-q", "-p", "no:cacheprovider", *args)


def build(project: Path) -> subprocess.CompletedProcess:
    return strict_build(project / "site", root=project)


def test_wrong_output_line_fails_naming_the_file(project: Path):
    path = project / "snippets/index/close_sole_owner.py"
    text = path.read_text()
    assert "#> b'last words'" in text
    path.write_text(text.replace("#> b'last words'", "#> b'first words'"))
    result = pytest_on(project, "tests/test_snippets.py")
    assert result.returncode == 1, result.stdout + result.stderr
    assert (
        "FAILED tests/test_snippets.py::test_snippet[index/close_sole_owner.py]"
        in result.stdout
    )
    assert "-        #> b'first words'" in result.stdout
    assert "+        #> b'last words'" in result.stdout


def test_wrong_output_line_in_a_two_process_example_fails(project: Path):
    path = project / "snippets/how-to/two_terminals/client.py"
    path.write_text(path.read_text().replace("#> client: b'hello", "#> client: b'bye"))
    result = pytest_on(project, "tests/test_snippets.py", "-k", "two_processes")
    assert result.returncode == 1, result.stdout + result.stderr
    assert "how-to/two_terminals/client.py" in result.stdout
    assert "printed output differs from its #> lines" in result.stdout


def test_deleted_snippet_fails_the_build_naming_the_file(project: Path):
    (project / "snippets/index/abort.py").unlink()
    result = build(project)
    assert result.returncode != 0
    assert "index/abort.py" in result.stdout + result.stderr
    result = pytest_on(project, "tests/test_pages.py", "-k", "includes")
    assert result.returncode == 1
    assert "index/abort.py" in result.stdout


def test_orphan_snippet_fails_naming_the_file(project: Path):
    orphan = project / "snippets/how-to/forgotten.py"
    orphan.write_text('print("nobody shows me")\n#> nobody shows me\n')
    result = pytest_on(
        project, "tests/test_pages.py", "-k", "every_snippet_is_on_a_page"
    )
    assert result.returncode == 1, result.stdout
    assert "snippets that no page includes: ['how-to/forgotten.py']" in result.stdout


def test_hanging_snippet_fails_in_bounded_time_and_the_rest_still_runs(project: Path):
    (project / "snippets/how-to/hangs.py").write_text(
        "import socket\n\n"
        'with socket.create_server(("127.0.0.1", 0)) as listener:\n'
        "    listener.accept()  # nobody connects, and no timeout\n"
    )
    result = pytest_on(project, "tests/test_snippets.py", "--timeout", "2")
    assert result.returncode == 1, result.stdout
    assert (
        "FAILED tests/test_snippets.py::test_snippet[how-to/hangs.py]" in result.stdout
    )
    assert "Timeout" in result.stdout
    passed = int(re.search(r"(\d+) passed", result.stdout).group(1))
    assert passed >= 5, result.stdout  # the other snippets still ran


def test_leaked_socket_fails_its_own_test(project: Path):
    (project / "snippets/how-to/leaks.py").write_text(
        'import socket\n\nsock = socket.socket()\nprint("opened")\n#> opened\n'
    )
    result = pytest_on(project, "tests/test_snippets.py", "-vv", "-k", "leaks or abort")
    assert result.returncode == 1, result.stdout
    assert (
        "ERROR tests/test_snippets.py::test_snippet[how-to/leaks.py]" in result.stdout
    )
    assert "ResourceWarning: unclosed <socket.socket" in result.stdout
    assert "test_snippet[index/abort.py] PASSED" in result.stdout  # unaffected
    assert "1 error" in result.stdout


def test_include_of_a_missing_section_fails_naming_the_file(project: Path):
    page = project / "docs/how-to/half-close.md"
    page.write_text(
        page.read_text().replace('half_close.py:server"', 'half_close.py:srever"')
    )
    result = build(project)
    assert result.returncode != 0
    assert "srever" in result.stdout + result.stderr
    result = pytest_on(project, "tests/test_pages.py", "-k", "includes_render")
    assert result.returncode == 1
    assert "how-to/half-close.md" in result.stdout and "srever" in result.stdout


def test_inline_block_runs_or_says_why_not(project: Path):
    page = project / "docs/how-to/half-close.md"
    page.write_text(
        page.read_text()
        + "\n```py\nprint(1 + 1)\n#> 3\n```\n"
        + '\n```{.py data-norun=""}\nimport nothing\n```\n'
    )
    result = pytest_on(project, "tests/test_pages.py", "-k", "inline")
    assert result.returncode == 1, result.stdout
    assert (
        "FAILED tests/test_pages.py::test_inline_block_runs[docs/how-to/half-close.md:"
        in result.stdout
    )
    assert "data-norun needs a reason" in result.stdout
    assert "docs/how-to/half-close.md" in result.stdout


def test_update_examples_rewrites_wrong_output_lines(project: Path):
    single = project / "snippets/index/close_sole_owner.py"
    client = project / "snippets/how-to/two_terminals/client.py"
    originals = {path: path.read_text() for path in (single, client)}
    single.write_text(originals[single].replace("#> b'last words'", "#> b'stale'"))
    stale = originals[client].replace("#> client: b'hello", "#> client: b'stale")
    client.write_text(stale)
    result = pytest_on(project, "tests/test_snippets.py", "--update-examples")
    assert result.returncode == 0, result.stdout + result.stderr
    for path, text in originals.items():
        assert path.read_text() == text, f"{path.name} was not restored"
    assert pytest_on(project, "tests/test_snippets.py").returncode == 0


def test_a_broken_link_or_anchor_fails_the_build(project: Path):
    """Strict means strict: a warning about a link fails the build (never pass -q,
    which hides the warnings that --strict counts)."""
    page = project / "docs/index.md"
    page.write_text(page.read_text() + "\n[x](how-to/half-close.md#no-such-anchor)\n")
    result = build(project)
    assert result.returncode != 0
    assert "no-such-anchor" in result.stdout + result.stderr
    assert "index.md" in result.stdout + result.stderr
