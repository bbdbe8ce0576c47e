"""What the suite knows about pages: their includes and inline code blocks."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from snippet_files import DOCS, SNIPPETS

# The one-line include form used on every page: --8<-- "how-to/x.py[:section]"
INCLUDE = re.compile(r'^[ \t]*-{1,}8<-{1,}[ \t]+"([^"\n]+)"[ \t]*$', re.MULTILINE)
SECTION_START = re.compile(r"#\s*-{1,}8<-{1,}\s*\[start:([\w-]+)\]")


@dataclass(frozen=True)
class Include:
    page: Path
    line: int
    target: str  # as written: "how-to/x.py" or "how-to/x.py:section"

    @property
    def file(self) -> Path:
        name, _, section = self.target.partition(":")
        # a ":" followed by digits selects lines, anything else a section
        return SNIPPETS / name

    @property
    def section(self) -> str | None:
        _, _, section = self.target.partition(":")
        return section if section and not section[0].isdigit() else None

    def __str__(self) -> str:
        return (
            f'{self.page.relative_to(DOCS.parent)}:{self.line}: --8<-- "{self.target}"'
        )


def all_pages() -> list[Path]:
    return sorted(DOCS.rglob("*.md"))


def includes(page: Path) -> list[Include]:
    text = page.read_text()
    return [
        Include(page, text.count("\n", 0, m.start()) + 1, m.group(1))
        for m in INCLUDE.finditer(text)
    ]


def all_includes() -> list[Include]:
    return [inc for page in all_pages() for inc in includes(page)]


def included_code(inc: Include) -> list[str]:
    """The non-blank, non-marker lines that the include puts on the page."""
    lines = inc.file.read_text().splitlines()
    if inc.section:
        start = next(
            i
            for i, line in enumerate(lines)
            if f"[start:{inc.section}]" in line and "8<" in line
        )
        end = next(
            i
            for i, line in enumerate(lines)
            if f"[end:{inc.section}]" in line and "8<" in line
        )
        lines = lines[start + 1 : end]
    return [line.strip() for line in lines if line.strip() and "--8<--" not in line]
