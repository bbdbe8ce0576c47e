"""The steps of a build that concern the whole site, not one page: every
builder runs them, MkDocs through its hooks (hooks/site.py), Zensical after
its build (scripts/after_build.py, `make zensical`): publishing the programs,
and the evidence links that need another page's HTML."""

from __future__ import annotations

import functools
import html
import posixpath
import re
from collections.abc import Iterator
from pathlib import Path

from core.markers import published
from core.paths import DOCS, SNIPPETS, owner_page, page_url
from core.theme import LINE_SPAN


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


# A "run" claim whose output line another page shows (hooks/evidence.py
# leaves its link to this step, which sees every page), and a code block
# marked with the program it shows.
_ELSEWHERE = re.compile(
    r'(<a class="claim claim-run" data-kind="run" data-subject="([^"]*)"'
    r' data-detail="([^"]*)") href="#evidence:elsewhere"'
)
_PROGRAM_BLOCK = re.compile(
    r'<code[^>]*\bdata-program="([^"]*)"[^>]*>(.*?)</code>', re.S
)


@functools.cache
def _printed_lines(page: Path) -> tuple[tuple[str, str, str], ...]:
    """(program, line id, visible text) of each line of each marked block."""
    if not page.is_file():
        return ()
    found = []
    for block in _PROGRAM_BLOCK.finditer(page.read_text(encoding="utf-8")):
        program = html.unescape(block.group(1))
        parts = LINE_SPAN.split(block.group(2))
        for span_id, rest in zip(parts[1::2], parts[2::2], strict=True):
            text = html.unescape(re.sub(r"<[^>]+>", "", rest)).strip()
            found.append((program, span_id, text))
    return tuple(found)


def _target(site: Path, here: str, subject: str, detail: str, docs: Path) -> str:
    """Where a claim on the page at here that subject prints detail links."""
    owner = page_url(docs / (owner_page(subject) + ".md"), docs)
    for program, span_id, line in _printed_lines(site / owner / "index.html"):
        if program == subject and line.startswith("#>") and detail in line:
            return f"{posixpath.relpath(owner or '.', here)}/#{span_id}"
    return posixpath.relpath(f"snippets/{subject}", here)


def resolve_evidence_links(site: Path, docs: Path = DOCS) -> int:
    """Point each "run" claim whose line its page does not show at the line
    on the program's own page; failing that, at the published program.
    Returns how many links it wrote."""
    _printed_lines.cache_clear()
    written = 0
    for path in sorted(site.rglob("*.html")):
        text = path.read_text(encoding="utf-8")
        if "#evidence:elsewhere" not in text:
            continue
        here = path.parent.relative_to(site).as_posix()
        links = list(_ELSEWHERE.finditer(text))
        out, last = [], 0
        for match in links:
            subject, detail = (html.unescape(match.group(n)) for n in (2, 3))
            target = _target(site, here, subject, detail, docs)
            out += [text[last : match.start()], match.group(1)]
            out.append(f' href="{html.escape(target, quote=True)}"')
            last = match.end()
        out.append(text[last:])
        path.write_text("".join(out), encoding="utf-8")
        written += len(links)
    return written
