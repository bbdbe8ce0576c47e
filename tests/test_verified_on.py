"""The "Verified on" note claims only what the last test run recorded."""

from __future__ import annotations

import hashlib
import sys
from pathlib import Path

from snippet_files import ROOT

sys.path.insert(0, str(ROOT / "hooks"))
from verified_on import verified_note  # noqa: E402

ENV = {
    "os": "Linux",
    "kernel": "6.1.0",
    "implementation": "CPython",
    "python": "3.12.1",
    "date": "2026-01-02",
}
PAGE = '```py\n--8<-- "a.py"\n```\n\n```py\n--8<-- "b.py:part"\n```\n'


def record_for(folder: Path, **outcomes: str) -> dict:
    return {
        "environment": ENV,
        "snippets": {
            f"{name}.py": {
                "outcome": outcome,
                "sha256": hashlib.sha256(
                    (folder / f"{name}.py").read_bytes()
                ).hexdigest(),
            }
            for name, outcome in outcomes.items()
        },
    }


def write_snippets(folder: Path) -> None:
    (folder / "a.py").write_text("print(1)\n#> 1\n")
    (folder / "b.py").write_text("print(2)\n#> 2\n")


def test_all_passed_gives_the_stamp(tmp_path: Path):
    write_snippets(tmp_path)
    note = verified_note(PAGE, tmp_path, record_for(tmp_path, a="passed", b="passed"))
    assert (
        "**Verified on** Linux 6.1.0, CPython 3.12.1, 2026-01-02: the 2 programs"
        in note
    )
    assert "Not verified" not in note


def test_a_changed_snippet_is_not_claimed(tmp_path: Path):
    write_snippets(tmp_path)
    record = record_for(tmp_path, a="passed", b="passed")
    (tmp_path / "b.py").write_text("print(3)\n#> 3\n")
    note = verified_note(PAGE, tmp_path, record)
    assert "1 of the 2 programs on this page printed exactly" in note
    assert "`b.py` (changed since it was run)" in note


def test_failed_and_missing_runs_are_named(tmp_path: Path):
    write_snippets(tmp_path)
    note = verified_note(PAGE, tmp_path, record_for(tmp_path, a="failed"))
    assert "**Verified on**" not in note
    assert "`a.py` (failed)" in note and "`b.py` (not run)" in note


def test_no_record_at_all(tmp_path: Path):
    write_snippets(tmp_path)
    note = verified_note(PAGE, tmp_path, {})
    assert "Not verified in this build" in note and "`a.py` (not run)" in note


def test_a_page_without_snippets_gets_no_note(tmp_path: Path):
    assert verified_note("# Title\n\nText.\n", tmp_path, {}) == ""


def test_a_page_without_snippets_says_where_it_was_built(tmp_path: Path):
    note = verified_note("# Title\n\nText.\n", tmp_path, {"environment": ENV})
    assert "**Built on** Linux 6.1.0, CPython 3.12.1, 2026-01-02." in note


def test_source_files_are_linked(tmp_path: Path):
    write_snippets(tmp_path)
    record = record_for(tmp_path, a="passed", b="passed")
    note = verified_note(PAGE, tmp_path, record, lambda name: f"../snippets/{name}")
    assert (
        "Source files: [`a.py`](../snippets/a.py), [`b.py`](../snippets/b.py)." in note
    )
