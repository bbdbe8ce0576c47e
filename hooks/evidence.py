"""Claims bound to their evidence, one quiet control per block (a Python-Markdown
extension, hooks.evidence in mkdocs.yml, run by MkDocs and Zensical alike).

A page writes, right after a sentence that states behaviour, one of:

    <!-- run: how-to/abort/abort.py | ConnectionResetError ECONNRESET -->
    <!-- cite: RFC 9293, 3.10.4 | https://www.rfc-editor.org/rfc/rfc9293 -->
    <!-- wire: how-to/abort/abort.py | server 2 → client 2  RST ACK -->
    <!-- contract: abort | test_a_second_call_does_nothing -->

`run:` names a program of the site and text that one of its `#>` output lines
holds: the sentence is observed here. tests/pages/test_evidence.py fails when the
program no longer prints it. `cite:` names a primary source (document and
section, or file, function and version) and its address: the sentence is
taken from that source and was not run here. `wire:` names a program with a
stored capture (a .wire file, core.wire) and text that one of its
events holds: the sentence is what went on the wire while it ran.
`contract:` names a helper of closing.py and one of its contract tests.

No marker interrupts a sentence: the markers of one block of text (a
paragraph, a list item, a table cell, a code annotation) are gathered into
one small control at the end of that block, a button that names the kinds of
evidence it holds ("run", "source", "wire", "test"). It opens, in place, a
popover (the HTML popover attribute: no JavaScript; it closes on Escape or a
click elsewhere) that lists each claim: its kind, the program and the output
line it printed (or the source, the captured event, the contract test) and a
link to it: the output line on this page, or on the program's own page; the
event in the ladder diagram; the contract test on the helpers page; the
source. Only a line that no page shows links to the published program.
Links within the page are written when the page is converted; a link to a
line that another page shows needs that page's HTML, so core.site writes it
once every page is built (hooks/site.py for MkDocs, scripts/after_build.py
for Zensical), finding the line by the data-program each code block carries.

Each claim is an <a class="claim"> with data-kind (run, cite, wire or
contract), data-subject and data-detail: the marker's two fields, as written,
for the tests to read. The whole control is <span class="evidence"> with
Material's data-search-exclude, so that search results never quote it.
The legend is on the home page, #how-to-read-the-markers.
"""

from __future__ import annotations

import html
import posixpath
import re
import xml.etree.ElementTree as etree
from dataclasses import dataclass
from pathlib import Path

from markdown import Extension, Markdown
from markdown.postprocessors import Postprocessor
from markdown.preprocessors import Preprocessor
from markdown.treeprocessors import Treeprocessor

from core.builders import BuildError, link_base, required_page_path
from core.contracts import contract_anchor, contract_tests
from core.markers import CLAIM, INCLUDE, MERMAID_FENCE
from core.paths import DOCS, HELPERS_PAGE, SNIPPETS, owner_page
from core.paths import page_url as page_url_of
from core.theme import CODE_BLOCK_HTML, LINE_SPAN
from core.wire import event_id, read, wire_path

# A marker between reading the Markdown and building its tree: its number
# between two private-use characters, which no Markdown syntax touches.
TOKEN = re.compile("\ue000(\\d+)\ue001")
# A claim's link before it is resolved: the claim's number on its page.
PENDING = re.compile(r'href="#evidence:(\d+)"')
# A "run" claim whose line another page shows: core.site resolves it once
# every page is built.
ELSEWHERE = "#evidence:elsewhere"

# The word the control shows for each kind, and the order it shows them in.
WORD = {"run": "run", "wire": "wire", "contract": "test", "cite": "source"}
# Elements that sit inside a line of text: the markers of a block of text are
# gathered to the end of its run of these (before a nested list, say).
INLINE = frozenset(
    "a abbr b bdi bdo br cite code data del dfn em i img ins kbd mark q s samp "
    "small span strong sub sup time u var wbr".split()
)


@dataclass(frozen=True)
class Claim:
    kind: str
    subject: str
    detail: str


def escaped(text: str) -> str:
    return html.escape(text, quote=True)


def entry(number: int, claim: Claim) -> str:
    """One claim in the list: its kind, what shows it, a link to it."""
    kind, subject, detail = claim.kind, claim.subject, claim.detail
    name = escaped(posixpath.basename(subject))
    if kind == "run":
        body = f"<code>{name}</code> prints <code>{escaped(detail)}</code>"
    elif kind == "wire":
        body = f"captured while <code>{name}</code> ran: <code>{escaped(detail)}</code>"
    elif kind == "contract":
        body = (
            f"contract test of <code>{escaped(subject)}()</code>: "
            f"<code>{escaped(detail)}</code>"
        )
    else:
        body = f"not run here: {escaped(subject)}"
    href = escaped(detail) if kind == "cite" else f"#evidence:{number}"
    return (
        f'<a class="claim claim-{kind}" data-kind="{kind}"'
        f' data-subject="{escaped(subject)}" data-detail="{escaped(detail)}"'
        f' href="{href}"><b>{WORD[kind]}</b> {body}</a>'
    )


