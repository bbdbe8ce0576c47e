"""No table breaks an identifier in the middle, on a phone or on a desktop.

Every page with a table is loaded at 390 px (a phone) and at 1280 px (a
desktop), and every <code> inside a table must lay out on one line: one
client rectangle. docs/assets/stylesheets/extra.css keeps code in tables
on one line; a table too wide for the screen scrolls sideways instead.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from conventions import page_html, page_url
from pages import all_pages, page_id

WIDTHS = {"phone": 390, "desktop": 1280}
# Each <code> in a table that the browser lays out on more than one line.
WRAPPED_CODE = """() => [...document.querySelectorAll("article table code")]
    .filter(code => code.getClientRects().length > 1)
    .map(code => code.textContent)"""
# The table scrolls inside its wrapper, so the page itself never does.
PAGE_SCROLLS_SIDEWAYS = """() =>
    document.documentElement.scrollWidth > document.documentElement.clientWidth"""


def pages_with_tables(site: Path) -> list[Path]:
    return [p for p in all_pages() if "<table" in page_html(site, p).read_text()]


@pytest.mark.parametrize("device", WIDTHS)
def test_no_code_in_a_table_wraps(device: str, browser, site_url: str, built_site):
    pages = pages_with_tables(built_site)
    assert pages, "no page has a table: this test checks nothing"
    context = browser.new_context(viewport={"width": WIDTHS[device], "height": 900})
    context.set_default_timeout(30_000)
    wrapped, scrolling = {}, []
    try:
        tab = context.new_page()
        for page in pages:
            tab.goto(site_url + page_url(page), wait_until="load")
            if found := tab.evaluate(WRAPPED_CODE):
                wrapped[page_id(page)] = found
            if tab.evaluate(PAGE_SCROLLS_SIDEWAYS):
                scrolling.append(page_id(page))
    finally:
        context.close()
    assert not wrapped, f"at {WIDTHS[device]} px, code in a table wraps: {wrapped}"
    assert not scrolling, f"at {WIDTHS[device]} px, pages scroll sideways: {scrolling}"
