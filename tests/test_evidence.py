"""Prose cannot drift: every claim marker holds, and no behavioural sentence
goes without one.

A `<!-- run: program.py | text -->` marker must name a program of the site
whose #> lines (which tests/test_programs.py compares with a real run) hold
the text; a `<!-- cite: label | address -->` marker must give an address. A
sentence that names an exception, errno, TCP state, FIN or RST, or says what
a call returns, raises or sends, needs one of them (tests/claims.py)."""

from __future__ import annotations

import html
import re
from pathlib import Path

import pytest

from claims import CLAIM, run_claim_problem, sentences
from conventions import page_html
from pages import all_pages, page_id

# Pages whose sentences are not all bound yet (issue 12 is open for them).
# Strict: once a page is done, its entry here fails the suite until removed.
NOT_YET_BOUND: set[str] = set()


def unbacked_params() -> list:
    return [
        pytest.param(
            page,
            id=page_id(page),
            marks=[pytest.mark.xfail(strict=True, reason="claims not bound yet")]
            if page_id(page) in NOT_YET_BOUND
            else [],
        )
        for page in all_pages()
    ]


@pytest.mark.parametrize("page", all_pages(), ids=page_id)
def test_every_claim_marker_holds(page: Path):
    problems = []
    for sentence in sentences(page):
        for claim in sentence.claims:
            kind, subject, detail = claim.groups()
            if kind == "run":
                problem = run_claim_problem(subject.strip(), detail)
            else:
                problem = None if detail.startswith("https://") else "no https address"
            if problem:
                problems.append(f"{sentence}\n    -> {problem}")
    assert not problems, "claims whose evidence does not hold:\n" + "\n".join(problems)


@pytest.mark.parametrize("page", unbacked_params())
def test_every_behavioural_sentence_has_evidence_or_a_citation(page: Path):
    unbacked = [
        str(s) for s in sentences(page) if s.states_behaviour() and not s.claims
    ]
    assert not unbacked, (
        f"{len(unbacked)} sentences state behaviour with neither a run: nor a cite: "
        "marker:\n" + "\n".join(unbacked)
    )


MARKER_HTML = re.compile(
    r'<sup class="claim claim-run"><a href="([^"]+)" data-claim="([^"]*?) prints: '
    r'([^"]*)"'
)


@pytest.mark.parametrize("page", all_pages(), ids=page_id)
def test_run_markers_link_to_the_line_that_prints_it(page: Path, built_site: Path):
    """On the built page, a "run" marker points at the #> line it quotes (when
    the program is shown on the page) or at the published program."""
    out = page_html(built_site, page).read_text()
    markers = MARKER_HTML.findall(out)
    written = [c for c in CLAIM.finditer(page.read_text()) if c.group(1) == "run"]
    assert len(markers) == len(written), "a run: marker was not drawn"
    problems = []
    for href, program, expected in markers:
        expected = html.unescape(expected)
        if href.startswith("#"):
            line = re.search(rf'<span id="{re.escape(href[1:])}">(.*?)\n', out)
            text = html.unescape(re.sub(r"<[^>]+>", "", line.group(1))) if line else ""
            if not text.strip().startswith("#>") or expected not in text:
                problems.append(
                    f"{href} ({program}): {text.strip()!r} lacks {expected!r}"
                )
        else:
            target = (page_html(built_site, page).parent / href).resolve()
            if target.name != program or not target.is_file():
                problems.append(f"{href}: not the published {program}")
    assert not problems, f"{page_id(page)}:\n" + "\n".join(problems)
