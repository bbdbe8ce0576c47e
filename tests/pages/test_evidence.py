"""Prose cannot drift: every claim marker holds, and no behavioural sentence
goes without one.

A `<!-- run: program.py | text -->` marker must name a program of the site
whose #> lines (which tests/programs/test_programs.py compares with a real run) hold
the text; a `<!-- contract: helper | test -->` marker must name a contract
test of that helper (tests/contracts/test_<helper>.py), which the suite
runs; a `<!-- cite: label | address -->` marker must give an address. A
sentence that names an exception, errno, TCP state, FIN or RST, or says what
a call returns, raises or sends, needs one of them (core/claims.py).

On the built site (read with html.parser, by the data attributes that
hooks/evidence.py writes): each marker is one claim, in no sentence's way
(the evidence control ends its block of text), linked to its evidence, and
kept out of the search index."""

from __future__ import annotations

import functools
import html
import html.parser
import json
import posixpath
import re
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from core.claims import (
    CLAIM,
    contract_claim_problem,
    run_claim_problem,
    sentences,
    wire_claim_problem,
)
from core.contracts import contract_anchor
from core.pages import all_pages, page_id
from core.paths import page_html, page_url


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


# --- the built pages: where the markers went -------------------------------

# Elements that sit inside a line of text: an evidence control inside one of
# these would be inside a sentence.
INLINE = frozenset(
    "a abbr b bdi bdo br button cite code data del dfn em i img ins kbd label mark "
    "q s samp small span strong sub sup time u var wbr".split()
)
VOID = frozenset(
    "area base br col embed hr img input link meta source track wbr".split()
)


@dataclass(eq=False)
class Node:
    """An element of a built page, as html.parser reads it."""

    tag: str
    attrs: dict[str, str | None]
    parent: Node | None = None
    children: list[Node | str] = field(default_factory=list)

    def classes(self) -> set[str]:
        return set((self.attrs.get("class") or "").split())

    def text(self) -> str:
        return "".join(c if isinstance(c, str) else c.text() for c in self.children)

    def prose(self) -> str:
        """Its text without the evidence controls in it."""
        return "".join(
            c if isinstance(c, str) else c.prose()
            for c in self.children
            if isinstance(c, str) or "evidence" not in c.classes()
        )

    def iter(self):
        yield self
        for child in self.children:
            if isinstance(child, Node):
                yield from child.iter()


class Tree(html.parser.HTMLParser):
    """A built page as a tree of Nodes. Our own, on the standard library's
    parser: the tests need parents, siblings and attributes only, and the
    suite then needs no HTML library of its own (Material writes well-formed
    HTML, so no repair of unclosed tags is needed)."""

    def __init__(self, text: str):
        super().__init__(convert_charrefs=True)
        self.root = self.open = Node("#document", {})
        self.feed(text)
        self.close()

    def handle_starttag(self, tag, attrs):
        node = Node(tag, dict(attrs), self.open)
        self.open.children.append(node)
        if tag not in VOID:
            self.open = node

    def handle_startendtag(self, tag, attrs):
        self.open.children.append(Node(tag, dict(attrs), self.open))

    def handle_endtag(self, tag):
        node = self.open
        while node.parent is not None and node.tag != tag:
            node = node.parent
        if node.parent is not None:
            self.open = node.parent

    def handle_data(self, data):
        self.open.children.append(data)


def squeezed(text: str) -> str:
    """Text with its runs of white space as one space."""
    return " ".join(text.split())


@functools.cache
def built_page(path: Path) -> Node:
    return Tree(path.read_text()).root


def controls(root: Node) -> list[Node]:
    return [n for n in root.iter() if "evidence" in n.classes()]


def claims_in(root: Node) -> list[Node]:
    return [n for n in root.iter() if "claim" in n.classes()]


@pytest.mark.parametrize("page", all_pages(), ids=page_id)
def test_every_marker_is_one_claim_on_the_built_page(page: Path, built_site: Path):
    """Each marker of the Markdown is one claim in the built page, with the
    marker's kind and its two fields, in the same order."""
    written = [
        (m.group(1), m.group(2).strip(), m.group(3).strip())
        for m in CLAIM.finditer(page.read_text())
    ]
    root = built_page(page_html(built_site, page))
    drawn = [
        tuple(c.attrs.get(f"data-{name}") for name in ("kind", "subject", "detail"))
        for c in claims_in(root)
    ]
    differ = [(w, d) for w, d in zip(written, drawn, strict=False) if w != d]
    assert drawn == written, (
        f"{page_id(page)}: {len(written)} markers, {len(drawn)} claims drawn; "
        f"first difference (written, drawn): {differ[:1]}"
    )
    loose = [
        c
        for c in claims_in(root)
        if not any("evidence" in a.classes() for a in ancestors(c))
    ]
    assert not loose, f"{page_id(page)}: claims outside an evidence control"


def ancestors(node: Node):
    while node.parent is not None:
        node = node.parent
        yield node


def next_siblings(node: Node) -> list[Node | str]:
    siblings = node.parent.children
    after = siblings[siblings.index(node) + 1 :]
    return [s for s in after if not (isinstance(s, str) and not s.strip())]


