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

import re

CODE_BLOCK = re.compile(
    r'<div class="language-[\w-]+ highlight">.*?</code></pre></div>', re.S
)
MARKER = re.compile(r'[ \t]*<span class="c1">#\s*\(\d+\)!</span>')


def strip_unexplained_markers(html: str) -> str:
    out, last = [], 0
    for block in CODE_BLOCK.finditer(html):
        out.append(html[last : block.start()])
        code = block.group(0)
        if not html[block.end() :].lstrip().startswith("<ol>"):
            code = MARKER.sub("", code)
        out.append(code)
        last = block.end()
    out.append(html[last:])
    return "".join(out)


def on_page_content(html, page, config, files):
    return strip_unexplained_markers(html)
