"""MkDocs hook: drop code-annotation markers that no list explains.

A snippet marks a line for Material's code annotations with a `# (1)!`
comment, and the page explains it in a numbered list right after the code
block. The same snippet is often shown twice: a section with its list, and
the whole program without one. Material leaves an unexplained marker in
place, and its copy button then copies a bare `(1)` after the code, which
breaks the program a reader pastes. This hook removes the markers from every
code block that no ordered list follows, so that block shows, and copies,
plain code.
"""

from __future__ import annotations

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import Files
from mkdocs.structure.pages import Page

from core.theme import ANNOTATION_MARKER_HTML, CODE_BLOCK_HTML


def strip_unexplained_markers(html: str) -> str:
    out, last = [], 0
    for block in CODE_BLOCK_HTML.finditer(html):
        out.append(html[last : block.start()])
        code = block.group(0)
        if not html[block.end() :].lstrip().startswith("<ol>"):
            code = ANNOTATION_MARKER_HTML.sub("", code)
        out.append(code)
        last = block.end()
    out.append(html[last:])
    return "".join(out)


def on_page_content(
    html: str, *, page: Page, config: MkDocsConfig, files: Files
) -> str:
    return strip_unexplained_markers(html)