def control(ident: str, numbers: list[int], claims: list[Claim]) -> str:
    """The evidence of one block: a button, and the list it opens in place.

    No element inside is a <span>: Material's search parser ends an excluded
    element at the first closing tag of the same name."""
    shown = [claims[n] for n in numbers]
    kinds = [k for k in WORD if any(c.kind == k for c in shown)]
    count = f"{len(shown)} claim{'s' if len(shown) > 1 else ''}"
    # The name starts with the words the button shows (WCAG 2.5.3, Label in
    # Name): "run, source: evidence of 3 claims".
    label = f"{', '.join(WORD[k] for k in kinds)}: evidence of {count}"
    badges = " ".join(
        f'<b class="evidence__kind evidence__kind--{k}">{WORD[k]}</b>' for k in kinds
    )
    entries = "".join(entry(n, claims[n]) for n in numbers)
    return (
        f'<span class="evidence" data-search-exclude>'
        f'<button type="button" class="evidence__toggle" popovertarget="{ident}"'
        f' aria-label="{label}">{badges}</button>'
        f'<small class="evidence__list" id="{ident}" popover>{entries}</small>'
        "</span>"
    )


class GatherEvidence(Treeprocessor):
    """Moves the markers of each run of text to one control at its end."""

    def __init__(self, md: Markdown, claims: list[Claim]):
        super().__init__(md)
        self.claims = claims
        self.controls = 0

    def run(self, root: etree.Element) -> None:
        for element in list(root.iter()):
            if isinstance(element.tag, str) and element.tag not in INLINE:
                if not re.fullmatch(r"h\d", element.tag):  # the TOC copies headings
                    self.gather(element)

    def gather(self, block: etree.Element) -> None:
        found = self.take(block, "text")
        last = (block, "text")
        for child in block:
            inline = isinstance(child.tag, str) and child.tag in INLINE
            if inline:
                for inner in child.iter():
                    found += self.take(inner, "text")
                    if inner is not child:
                        found += self.take(inner, "tail")
            else:  # a nested block ends the run of text
                self.place(last, found)
                found = []
            found += self.take(child, "tail")
            last = (child, "tail")
        self.place(last, found)

    @staticmethod
    def take(node: etree.Element, attribute: str) -> list[int]:
        text = getattr(node, attribute)
        if not text or "\ue000" not in text:
            return []
        setattr(node, attribute, TOKEN.sub("", text))
        return [int(n) for n in TOKEN.findall(text)]

    def place(self, last: tuple[etree.Element, str], numbers: list[int]) -> None:
        if not numbers:
            return
        self.controls += 1
        ident = f"evidence-{self.controls}"
        stored = self.md.htmlStash.store(control(ident, numbers, self.claims))
        node, attribute = last
        text = getattr(node, attribute) or ""
        kept = text.rstrip()
        setattr(node, attribute, kept + stored + text[len(kept) :])


def tokens(markdown: str, claims: list[Claim]) -> str:
    """Each marker replaced by its number in claims, in private-use characters."""

    def token(match: re.Match) -> str:
        claims.append(Claim(match.group(1), match.group(2), match.group(3)))
        return f"\ue000{len(claims) - 1}\ue001"

    return CLAIM.sub(token, markdown)


def output_lines(content: str, programs: list[str]) -> list[tuple[str, str, str]]:
    """(line id, program shown, visible text) of every line of every code
    block on the page."""
    lines = []
    for number, block in enumerate(CODE_BLOCK_HTML.finditer(content)):
        program = programs[number] if number < len(programs) else ""
        parts = LINE_SPAN.split(block.group(0))
        for span_id, rest in zip(parts[1::2], parts[2::2], strict=True):
            text = html.unescape(re.sub(r"<[^>]+>", "", rest)).strip()
            lines.append((span_id, program, text))
    return lines


def printed_line(lines: list[tuple[str, str, str]], claim: Claim) -> str | None:
    """The id of the #> line of claim's program that holds its text."""
    for span_id, program, text in lines:
        if program == claim.subject and text.startswith("#>") and claim.detail in text:
            return span_id
    return None


def relative(target: str, page_url: str) -> str:
    """A site address (a directory, or a file) relative to a page's address."""
    return posixpath.relpath(target or ".", page_url or ".")


def wire_event(snippets: Path, program: str, text: str) -> int | None:
    """The number (from 1) of the first stored wire event of program holding text."""
    path = wire_path(snippets / program)
    if not path.is_file():
        return None
    _, events = read(path)
    return next((n for n, e in enumerate(events, 1) if text in e.line()), None)


