"""Every grammar the pages and the programs are written in.

In a page's Markdown: the include of a program, the evidence markers, and
the placeholders the hooks fill (matrix, ladder, contracts), and the
glossary's entries. In a program: section markers, code-annotation markers,
and the #> lines of its expected output (with their version tags). Also
what a program looks like once published (without what only the build reads).
"""

from __future__ import annotations

import re
from pathlib import Path

# --- in a page ---

# The one-line include form used on every page: --8<-- "how-to/x/y.py[:section]"
INCLUDE = re.compile(r'^[ \t]*-{1,}8<-{1,}[ \t]+"([^"\n]+)"[ \t]*$', re.MULTILINE)
# An evidence marker after a claim:
#   <!-- run: program.py | a line the program prints -->
#   <!-- wire: program.py | an event of its stored wire sequence -->
#   <!-- contract: helper section | test name -->
#   <!-- cite: label | address -->
CLAIM = re.compile(r"<!--\s*(run|cite|wire|contract):\s*([^|>]+?)\s*\|\s*(.+?)\s*-->")
# Where the behaviour matrix of a program's record goes.
MATRIX = re.compile(r"^<!-- matrix: ([\w./-]+\.py) -->[ \t]*$", re.M)
# Where a program's ladder diagram goes (its indentation is kept).
LADDER = re.compile(r"^([ \t]*)<!--\s*ladder:\s*(\S+?)\s*-->[ \t]*$", re.M)
# Where a helper's list of contract tests goes.
CONTRACTS = re.compile(r"<!--\s*contracts:\s*(\w+)\s*-->")
# A diagram, drawn at build time from its Mermaid source (core.diagrams).
MERMAID_FENCE = re.compile(r"^```mermaid[ \t]*\n(.*?)\n```[ \t]*$", re.M | re.S)
# A glossary entry: ## Title {#id data-terms="form|form"} (other attributes may
# follow the id).
GLOSSARY_ENTRY = re.compile(
    r"^##[ \t]+(?P<title>.+?)[ \t]*\{[ \t]*#(?P<id>[\w-]+)[^}\n]*?"
    r'\bdata-terms="(?P<terms>[^"\n]+)"[^}\n]*\}[ \t]*$',
    re.M,
)

# --- in a program ---

# A section marker inside a program: # --8<-- [start:name] / [end:name]
SECTION_MARKER = re.compile(r"-{1,}8<-{1,}\s*\[(start|end):([\w-]+)\]")
# A Material code annotation marker at the end of a line: # (1)!
ANNOTATION_MARKER = re.compile(r"\s*#\s*\(\d+\)!\s*$")
# A program's expected output: the #> lines after a print().
OUTPUT_LINE = re.compile(r"^[ \t]*#> ?(.*)$", re.M)
# An output line that holds on some Python versions only:
#   #> [3.13+] what 3.13 and later print
#   #> [3.10-3.12] what 3.10 to 3.12 print
#   #> [3.10] what 3.10 alone prints
# A print() whose output differs by version has one tagged line (or group of
# lines) per version range, right after it; the tag stays on the page, so
# readers see which version prints what.
VERSIONED_OUTPUT = re.compile(
    r"^(?P<indent>[ \t]*)#> \[3\.(?P<low>\d+)(?:(?P<plus>\+)|-3\.(?P<high>\d+))?\] ?"
    r"(?P<text>.*)$"
)


def holds_on(line: str, minor: int) -> bool | None:
    """Whether a #> line holds on Python 3.<minor>: None if it has no version tag."""
    tag = VERSIONED_OUTPUT.match(line)
    if not tag:
        return None
    low = int(tag["low"])
    high = 99 if tag["plus"] else int(tag["high"] or low)
    return low <= minor <= high


def for_python(source: str, minor: int) -> str:
    """The program's text as pytest-examples must see it on Python 3.<minor>.

    In each run of consecutive #> lines, the version-tagged lines that hold
    on this version become plain #> lines and move to the top of the run; the
    others become ordinary comments (`# [3.13+] ...`) below them. No line is
    added or removed, so the print() calls keep their line numbers."""
    lines = source.split("\n")
    out: list[str] = []
    run: list[str] = []

    def flush() -> None:
        active = [line for line in run if holds_on(line, minor) is not False]
        inactive = [line for line in run if holds_on(line, minor) is False]
        for line in active:
            tag = VERSIONED_OUTPUT.match(line)
            out.append(f"{tag['indent']}#> {tag['text']}" if tag else line)
        for line in inactive:
            out.append(line.replace("#> [", "# [", 1))
        run.clear()

    for line in lines:
        if OUTPUT_LINE.match(line):
            run.append(line)
            continue
        flush()
        out.append(line)
    flush()
    return "\n".join(out)


def output_lines_for_python(source: str, minor: int) -> list[str]:
    """The #> lines a program shows for Python 3.<minor>, tags removed."""
    return OUTPUT_LINE.findall(for_python(source, minor))


def included_names(markdown: str) -> list[str]:
    """The program files a page includes, each once, in order (no section)."""
    names = [m.group(1).partition(":")[0] for m in INCLUDE.finditer(markdown)]
    return list(dict.fromkeys(names))


def missing_includes(markdown: str, snippets: Path) -> list[str]:
    """Includes whose program, or section of it, does not exist: named with
    the page by the hooks, because pymdownx.snippets' own error names no page."""
    missing = []
    for match in INCLUDE.finditer(markdown):
        name, _, section = match.group(1).partition(":")
        path = snippets / name
        if not path.is_file():
            missing.append(name)
        elif section and not section[0].isdigit():
            starts = [m.group(2) for m in SECTION_MARKER.finditer(path.read_text())]
            if section not in starts:
                missing.append(f"{name}:{section}")
    return list(dict.fromkeys(missing))


def published(source: str) -> str:
    """A program as the site publishes it: without the lines and comments that
    only the build reads (section markers, code-annotation markers), so that
    the file a reader opens is the program the page's copy button copies."""
    lines = [
        ANNOTATION_MARKER.sub("", line)
        for line in source.split("\n")
        if not SECTION_MARKER.search(line)
    ]
    return "\n".join(lines)
