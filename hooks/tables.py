"""Label each table cell with its column's header (a Python-Markdown extension,
hooks.tables in mkdocs.yml, run by MkDocs and Zensical alike).

On a phone a table of several columns does not fit: Material lets it scroll
sideways, and a reader then sees the question without its answer. Instead,
docs/assets/stylesheets/extra.css lays each row out as a card below 45em
(Material's phone breakpoint), one cell under the other, each cell headed by
its column's name, which it reads from the cell's data-label attribute. This
writes that attribute, into every cell of every plain table (Markdown's
tables: a table with a class is Material's or Pygments', and is left alone).

label_cells() is a pure function over a page's HTML, read with the standard
library's HTML parser: it adds attributes, and changes nothing else.
tests/browser/test_browser_tables.py checks the result at 390 and 1280 px.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser

from markdown import Extension, Markdown
from markdown.postprocessors import Postprocessor

# Text inside these is not part of a header's name (evidence markers).
SKIPPED = {"sup", "button", "script", "style"}


@dataclass
class _Table:
    plain: bool
    headers: list[str] = field(default_factory=list)
    column: int = 0
    cells: list[tuple[int, int]] = field(default_factory=list)  # (offset, column)


class _Cells(HTMLParser):
    """Finds, in each plain table, its header names and where each data cell's
    start tag ends."""

    def __init__(self, text: str):
        super().__init__(convert_charrefs=True)
        self.lines = [0] + [m.end() for m in re.finditer("\n", text)]
        self.tables: list[_Table] = []
        self.inserts: list[tuple[int, str]] = []
        self.header: list[str] | None = None
        self.cell_column = 0
        self.skipping: tuple[str, int] | None = None  # (tag, depth)

    def position(self) -> int:
        line, column = self.getpos()
        return self.lines[line - 1] + column

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]):
        if self.skipping:
            skipped, depth = self.skipping
            self.skipping = (skipped, depth + (tag == skipped))
            return
        if tag in SKIPPED:
            self.skipping = (tag, 1)
            return
        names = dict(attrs)
        if tag == "table":
            self.tables.append(_Table(plain="class" not in names))
        if not self.tables or not self.tables[-1].plain:
            return
        table = self.tables[-1]
        if tag == "tr":
            table.column = 0
        elif tag in ("th", "td"):
            span = int(names.get("colspan") or 1)
            if tag == "th":
                self.header = []
                table.headers.extend([""] * (table.column + span - len(table.headers)))
            elif "data-label" not in names:
                raw = self.get_starttag_text() or ""
                end = self.position() + len(raw) - (2 if raw.endswith("/>") else 1)
                table.cells.append((end, table.column))
            self.cell_column = table.column
            table.column += span

    def handle_endtag(self, tag: str):
        if self.skipping:
            skipped, depth = self.skipping
            if tag == skipped:
                self.skipping = (skipped, depth - 1) if depth > 1 else None
            return
        if tag == "th" and self.header is not None and self.tables:
            name = " ".join("".join(self.header).split())
            self.tables[-1].headers[self.cell_column] = name
            self.header = None
        elif tag == "table" and self.tables:
            table = self.tables.pop()
            for end, column in table.cells:
                name = table.headers[column] if column < len(table.headers) else ""
                if name:
                    self.inserts.append((end, f' data-label="{html.escape(name)}"'))

    def handle_data(self, data: str):
        if self.header is not None and not self.skipping:
            self.header.append(data)


def label_cells(page_html: str) -> str:
    """The page with data-label="<column header>" on each cell of its plain tables."""
    if "<table" not in page_html:
        return page_html
    parser = _Cells(page_html)
    parser.feed(page_html)
    parser.close()
    out, last = [], 0
    for end, attribute in sorted(parser.inserts):
        out += [page_html[last:end], attribute]
        last = end
    out.append(page_html[last:])
    return "".join(out)


class CellLabels(Postprocessor):
    def run(self, text: str) -> str:
        return label_cells(text)


class TablesExtension(Extension):
    def extendMarkdown(self, md: Markdown) -> None:  # noqa: N802 (Markdown's API)
        # Last: after the evidence controls are in their cells (5).
        md.postprocessors.register(CellLabels(md), "table_labels", 1)


def makeExtension(**kwargs) -> TablesExtension:  # noqa: N802 (Markdown's API)
    return TablesExtension(**kwargs)
