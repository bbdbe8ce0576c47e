"""The site follows the reader's light or dark preference (screenshots kept in
build/screenshots/ for a look)."""

from __future__ import annotations

import pytest

from core.paths import ROOT

ARTEFACTS = ROOT / "build" / "screenshots"


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_index_renders_in_both_palettes(scheme: str, browser, site_url: str):
    context = browser.new_context(
        color_scheme=scheme, viewport={"width": 1280, "height": 900}
    )
    context.set_default_timeout(30_000)
    try:
        tab = context.new_page()
        tab.goto(site_url, wait_until="networkidle")
        attribute = tab.evaluate("document.body.getAttribute('data-md-color-scheme')")
        background = tab.evaluate("getComputedStyle(document.body).backgroundColor")
        ARTEFACTS.mkdir(parents=True, exist_ok=True)
        tab.screenshot(path=str(ARTEFACTS / f"index-{scheme}.png"), full_page=False)
    finally:
        context.close()
    expected = {"light": "default", "dark": "slate"}[scheme]
    assert attribute == expected, f"{scheme}: the page chose palette {attribute!r}"
    red, green, blue = (
        int(c) for c in background[background.index("(") + 1 : -1].split(",")[:3]
    )
    dark = (red + green + blue) / 3 < 128
    assert dark == (scheme == "dark"), f"{scheme}: body background is {background}"
