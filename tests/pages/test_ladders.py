"""Every stored wire capture is drawn on its program's page, and each drawn
ladder lists the stored events, in order."""

from __future__ import annotations

from pathlib import Path

import pytest

from core.markers import LADDER
from core.pages import all_pages, page_id
from core.paths import SNIPPETS, owner_page, page_html, page_name
from core.wire import SUFFIX as WIRE_SUFFIX
from core.wire import anchor, wire_path
from core.wire import read as read_wire
from harness.html import parsed
from harness.programs import rel


def ladders(page: Path) -> list[str]:
    """The programs whose capture the page draws: <!-- ladder: x.py -->."""
    return [m.group(2) for m in LADDER.finditer(page.read_text())]


def test_every_stored_capture_is_drawn_on_its_programs_page():
    """snippets/<page>/x.wire is drawn by `<!-- ladder: <page>/x.py -->` on
    docs/<page>.md, and a ladder draws only a capture of its own page."""
    drawn = {(page_name(page), name) for page in all_pages() for name in ladders(page)}
    problems = [
        f"docs/{page}.md draws {name}, which is not its program or has no .wire file"
        for page, name in drawn
        if owner_page(SNIPPETS / name) != page
        or not wire_path(SNIPPETS / name).is_file()
    ]
    for stored in sorted(SNIPPETS.rglob("*" + WIRE_SUFFIX)):
        name = stored.with_suffix(".py").relative_to(SNIPPETS).as_posix()
        if (owner_page(stored), name) not in drawn:
            problems.append(
                f"{rel(stored)}: docs/{owner_page(stored)}.md has no "
                f"<!-- ladder: {name} -->"
            )
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("page", all_pages(), ids=page_id)
def test_ladders_list_every_stored_event(page: Path, built_site: Path):
    """Each ladder on the built page is an SVG with a title, and its list
    holds the stored events, in order, one item each (data-event)."""
    soup = parsed(page_html(built_site, page))
    for name in ladders(page):
        _, events = read_wire(wire_path(SNIPPETS / name))
        prefix = anchor(name)
        figure = soup.find("figure", class_="ladder", id=prefix)
        assert figure, f"{page_id(page)}: no ladder {prefix} for {name}"
        assert figure.select_one(f"svg title[id='{prefix}-title']"), (
            f"{page_id(page)}: ladder {prefix} has no SVG title"
        )
        listed = [
            li["data-event"] for li in figure.find_all("li", {"data-event": True})
        ]
        assert listed == [e.line() for e in events], f"{page_id(page)}: {name}"
