"""MkDocs hook: claims bound to their evidence, drawn as small markers.

A page writes, right after a sentence that states behaviour, one of:

    <!-- run: how-to/abort/abort.py | ConnectionResetError ECONNRESET -->
    <!-- cite: RFC 9293, 3.10.4 | https://www.rfc-editor.org/rfc/rfc9293 -->
    <!-- wire: how-to/abort/abort.py | server 2 → client 2  RST ACK -->

`run:` names a program of the site and text that one of its `#>` output lines
holds: the sentence is observed here. tests/test_evidence.py fails when the
program no longer prints it. `cite:` names a primary source (document and
section, or file, function and version) and its address: the sentence is
taken from that source and was not run here. `wire:` names a program with a
stored capture (a .wire file, hooks/wire_format.py) and text that one of its
events holds: the sentence is what went on the wire while it ran.

This hook turns each into a marker after the sentence: "run" links to the
output line in the program's code block on the page (or to the published
program when the page does not show it), and shows the expected output on
hover or focus; "source" links to the cited document; "wire" links to the
event in the program's ladder diagram (hooks/ladders.py). Both work without
JavaScript, by keyboard, and read out as a full sentence to a screen reader.
The legend is on the home page, #how-to-read-the-markers.
"""

from __future__ import annotations

import html
import posixpath
import re
from pathlib import Path

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.structure.files import Files
from mkdocs.structure.pages import Page

from conventions import (
    CODE_BLOCK_HTML,
    HELPERS_PAGE,
    INCLUDE,
    contract_anchor,
    contract_tests,
)
from conventions import page_url as page_url_of
from ladders import event_id
from verified_on import snippets_of
from wire_format import read, wire_path

# <!-- run: program.py | expected output --> and <!-- cite: label | address -->
CLAIM = re.compile(
    r"<!--\s*(run|cite|wire|contract):\s*([^|>]+?)\s*\|\s*(.+?)\s*-->"
)
LINE_SPAN = re.compile(r'<span id="(__span-\d+-\d+)">')
RUN_HREF = re.compile(r'href="#evidence:([^"]+?)::([^"]*)"')
WIRE_HREF = re.compile(r'href="#wire-evidence:([^"]+?)::([^"]*)"')
CONTRACT_HREF = re.compile(r'href="#contract-evidence:([^"]+?)::([^"]*)"')


def attribute(text: str) -> str:
    """Escaped for an attribute, with no "|" left to split a table cell."""
    return html.escape(text, quote=True).replace("|", "&#124;")


def marker(kind: str, subject: str, detail: str) -> str:
    if kind == "cite":
        label = attribute(subject)
        return (
            f'<sup class="claim claim-cite"><a href="{attribute(detail)}"'
            f' data-claim="From source, not run here: {label}"'
            f' aria-label="source (not run here): {label}">source</a></sup>'
        )
    if kind == "contract":
        section, test = attribute(subject), attribute(detail)
        return (
            '<sup class="claim claim-contract">'
            f'<a href="#contract-evidence:{section}::{test}"'
            f' data-claim="Contract test of {section}: {test}"'
            f' aria-label="test (contract test): {section}, {test}">'
            "test</a></sup>"
        )
    program = posixpath.basename(subject)
    if kind == "wire":
        event, name = attribute(detail), html.escape(program)
        return (
            '<sup class="claim claim-wire">'
            f'<a href="#wire-evidence:{attribute(subject)}::{event}"'
            f' data-claim="Captured while {name} ran: {event}"'
            f' aria-label="wire (captured here): while {name} ran, {event}">'
            "wire</a></sup>"
        )
    output = attribute(detail)
    target = attribute(f"{subject}::{detail}")
    return (
        f'<sup class="claim claim-run"><a href="#evidence:{target}"'
        f' data-claim="{html.escape(program)} prints: {output}"'
        f' aria-label="run (observed here): {html.escape(program)} prints {output}">'
        "run</a></sup>"
    )


def render_markers(markdown: str) -> str:
    return CLAIM.sub(lambda m: marker(m.group(1), m.group(2), m.group(3)), markdown)


