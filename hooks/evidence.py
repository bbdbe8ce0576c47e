"""MkDocs hook: claims bound to their evidence, drawn as small markers.

A page writes, right after a sentence that states behaviour, one of:

    <!-- run: how-to/abort/abort.py | ConnectionResetError ECONNRESET -->
    <!-- cite: RFC 9293, 3.10.4 | https://www.rfc-editor.org/rfc/rfc9293 -->

`run:` names a program of the site and text that one of its `#>` output lines
holds: the sentence is observed here. tests/test_evidence.py fails when the
program no longer prints it. `cite:` names a primary source (document and
section, or file, function and version) and its address: the sentence is
taken from that source and was not run here.

This hook turns each into a marker after the sentence: "run" links to the
output line in the program's code block on the page (or to the published
program when the page does not show it), and shows the expected output on
hover or focus; "source" links to the cited document. Both work without
JavaScript, by keyboard, and read out as a full sentence to a screen reader.
The legend is on the home page, #how-to-read-the-markers.
"""

from __future__ import annotations

import html
import posixpath
import re

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import Files
from mkdocs.structure.pages import Page

from conventions import CODE_BLOCK_HTML, INCLUDE

# <!-- run: program.py | expected output --> and <!-- cite: label | address -->
CLAIM = re.compile(r"<!--\s*(run|cite):\s*([^|>]+?)\s*\|\s*(.+?)\s*-->")
LINE_SPAN = re.compile(r'<span id="(__span-\d+-\d+)">')
RUN_HREF = re.compile(r'href="#evidence:([^"]+?)::([^"]*)"')


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
    program = posixpath.basename(subject)
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
    return resolve_links(html_text, page.url, shown)
