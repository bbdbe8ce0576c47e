"""Draw the pages' Mermaid blocks into SVG (`make diagrams`; needs Chromium).

    python scripts/diagrams.py [CHROMIUM]

Draws each block that has no drawing yet with the vendored Mermaid build
(scripts/vendor/) in headless Chromium, once in the light and once in the dark
theme, and deletes drawings no page uses any more (core.diagrams names them;
hooks/diagrams.py says why diagrams are drawn here and how labels keep their
width in any font).
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

from core.chromium import CHROMIUM_ARGS
from core.diagrams import DIAGRAMS, MERMAID, THEMES, all_diagrams, diagram_id, drawing
from core.paths import ROOT

MERMAID_JS = Path(__file__).resolve().parent / "vendor" / MERMAID
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
    chromium = shutil.which(sys.argv[1] if len(sys.argv) > 1 else "chromium")
    if not chromium:
        sys.exit(
            "diagrams.py needs Chromium: apt-get install chromium, or pass its path"
        )
    render(chromium)
