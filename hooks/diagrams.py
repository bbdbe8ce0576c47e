"""Mermaid diagrams, drawn once into SVG files that the site serves as images.

Pages write diagrams as ```mermaid fenced blocks. Drawing them in the reader's
browser would cost every such page about 1 MB of JavaScript, so instead:

- `python scripts/diagrams.py` (`make diagrams`) draws each block with the
  vendored Mermaid build (scripts/vendor/) in headless Chromium, once in the
  light and once in the dark theme, into docs/assets/diagrams/<hash>-light.svg
  and -dark.svg, named by a hash of the block's source, and deletes drawings
  no page uses any more;
- this Python-Markdown extension (hooks.diagrams in mkdocs.yml, run by
  MkDocs and Zensical alike), at build time, replaces each block by its two
  images (CSS shows the one that matches the palette). A block with no
  drawing fails the build and says which command draws it;
  tests/pages/test_diagrams.py fails on stale ones.

The image's text alternative comes from the diagram's own `accTitle:` and
`accDescr:` lines, which Mermaid also puts into the SVG.

An SVG shown as an image is drawn with the reader's fonts, not those of the
machine that drew it, so a label measured here in one font would be clipped
or overflow its box in a wider one. Each label is therefore plain SVG text
(Mermaid's htmlLabels off: no HTML box that clips), and each of its lines
carries the width measured here as its textLength (SVG 1.1, 10.5), which
the browser keeps by squeezing or stretching the glyphs
(lengthAdjust="spacingAndGlyphs"): whatever font the reader has, a label
spans exactly the width its box was made for. We chose this over embedding
a font (a subset of DejaVu Sans, freely licensed, would add about 10 KB to
each drawing and needs fontTools to cut, a new dependency) and over text
converted to paths (no glyph outlines are available in the browser, and
paths are neither searchable nor selectable); it costs a few bytes a label.
tests/browser/test_browser_layout.py checks every label inside its box, in the fonts
of the test machine and in a deliberately wide one.
"""

from __future__ import annotations

import posixpath
import re

from markdown import Extension, Markdown
from markdown.preprocessors import Preprocessor

from core.builders import BuildError, required_page_path
from core.diagrams import THEMES, alt_text, diagram_id, drawing
from core.markers import MERMAID_FENCE
from core.paths import DOCS


def images(markdown: str, page: str) -> str:
    """Each mermaid block of the page at page (its source path) as its two
    drawings; BuildError for a block without a text alternative or drawing."""

    def replace(match: re.Match) -> str:
        source = match.group(1)
        where = f"docs/{page}"
        if not alt_text(source):
            raise BuildError(
                f"{where}: a mermaid diagram needs accTitle: and accDescr: lines"
            )
        missing = [v for v in THEMES if not drawing(source, v).is_file()]
        if missing:
            raise BuildError(
                f"{where}: mermaid diagram {diagram_id(source)} has no drawing; "
                "run `make diagrams` (needs Chromium)"
            )
        images = []
        for variant in THEMES:
            target = drawing(source, variant).relative_to(DOCS).as_posix()
            src = posixpath.relpath(target, posixpath.dirname(page) or ".")
            attributes = f"{{ .diagram .diagram-{variant} loading=lazy }}"
            images.append(f"![{alt_text(source)}]({src}){attributes}")
        return "\n".join(images)

    return MERMAID_FENCE.sub(replace, markdown)


class Diagrams(Preprocessor):
    def run(self, lines: list[str]) -> list[str]:
        text = "\n".join(lines)
        if "```mermaid" not in text:
            return lines
        return images(text, required_page_path(self.md)).split("\n")


class DiagramsExtension(Extension):
    def extendMarkdown(self, md: Markdown) -> None:  # noqa: N802 (Markdown's API)
        # Before pymdownx.superfences (fenced_code_block, 25) takes the block.
        md.preprocessors.register(Diagrams(md), "diagrams", 40)


def makeExtension(**kwargs) -> DiagramsExtension:  # noqa: N802 (Markdown's API)
    return DiagramsExtension(**kwargs)
