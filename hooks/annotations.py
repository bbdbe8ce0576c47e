"""Drop code-annotation markers that no list explains (a Python-Markdown
extension, hooks.annotations in mkdocs.yml, run by MkDocs and Zensical alike).

A snippet marks a line for Material's code annotations with a `# (1)!`
comment, and the page explains it in a numbered list right after the code
block. The same snippet is often shown twice: a section with its list, and
the whole program without one. Material leaves an unexplained marker in
place, and its copy button then copies a bare `(1)` after the code, which
breaks the program a reader pastes. This removes the markers from every
code block that no ordered list follows, so that block shows, and copies,
plain code.
"""

from __future__ import annotations

from markdown import Extension, Markdown
from markdown.postprocessors import Postprocessor

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


class UnexplainedMarkers(Postprocessor):
    def run(self, text: str) -> str:
        return strip_unexplained_markers(text)


class AnnotationsExtension(Extension):
    def extendMarkdown(self, md: Markdown) -> None:  # noqa: N802 (Markdown's API)
        # After the raw HTML (the highlighted code blocks) is back in place (30).
        md.postprocessors.register(UnexplainedMarkers(md), "unexplained_annotations", 6)


def makeExtension(**kwargs) -> AnnotationsExtension:  # noqa: N802 (Markdown's API)
    return AnnotationsExtension(**kwargs)
