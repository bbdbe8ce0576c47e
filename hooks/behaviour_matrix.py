"""A program's checked output as a Markdown table (a Python-Markdown extension,
hooks.behaviour_matrix in mkdocs.yml, run by MkDocs and Zensical alike).

A page line `<!-- matrix: reference/behaviour_matrix.py -->` is replaced by a
table made from the `#>` lines of that snippet: the first line is the
header, each further line a row, cells separated by "|". Those lines are
what tests/programs/test_programs.py compares with the program's real output, so a
changed observation fails the suite before it can reach the page.

Above the table goes the platform stamp from the verification record
(build/verified.json, written by the program runner, tests/plugins/record.py), but
only if the record says that this exact file (same SHA-256) passed;
otherwise a warning says the table was not verified in this build.
"""

from __future__ import annotations

import html
import re
from pathlib import Path

from markdown import Extension, Markdown
from markdown.preprocessors import Preprocessor

from core.markers import MATRIX, OUTPUT_LINE
from core.paths import SNIPPETS, record_path
from core.record import load, reason_text, stamp_of, unverified_reason

CODE = re.compile(r"(\w+\([^)]*\)|b'[^']*'|\b[A-Z][A-Z0-9_]{2,}\b(?: \d+)?)")


def rows(snippet: Path) -> list[list[str]]:
    """The header and the rows a snippet's #> lines hold."""
    return [line.split("|") for line in OUTPUT_LINE.findall(snippet.read_text())]


def cell(text: str) -> str:
    """One cell, with calls, bytes and constant names set as code."""
    return CODE.sub(r"`\1`", text.strip())


def table(snippet: Path) -> str:
    header, *body = rows(snippet)
    lines = [
        "| " + " | ".join(header) + " |",
        "|" + "---|" * len(header),
        *("| " + " | ".join(cell(c) for c in row) + " |" for row in body),
    ]
    return "\n".join(lines)


def stamp(name: str, snippet: Path, record: dict) -> str:
    """Where the table was observed, or a warning that it was not, in this build.

    Raw HTML, kept out of the search index (Material's data-search-exclude;
    no element inside shares the outer one's tag): its words change with
    the record, and with them the ranking of every page."""
    code = f"<code>{html.escape(name)}</code>"
    why = unverified_reason(name, snippet, record)
    if why is None:
        return (
            f"<p data-search-exclude>Observed on "
            f"{html.escape(stamp_of(record['programs'][name]))}, by {code}: the "
            "test suite ran it and compared every line of its output with the rows "
            "below.</p>"
        )
    return (
        '<div class="admonition warning" data-search-exclude>'
        '<p class="admonition-title">Not verified in this build</p>'
        f"<p>{code} ({html.escape(reason_text(why))}): these rows are its recorded "
        "output, not checked by a test run on this machine. Run <code>make test</code> "
        "before building.</p></div>"
    )


def render(name: str, snippets: Path, record: dict) -> str:
    snippet = snippets / name
    return stamp(name, snippet, record) + "\n\n" + table(snippet) + "\n"


class MatrixTables(Preprocessor):
    def run(self, lines: list[str]) -> list[str]:
        text = "\n".join(lines)
        if "matrix:" not in text:
            return lines
        return MATRIX.sub(
            lambda m: render(m.group(1), SNIPPETS, load(record_path())), text
        ).split("\n")


class MatrixExtension(Extension):
    def extendMarkdown(self, md: Markdown) -> None:  # noqa: N802 (Markdown's API)
        # Before pymdownx.snippets (32): the table is Markdown of the page's own.
        md.preprocessors.register(MatrixTables(md), "behaviour_matrix", 40)


def makeExtension(**kwargs) -> MatrixExtension:  # noqa: N802 (Markdown's API)
    return MatrixExtension(**kwargs)
