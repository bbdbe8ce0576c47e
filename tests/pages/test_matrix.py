"""The behaviour matrix is observed by running code, and a changed cell fails.

The table on docs/reference/behaviour-matrix.md is made by the hook
hooks/behaviour_matrix.py from the #> lines of
snippets/reference/behaviour-matrix/behaviour_matrix.py; tests/programs/test_programs.py
compares those lines with a real run. These tests check the rest of the chain.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import markdown
import pytest
from bs4 import BeautifulSoup, Comment

from core.markers import MATRIX
from core.paths import DOCS, SNIPPETS
from harness.build import pytest_on
from hooks.behaviour_matrix import render, rows

NAME = "reference/behaviour-matrix/behaviour_matrix.py"
SNIPPET = SNIPPETS / NAME
PAGE = DOCS / "reference" / "behaviour-matrix.md"

# The scenarios the table must hold, by the label the program prints.
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


def rendered(out: str) -> BeautifulSoup:
    """The hook's Markdown as HTML, with the extensions it relies on."""
    html = markdown.markdown(out, extensions=["tables", "admonition"])
    return BeautifulSoup(html, "html.parser")


def table_rows(soup: BeautifulSoup) -> list[list[str]]:
    table = soup.find("table")
    assert table, "no table"
    return [
        [cell.get_text().strip() for cell in row.find_all(["th", "td"])]
        for row in table.find_all("tr")
    ]


EXPECTED = [[value.strip() for value in row] for row in rows(SNIPPET)]
STAMP = "Linux 6.1.0-test, CPython 3.12.1, 2026-01-02"  # record()'s environment


def test_a_passed_run_gives_the_platform_stamp(tmp_path: Path):
    snippets = copy_snippet(tmp_path)
    soup = rendered(render(NAME, snippets, record(snippets / NAME)))
    assert not soup.select(".admonition"), "a warning above a verified table"
    assert STAMP in soup.p.get_text()
    assert table_rows(soup) == EXPECTED


def test_a_changed_failed_or_unrun_snippet_gets_a_warning_and_no_stamp(
    tmp_path: Path,
):
    snippets = copy_snippet(tmp_path)
    path = snippets / NAME
    stale = record(path)
    path.write_text(path.read_text() + "\n")
    for case, run in {
        "changed": stale,
        "failed": record(path, outcome="failed"),
        "not run": {},
    }.items():
        soup = rendered(render(NAME, snippets, run))
        warning = soup.select_one(".admonition.warning")
        assert warning and NAME in warning.get_text(), case
        assert STAMP not in soup.get_text(), case
        assert table_rows(soup) == EXPECTED, case


def test_the_built_page_holds_the_table(built_site: Path):
    """Row by row and cell by cell, the built table is the program's output."""
    out = (built_site / "reference" / "behaviour-matrix" / "index.html").read_text()
    soup = BeautifulSoup(out, "html.parser")
    assert table_rows(soup) == EXPECTED
    markers = [c for c in soup.find_all(string=Comment) if "matrix:" in c]
    assert not markers, markers


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
