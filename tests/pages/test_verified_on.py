"""The "Verified on" note claims only what the last test run recorded."""

from __future__ import annotations

import hashlib
import json
import platform
from pathlib import Path

import markdown
from bs4 import BeautifulSoup

from core.markers import ANNOTATION_MARKER, SECTION_MARKER
from core.pages import Include, copyable_text, shown_text
from core.paths import DOCS, SNIPPETS
from hooks.ladders import provenance
from hooks.verified_on import verification, verified_note

ENV = {
    "os": "Linux",
    "kernel": "6.1.0",
    "implementation": "CPython",
    "python": "3.12.1",
    "date": "2026-01-02",
}
PAGE = '```py\n--8<-- "a.py"\n```\n\n```py\n--8<-- "b.py:part"\n```\n'


def record_for(folder: Path, env: dict = ENV, **outcomes: str) -> dict:
    return {
        "programs": {
            f"{name}.py": {
                "outcome": outcome,
                "sha256": hashlib.sha256(
                    (folder / f"{name}.py").read_bytes()
                ).hexdigest(),
                **env,
            }
            for name, outcome in outcomes.items()
        },
    }


def write_snippets(folder: Path) -> None:
    (folder / "a.py").write_text("print(1)\n#> 1\n")
    (folder / "b.py").write_text("print(2)\n#> 2\n")


def note_facts(note: str) -> dict:
    """What the note says, read from its data: counts, unverified programs
    with their reasons, each environment with its count, the source links."""
    html = markdown.markdown(note, extensions=["md_in_html", "admonition"])
    div = BeautifulSoup(html, "html.parser").select_one("section.verified-on")
    return {
        "programs": int(div["data-programs"]),
        "verified": int(div["data-verified"]),
        "unverified": dict(
            pair.split(":", 1) for pair in div["data-unverified"].split()
        ),
        "environments": json.loads(div["data-environments"]),
        "links": [a["href"] for a in div.select("a[href]")],
        "warning": div.select_one(".admonition.warning") is not None,
    }


STAMP = "Linux 6.1.0, CPython 3.12.1, 2026-01-02"


def test_all_passed_gives_the_stamp(tmp_path: Path):
    write_snippets(tmp_path)
    note = verified_note(PAGE, tmp_path, record_for(tmp_path, a="passed", b="passed"))
    assert note_facts(note) == {
        "programs": 2,
        "verified": 2,
        "unverified": {},
        "environments": {STAMP: 2},
        "links": [],
        "warning": False,
    }


def test_a_changed_snippet_is_not_claimed(tmp_path: Path):
    write_snippets(tmp_path)
    record = record_for(tmp_path, a="passed", b="passed")
    (tmp_path / "b.py").write_text("print(3)\n#> 3\n")
    facts = note_facts(verified_note(PAGE, tmp_path, record))
    assert (facts["verified"], facts["unverified"]) == (1, {"b.py": "changed"})
    assert facts["environments"] == {STAMP: 1} and facts["warning"]


def test_failed_and_missing_runs_are_named(tmp_path: Path):
    write_snippets(tmp_path)
    facts = note_facts(verified_note(PAGE, tmp_path, record_for(tmp_path, a="failed")))
    assert facts["unverified"] == {"a.py": "failed", "b.py": "not-run"}
    assert (facts["verified"], facts["environments"]) == (0, {})
    assert facts["warning"]


def test_no_record_at_all(tmp_path: Path):
    write_snippets(tmp_path)
    facts = note_facts(verified_note(PAGE, tmp_path, {}))
    assert facts["unverified"] == {"a.py": "not-run", "b.py": "not-run"}
    assert facts["warning"]


def test_programs_verified_in_two_environments_name_both(tmp_path: Path):
    write_snippets(tmp_path)
    record = record_for(tmp_path, a="passed")
    other = {**ENV, "python": "3.13.0", "date": "2026-01-03"}
    record["programs"].update(record_for(tmp_path, other, b="passed")["programs"])
    facts = note_facts(verified_note(PAGE, tmp_path, record))
    assert facts["environments"] == {
        STAMP: 1,
        "Linux 6.1.0, CPython 3.13.0, 2026-01-03": 1,
    }
    assert verification(PAGE, tmp_path, record).verified == ["a.py", "b.py"]


def test_a_page_without_programs_says_where_it_was_built(tmp_path: Path):
    note = verified_note("# Title\n\nText.\n", tmp_path, {})
    facts = note_facts(note)
    assert (facts["programs"], facts["verified"], facts["unverified"]) == (0, 0, {})
    # this machine's system and Python, as the platform module reports them
    assert platform.system() in note and platform.python_version() in note


def test_source_files_are_linked(tmp_path: Path):
    write_snippets(tmp_path)
    record = record_for(tmp_path, a="passed", b="passed")
    note = verified_note(PAGE, tmp_path, record, lambda name: f"../snippets/{name}")
    assert note_facts(note)["links"] == ["../snippets/a.py", "../snippets/b.py"]


def test_a_ladder_says_whether_this_build_captured_it(tmp_path: Path):
    """The ladder's caption names this build's capture only if the record shows
    the very .wire file passed; otherwise it names the stored capture."""
    wire = tmp_path / "a.wire"
    wire.write_text("# captured: Linux 5.0, CPython 3.10.0, 2020-01-01\n")
    header = ["captured: Linux 5.0, CPython 3.10.0, 2020-01-01"]
    sha = hashlib.sha256(wire.read_bytes()).hexdigest()
    passed = {"programs": {"a.wire": {"outcome": "passed", "sha256": sha, **ENV}}}
    assert provenance("a.py", tmp_path, passed, header) == (
        "captured while this build's programs ran "
        "(Linux 6.1.0, CPython 3.12.1, 2026-01-02)"
    )
    skipped = {
        "programs": {"a.wire": {**passed["programs"]["a.wire"], "outcome": "skipped"}}
    }
    stored = (
        "stored capture (Linux 5.0, CPython 3.10.0, 2020-01-01), "
        "not captured again in this build"
    )
    assert provenance("a.py", tmp_path, skipped, header) == stored
    assert provenance("a.py", tmp_path, {}, header) == stored
    wire.write_text(wire.read_text() + "client → server  SYN\n")  # changed since
    assert provenance("a.py", tmp_path, passed, header) == stored


def test_published_programs_carry_no_build_markers(built_site: Path):
    """Each program is published with the site as the reader copies it from
    its page: without section markers (# --8<-- [start:x]) or code-annotation
    markers (# (1)!), every other line kept."""
    problems = []
    for program in sorted(SNIPPETS.rglob("*.py")):
        name = program.relative_to(SNIPPETS).as_posix()
        published = built_site / "snippets" / name
        if not published.is_file():
            problems.append(f"{name}: not published")
            continue
        text = published.read_text()
        left = [
            line
            for line in text.splitlines()
            if SECTION_MARKER.search(line) or ANNOTATION_MARKER.search(line)
        ]
        if left:
            problems.append(f"{name}: build markers left: {left[:2]}")
        copied = copyable_text(shown_text(Include(DOCS / "index.md", 0, name)))
        if copyable_text(text) != copied:
            problems.append(f"{name}: not the program its page's copy button copies")
    assert not problems, "\n".join(problems)
