"""The Mermaid diagrams of the pages and their drawings.

Pages write diagrams as ```mermaid blocks (core.markers.MERMAID_FENCE);
`make diagrams` (scripts/diagrams.py) draws each into
docs/assets/diagrams/<hash>-light.svg and -dark.svg, named by a hash of the
block's source and of how it is drawn; the diagrams hook shows them.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

from core.markers import MERMAID_FENCE
from core.paths import DOCS

DIAGRAMS = DOCS / "assets" / "diagrams"
# The vendored Mermaid build that draws them (scripts/vendor/).
MERMAID = "mermaid-11.17.2.min.js"
THEMES = {"light": "default", "dark": "dark"}
# Part of each drawing's name: a change in how diagrams are drawn makes every
# drawing stale, so that `make diagrams` draws them again.
DRAWN_WITH = f"{MERMAID}, text labels pinned by textLength"


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
        for m in MERMAID_FENCE.finditer(page.read_text())
    ]
