"""The behaviour matrix is observed by running code, and a changed cell fails.

The table on docs/reference/behaviour-matrix.md is made by the hook
hooks/behaviour_matrix.py from the #> lines of
snippets/reference/behaviour-matrix/behaviour_matrix.py; tests/programs/test_programs.py
compares those lines with a real run. These tests check the rest of the chain.
"""

from __future__ import annotations

import hashlib
import html
import re
from pathlib import Path

import pytest

from core.markers import MATRIX
from core.paths import DOCS, SNIPPETS
from harness.build import pytest_on
from hooks.behaviour_matrix import render, rows

NAME = "reference/behaviour-matrix/behaviour_matrix.py"
SNIPPET = SNIPPETS / NAME
PAGE = DOCS / "reference" / "behaviour-matrix.md"

# The scenarios issue 4 asks for, by the label the program prints.
REQUIRED = {
    "close()",
    "shutdown(SHUT_WR)",
    "shutdown(SHUT_RDWR)",
    "shutdown(SHUT_RDWR), close()",
    "close(), unread data",
    "SO_LINGER 0, close()",
    "close(), a dup() open",
    "shutdown(SHUT_WR), close(), a dup() open",
}
COLUMNS = 6


def test_the_page_asks_for_the_table():
    assert [m.group(1) for m in MATRIX.finditer(PAGE.read_text())] == [NAME]


def test_every_required_scenario_has_a_full_row():
    header, *body = rows(SNIPPET)
    assert len(header) == COLUMNS, header
    assert all(len(row) == COLUMNS for row in body), body
    labels = [row[0] for row in body]
    assert len(labels) == len(set(labels)), f"a scenario appears twice: {labels}"
    missing = REQUIRED - set(labels)
    assert not missing, f"{NAME} prints no row for {sorted(missing)}"


def record(snippet: Path, outcome: str = "passed") -> dict:
    return {
        "programs": {
            NAME: {
                "outcome": outcome,
                "sha256": hashlib.sha256(snippet.read_bytes()).hexdigest(),
                "os": "Linux",
                "kernel": "6.1.0-test",
                "implementation": "CPython",
                "python": "3.12.1",
                "date": "2026-01-02",
            }
        },
    }


def copy_snippet(tmp_path: Path) -> Path:
    copy = tmp_path / NAME
    copy.parent.mkdir(parents=True)
    copy.write_text(SNIPPET.read_text())
    return tmp_path


def test_a_passed_run_gives_the_platform_stamp(tmp_path: Path):
    snippets = copy_snippet(tmp_path)
    out = render(NAME, snippets, record(snippets / NAME))
    assert "Observed on Linux 6.1.0-test, CPython 3.12.1, 2026-01-02" in out
    assert "Not verified" not in out
    for row in rows(SNIPPET)[1:]:
        assert re.search(r"^\| .*" + re.escape(row[-1]) + r" \|$", out, re.M), row


def test_a_changed_or_failed_snippet_gets_no_stamp(tmp_path: Path):
    snippets = copy_snippet(tmp_path)
    stale = record(snippets / NAME)
    path = snippets / NAME
    path.write_text(path.read_text() + "\n")
    out = render(NAME, snippets, stale)
    assert "Observed on" not in out
    assert "changed since it was run" in out
    out = render(NAME, snippets, record(path, outcome="failed"))
    assert "Observed on" not in out and "(failed)" in out
    assert "(not run)" in render(NAME, snippets, {})


def test_the_built_page_holds_the_table(built_site: Path):
    """Row by row and cell by cell, the built table is the program's output."""
    out = (built_site / "reference" / "behaviour-matrix" / "index.html").read_text()
    tables = re.findall(r"<table>.*?</table>", out, flags=re.DOTALL)
    assert tables, "the behaviour matrix page has no table"
    built = [
        [html.unescape(re.sub(r"<[^>]+>", "", c)).strip() for c in cells]
        for row in re.findall(r"<tr>(.*?)</tr>", tables[0], flags=re.DOTALL)
        if (cells := re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, flags=re.DOTALL))
    ]
    expected = [[value.strip() for value in row] for row in rows(SNIPPET)]
    assert built == expected
    assert "<!-- matrix:" not in out


@pytest.mark.timeout(300)  # runs the program again, on a copy
def test_a_changed_observation_fails_the_suite(project: Path):
    """Edit one cell of the expected output, in a copy: the suite must fail."""
    path = project / "snippets" / NAME
    text = path.read_text()
    line = next(line for line in text.splitlines() if "#> close()|" in line)
    changed = line.replace("|closer", "|peer")
    assert changed != line, line
    path.write_text(text.replace(line, changed))
    result = pytest_on(
        project, "tests/programs/test_programs.py", "-k", "behaviour_matrix"
    )
    assert result.returncode == 1, result.stdout + result.stderr
    assert (
        f"FAILED tests/programs/test_programs.py::test_program[{NAME}]" in result.stdout
    )
    removed = re.compile(r"-\s+" + re.escape(changed.strip()) + "$", re.M)
    assert removed.search(result.stdout), result.stdout
