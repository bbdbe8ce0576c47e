"""Claims in the pages' prose: the evidence and citation markers (hooks/evidence.py),
and the sentences that state behaviour."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from conventions import OUTPUT_LINE, SNIPPETS, contract_tests
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


# A universal word: the sentence speaks of every case, not of one run.
UNIVERSAL = re.compile(
    r"\b(?:every(?! (?:byte|bytes|line|one of)\b)|everywhere|always|never(?! connected)"
    r"|any|whoever"
    r"|in every case|in all cases)\b"
    r"|\b(?:the|its) only\b|\bonly (?:way|when|if|once|now|after|until)\b"
    r"|\b(?:notices|sees|learns|knows) nothing\b|\bnothing (?:hangs|leaks)\b"
    r"|\b(?:send|sends|sent) nothing more\b|\bnothing more to send\b"
    r"|\beverything here\b|\bas long as\b",
    re.I,
)
# What a sentence about sockets mentions, when no behaviour word says so.
ABOUT_SOCKETS = re.compile(
    r"\b(?:clos\w*|hangs?|leaks?|open|exceptions?|connection|peer|kernel|programs?)\b",
    re.I,
)
# A scope that makes a universal word true: this program or run, a Python
# version, a helper's contract, or a source it is attributed to.
SCOPE = re.compile(
    r"(?<!everything )(?<!all )\bhere\b|\bthis run\b"
    r"|\bin (?:these|those) runs\b"
    r"|\b(?:this|these|each|both) programs?\b|\bin the programs?\b"
    r"|\b(?:since|before|from|on|until|in) (?:Python )?3\.\d+"
    r"|\b3\.\d+ (?:and|or) (?:later|earlier)\b|\b3\.\d+\+",
    re.I,
)
# Words that attribute a sentence to the source it cites.
ATTRIBUTED = re.compile(
    r"\b(?:per|says?|said|document\w*|according|not run here|source|specif\w*"
    r"|RFC|man page|manual|asks?|requires?|calls? it)\b",
    re.I,
)
# Advice, not a claim: an imperative sentence ("Never compare errno numbers"),
# or a page's statement of its task.
ADVICE = re.compile(
    r"^\W*(?:\*\*Task:\*\*|(?:Never|Always|Only) [a-z]+\b"
    r"|(?:Use|Compare|Bound|Remove|Keep|Close|Call|Set|Give|Stop|Do not|Don't|Read"
    r"|Send|End|Make|Pick|Catch|Copy|Collect|Pass|Check|Prefer|Avoid)\b)"
)
# Evidence that covers a generality by itself: a contract test of a helper
# (many peers and conditions), or a row of the behaviour matrix (every
# combination).
MATRIX_PROGRAM = "reference/behaviour-matrix/"


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

    def words(self) -> str:
        """The sentence without markers, link addresses and code spans."""
        text = re.sub(r"\]\([^)]*\)", "]", CLAIM.sub("", self.text))
        return re.sub(r"`[^`]*`", "CODE", text)

    def overreaches(self) -> bool:
        """A sentence about sockets that speaks of every case ("every",
        "always", "never", "nothing", "any", "only") with no evidence that
        covers every case (a contract test, a behaviour-matrix row, a source
        it says it follows) and no scope that limits it (this program or run,
        a Python version). A platform alone ("on Linux") is not such a scope:
        one run on Linux is still one case."""
        words = self.words()
        if not UNIVERSAL.search(words) or ADVICE.match(words):
            return False
        if not (self.claims or self.states_behaviour() or ABOUT_SOCKETS.search(words)):
            return False
        for claim in self.claims:
            kind, subject = claim.group(1), claim.group(2)
            if kind == "contract" or subject.startswith(MATRIX_PROGRAM):
                return False
            if kind == "cite" and ATTRIBUTED.search(words):
                return False
        return not SCOPE.search(words)


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


def contract_claim_problem(section: str, test: str) -> str | None:
    try:
        tests = contract_tests(section)
    except LookupError as exc:
        return str(exc)
    if test not in tests:
        return f"tests/contracts/test_{section}.py has no test {test}"
    return None


def wire_claim_problem(program: str, expected: str) -> str | None:
    path = wire_path(SNIPPETS / program)
    if not path.is_file():
        return f"no stored capture snippets/{path.relative_to(SNIPPETS)}"
    _, events = read(path)
    if not any(expected in event.line() for event in events):
        return f"{path.relative_to(SNIPPETS)} no longer holds {expected!r}"
    return None
