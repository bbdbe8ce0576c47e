"""A program's captured segments drawn as a ladder diagram (a Python-Markdown
extension, hooks.ladders in mkdocs.yml, run by MkDocs and Zensical alike).

A page writes, where the diagram belongs (next to the program):

    <!-- ladder: how-to/half-close/half_close.py -->

and this hook replaces it, at build time, with an inline SVG drawn from the
stored sequence snippets/how-to/half-close/half_close.wire
(core.wire; tests/programs/test_programs.py keeps it true): one pair of
columns per connection (client left, server right), one arrow per event
labelled with its flags and length, the program's prints between them (what
it did and the TCP states it read), then the same events as a numbered list,
which "wire" evidence markers link to. Colours come from Material's palette
variables (docs/assets/stylesheets/extra.css), so the one drawing follows
light and dark; no JavaScript.

The drawing is narrow (WIDTH), so that on a phone it is shown at full size:
at 390 px the text column is 358 px wide, and every label keeps its 13 px
(tests/browser/test_browser_layout.py checks at least 12 px). Each text carries the
width it has in a monospace font (0.6 em a character) as its textLength, so
a reader's wider or narrower font is squeezed or stretched to that width
and no label leaves its box or crosses a lifeline (as in hooks/diagrams.py).

The caption says where and when the sequence was captured: this build's
run if the verification record (build/verified.json) shows the .wire file
passed as it is, else the stored file's own "captured:" line.
"""

from __future__ import annotations

import html
import re
import textwrap
from pathlib import Path

from markdown import Extension, Markdown
from markdown.preprocessors import Preprocessor

from core.builders import BuildError
from core.markers import LADDER
from core.paths import SNIPPETS, record_path
from core.record import load, stamp_of, unverified_reason
from core.wire import CAPTURED, Event, Print, anchor, event_id, read, wire_path

WIDTH = 340
LEFT, RIGHT = 40, 300  # the client's and the server's column
ROW = 30
TOP = 48
SIZE = 13  # px, every text but the column heads
HEAD_SIZE = 14  # px, "client" and "server"
ADVANCE = 0.6  # a monospace character's width, in em
NOTE_MARGIN, NOTE_PADDING, NOTE_LINE = 6, 6, 17  # px
# Characters of a print per line: as many as fit in a note's box.
NOTE_CHARS = int((WIDTH - 2 * NOTE_MARGIN - 2 * NOTE_PADDING) / (ADVANCE * SIZE))


def describe(event: Event) -> str:
    if isinstance(event, Print):
        return f"the program prints: {event.text}"
    what = event.line().split("  ", 1)[1]
    return f"{event.sender} sends {event.receiver}: {what}"


def _text(x: float, y: float, content: str, cls: str, size: int = SIZE) -> str:
    """A centred text, pinned to its width in a monospace font (module docstring)."""
    width = len(content) * ADVANCE * size
    return (
        f'<text x="{x:g}" y="{y:g}" class="{cls}" text-anchor="middle" '
        f'font-size="{size}" textLength="{width:g}" lengthAdjust="spacingAndGlyphs">'
        f"{html.escape(content)}</text>"
    )


def wrapped(text: str, width: int = NOTE_CHARS) -> list[str]:
    """A print's line cut into pieces that fit between the lifelines."""
    return textwrap.wrap(text, width, break_long_words=True, drop_whitespace=False) or [
        ""
    ]


def svg(program: str, events: list[Event], title: str) -> str:
    rows: list[str] = []
    y = TOP
    connection = None
    for event in events:
        if isinstance(event, Print):
            lines = wrapped(event.text)
            height = NOTE_LINE * len(lines) + 6
            rows.append(
                f'<rect x="{NOTE_MARGIN}" y="{y - 14}" '
                f'width="{WIDTH - 2 * NOTE_MARGIN}" height="{height}" rx="4" '
                'class="ladder-note-box"/>'
            )
            for number, line in enumerate(lines):
                rows.append(
                    _text(WIDTH / 2, y + NOTE_LINE * number, line, "ladder-note")
                )
            y += height - 20 + ROW
            continue
        number = event.sender.rpartition(" ")[2]
        number = number if number.isdigit() else None
        if number != connection and number is not None:
            y += 4
            rows.append(_text(WIDTH / 2, y, f"connection {number}", "ladder-conn"))
            y += ROW
        connection = number
        rightward = event.sender.startswith("client")
        x1, x2 = (LEFT, RIGHT) if rightward else (RIGHT, LEFT)
        kind = "rst" if "RST" in event.flags else "fin" if "FIN" in event.flags else ""
        kind = kind or ("syn" if "SYN" in event.flags else "data")
        label = event.line().split("  ", 1)[1]
        rows.append(
            f'<line x1="{x1}" y1="{y - 4}" x2="{x2}" y2="{y + 8}" '
            f'class="ladder-arrow ladder-{kind}" '
            f'marker-end="url(#{anchor(program)}-head)"/>'
        )
        rows.append(_text(WIDTH / 2, y - 8, label, f"ladder-label ladder-{kind}-text"))
        y += ROW
    height = y + 4
    heads = (
        f'<defs><marker id="{anchor(program)}-head" viewBox="0 0 10 10" '
        'refX="10" refY="5" '
        'markerWidth="7" markerHeight="7" orient="auto-start-reverse">'
        '<path d="M0,0 L10,5 L0,10 z" class="ladder-head"/></marker></defs>'
    )
    columns = (
        _text(LEFT, 18, "client", "ladder-end", HEAD_SIZE)
        + _text(RIGHT, 18, "server", "ladder-end", HEAD_SIZE)
        + f'<line x1="{LEFT}" y1="26" x2="{LEFT}" y2="{height}" class="ladder-life"/>'
        + f'<line x1="{RIGHT}" y1="26" x2="{RIGHT}" y2="{height}" class="ladder-life"/>'
    )
    return (
        f'<svg class="ladder-svg" viewBox="0 0 {WIDTH} {height}" width="{WIDTH}" '
        f'role="img" aria-labelledby="{anchor(program)}-title" '
        'xmlns="http://www.w3.org/2000/svg">'
        f'<title id="{anchor(program)}-title">{html.escape(title)}</title>'
        f"{heads}{columns}{''.join(rows)}</svg>"
    )


