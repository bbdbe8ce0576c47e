"""The shapes of the HTML that Material for MkDocs and pymdownx.highlight
write, which the hooks read or rewrite. Every regular expression over the
theme's HTML is here, so that a change of theme version has one place to
look."""

from __future__ import annotations

import re

# A highlighted code block in the built page (pymdownx.highlight + Material).
CODE_BLOCK_HTML = re.compile(
    r'<div class="language-[\w-]+ highlight">.*?</code></pre></div>', re.S
)
# The opening of a block's <pre>: Pygments' empty <span></span>, then <code>
# (with the spans of line_spans, one per line, after it, if any).
CODE_BLOCK_OPENING = re.compile(
    r"<pre(?P<pre>[^>]*)>(?P<lead>(?:<span></span>)?)<code(?P<code>[^>]*)>"
    r'(?=(?P<spans><span id="__span-)?)'
)
# A code-annotation marker "# (1)!" as Pygments renders it.
ANNOTATION_MARKER_HTML = re.compile(r'[ \t]*<span class="c1">#\s*\((\d+)\)!</span>')
# The id of one line of a code block (pymdownx.highlight's line_spans).
LINE_SPAN = re.compile(r'<span id="(__span-\d+-\d+)">')
# A code block's language, title and code.
CODE_LANGUAGE = re.compile(r'class="language-([\w-]+) highlight"')
CODE_TITLE = re.compile(r'<span class="filename">(.*?)</span>', re.S)
CODE_TEXT = re.compile(r"<code[^>]*>(.*)</code>", re.S)
# A collapsed "??? example" block (pymdownx.details): on this site, each holds a
# whole program (or module) whose parts the page shows and explains elsewhere.
EXAMPLE_BLOCK = re.compile(r'<details class="example">')
# A script file the page loads with neither async nor defer.
BLOCKING_SCRIPT = re.compile(r'<script src="([^"]+\.js)"></script>')
