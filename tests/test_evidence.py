"""Prose cannot drift: every claim marker holds, and no behavioural sentence
goes without one.

A `<!-- run: program.py | text -->` marker must name a program of the site
whose #> lines (which tests/test_programs.py compares with a real run) hold
the text; a `<!-- contract: helper | test -->` marker must name a contract
test of that helper (tests/contracts/test_<helper>.py), which the suite
runs; a `<!-- cite: label | address -->` marker must give an address. A
sentence that names an exception, errno, TCP state, FIN or RST, or says what
a call returns, raises or sends, needs one of them (tests/claims.py)."""

from __future__ import annotations

import html
import re
from pathlib import Path

import pytest

from claims import (
    CLAIM,
    contract_claim_problem,
    run_claim_problem,
    sentences,
    wire_claim_problem,
)
from conventions import page_html
from pages import all_pages, page_id


@pytest.mark.parametrize("page", all_pages(), ids=page_id)
def test_every_claim_marker_holds(page: Path):
    problems = []
    for sentence in sentences(page):
        for claim in sentence.claims:
            kind, subject, detail = claim.groups()
            if kind == "run":
                problem = run_claim_problem(subject.strip(), detail)
            elif kind == "wire":
                problem = wire_claim_problem(subject.strip(), detail)
            elif kind == "contract":
                problem = contract_claim_problem(subject.strip(), detail)
            else:
                problem = None if detail.startswith("https://") else "no https address"
            if problem:
                problems.append(f"{sentence}\n    -> {problem}")
    assert not problems, "claims whose evidence does not hold:\n" + "\n".join(problems)


@pytest.mark.parametrize("page", all_pages(), ids=page_id)
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


WIRE_MARKER_HTML = re.compile(
    r'<sup class="claim claim-wire"><a href="([^"]+)" data-claim="Captured while '
    r'[^"]*? ran: ([^"]*)"'
)


@pytest.mark.parametrize("page", all_pages(), ids=page_id)
def test_wire_markers_link_to_the_captured_event(page: Path, built_site: Path):
    """On the built site, a "wire" marker points at the event it quotes in the
    list under the program's ladder diagram."""
    out = page_html(built_site, page).read_text()
    markers = WIRE_MARKER_HTML.findall(out)
    written = [c for c in CLAIM.finditer(page.read_text()) if c.group(1) == "wire"]
    assert len(markers) == len(written), "a wire: marker was not drawn"
    problems = []
    for href, expected in markers:
        address, _, fragment = html.unescape(href).partition("#")
        target = (page_html(built_site, page).parent / address).resolve()
        target = target / "index.html" if target.is_dir() else target
        text = target.read_text() if target.is_file() else ""
        item = re.search(rf'<li id="{re.escape(fragment)}" data-event="([^"]*)"', text)
        event = html.unescape(item.group(1)) if item else ""
        if html.unescape(expected) not in event:
            problems.append(f"{href}: no event {expected!r} there (found {event!r})")
    assert not problems, f"{page_id(page)}:\n" + "\n".join(problems)


# A sentence that says what goes on the wire: a FIN or RST (or a reset) that
# is sent, or "on the wire" (the verb "send", not the call `send()`).
ON_THE_WIRE = re.compile(
    r"\b(?:sends?|sent|sending)\b(?!\()[^.]*?\b(?:FIN|RST|reset)\b"
    r"|\b(?:FIN|RST|reset)\b[^.]*?\b(?:sends?|sent)\b(?!\()|\bon the wire\b"
)


def words(text: str) -> str:
    """A sentence without its markers and link addresses."""
    return re.sub(r"\]\([^)]*\)", "]", CLAIM.sub("", text))


@pytest.mark.parametrize("page", all_pages(), ids=page_id)
def test_pages_that_say_what_is_sent_link_to_a_captured_event(page: Path):
    """A page that states what is sent on the wire has at least one "wire"
    marker: a link to a segment captured while a program ran."""
    stating = [s for s in sentences(page) if ON_THE_WIRE.search(words(s.text))]
    wired = [c for s in sentences(page) for c in s.claims if c.group(1) == "wire"]
    assert wired or not stating, (
        f"{page_id(page)} says what is sent on the wire but links to no captured "
        f"event (<!-- wire: program | event -->), e.g.:\n{stating[0]}"
    )
