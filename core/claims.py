"""Claims in the pages' prose: the evidence and citation markers
(core.markers.CLAIM; the evidence hook draws them), and the sentences that
state behaviour."""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from pathlib import Path

from core.contracts import contract_tests
from core.markers import CLAIM, OUTPUT_LINE
from core.pages import page_id
from core.paths import DOCS, SNIPPETS
from core.wire import read, wire_path

# A sentence states behaviour if it names an exception, an errno, a TCP state,
# a FIN or RST, a socket option, or says what a call returns, raises, sends,
# sets, writes, wakes, fails, resets or delivers, or what the peer sees.
BEHAVIOUR = re.compile(
    r"\b\w+Error\b|\bE[A-Z]{4,}\b|\b(?:ESTABLISHED|CLOSE_WAIT|TIME_WAIT|FIN_WAIT\w*"
    r"|LAST_ACK|CLOSING|SYN_\w+)\b|\b(?:FIN|RST)\b|b''"
    r"|\b(?:returns?|raises?|sends?|resets?|delivers?|inherit\w*|ignores?)\b"
    r"|\b(?:sets?|writes?|written|wakes?|fails?|sees)\b|\b(?:SO|TCP)_[A-Z_]+\b"
)


# A universal word: the sentence speaks of every case, not of one run. Besides
# the plain ones: "as long as" (for however long), "no more" standing alone
# (the kernel "accepts no more": a limit reached for good) and "no
# <adjective>er than" (in no case more).
UNIVERSAL = re.compile(
    r"\b(?:every(?! (?:byte|bytes|line|one of)\b)|everywhere|always"
    r"|never(?! connected)|any|whoever"
    r"|in every case|in all cases)\b"
    r"|\b(?:the|its) only\b|\bonly (?:way|when|if|once|now|after|until)\b"
    r"|\b(?:notices|sees|learns|knows) nothing\b|\bnothing (?:hangs|leaks)\b"
    r"|\b(?:send|sends|sent) nothing more\b|\bnothing more to send\b"
    r"|\beverything here\b|\bas long as\b|\bno more(?=[\s]*(?:[,.;:)]|$))"
    r"|\bno \w+er than\b",
    re.I,
)
# A sentence about what all the clients, resets or calls of a page or of the
# site do ("each client on this page", "the resets shown on this site"): no one
# marker covers it, and no scope narrows it, since the page is its scope. (What
# the programs themselves are, "the programs on this page use only the standard
# library", is a convention of the site, which its tests hold.)
SITE_WIDE = re.compile(
    r"\b(?:each|every|all|the)\s+(?:\w+\s+){0,2}?(?!programs?\b)\w+\s+"
    r"(?:shown\s+)?on this (?:page|site)\b",
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
# Where a sentence holds, for the platform rules: a system it names, or one
# of the scopes above (this program, here, a Python version).
PLATFORM = re.compile(
    r"\b(?:Linux|macOS|Windows|Winsock|XNU|FreeBSD|BSD|Microsoft|POSIX)\b"
    r"|\bthis machine\b|" + SCOPE.pattern,
    re.I,
)
# Words that attribute a sentence to the source it cites.
ATTRIBUTED = re.compile(
    r"\b(?:per|says?|said|document\w*|according|not run here|source|specif\w*"
    r"|RFC|man page|manual|asks?|requires?|calls? it|adds|comment)\b",
    re.I,
)
# A document a sentence names: an RFC, a manual page, a system's source or
# documentation. An attribution counts only for a document the sentence cites.
DOCUMENT = re.compile(
    r"\bRFC \d+|\b[a-z_]+\(\d\)|\b(?:POSIX|CPython|Microsoft|XNU|FreeBSD)\b"
)
# Advice, not a claim: an imperative sentence ("Never compare errno numbers"),
# or a page's statement of its task.
ADVICE = re.compile(
    r"^\W*(?:\*\*Task:\*\*|(?:Never|Always|Only) [a-z]+\b"
    r"|(?:Use|Compare|Bound|Remove|Keep|Close|Call|Set|Give|Stop|Do not|Don't|Read"
    r"|Send|End|Make|Pick|Catch|Copy|Collect|Pass|Check|Prefer|Avoid|Turn)\b)"
)
# The label of a page's answer block (Symptom, Cause, Fix) before its text.
ANSWER_LABEL = re.compile(r"^\s*\w+ \{[^}]*\}\s*:\s*")
# Evidence that covers a generality by itself: a contract test of a helper
# (many peers and conditions), or a row of the behaviour matrix (every
# combination).
MATRIX_PROGRAM = "reference/behaviour-matrix/"
# A quotation: the source's words, not the sentence's.
QUOTED = re.compile(r'"[^"]*"|“[^”]*”')
# A sentence that tells the run of its program: what the program's own
# server, client or thread did, or what the capture shows.
NARRATION = re.compile(
    r"\b(?:the|its|this|each|both)(?: \w+)? (?:server|client|program|thread|child"
    r"|parent|worker|listener)s?\b|\bon the wire\b|\b(?:above|below)\b"
    r"|^\W*CODE:",  # a note on the program's code: "`abort()`: ..."
    re.I,
)
# A rule drawn from one run: a sentence that opens with a condition, about
# what the kernel puts on the wire or which state it keeps (where TCP stacks
# differ), not about Python's own objects.
CONDITION = re.compile(r"^\W*(?:When|Whenever|If|Once)\b")
KERNEL = re.compile(
    r"\b(?:FIN|RST|resets?|ESTABLISHED|CLOSE_WAIT|TIME_WAIT|FIN_WAIT\w*|LAST_ACK"
    r"|CLOSING|SYN_\w+)\b"
)
# The condition an imperative follows: "If you cannot ..., end your sending".
LEADING_CONDITION = re.compile(
    r"^\W*(?:If|When|Where|While|Once)\b(?:\([^)]*\)|[^,(])*,\s*"
)
# A source of one system: its kernel's code, its manual, its documentation.
SYSTEM_SOURCE = re.compile(r"^\s*(?:Linux|XNU|FreeBSD|Microsoft|Windows|Apple)\b")
# The names a system's sources go by, for a page, section or column scoped to it.
SOURCES_OF = {
    "Linux": ("Linux",),
    "macOS": ("XNU", "Apple"),
    "Windows": ("Microsoft", "Windows"),
    "FreeBSD": ("FreeBSD",),
}
# Code a cite names: a function or a file, the part of the source it read. A
# cite is of code when it names a source file; a documentation page that names
# a function ("Python documentation, socket.close()") is a document.
CODE_CITED = re.compile(r"[\w.]+\(\)|[\w/.-]+\.(?:c|h|py)\b")
SOURCE_FILE = re.compile(r"[\w/.-]+\.(?:c|h|py)\b")
# Where a platform scope stops reaching: a scope after "but" does not reach
# back to the clause it contrasts with ("`SHUT_RD` stops your reads, but on
# Linux ...").
CLAUSE_END = re.compile(r",? but ")
# The page that compares systems in a table, a column for each.
PLATFORMS_PAGE = DOCS / "reference" / "platforms.md"


def _output_line(program: str, expected: str) -> tuple[str, int] | None:
    """The #> line of a program that a run marker quotes, as (program, index)."""
    path = SNIPPETS / program
    if not path.is_file():
        return None
    for index, line in enumerate(OUTPUT_LINE.findall(path.read_text())):
        if expected in line:
            return program, index
    return None


@functools.cache
def compared_observations() -> frozenset[tuple[str, int]]:
    """The program output lines that the Linux column of the Platforms table
    quotes: behaviours that the site compares across systems, because they
    differ or may."""
    found = set()
    for sentence in sentences(PLATFORMS_PAGE):
        if sentence.scope != "Linux":
            continue
        for claim in sentence.claims:
            if claim.group(1) == "run":
                line = _output_line(claim.group(2).strip(), claim.group(3))
                if line:
                    found.add(line)
    return frozenset(found)


@dataclass(frozen=True)
class Sentence:
    page: Path
    line: int
    text: str
    # the system its page, section or table column declares, if any
    scope: str = ""

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
        text = re.sub(r"`[^`]*`", "CODE", text)
        label = ANSWER_LABEL.match(text)
        if label:  # "Fix { ... } :   turn SO_LINGER on" reads as "Turn ..."
            text = text[label.end() :]
            text = text[:1].upper() + text[1:]
        return text

    def overreaches(self) -> bool:
        return bool(self.overreach())

    def overreach(self) -> str:
        """Why the sentence claims more than its evidence shows, or "".

        1. It speaks of every case ("every", "always", "never", "nothing",
           "any", "only", "as long as", "no more", "no gentler than") with no
           evidence that covers every case and no scope that limits it (this
           program or run, a Python version). A contract test covers it, and
           so does a behaviour-matrix row (every combination); a cited
           document does when the sentence attributes itself to that
           document, and a cited function or file only when the sentence
           names it (one code path is not every path). A platform alone ("on
           Linux") is not such a scope: one run on Linux is still one case.
        2. It speaks of all the programs of its page or of the site: nothing
           covers that.
        Rules 3 to 5 ask a sentence to say where it holds: a system (Linux),
        here, this program, a Python version; or to speak of the program's
        own server, client or thread, whose run it tells. A page or a table
        column that declares a platform (platform: in the front matter, a
        "Linux" column) says it for all its sentences.
        3. It rests on an observation that the Platforms table compares across
           systems (its Linux column quotes the same output line), and does
           not say where it holds before a "but", nor link the comparison.
        4. It opens with a condition ("When", "If", "Once"): a rule drawn from
           runs alone.
        5. It rests only on the source or documentation of one system, and
           neither attributes itself to it nor names the function or file
           cited.
        """
        words = self.words()
        claims = self.claims
        kinds = {claim.group(1) for claim in claims}
        about = bool(claims or self.states_behaviour() or ABOUT_SOCKETS.search(words))
        if ADVICE.match(words) or not about:
            return ""
        if UNIVERSAL.search(words) and not self._covers_every_case(words):
            return "speaks of every case"
        if SITE_WIDE.search(words):
            return "speaks of all the programs of a page or the site"
        if "contract" in kinds or NARRATION.search(words):
            return ""
        if words.rstrip().endswith(":") and not self.states_behaviour():
            return ""  # it introduces the code or list its markers back
        if self.scope and all(
            claim.group(1) != "cite"
            or claim.group(2).strip().startswith(SOURCES_OF.get(self.scope, ()))
            for claim in claims
        ):
            return ""
        first_clause = CLAUSE_END.split(words, maxsplit=1)[0]
        if kinds and kinds <= {"run", "wire"}:
            if (
                self._compared()
                and not PLATFORM.search(first_clause)
                and "platforms.md" not in self.text
            ):
                return "a behaviour that differs across systems, with no system named"
            rest = LEADING_CONDITION.sub("", words)  # "If ..., end your sending"
            if (
                CONDITION.match(words)
                and not ADVICE.match(rest[:1].upper() + rest[1:])
                and KERNEL.search(words)
                and not PLATFORM.search(words)
            ):
                return "a rule drawn from runs, with no scope"
        if (
            kinds == {"cite"}
            and all(SYSTEM_SOURCE.match(claim.group(2)) for claim in claims)
            and not PLATFORM.search(words)
            and not ATTRIBUTED.search(words)
            and not self._names_cited_code()
        ):
            return "one system's source, with no system named"
        return ""

    def _covers_every_case(self, words: str) -> bool:
        if SCOPE.search(words):
            return True
        for claim in self.claims:
            kind, subject = claim.group(1), claim.group(2)
            if kind == "contract" or subject.startswith(MATRIX_PROGRAM):
                return True
            if kind == "cite" and self._attributes(claim):
                return True
        return False

    def _attributes(self, cite: re.Match) -> bool:
        """The sentence keeps to this cited source: for a function or file, it
        names it (it speaks of that code); for a document, it attributes itself
        to it, with no other document named (a quotation aside)."""
        if SOURCE_FILE.search(cite.group(2)):
            return self._names_cited_code()
        words = QUOTED.sub("", self.words())
        cited = " ".join(c.group(2) for c in self.claims if c.group(1) == "cite")
        if any(name not in cited for name in DOCUMENT.findall(words)):
            return False
        return bool(ATTRIBUTED.search(words))

    def _names_cited_code(self) -> bool:
        """The sentence names, in a code span, a function or file that one of
        its cites names (Linux's `__name()` counts as the body of `name()`)."""

        def names(text: str) -> set[str]:
            found = CODE_CITED.findall(text)
            short = {n.rsplit(".", 1)[-1] for n in found if n.endswith("()")}
            return {n.lstrip("_") for n in found} | short  # socket.close(): close()

        spans = names(" ".join(re.findall(r"`([^`]+)`", CLAIM.sub("", self.text))))
        cited = names(" ".join(c.group(2) for c in self.claims if c.group(1) == "cite"))
        return bool(spans & cited)

    def _compared(self) -> bool:
        if self.page == PLATFORMS_PAGE:
            return False
        observations = compared_observations()
        for claim in self.claims:
            if claim.group(1) == "run":
                line = _output_line(claim.group(2).strip(), claim.group(3))
                if line in observations:
                    return True
        return False


# A system a table column or a page declares it is about.
SYSTEM = re.compile(r"^(?:Linux|macOS|Windows|FreeBSD)$")
# A heading that scopes its section to a system: "## `SHUT_RD`, on Linux".
HEADING = re.compile(r"^(#{1,6})\s")
SECTION_SYSTEM = re.compile(r"\b[Oo]n (Linux|macOS|Windows|FreeBSD)\b|\b(Win)Error\b")
# A page wholly about one system says so in its front matter (platform: Linux);
# tests/pages/test_scope.py checks that its opening says so to the reader too.
PAGE_PLATFORM = re.compile(r"^platform:\s*[\"']?(\w+)", re.M)


def page_platform(page: Path) -> str:
    """The platform a page's front matter declares for the whole page, or ""."""
    lines = page.read_text().splitlines()
    if lines[:1] != ["---"] or "---" not in lines[1:]:
        return ""
    found = PAGE_PLATFORM.search("\n".join(lines[1 : lines.index("---", 1)]))
    return found.group(1) if found else ""


def prose(page: Path) -> list[tuple[int, str, str]]:
    """(line number, text, scope) of each paragraph or table cell of prose: no
    code, headings, front matter, admonition titles or HTML blocks. The scope
    is the system its table column names, or its section's heading ("on
    Linux"), or its page's front matter."""
    lines = page.read_text().splitlines()
    page_scope = platform = page_platform(page)
    sections: list[tuple[int, str]] = []  # (heading level, system it names)
    out, para, start, fence, front = [], [], 0, False, lines[:1] == ["---"]
    header: list[str] = []
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
            # replaces each marker by a token before the table is parsed)
            row = re.sub(r"<!--.*?-->", lambda m: m[0].replace("|", "\0"), stripped)
            cells = [c.replace("\0", "|").strip() for c in row.strip("|").split("|")]
            if re.fullmatch(r"[\s|:-]+", stripped):
                continue
            if not header:  # the first row of a table names its columns
                header = [CLAIM.sub("", cell).strip() for cell in cells]
            for index, cell in enumerate(cells):
                column = header[index] if index < len(header) else ""
                if cell:
                    system = column if SYSTEM.match(column) else platform
                    out.append((number, cell, system))
            continue
        header = []
        heading = HEADING.match(stripped)
        if heading:
            if para:  # the paragraph before it keeps the scope it was in
                out.append((start, " ".join(para), platform))
                para = []
            level = len(heading.group(1))
            sections = [s for s in sections if s[0] < level]
            named = SECTION_SYSTEM.search(stripped)
            system = "" if not named else named.group(1) or "Windows"
            sections.append((level, system))
            platform = next((s for _, s in reversed(sections) if s), page_scope)
        if (
            not stripped
            or stripped.startswith(("#", "!!!", "???", "===", "<", "---", "*[", "[^"))
            and not stripped.startswith("<!--")
        ):
            if para:
                out.append((start, " ".join(para), platform))
            para = []
            continue
        item = re.match(r"(?:[-*]|\d+\.)\s+", stripped)
        if item and para:  # each list item is a unit of its own
            out.append((start, " ".join(para), platform))
            para = []
        if not para:
            start = number
        para.append(stripped[item.end() :] if item else stripped)
    if para:
        out.append((start, " ".join(para), platform))
    return out


SENTENCE_END = re.compile(r"(?<=[.!?])((?:\s*<!--.*?-->)*)\s+(?=[A-Z`*_\[(\"'])")


def sentences(page: Path) -> list[Sentence]:
    found = []
    for line, text, scope in prose(page):
        parts = SENTENCE_END.split(text)
        # split() keeps the markers after each sentence end as separate items
        merged = [parts[0]]
        for index in range(1, len(parts), 2):
            merged[-1] += parts[index]
            merged.append(parts[index + 1])
        found += [Sentence(page, line, s, scope) for s in merged if s.strip()]
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