def wire_href(
    claim: Claim, content: str, page_url: str, snippets: Path, docs: Path
) -> str:
    """The event in the program's ladder diagram, on this page or its own."""
    number = wire_event(snippets, claim.subject, claim.detail)
    if number is None:
        raise BuildError(f"wire: {claim.subject} has no stored event {claim.detail!r}")
    target = event_id(claim.subject, number)
    if f'id="{target}"' in content:
        return f"#{target}"
    owner = page_url_of(docs / (owner_page(claim.subject) + ".md"), docs)
    return f"{relative(owner, page_url)}/#{target}"


def contract_href(claim: Claim, content: str, page_url: str, docs: Path) -> str:
    """The contract test's item on the helpers page."""
    section, test = claim.subject, claim.detail
    try:
        known = test in contract_tests(section)
    except LookupError as exc:
        raise BuildError(f"contract: {exc}") from None
    if not known:
        raise BuildError(f"contract: {section} has no contract test {test}")
    target = contract_anchor(section, test)
    if f'id="{target}"' in content:
        return f"#{target}"
    return f"{relative(page_url_of(docs / HELPERS_PAGE, docs), page_url)}/#{target}"


def blocks_by_program(markdown: str) -> list[str]:
    """The program each fenced include shows, in page order (others: "").

    Mermaid blocks are left out: they become images, not code blocks."""
    found = []
    markdown = MERMAID_FENCE.sub("", markdown)
    for fence in re.finditer(r"^[ \t]*```.*?^[ \t]*```", markdown, re.S | re.M):
        include = INCLUDE.search(fence.group(0))
        found.append(include.group(1).partition(":")[0] if include else "")
    return found


def marked_programs(content: str, programs: list[str]) -> str:
    """Each code block that shows a program, its <code> marked data-program:
    how core.site finds, on the program's own page, the line a claim on
    another page quotes."""
    out, last = [], 0
    for number, block in enumerate(CODE_BLOCK_HTML.finditer(content)):
        program = programs[number] if number < len(programs) else ""
        if not program:
            continue
        at = content.find("<code", block.start(), block.end())
        if at < 0:
            continue
        out += [
            content[last : at + len("<code")],
            f' data-program="{escaped(program)}"',
        ]
        last = at + len("<code")
    out.append(content[last:])
    return "".join(out)


class Markers(Preprocessor):
    """Each marker to a token; which program each fenced block shows."""

    def __init__(self, md: Markdown, extension: EvidenceExtension):
        super().__init__(md)
        self.extension = extension

    def run(self, lines: list[str]) -> list[str]:
        text = "\n".join(lines)
        self.extension.programs = blocks_by_program(text)
        return tokens(text, self.extension.claims).split("\n")


class Links(Postprocessor):
    """Each claim's link, on the finished page: a line this page shows, an
    event of a ladder, a contract test; a line another page shows is left
    to core.site, which sees every page."""

    def __init__(self, md: Markdown, extension: EvidenceExtension):
        super().__init__(md)
        self.extension = extension

    def run(self, text: str) -> str:
        page = required_page_path(self.md)
        if "\ue000" in text:
            raise BuildError(
                f"docs/{page}: an evidence marker in a heading or in raw HTML, "
                "where no evidence control can go; put it after a sentence"
            )
        claims, programs = self.extension.claims, self.extension.programs
        if not claims:
            return text
        lines = output_lines(text, programs)
        url = link_base(self.md)

        def href(match: re.Match) -> str:
            claim = claims[int(match.group(1))]
            if claim.kind == "run":
                span_id = printed_line(lines, claim)
                return f'href="#{span_id}"' if span_id else f'href="{ELSEWHERE}"'
            if claim.kind == "wire":
                target = wire_href(claim, text, url, SNIPPETS, DOCS)
            else:
                target = contract_href(claim, text, url, DOCS)
            return f'href="{escaped(target)}"'

        return PENDING.sub(href, marked_programs(text, programs))


class EvidenceExtension(Extension):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.claims: list[Claim] = []  # this page's markers, in reading order
        self.programs: list[str] = []  # the program each fenced block shows

    def extendMarkdown(self, md: Markdown) -> None:  # noqa: N802 (Markdown's API)
        # Before pymdownx.snippets (32): the includes name the programs.
        md.preprocessors.register(Markers(md, self), "evidence_markers", 50)
        # After the inline patterns (20), before the table of contents (5).
        md.treeprocessors.register(GatherEvidence(md, self.claims), "evidence", 15)
        # After the raw HTML is back in place (30): the code blocks and ladders.
        md.postprocessors.register(Links(md, self), "evidence_links", 5)


def makeExtension(**kwargs) -> EvidenceExtension:  # noqa: N802 (Markdown's API)
    return EvidenceExtension(**kwargs)
