"""Claims in the pages' prose: the evidence and citation markers (hooks/evidence.py),
and the sentences that state behaviour."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from conventions import OUTPUT_LINE, SNIPPETS
from evidence import CLAIM
from pages import page_id
from wire_format import read, wire_path

# A sentence states behaviour if it names an exception, an errno, a TCP state,
# a FIN or RST, a socket option, or says what a call returns, raises, sends,
# sets, writes, wakes, fails, resets or delivers, or what the peer sees.
BEHAVIOUR = re.compile(
    r"\b\w+Error\b|\bE[A-Z]{4,}\b|\b(?:ESTABLISHED|CLOSE_WAIT|TIME_WAIT|FIN_WAIT\w*"
    r"|LAST_ACK|CLOSING|SYN_\w+)\b|\b(?:FIN|RST)\b|b''"
    r"|\b(?:returns?|raises?|sends?|resets?|delivers?|inherit\w*|ignores?)\b"
    r"|\b(?:sets?|writes?|written|wakes?|fails?|sees)\b|\b(?:SO|TCP)_[A-Z_]+\b"
)


@dataclass(frozen=True)
class Sentence:
    page: Path
    line: int
    text: str

    def __str__(self) -> str:
        return f"docs/{page_id(self.page)}:{self.line}: {self.text.strip()[:160]}"

    @property
    def claims(self) -> list[re.Match]:
        return list(CLAIM.finditer(self.text))

    def states_behaviour(self) -> bool:
        return bool(BEHAVIOUR.search(CLAIM.sub("", self.text)))


def prose(page: Path) -> list[tuple[int, str]]:
    """(line number, text) of each paragraph or table cell of prose: no code,
    headings, front matter, admonition titles or HTML blocks."""
    lines = page.read_text().splitlines()
    out, para, start, fence, front = [], [], 0, False, lines[:1] == ["---"]
    for number, line in enumerate(lines, 1):
        stripped = line.strip()
        if front:
            front = not (number > 1 and stripped == "---")
            continue
        if stripped.startswith("```"):
            fence = not fence
            continue
        if fence:
            continue
        if stripped.startswith("|"):
            # a claim marker's own "|" does not end a cell (hooks/evidence.py
            # turns markers into HTML before the table is parsed)
            row = re.sub(r"<!--.*?-->", lambda m: m[0].replace("|", "\0"), stripped)
            cells = [
                c.replace("\0", "|") for c in row.strip("|").split("|") if c.strip()
            ]
            if not re.fullmatch(r"[\s|:-]+", stripped):
                out += [(number, cell) for cell in cells]
            continue
        if (
            not stripped
            or stripped.startswith(("#", "!!!", "???", "===", "<", "---", "*[", "[^"))
            and not stripped.startswith("<!--")
        ):
            if para:
                out.append((start, " ".join(para)))
            para = []
            continue
        item = re.match(r"(?:[-*]|\d+\.)\s+", stripped)
        if item and para:  # each list item is a unit of its own
            out.append((start, " ".join(para)))
            para = []
        if not para:
            start = number
        para.append(stripped[item.end() :] if item else stripped)
    if para:
        out.append((start, " ".join(para)))
    return out


SENTENCE_END = re.compile(r"(?<=[.!?])((?:\s*<!--.*?-->)*)\s+(?=[A-Z`*_\[(\"'])")


def sentences(page: Path) -> list[Sentence]:
    found = []
    for line, text in prose(page):
        parts = SENTENCE_END.split(text)
        # split() keeps the markers after each sentence end as separate items
        merged = [parts[0]]
        for index in range(1, len(parts), 2):
            merged[-1] += parts[index]
            merged.append(parts[index + 1])
        found += [Sentence(page, line, s) for s in merged if s.strip()]
    return found


def run_claim_problem(program: str, expected: str) -> str | None:
    path = SNIPPETS / program
    if not path.is_file():
        return f"no program snippets/{program}"
    outputs = OUTPUT_LINE.findall(path.read_text())
    if not any(expected in line for line in outputs):
        return f"{program} no longer prints {expected!r}"
    return None


def wire_claim_problem(program: str, expected: str) -> str | None:
    path = wire_path(SNIPPETS / program)
    if not path.is_file():
        return f"no stored capture snippets/{path.relative_to(SNIPPETS)}"
    _, events = read(path)
    if not any(expected in event.line() for event in events):
        return f"{path.relative_to(SNIPPETS)} no longer holds {expected!r}"
    return None
