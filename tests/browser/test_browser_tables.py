"""Every table reads right on a phone (390 px) and on a desktop (1280 px).

Read from each page's shared visit (harness/browser.py, harness/layout.py): no
table needs sideways scrolling; no <code> in a table is broken over two
lines (an identifier such as sock.shutdown(socket.SHUT_WR) stays whole); and
on a phone each row is a card whose every cell is headed by its column's
name (hooks/tables.py writes it, docs/assets/stylesheets/extra.css shows
it).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from core.pages import all_pages, page_id
from core.paths import page_html
from harness.browser import page_params
from harness.html import parsed
from harness.layout import VIEWPORTS


def at(device: str) -> str:
    return f"at {VIEWPORTS[device][0]} px"


def test_each_cell_is_labelled_with_its_column():
    """hooks/tables.py, on its own: the column's name, without the evidence
    markers in the header; Material's and Pygments' tables left alone."""
    from hooks.tables import label_cells

    page = (
        '<table><thead><tr><th>You want &amp; <sup class="claim">run</sup>to</th>'
        '<th>"Call"</th></tr></thead><tbody><tr><td>a</td><td align="left">b'
        '<table class="highlighttable"><tr><td>1</td></tr></table></td></tr>'
        '<tr><td data-label="kept">c</td><td>d</td><td>e</td></tr></tbody></table>'
    )
    assert label_cells(page) == page.replace(
        "<td>a", '<td data-label="You want &amp; to">a'
    ).replace(
        '<td align="left">b', '<td align="left" data-label="&quot;Call&quot;">b'
    ).replace("<td>d", '<td data-label="&quot;Call&quot;">d')


def test_some_page_has_a_table(built_site: Path):
    """The tables harness.layout measures (table:not([class]) in the
    article) exist: otherwise the tests of this file check nothing."""
    pages = [
        p
        for p in all_pages()
        if parsed(page_html(built_site, p)).select("article table:not([class])")
    ]
    assert pages, "no page has a table the layout measures: nothing is checked"


@pytest.mark.parametrize("page", page_params())
def test_every_table_fits(page: Path, seen):
    for device in VIEWPORTS:
        wide = [
            f"{t['name']}: by {t['scrolls']} px"
            for t in seen.layout[device]["tables"]
            if t["scrolls"] > 1
        ]
        assert not wide, (
            f"{page_id(page)} {at(device)}: tables need sideways scrolling: {wide}"
        )


@pytest.mark.parametrize("page", page_params())
def test_on_a_phone_each_row_is_a_card_of_labelled_cells(page: Path, seen):
    for table in seen.layout["phone"]["tables"]:
        assert table["cards"], f"{page_id(page)}: table {table['name']} is no cards"
        assert not table["unlabelled"], (
            f"{page_id(page)} {at('phone')}: in table {table['name']}, cells not "
            f"headed by their column's name: {table['unlabelled']}"
        )


@pytest.mark.parametrize("page", page_params())
def test_no_code_in_a_table_wraps(page: Path, seen):
    for device in VIEWPORTS:
        wrapped = seen.layout[device]["wrapped_code"]
        assert not wrapped, (
            f"{page_id(page)} {at(device)}: code in a table wraps: {wrapped}"
        )
