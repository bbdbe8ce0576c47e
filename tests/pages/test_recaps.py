"""Reader pages give the answer; how the site checks it is said once, on its own page.

A reader comes to a page for an answer. How the programs run, how their output
is compared, what the suite catches and which program is marked "Linux only"
is said once, on the verification page (docs/reference/verification.md), and
for maintainers in the README and .github/CONTRIBUTING.md. A reader page
may link to the verification page; it carries no recap of its own.

The rule, on every page but the verification page, in its prose and headings
(inline code included; code blocks, claim markers and link addresses left
out): no heading about verification ("What was verified", "Verified here, and
elsewhere", "How the table stays true"), and no sentence that names the
site's machinery (pytest, `make test`, `--update-examples`, the test suite,
verified.json, tests/ or hooks/) or recaps the verification ("Verified on
Linux, by the programs on this page:", "x.py is marked Linux only"). Words a
reader needs stay: "not run here" (the scope of a cited sentence), "on Linux",
and what the `#>` lines of a program mean.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from core.pages import all_pages, page_id
from core.paths import DOCS, VERIFICATION_PAGE

# A heading that announces a recap of the verification.
RECAP_HEADING = re.compile(r"\bverif\w*|\bstays? true\b", re.I)
# Prose that names the machinery, or recaps which program verified what.
RECAP_PROSE = re.compile(
    r"\bpytest\b|\bupdate-examples\b|`make [\w-]+`"
    r"|\b(?i:the|test|whole) suite\b|\bverified\.json\b|\b(?:tests|hooks)/\w"
    r"|\bby the programs (?:on|of) this page\b"
    r"|\bmarked \W?Linux only\b"
    r"|\b(?:Not )?[Vv]erified (?:here|on Linux|on this|by)\b"
    r"|\bWhat was verified\b",
)
FENCE = re.compile(r"^[ \t]*(```|~~~)")


def reader_pages() -> list[Path]:
    return [page for page in all_pages() if page_id(page) != VERIFICATION_PAGE]


def text_lines(markdown: str) -> list[tuple[int, str]]:
    """(line number, text) of the page's prose and headings: no front matter,
    fenced code, HTML comments (claim markers) or link addresses. A line left
    out stays as an empty line, so that it still ends a paragraph."""
    lines = markdown.splitlines()
    body = len(lines)
    if lines[:1] == ["---"] and "---" in lines[1:]:
        body = lines.index("---", 1) + 1
    else:
        body = 0
    out, fence = [], None
    text = "\n".join(lines)
    # comments may span lines: blank them, keeping the line count
    text = re.sub(r"<!--.*?-->", lambda m: "\n" * m[0].count("\n"), text, flags=re.S)
    for number, line in enumerate(text.split("\n"), 1):
        if number <= body:
            continue
        opened = FENCE.match(line)
        if fence:
            if opened and opened.group(1) == fence:
                fence = None
            out.append((number, ""))
            continue
        if opened:
            fence = opened.group(1)
            out.append((number, ""))
            continue
        out.append((number, re.sub(r"\]\([^)]*\)", "]", line)))
    return out


def recaps(markdown: str) -> list[str]:
    """Each heading or paragraph of a page that carries verification recap, and why.

    A paragraph is read whole, so that a phrase broken across lines counts."""
    found = []
    paragraph: list[tuple[int, str]] = []

    def check_paragraph() -> None:
        if paragraph:
            text = " ".join(line.strip() for _, line in paragraph)
            if match := RECAP_PROSE.search(text):
                found.append(f"{paragraph[0][0]}: {match.group(0)!r} in {text[:120]!r}")
            paragraph.clear()

    for number, line in text_lines(markdown):
        heading = re.match(r"^\s{0,3}#{1,6}\s+(.*)", line)
        if heading or not line.strip():
            check_paragraph()
        if heading:
            title = heading.group(1).strip()
            if RECAP_HEADING.search(title) or RECAP_PROSE.search(title):
                found.append(f"{number}: heading {title!r}")
        elif line.strip():
            paragraph.append((number, line))
    check_paragraph()
    return found


@pytest.mark.parametrize("page", reader_pages(), ids=page_id)
def test_no_reader_page_carries_verification_recap(page: Path):
    found = recaps(page.read_text())
    assert not found, (
        f"docs/{page_id(page)} carries verification recap; say it once on "
        f"docs/{VERIFICATION_PAGE} (or, for maintainers, in the README or "
        ".github/CONTRIBUTING.md) and link there:\n" + "\n".join(found)
    )


def test_the_verification_page_exists():
    assert (DOCS / VERIFICATION_PAGE).is_file()


# Recaps of the checking, as reader pages once held them: the rule flags each.
AS_WRITTEN = {
    "myths: heading": "## What was verified",
    "close: heading": "## Verified here, and elsewhere",
    "matrix: heading": "## How the table stays true",
    "matrix: pytest": (
        "  `pytest --update-examples` rewrites the lines from a real run; read the "
        "diff first."
    ),
    "matrix: record": "  (`build/verified.json`): it names the system only if that run",
    "matrix: the suite": (
        "  built page matches the program's output, and that the suite catches a "
        "changed cell."
    ),
    "abort: recap intro": "Verified on Linux, by the programs on this page:",
    "myths: recap intro": (
        "On Linux, by the programs on this page and those it links to:"
    ),
    "detect: recap intro": "Verified here, on Linux, by the programs on this page:",
    "close-wait: recap": (
        "Verified on Linux by `close_wait_leak.py`: a server that reads to `b''` "
        "and does not close"
    ),
    "teardown: Linux only": (
        "All three programs are marked Linux only: they read Linux's "
        "`/proc/net/tcp`, and decode"
    ),
    "other-sockets: across lines": (
        "The programs on this page ran on Linux, and each is marked\n"
        "Linux only; the sentences taken from a manual say so."
    ),
    "detect: Linux only": (
        "`detect_eof.py` uses nothing specific to Linux. The others are marked "
        '"Linux only": they'
    ),
    "unblock: test suite": (
        "Each program below prints what its `#>` lines show; the test suite checks it."
    ),
    "helpers: the suite": (
        "budget, abort, go silent, vanish, or keep sending after their end of "
        "stream. The suite"
    ),
}


@pytest.mark.parametrize("line", AS_WRITTEN.values(), ids=AS_WRITTEN.keys())
def test_the_rule_flags_recaps_as_they_were_written(line: str):
    assert recaps(f"---\ntitle: t\n---\n\n{line}\n")


# What a reader needs stays: the rule leaves these alone.
KEPT = {
    "scope of a citation": "Windows resets instead (not run here).",
    "output comments": (
        "copy one, run `python file.py` on Linux, and it prints what the `#>` "
        "lines show"
    ),
    "a platform": "On Linux, the peer gets a reset.",
    "code block": "```console\n$ make test\n$ pytest --update-examples\n```",
    "claim marker": "A reset.<!-- run: tests/x.py | verified on Linux -->",
    "link address": "[the checks](../reference/verification.md)",
    "make sure": "Make sure every socket is closed.",
}


@pytest.mark.parametrize("text", KEPT.values(), ids=KEPT.keys())
def test_the_rule_leaves_what_a_reader_needs(text: str):
    assert not recaps(f"---\ntitle: t\n---\n\n{text}\n")
