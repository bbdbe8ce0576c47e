"""Every how-to page opens with its answer, and the fix fits a phone's first screen.

Issue 21: a reader who arrives from a search with an error message must see the
symptom, its cause and the fix without scrolling. Each how-to page opens, right
after its title, with an `!!! answer ""` box: a definition list whose terms
carry `data-answer="symptom"`, `"cause"` and `"fix"` (the pages' Markdown sets
them with attr_list: `Fix { data-answer="fix" }`). Each page is loaded once at
390 x 844 CSS px, a common phone's screen, at scroll 0: the Fix's description
(its code block, or its link to the code) must end within those 844 px.

The terms are found by their data attribute, never by their English text.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from core.pages import all_pages, page_id
from core.paths import DOCS, page_url

PHONE = {"width": 390, "height": 844}
TERMS = ("symptom", "cause", "fix")
TIMEOUT = 30_000  # ms, for each step of a visit, on a busy machine

# What the first screen shows of the answer: for each term, how many there
# are, and the box of the description that follows it (<dt> + <dd>).
ANSWER = """terms => {
    const title = document.querySelector("article h1");
    const box = title && title.nextElementSibling;
    const found = {
        scrollY: window.scrollY,
        screen: window.innerHeight,
        right_after_title: !!box && box.matches(".admonition.answer"),
        terms: {},
    };
    for (const term of terms) {
        const all = document.querySelectorAll(
            `article .answer dt[data-answer="${term}"]`);
        const dd = all.length ? all[0].nextElementSibling : null;
        const rect = dd && dd.tagName === "DD" ? dd.getBoundingClientRect() : null;
        found.terms[term] = {
            count: all.length,
            top: rect && rect.top,
            bottom: rect && rect.bottom,
            height: rect && rect.height,
            code: !!dd && !!dd.querySelector("pre code"),
            // a link of the text itself (not one inside an evidence marker)
            // to a heading of this page: the section that shows the code
            link: !!dd && [...dd.querySelectorAll(
                ":scope > a[href^='#'], :scope > p > a[href^='#']")].some(a => {
                    const target = document.getElementById(
                        decodeURIComponent(a.hash.slice(1)));
                    return !!target && /^H[2-6]$/.test(target.tagName);
                }),
        };
    }
    return found;
}"""


def answer_problems(found: dict) -> list[str]:
    """What keeps the answer from being first and on the first screen."""
    problems = []
    if found["scrollY"] != 0:
        problems.append(f"the page loaded scrolled to {found['scrollY']} px")
    if not found["right_after_title"]:
        problems.append('the title is not followed by an `!!! answer ""` box')
    for term, seen in found["terms"].items():
        if seen["count"] != 1:
            problems.append(
                f'{seen["count"]} terms marked data-answer="{term}" in the box, not 1'
            )
        elif seen["bottom"] is None or not seen["height"]:
            problems.append(f'data-answer="{term}" has no description (<dd>) shown')
    fix = found["terms"]["fix"]
    if fix["count"] == 1 and fix["height"]:
        if not (fix["code"] or fix["link"]):
            problems.append(
                "the Fix has neither a code block nor a link to a section of the page"
            )
        if fix["bottom"] > found["screen"]:
            problems.append(
                f"the Fix ends at {fix['bottom']:.0f} px, below the first screen "
                f"({found['screen']} px)"
            )
    return problems


def how_to_pages() -> list[Path]:
    """The pages of docs/how-to/."""
    return [page for page in all_pages() if page.parent == DOCS / "how-to"]


@pytest.fixture(scope="module")
def phone(browser):
    """One tab at a phone's size, reused for every page: one visit each."""
    context = browser.new_context(viewport=PHONE)
    context.set_default_timeout(TIMEOUT)
    try:
        yield context.new_page()
    finally:
        context.close()


def test_there_are_how_to_pages():
    assert len(how_to_pages()) >= 14, [page_id(p) for p in how_to_pages()]


@pytest.mark.parametrize("page", how_to_pages(), ids=page_id)
def test_the_fix_is_on_the_first_phone_screen(page: Path, phone, site_url: str):
    phone.goto(site_url + page_url(page), wait_until="load")
    problems = answer_problems(phone.evaluate(ANSWER, list(TERMS)))
    assert not problems, (
        f"{page_id(page)} at {PHONE['width']} x {PHONE['height']}:\n"
        + ("\n".join(problems))
    )


# The check can fail: the same script on pages made to break it, each with
# the problem it must report.
ANSWERED = """<article><h1>Title</h1><div class="admonition answer"><dl>
<dt data-answer="symptom">Symptom</dt><dd>It hangs.</dd>
<dt data-answer="cause">Cause</dt><dd>Nobody closes.</dd>
<dt data-answer="fix">Fix</dt><dd>{fix}</dd></dl></div>
<h2 id="how">How</h2></article>"""
CODE = "<pre><code>sock.close()</code></pre>"
MARKER = '<sup class="claim"><a href="#evidence">run</a></sup>'
BROKEN = {
    "fix below the screen": (
        ANSWERED.format(fix=f'<div style="height: 900px"></div>{CODE}'),
        "below the first screen",
    ),
    "fix without code or link": (
        ANSWERED.format(fix=f"Close it.{MARKER}"),
        "neither a code block nor a link",
    ),
    "fix linking elsewhere": (
        ANSWERED.format(fix='Close <a href="../glossary/#fin">it</a>.'),
        "neither a code block nor a link",
    ),
    "no fix": (
        ANSWERED.replace(' data-answer="fix"', "").format(fix=CODE),
        '0 terms marked data-answer="fix"',
    ),
    "answer not first": (
        ANSWERED.replace("</h1>", "</h1><p>Task: close.</p>").format(fix=CODE),
        "not followed by",
    ),
}
PASSING = {
    "code": ANSWERED.format(fix=f"Close it:{CODE}"),
    "link": ANSWERED.format(fix='Close it (<a href="#how">how</a>).'),
}


@pytest.mark.parametrize(("html", "problem"), BROKEN.values(), ids=BROKEN.keys())
def test_a_page_without_its_answer_on_the_first_screen_fails(
    html: str, problem: str, phone
):
    phone.set_content(html)
    found = answer_problems(phone.evaluate(ANSWER, list(TERMS)))
    assert any(problem in p for p in found), found


@pytest.mark.parametrize("html", PASSING.values(), ids=PASSING.keys())
def test_a_page_with_its_answer_on_the_first_screen_passes(html: str, phone):
    phone.set_content(html)
    assert answer_problems(phone.evaluate(ANSWER, list(TERMS))) == []
