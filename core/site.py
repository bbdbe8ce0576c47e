"""The steps of a build that concern the whole site, not one page: every
builder runs them, MkDocs through its hooks (hooks/publish.py), Zensical
after its build (scripts/after_build.py, `make zensical`)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from core.markers import published
from core.paths import SNIPPETS


def published_programs(snippets: Path = SNIPPETS) -> Iterator[tuple[str, str]]:
    """(address in the site, text) of every program, as readers copy it from
    its page: without the markers only the build reads."""
    for path in sorted(snippets.rglob("*.py")):
        yield (
            f"snippets/{path.relative_to(snippets).as_posix()}",
            published(path.read_text()),
        )


def publish_programs(site: Path, snippets: Path = SNIPPETS) -> int:
    """Write every program into a built site; how many were written."""
    count = 0
    for uri, text in published_programs(snippets):
        target = site / uri
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text)
        count += 1
    return count
