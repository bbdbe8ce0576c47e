"""Each include becomes a code block of the built page that shows the
included code, and a block's annotation markers match the list after it."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from bs4 import Tag

from core.pages import all_pages, copyable_text, first_include_not_shown, page_id
from core.paths import page_html
from harness.html import parsed

# The text of a code-annotation marker as Pygments renders it: <span class="c1">
MARKER = re.compile(r"#\s*\((\d+)\)!")


def code_blocks(built_site: Path, page: Path) -> list[Tag]:
    """The highlighted code blocks (pymdownx.highlight) of the built page."""
    soup = parsed(page_html(built_site, page))
    return [div for div in soup.select("div.highlight") if div.select_one("pre > code")]


@pytest.mark.parametrize("page", all_pages(), ids=page_id)
def test_each_include_becomes_a_code_block_showing_it(page: Path, built_site: Path):
    """Include by include, in order, a code block of the built page shows exactly
    the included code (annotation markers aside); no include line survives."""
    blocks = [
        copyable_text(block.select_one("pre > code").get_text())
        for block in code_blocks(built_site, page)
    ]
    missing = first_include_not_shown(page, blocks)
    assert missing is None, (
        f"{missing[0]}: no code block after block {missing[1]} shows the included code"
    )
    for number, text in enumerate(blocks, start=1):
        for marker in ("--8<--", "[start:", "[end:"):
            assert marker not in text, (
                f"{page_id(page)}: block {number} shows {marker!r}"
            )


@pytest.mark.parametrize("page", all_pages(), ids=page_id)
def test_code_annotations_match_their_list(page: Path, built_site: Path):
    """Markers in a block are (1)..(n) for the n items of the list right after it."""
    problems = []
    for number, block in enumerate(code_blocks(built_site, page), start=1):
        markers = [
            int(m.group(1))
            for span in block.select("span.c1")
            if (m := MARKER.fullmatch(span.get_text().strip()))
        ]
        if not markers:
            continue
        after = block.find_next_sibling()
        items = (
            len(after.find_all("li", recursive=False))
            if after and after.name == "ol"
            else 0
        )
        if sorted(markers) != list(range(1, items + 1)):
            problems.append(
                f"code block {number}: markers {markers}, but {items} list items follow"
            )
    assert not problems, f"{page_id(page)}: " + "; ".join(problems)
