"""The evidence opens in place (hooks/evidence.py).

On a phone (390 x 844, touch), a tap on a block's evidence button shows its
list of claims on the page, next to the button and within the screen, and
never leaves the page; Escape closes it. On a desktop (1280 x 800), Enter on
the focused button opens it, and the list stays in the text column, clear of
the table of contents. axe-core finds no violation in an open list, in the
light palette or the dark one."""

from __future__ import annotations

import pytest

from core.paths import DOCS
from harness.browser import AXE, TRANSITIONS_ENDED, VISIT_TIMEOUT, bounded, url_of

# A table (the home page), tables and code annotations (errors), the answer
# box, lists and admonitions (abort).
PAGES = ["index.md", "reference/errors.md", "how-to/abort.md"]
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 800}
# How far (px) the list may lie from its button and still be "next to it".
NEXT_TO = 16

# Where the button's list is, and whether it is open and on top at its centre.
STATE = """button => {
    const list = document.getElementById(button.getAttribute("popovertarget"));
    const box = r => [r.left, r.top, r.right, r.bottom];
    const r = list.getBoundingClientRect();
    const centre = document.elementFromPoint((r.left + r.right) / 2,
                                             (r.top + r.bottom) / 2);
    const toc = document.querySelector(".md-sidebar--secondary");
    const column = document.querySelector(".md-content__inner");
    return {
        open: list.matches(":popover-open"),
        list: box(r),
        button: box(button.getBoundingClientRect()),
        column: box(column.getBoundingClientRect()),
        toc: toc && toc.offsetParent ? box(toc.getBoundingClientRect()) : null,
        onTop: list.contains(centre),
        screen: [innerWidth, innerHeight],
    };
}"""
AXE_ON_OPEN_LIST = """async rules => (await axe.run(
        {include: [[".evidence__list:popover-open"]]},
        {resultTypes: ["violations"],
         ...(rules ? {runOnly: {type: "rule", values: rules}} : {})})).violations
    .map(v => `${v.id}: ` + v.nodes.slice(0, 3).map(n => n.target.join(" ")))"""


def some_buttons(tab) -> list:
    """The first, a middle and the last evidence button shown on the page
    (those in code annotations show only once their annotation opens)."""
    # Element handles, not a locator's nth(): which buttons are visible
    # changes as code blocks come into view (Material draws their
    # annotations then), and the nth visible one with it.
    buttons = tab.locator("button.evidence__toggle:visible").element_handles()
    count = len(buttons)
    assert count, f"{tab.url}: no evidence button"
    return [buttons[i] for i in sorted({0, count // 2, count - 1})]


def problems_of(state: dict, where: str) -> list[str]:
    left, top, right, bottom = state["list"]
    width, height = state["screen"]
    _, b_top, _, b_bottom = state["button"]
    found = []
    if not state["open"]:
        return [f"{where}: the list did not open"]
    if left < 0 or top < 0 or right > width or bottom > height:
        found.append(f"{where}: the list {state['list']} leaves the screen")
    if not state["onTop"]:
        found.append(f"{where}: the list is covered")
    below = 0 <= top - b_bottom <= NEXT_TO
    above = 0 <= b_top - bottom <= NEXT_TO
    if not (below or above):
        found.append(
            f"{where}: the list {state['list']} is not next to its button "
            f"{state['button']}"
        )
    return found


@pytest.fixture
def tab_at(browser):
    contexts = []

    def open_tab(viewport: dict, **options):
        context = browser.new_context(viewport=viewport, **options)
        context.set_default_timeout(VISIT_TIMEOUT)
        contexts.append(context)
        return context.new_page()

    yield open_tab
    for context in contexts:
        context.close()


@pytest.mark.parametrize("name", PAGES)
def test_a_tap_opens_the_evidence_in_place_on_a_phone(tab_at, site_url, name):
    tab = tab_at(PHONE, has_touch=True, is_mobile=True)
    url = url_of(site_url, DOCS / name)
    tab.goto(url, wait_until="load")
    problems = []
    for number, button in enumerate(some_buttons(tab)):
        where = f"{name}, button {number}"
        button.scroll_into_view_if_needed()
        button.tap()
        state = button.evaluate(STATE)
        problems += problems_of(state, where)
        if tab.url != url:
            problems.append(f"{where}: the tap left the page for {tab.url}")
            tab.goto(url, wait_until="load")
            continue
        tab.keyboard.press("Escape")
        if button.evaluate(STATE)["open"]:
            problems.append(f"{where}: Escape did not close the list")
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("name", PAGES)
def test_the_evidence_keeps_clear_of_the_table_of_contents(tab_at, site_url, name):
    tab = tab_at(DESKTOP)
    url = url_of(site_url, DOCS / name)
    tab.goto(url, wait_until="load")
    problems = []
    for number, button in enumerate(some_buttons(tab)):
        where = f"{name}, button {number}"
        button.scroll_into_view_if_needed()
        button.focus()
        tab.keyboard.press("Enter")
        state = button.evaluate(STATE)
        problems += problems_of(state, where)
        left, _, right, _ = state["list"]
        if left < state["column"][0] - 1 or right > state["column"][2] + 1:
            problems.append(f"{where}: the list {state['list']} leaves the text column")
        if state["toc"] and right > state["toc"][0]:
            problems.append(f"{where}: the list covers the table of contents")
        tab.keyboard.press("Escape")
    assert tab.url == url, f"{name}: the keyboard left the page for {tab.url}"
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("name", PAGES)
def test_an_open_evidence_list_has_no_accessibility_violations(tab_at, site_url, name):
    tab = tab_at(PHONE, color_scheme="light")
    tab.goto(url_of(site_url, DOCS / name), wait_until="load")
    tab.add_script_tag(path=str(AXE))
    button = some_buttons(tab)[0]
    button.scroll_into_view_if_needed()
    button.click()
    assert button.evaluate(STATE)["open"], f"{name}: the list did not open"
    light = tab.evaluate(bounded(AXE_ON_OPEN_LIST), None)
    tab.emulate_media(color_scheme="dark")
    tab.wait_for_function(
        "() => document.body.getAttribute('data-md-color-scheme') === 'slate'"
    )
    tab.evaluate(bounded(TRANSITIONS_ENDED))  # Material fades the colours
    dark = tab.evaluate(
        bounded(AXE_ON_OPEN_LIST), ["color-contrast", "link-in-text-block"]
    )
    assert not light and not dark, f"{name}: light {light}, dark {dark}"