@pytest.mark.parametrize("page", all_pages(), ids=page_id)
def test_no_marker_interrupts_a_sentence(page: Path, built_site: Path):
    """Each evidence control ends its block of text (a paragraph, list item,
    table cell...): nothing but a nested block comes after it, and it sits
    in no element of a line of text (a link, code, emphasis). Its button
    opens its own list of claims, in place."""
    problems = []
    for control in controls(built_page(page_html(built_site, page))):
        after = next_siblings(control)
        before = control.parent.prose()
        where = f"{control.parent.tag}: {squeezed(before)[:60]!r}..."
        if after and (isinstance(after[0], str) or after[0].tag in INLINE):
            following = after[0] if isinstance(after[0], str) else after[0].prose()
            problems.append(f"{where} is followed by {squeezed(following)[:40]!r}")
        if control.parent.tag in INLINE or re.fullmatch(r"h\d", control.parent.tag):
            problems.append(f"{where}: inside <{control.parent.tag}>")
        button = [n for n in control.iter() if n.tag == "button"]
        lists = [n for n in control.iter() if "popover" in n.attrs]
        if len(button) != 1 or len(lists) != 1:
            problems.append(f"{where}: not one button and one popover")
        elif button[0].attrs.get("popovertarget") != lists[0].attrs.get("id"):
            problems.append(f"{where}: the button does not open its list")
        elif not claims_in(lists[0]):
            problems.append(f"{where}: an empty list")
    assert not problems, f"{page_id(page)}:\n" + "\n".join(problems)


def target_of(site: Path, page: Path, href: str) -> tuple[Path, str]:
    """The built file an href of page points at, and its fragment."""
    address, _, fragment = html.unescape(href).partition("#")
    target = (page_html(site, page).parent / address).resolve()
    return (target / "index.html" if target.is_dir() else target), fragment


def by_id(root: Node, ident: str) -> Node | None:
    return next((n for n in root.iter() if n.attrs.get("id") == ident), None)


@pytest.mark.parametrize("page", all_pages(), ids=page_id)
def test_each_claim_links_to_its_evidence(page: Path, built_site: Path):
    """A "run" claim links to the #> line that prints its text, on this page
    or on another (or, when no page shows that line, to the published
    program); a "wire" claim to its event under the ladder diagram; a
    "contract" claim to its test on the helpers page; a "cite" claim to its
    source."""
    problems = []
    for claim in claims_in(built_page(page_html(built_site, page))):
        kind, href = claim.attrs["data-kind"], claim.attrs.get("href") or ""
        subject, detail = claim.attrs["data-subject"], claim.attrs["data-detail"]
        if kind == "cite":
            if href != detail:
                problems.append(f"{subject}: links to {href}, not {detail}")
            continue
        target, fragment = target_of(built_site, page, href)
        if not target.is_file():
            problems.append(f"{kind}: {href} is no file of the built site")
            continue
        if kind == "run" and not fragment:
            text = target.read_text()
            if target.name != posixpath.basename(subject) or "#> " not in text:
                problems.append(f"{href}: not the published {subject}")
            elif not any(detail in line for line in text.splitlines() if "#>" in line):
                problems.append(f"{href}: no #> line holds {detail!r}")
            continue
        found = by_id(built_page(target), fragment)
        if kind == "run":
            line = squeezed(found.text()) if found else ""
            if not line.startswith("#>") or squeezed(detail) not in line:
                problems.append(f"{href} ({subject}): {line!r} lacks {detail!r}")
        elif kind == "wire":
            event = (found.attrs.get("data-event") or "") if found else ""
            if found is None or found.tag != "li" or detail not in event:
                problems.append(f"{href}: no event {detail!r} there (found {event!r})")
        elif fragment != contract_anchor(subject, detail) or found is None:
            problems.append(f"{href}: not the contract test {subject}: {detail}")
    assert not problems, f"{page_id(page)}:\n" + "\n".join(problems)


def test_search_results_quote_no_evidence(built_site: Path):
    """Material's search index holds the pages' text without their evidence
    (data-search-exclude): no claim's text is in it."""
    index = json.loads((built_site / "search" / "search_index.json").read_text())
    indexed: dict[str, str] = {}
    for doc in index["docs"]:
        page_address = doc["location"].partition("#")[0]
        text = html.unescape(re.sub(r"<[^>]+>", " ", doc["title"] + " " + doc["text"]))
        indexed[page_address] = indexed.get(page_address, "") + " " + squeezed(text)
    problems = []
    for page in all_pages():
        text = indexed.get(page_url(page))
        if text is None:
            problems.append(f"{page_id(page)}: not in the search index")
            continue
        for control in controls(built_page(page_html(built_site, page))):
            for part in control.iter():
                if "claim" in part.classes():
                    quoted = squeezed(re.sub(r"<[^>]+>", " ", "".join(piece(part))))
                    if quoted in text:
                        problems.append(f"{page_id(page)}: {quoted!r}")
    assert not problems, "evidence in the search index:\n" + "\n".join(problems[:20])


def piece(node: Node) -> list[str]:
    """A node's text, its elements' boundaries as spaces (as the index has them)."""
    return [c if isinstance(c, str) else " " + c.text() + " " for c in node.children]


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
