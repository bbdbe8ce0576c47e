"""What the suite knows about pages: their includes and inline code blocks."""

from __future__ import annotations

import re
import textwrap
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


def shown_text(inc: Include) -> str:
    """The code exactly as the page shows it (and its copy button copies it).

    pymdownx.snippets drops the section marker lines and, with
    dedent_subsections, removes a section's common indentation.
    """
    lines = inc.file.read_text().splitlines()
    if inc.section:
        start = marker_line(lines, "start", inc.section)
        end = marker_line(lines, "end", inc.section)
        lines = textwrap.dedent("\n".join(lines[start + 1 : end])).splitlines()
    kept = [line for line in lines if not MARKER.search(line)]
    return "\n".join(kept).strip("\n") + "\n"


MARKER = re.compile(r"-{1,}8<-{1,}\s*\[(?:start|end):[\w-]+\]")


def marker_line(lines: list[str], kind: str, section: str) -> int:
    pattern = re.compile(rf"-{{1,}}8<-{{1,}}\s*\[{kind}:{re.escape(section)}\]")
    return next(i for i, line in enumerate(lines) if pattern.search(line))


ANNOTATION_MARKER = re.compile(r"\s*#\s*\(\d+\)!\s*$")


def copyable_text(text: str) -> str:
    """Code as a reader's clipboard should hold it: no annotation markers,
    no trailing spaces (Material's copy button leaves some where it removed
    a marker)."""
    lines = [ANNOTATION_MARKER.sub("", line).rstrip() for line in text.splitlines()]
    return "\n".join(lines).strip("\n") + "\n"
