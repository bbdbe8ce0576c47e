"""What the suite knows about pages: their includes and what each one shows."""

from __future__ import annotations

import textwrap
from dataclasses import dataclass
from pathlib import Path

from core.markers import ANNOTATION_MARKER, INCLUDE, SECTION_MARKER
from core.paths import DOCS, SNIPPETS


@dataclass(frozen=True)
class Include:
    page: Path
    line: int
    target: str  # as written: "how-to/half-close/half_close.py[:section]"

    @property
    def file(self) -> Path:
        return SNIPPETS / self.target.partition(":")[0]

    @property
    def section(self) -> str | None:
        _, _, section = self.target.partition(":")
        # a ":" followed by digits selects lines, anything else a section
        return section if section and not section[0].isdigit() else None

    def __str__(self) -> str:
        return (
            f'{self.page.relative_to(DOCS.parent)}:{self.line}: --8<-- "{self.target}"'
        )


def all_pages() -> list[Path]:
    return sorted(DOCS.rglob("*.md"))


def page_id(page: Path) -> str:
    return page.relative_to(DOCS).as_posix()


def includes(page: Path) -> list[Include]:
    text = page.read_text()
    return [
        Include(page, text.count("\n", 0, m.start()) + 1, m.group(1))
        for m in INCLUDE.finditer(text)
    ]


def all_includes() -> list[Include]:
    return [inc for page in all_pages() for inc in includes(page)]


def shown_text(inc: Include) -> str:
    """The code exactly as the page shows it (and its copy button copies it).

    pymdownx.snippets drops the section marker lines and, with
    dedent_subsections, removes a section's common indentation."""
    lines = inc.file.read_text().splitlines()
    if inc.section:
        start = marker_line(lines, "start", inc.section)
        end = marker_line(lines, "end", inc.section)
        lines = textwrap.dedent("\n".join(lines[start + 1 : end])).splitlines()
    kept = [line for line in lines if not SECTION_MARKER.search(line)]
    return "\n".join(kept).strip("\n") + "\n"


def marker_line(lines: list[str], kind: str, section: str) -> int:
    return next(
        i
        for i, line in enumerate(lines)
        if (m := SECTION_MARKER.search(line)) and m.groups() == (kind, section)
    )


def copyable_text(text: str) -> str:
    """Code as a reader's clipboard should hold it: no annotation markers,
    no trailing spaces (Material's copy button leaves some where it removed
    a marker)."""
    lines = [ANNOTATION_MARKER.sub("", line).rstrip() for line in text.splitlines()]
    return "\n".join(lines).strip("\n") + "\n"


def first_include_not_shown(
    page: Path, blocks: list[str]
) -> tuple[Include, int] | None:
    """Include by include, in page order, each must be one of blocks (copyable
    text), after the previous one's: the first that is not, and the position
    searched from; None if every include is shown in order."""
    position = 0
    for inc in includes(page):
        wanted = copyable_text(shown_text(inc))
        found = next(
            (i for i in range(position, len(blocks)) if blocks[i] == wanted), None
        )
        if found is None:
            return inc, position
        position = found + 1
    return None
