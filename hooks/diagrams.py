"""Mermaid diagrams, drawn once into SVG files that the site serves as images.

Pages write diagrams as ```mermaid fenced blocks. Drawing them in the reader's
browser would cost every such page about 1 MB of JavaScript, so instead:

- `python hooks/diagrams.py` (`make diagrams`) draws each block with the
  vendored Mermaid build (hooks/vendor/) in headless Chromium, once in the
  light and once in the dark theme, into docs/assets/diagrams/<hash>-light.svg
  and -dark.svg, named by a hash of the block's source, and deletes drawings
  no page uses any more;
- this hook, at build time, replaces each block by its two images (CSS shows
  the one that matches the palette). A block with no drawing fails the build
  and says which command draws it; tests/test_pages.py fails on stale ones.

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
tests/test_browser_layout.py checks every label inside its box, in the fonts
of the test machine and in a deliberately wide one.
"""

from __future__ import annotations

import hashlib
import posixpath
import re
import sys
from pathlib import Path

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import Files
from mkdocs.structure.pages import Page

from conventions import CHROMIUM_ARGS, DOCS, ROOT

DIAGRAMS = DOCS / "assets" / "diagrams"
MERMAID_JS = Path(__file__).resolve().parent / "vendor" / "mermaid-11.17.2.min.js"
FENCE = re.compile(r"^```mermaid[ \t]*\n(.*?)\n```[ \t]*$", re.M | re.S)
THEMES = {"light": "default", "dark": "dark"}
# Part of each drawing's name: a change in how diagrams are drawn makes every
# drawing stale, so that `make diagrams` draws them again.
DRAWN_WITH = f"{MERMAID_JS.name}, text labels pinned by textLength"
# The font the labels are measured in (the first one present here): a
# freely licensed font that Debian installs with Chromium, and wide, so
# that another font is more often squeezed than stretched. A reader without
# it sees the same widths (module docstring).
FONT = '"DejaVu Sans", Verdana, Arial, sans-serif'
# In the drawing page: draw, then give each line of each label the width it
# has here as its textLength.
DRAW = """async ([code, theme, id, font]) => {
    mermaid.initialize({startOnLoad: false, theme, securityLevel: "strict",
                        htmlLabels: false, fontFamily: font});
    const holder = document.createElement("div");
    holder.innerHTML = (await mermaid.render(id, code)).svg;
    document.body.append(holder);
    for (const line of holder.querySelectorAll("text > tspan")) {
        const width = line.getComputedTextLength();
        if (width > 0) {
            line.setAttribute("textLength", width.toFixed(2));
            line.setAttribute("lengthAdjust", "spacingAndGlyphs");
        }
    }
    const svg = new XMLSerializer().serializeToString(holder.firstElementChild);
    holder.remove();
    return svg;
}"""


def diagram_id(source: str) -> str:
    drawn = f"{DRAWN_WITH}\n{source.strip()}"
    return hashlib.sha256(drawn.encode()).hexdigest()[:16]


def drawing(source: str, variant: str) -> Path:
    return DIAGRAMS / f"{diagram_id(source)}-{variant}.svg"


def alt_text(source: str) -> str:
    parts = re.findall(r"^\s*acc(?:Title|Descr)\s*:\s*(.+?)\s*$", source, re.M)
    return ". ".join(p.rstrip(".") for p in parts) + "." if parts else ""


def all_diagrams() -> list[tuple[Path, str]]:
    return [
        (page, m.group(1))
        for page in sorted(DOCS.rglob("*.md"))
        for m in FENCE.finditer(page.read_text())
    ]


def on_page_markdown(
    markdown: str, *, page: Page, config: MkDocsConfig, files: Files
) -> str:
    from mkdocs.exceptions import PluginError

    def replace(match: re.Match) -> str:
        source = match.group(1)
        where = f"docs/{page.file.src_uri}"
        if not alt_text(source):
            raise PluginError(
                f"{where}: a mermaid diagram needs accTitle: and accDescr: lines"
            )
        missing = [v for v in THEMES if not drawing(source, v).is_file()]
        if missing:
            raise PluginError(
                f"{where}: mermaid diagram {diagram_id(source)} has no drawing; "
                "run `make diagrams` (needs Chromium)"
            )
        images = []
        for variant in THEMES:
            target = drawing(source, variant).relative_to(DOCS).as_posix()
            src = posixpath.relpath(target, posixpath.dirname(page.file.src_uri) or ".")
            attributes = f"{{ .diagram .diagram-{variant} loading=lazy }}"
            images.append(f"![{alt_text(source)}]({src}){attributes}")
        return "\n".join(images)

    return FENCE.sub(replace, markdown)


def render(chromium: str) -> list[Path]:
    """Draw every diagram that has no drawing yet; delete unused drawings."""
    from playwright.sync_api import sync_playwright

    wanted, written = set(), []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=chromium,
            args=CHROMIUM_ARGS,
        )
        tab = browser.new_page()
        tab.set_content("<!doctype html><html><body></body></html>")
        tab.add_script_tag(path=str(MERMAID_JS))
        for page, source in all_diagrams():
            for variant, theme in THEMES.items():
                path = drawing(source, variant)
                wanted.add(path)
                if path.is_file():
                    continue
                svg = tab.evaluate(
                    DRAW, [source, theme, f"d{diagram_id(source)}{variant}", FONT]
                )
                DIAGRAMS.mkdir(parents=True, exist_ok=True)
                path.write_text(svg + "\n")
                written.append(path)
                print(f"drew {path.relative_to(ROOT)} for {page.relative_to(ROOT)}")
        browser.close()
    for stale in set(DIAGRAMS.glob("*.svg")) - wanted:
        stale.unlink()
        print(f"deleted unused {stale.relative_to(ROOT)}")
    return written


if __name__ == "__main__":
    import shutil

    chromium = shutil.which(sys.argv[1] if len(sys.argv) > 1 else "chromium")
    if not chromium:
        sys.exit(
            "diagrams.py needs Chromium: apt-get install chromium, or pass its path"
        )
    render(chromium)