def output_lines(content: str) -> dict[str, list[tuple[str, str]]]:
    """For each code block on the page: (line id, visible text) of every line."""
    lines: dict[str, list[tuple[str, str]]] = {}
    for number, block in enumerate(CODE_BLOCK_HTML.finditer(content)):
        parts = LINE_SPAN.split(block.group(0))
        for span_id, rest in zip(parts[1::2], parts[2::2], strict=True):
            text = html.unescape(re.sub(r"<[^>]+>", "", rest)).strip()
            lines.setdefault(str(number), []).append((span_id, text))
    return lines


def resolve_links(content: str, page_url: str, shown: dict[str, str]) -> str:
    """Point each "run" marker at the output line on this page, if shown here,
    else at the published program."""
    lines = [line for block in output_lines(content).values() for line in block]

    def href(match: re.Match) -> str:
        program = html.unescape(match.group(1))
        expected = html.unescape(match.group(2))
        for span_id, text in lines:
            if text.startswith("#>") and expected in text and shown.get(span_id):
                if shown[span_id] == program:
                    return f'href="#{span_id}"'
        # relative to the page's address (a directory: explanation/myths/)
        return f'href="{posixpath.relpath(f"snippets/{program}", page_url or ".")}"'

    return RUN_HREF.sub(href, content)


def wire_event(snippets: Path, program: str, text: str) -> int | None:
    """The number (from 1) of the first stored wire event of program holding text."""
    path = wire_path(snippets / program)
    if not path.is_file():
        return None
    _, events = read(path)
    return next((n for n, e in enumerate(events, 1) if text in e.line()), None)


def resolve_wire_links(content: str, page_url: str, snippets: Path, docs: Path) -> str:
    """Point each "wire" marker at its event in the program's ladder diagram,
    on this page or on the program's own page."""

    def href(match: re.Match) -> str:
        program = html.unescape(match.group(1))
        number = wire_event(snippets, program, html.unescape(match.group(2)))
        if number is None:
            raise PluginError(f"wire: {program} has no stored event {match.group(2)!r}")
        target = event_id(program, number)
        if f'id="{target}"' in content:
            return f'href="#{target}"'
        owner = page_url_of(docs / (posixpath.dirname(program) + ".md"), docs)
        return f'href="{posixpath.relpath(owner or ".", page_url or ".")}/#{target}"'

    return WIRE_HREF.sub(href, content)


def resolve_contract_links(content: str, page_url: str, docs: Path) -> str:
    """Point each "contract" marker at its test on the helpers page."""

    def href(match: re.Match) -> str:
        section, test = html.unescape(match.group(1)), html.unescape(match.group(2))
        try:
            known = test in contract_tests(section)
        except LookupError as exc:
            raise PluginError(f"contract: {exc}") from None
        if not known:
            raise PluginError(f"contract: {section} has no contract test {test}")
        target = contract_anchor(section, test)
        if f'id="{target}"' in content:
            return f'href="#{target}"'
        owner = page_url_of(docs / HELPERS_PAGE, docs)
        return f'href="{posixpath.relpath(owner or ".", page_url or ".")}/#{target}"'

    return CONTRACT_HREF.sub(href, content)


def blocks_by_program(markdown: str) -> list[str]:
    """The program each fenced include shows, in page order (others: "")."""
    found = []
    for fence in re.finditer(r"^[ \t]*```.*?^[ \t]*```", markdown, re.S | re.M):
        include = INCLUDE.search(fence.group(0))
        found.append(include.group(1).partition(":")[0] if include else "")
    return found


# Which program each code block shows, per page: noted from the Markdown (the
# includes), read back from the HTML of the same page in on_page_content.
_programs_of_page: dict[str, list[str]] = {}


def on_page_markdown(
    markdown: str, *, page: Page, config: MkDocsConfig, files: Files
) -> str:
    _programs_of_page[page.file.src_uri] = blocks_by_program(markdown)
    return render_markers(markdown)


def on_page_content(
    html_text: str, *, page: Page, config: MkDocsConfig, files: Files
) -> str:
    programs = _programs_of_page.get(page.file.src_uri, [])
    shown = {}
    for number, block in enumerate(CODE_BLOCK_HTML.finditer(html_text)):
        program = programs[number] if number < len(programs) else ""
        for span_id in LINE_SPAN.findall(block.group(0)):
            shown[span_id] = program
    html_text = resolve_links(html_text, page.url, shown)
    docs = Path(config["docs_dir"])
    html_text = resolve_contract_links(html_text, page.url, docs)
    return resolve_wire_links(html_text, page.url, snippets_of(config), docs)
