"""Right on a phone (390 x 844) and on a desktop (1280 x 800).

On every page, read from its shared visit (harness/browser.py, harness/layout.py):
nothing scrolls sideways but code, nothing sticks out of the text column,
the text of a ladder diagram is at least 12 px on a phone and its caption is
set no larger, and every label of a ladder stays in its box. Then every
Mermaid drawing (hooks/diagrams.py), opened as a document: every label
inside its box, in the fonts this machine has and in a far wider one.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from core.pages import page_id
from core.paths import DOCS
from harness.browser import page_params
from harness.layout import (
    ADD_SVG_STYLE,
    DIAGRAM_LABELS,
    PHONE_FONT_MIN,
    VIEWPORTS,
    WIDE_FONT,
)


def at(device: str) -> str:
    return f"at {VIEWPORTS[device][0]} px"


@pytest.mark.parametrize("page", page_params())
def test_nothing_but_code_scrolls_sideways(page: Path, seen):
    for device in VIEWPORTS:
        found = seen.layout[device]
        assert found["page_scroll"] <= 0, (
            f"{page_id(page)} {at(device)}: the page scrolls sideways by "
            f"{found['page_scroll']} px"
        )
        assert not found["sideways"], (
            f"{page_id(page)} {at(device)}: these scroll sideways: {found['sideways']}"
        )
        assert not found["outside"], (
            f"{page_id(page)} {at(device)}: these stick out of the text column: "
            f"{found['outside']}"
        )


@pytest.mark.parametrize("page", page_params())
def test_ladder_text_is_legible_on_a_phone(page: Path, seen):
    ladders = seen.layout["phone"]["ladders"]
    small = [
        f"{ladder['id']}: {ladder['smallest']:.1f} px"
        for ladder in ladders
        if ladder["smallest"] < PHONE_FONT_MIN
    ]
    assert not small, (
        f"{page_id(page)} {at('phone')}: ladder text under {PHONE_FONT_MIN} px: {small}"
    )


@pytest.mark.parametrize("page", page_params())
def test_a_ladder_caption_is_set_no_larger_than_its_drawing(page: Path, seen):
    for device in VIEWPORTS:
        larger = [
            f"{ladder['id']}: caption {ladder['caption']:.1f} px, "
            f"drawing {ladder['smallest']:.1f} px"
            for ladder in seen.layout[device]["ladders"]
            if ladder["caption"] > ladder["smallest"] + 0.5
        ]
        assert not larger, f"{page_id(page)} {at(device)}: {larger}"


@pytest.mark.parametrize("page", page_params())
def test_ladder_labels_stay_in_their_boxes(page: Path, seen):
    """In the fonts here, and in a bold monospace font with spaced letters:
    a reader's font can be wider than the one a label was measured in."""
    assert not seen.layout["ladder_labels_outside"], (
        f"{page_id(page)}: ladder labels leave their boxes: "
        f"{seen.layout['ladder_labels_outside']}"
    )
    assert not seen.layout["ladder_labels_outside_wide"], (
        f"{page_id(page)}: in a wide font, ladder labels leave their boxes: "
        f"{seen.layout['ladder_labels_outside_wide']}"
    )


def drawings() -> list[Path]:
    from core.diagrams import THEMES, all_diagrams, drawing

    return sorted({drawing(source, v) for _, source in all_diagrams() for v in THEMES})


@pytest.mark.parametrize("drawing", drawings(), ids=lambda p: p.name)
def test_diagram_labels_stay_in_their_boxes(drawing: Path, browser, site_url: str):
    """An SVG shown as an image is drawn in the reader's fonts: each label must
    fit its box in the fonts here and in a far wider one (WIDE_FONT)."""
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    context.set_default_timeout(30_000)
    try:
        tab = context.new_page()
        tab.goto(site_url + drawing.relative_to(DOCS).as_posix(), wait_until="load")
        checked, outside = tab.evaluate(DIAGRAM_LABELS)
        tab.evaluate(ADD_SVG_STYLE, WIDE_FONT)
        checked_wide, outside_wide = tab.evaluate(DIAGRAM_LABELS)
    finally:
        context.close()
    assert checked, f"{drawing.name}: no label found: this test checks nothing"
    assert checked_wide == checked
    assert not outside, f"{drawing.name}: labels leave their boxes: {outside}"
    assert not outside_wide, (
        f"{drawing.name}: in a wide font, labels leave their boxes: {outside_wide}"
    )
