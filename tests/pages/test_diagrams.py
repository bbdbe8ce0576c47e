"""The drawings of the Mermaid diagrams in docs/ are exactly those the pages use."""

from __future__ import annotations

from core.diagrams import DIAGRAMS, THEMES, all_diagrams, drawing
from core.paths import ROOT


def test_every_diagram_drawing_is_used():
    """make diagrams deletes stale drawings; a commit must not carry any."""
    wanted = {drawing(source, v) for _, source in all_diagrams() for v in THEMES}
    missing = sorted(str(p.relative_to(ROOT)) for p in wanted if not p.is_file())
    unused = sorted(
        str(p.relative_to(ROOT)) for p in set(DIAGRAMS.glob("*.svg")) - wanted
    )
    assert not missing and not unused, (
        f"run `make diagrams`: missing drawings {missing}, unused drawings {unused}"
    )