def provenance(program: str, snippets: Path, record: dict, header: list[str]) -> str:
    name = Path(program).with_suffix(".wire").as_posix()
    if unverified_reason(name, snippets / name, record) is None:
        stamp = stamp_of(record["programs"][name])
        return f"captured while this build's programs ran ({stamp})"
    stored = next((h[len(CAPTURED) :] for h in header if h.startswith(CAPTURED)), "")
    where = f" ({stored})" if stored else ""
    return f"stored capture{where}, not captured again in this build"


def kinds(events: list) -> str:
    """What the capture holds, for its caption: "SYN, FIN and data", say."""
    transfers = [e for e in events if not isinstance(e, Print)]
    found = [
        flag
        for flag in ("SYN", "FIN", "RST")
        if any(flag in e.flags for e in transfers)
    ]
    if any(e.length for e in transfers):
        found.append("data")
    if len(found) < 2:
        return "".join(found) or "nothing"
    return ", ".join(found[:-1]) + " and " + found[-1]


def figure(program: str, snippets: Path, record: dict) -> str:
    path = wire_path(snippets / program)
    if not path.is_file():
        raise BuildError(
            f"ladder: no stored capture {path.relative_to(snippets.parent)}"
        )
    header, events = read(path)
    name = Path(program).name
    arrows = sum(not isinstance(e, Print) for e in events)
    title = (
        f"Ladder diagram of what {name} sent on loopback, in {arrows} arrows "
        "(pure ACKs left out; data sent one way with nothing in between is one "
        "arrow), with its prints; the same events are listed below it."
    )
    items = "".join(
        f'<li id="{event_id(program, n)}" data-event="{html.escape(e.line())}">'
        f"{html.escape(describe(e))}</li>"
        for n, e in enumerate(events, 1)
    )
    when = provenance(program, snippets, record, header)
    shown = kinds(events)
    lengths = [h for h in header if h.startswith("lengths:")]
    note = f" Data {html.escape(lengths[0][len('lengths: ') :])}." if lengths else ""
    when = when[0].upper() + when[1:]
    return (
        # Kept out of the search index (Material's data-search-exclude; no
        # figure inside it): its events would only blur search, and its
        # caption names this build's environment, so that the ranking would
        # change with the record.
        f'<figure class="ladder" id="{anchor(program)}" data-search-exclude>\n'
        f"{svg(program, events, title)}\n"
        f"<figcaption>The segments <code>{html.escape(name)}</code> sent on "
        f"loopback: {shown} (data sent one way with nothing in "
        "between as one arrow; pure ACKs, window updates and retransmissions "
        f"left out).{note} "
        f'<span class="ladder-when">{html.escape(when)}.'
        "</span></figcaption>\n"
        f'<details class="ladder-list"><summary>The same events as a list</summary>'
        f"<ol>{items}</ol></details>\n</figure>"
    )


def ladders(markdown: str, stash=lambda html: html) -> str:
    """Each ladder placeholder as its figure; stash (a Markdown instance's
    htmlStash.store) keeps the figure whole, as raw HTML, wherever the
    placeholder stands: inside a tab or an admonition too, where Markdown
    would otherwise read the figure's text as the page's (and, say, link a
    glossary term inside the SVG's title)."""
    record = load(record_path())

    def replace(match: re.Match) -> str:
        indent = match.group(1)  # inside an admonition or a tab: keep its indent
        return indent + stash(figure(match.group(2), SNIPPETS, record))

    return LADDER.sub(replace, markdown)


class Ladders(Preprocessor):
    def run(self, lines: list[str]) -> list[str]:
        text = "\n".join(lines)
        if "ladder:" not in text:
            return lines
        return ladders(text, self.md.htmlStash.store).split("\n")


class LaddersExtension(Extension):
    def extendMarkdown(self, md: Markdown) -> None:  # noqa: N802 (Markdown's API)
        # After normalize_whitespace (30), which would strip the stash's
        # placeholder markers, and before the raw HTML block processor (20).
        md.preprocessors.register(Ladders(md), "ladders", 28)


def makeExtension(**kwargs) -> LaddersExtension:  # noqa: N802 (Markdown's API)
    return LaddersExtension(**kwargs)
