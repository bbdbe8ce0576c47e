"""The built site in Chromium, each page visited once (the fixtures that
hold the browser and the visits are in tests/plugins/browser.py).

Chromium comes from the system (Debian's package at /usr/bin/chromium, or
$CHROMIUM), driven by Playwright's Python package; Playwright's own browser
download is never used. Without Chromium the browser tests skip and say how
to install it, except where REQUIRE_BROWSER=1 (.ci/run and the Ubuntu CI
jobs set it), where a missing browser fails them.

Each page is visited once, in a fresh context (a cold cache), by a fixture
that records what the tests need (requests, errors, sizes, links, axe-core's
findings in the light palette and, after the system preference switches, in
the dark one, what each copy button copies, and last the layout at 390 and
1280 px, harness.layout); the tests of each concern read
that record. All the tests about one page form one xdist group, so they run
on one worker and share one visit, and the visits spread over the workers.
A visit happens in fixture setup, each step bounded by VISIT_TIMEOUT
(Playwright's timeout, or bounded() for scripts), never inside a test's time
limit; a page that hangs fails with its address.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from core.pages import all_pages, page_id
from core.paths import page_url
from harness import layout
from harness.serve import transfer_size

AXE = Path(__file__).resolve().parent / "vendor" / "axe-4.14.1.min.js"
VISIT_TIMEOUT = 60_000  # ms, for each step of one visit, on a busy machine
COPY_BUDGET = 50_000  # ms, for all the copies of one page (within VISIT_TIMEOUT):
# with both cores busy, one copy has taken over a second (25 s ran out on
# asyncio.md, 25 blocks, where each copy takes under 0.2 s on an idle machine)

# Diagrams are images drawn at build time (hooks/diagrams.py); lazy images
# load once scrolled into view, so bring each into view, then check it drew.
DIAGRAMS_DRAWN = """async () => {
    const images = [...document.querySelectorAll("img.diagram")]
        .filter(img => getComputedStyle(img).display !== "none");
    for (const img of images) {
        img.scrollIntoView();
        if (!img.complete)
            await new Promise(done => img.addEventListener("load", done));
    }
    return images.every(img => img.naturalWidth > 0);
}"""
# (An <a> inside an SVG drawing has an object for .href: resolve its attribute.)
COLLECT_LINKS = """() => [...document.querySelectorAll("a[href]")]
    .map(a => new URL(a.getAttribute("href"), document.baseURI).href)"""
# Colour contrast of code: a highlighted block is thousands of token spans,
# and axe-core's color-contrast rule measures each one (most of a page's axe
# time). Two tokens with the same class, computed colour, font and
# background (that of the nearest ancestor that paints one) have the same
# contrast, so the rule measures one token of each such kind per page and
# palette: one that is rendered and not scrolled out of its block, if any
# (axe-core skips hidden text, and cannot measure clipped text); the others
# carry data-axe-same-contrast, which the rule's selector leaves out
# (axe-core has no sampling option of its own). Every other rule still sees
# every element. Marked again in each palette.
CODE_TOKENS = ".highlight code span[class]"
MARK_SAME_CONTRAST = f"""() => {{
    const painted = new Map();  // element -> the background it shows
    const background = element => {{
        if (!element) return "";
        if (!painted.has(element)) {{
            const style = getComputedStyle(element);
            painted.set(element,
                style.backgroundColor !== "rgba(0, 0, 0, 0)"
                    || style.backgroundImage !== "none"
                    ? style.backgroundColor + style.backgroundImage
                    : background(element.parentElement));
        }}
        return painted.get(element);
    }};
    const measurable = token => {{
        const box = token.closest("pre")?.getBoundingClientRect();
        const own = token.getBoundingClientRect();
        return own.width > 0 && box && own.left >= box.left && own.right <= box.right;
    }};
    const kinds = new Map();  // kind -> [the token to measure, is it measurable]
    for (const token of document.querySelectorAll("{CODE_TOKENS}")) {{
        token.setAttribute("data-axe-same-contrast", "");
        const style = getComputedStyle(token);
        const kind = [token.className, style.color, style.opacity, style.fontSize,
                      style.fontWeight, style.fontStyle, style.textShadow,
                      background(token.parentElement)].join("|");
        if (!kinds.has(kind)) kinds.set(kind, [token, false]);
        const chosen = kinds.get(kind);
        if (!chosen[1] && measurable(token)) kinds.set(kind, [token, true]);
    }}
    for (const [token] of kinds.values())
        token.removeAttribute("data-axe-same-contrast");
    axe.configure({{rules: [{{id: "color-contrast",
                             selector: "*:not([data-axe-same-contrast])"}}]}});
}}"""
# The full run also checks target-size (WCAG 2.2, 2.5.8) in the page's content,
# which Lighthouse's accessibility score includes and axe-core leaves off by
# default: one run over the whole page (one build of axe-core's own tree of
# it), keeping target-size's findings inside .md-content. (Material's
# desktop sidebar links fail it at some scroll positions; the sidebar is the
# theme's, and on a phone it is a drawer.)
AXE_RUN = """async rules => {
    const options = rules
        ? {resultTypes: ["violations"], runOnly: {type: "rule", values: rules}}
        : {resultTypes: ["violations"], elementRef: true,
           rules: {"target-size": {enabled: true}}};
    const found = (await axe.run(document, options)).violations
        .map(v => v.id !== "target-size" ? v : {...v, nodes: v.nodes.filter(
            n => n.element && n.element.closest(".md-content"))})
        .filter(v => v.nodes.length);
    return found.map(v =>
        `${v.id} (${v.impact}): `
        + v.nodes.slice(0, 3).map(n => n.target.join(" ")).join(", "));
}"""
AXE_COLOUR_RULES = ["color-contrast", "link-in-text-block"]
# Material 9.6+ draws code buttons as button.md-code__button[data-md-type=copy];
# older releases used button.md-clipboard.
COPY_BUTTON = 'button.md-code__button[data-md-type="copy"], button.md-clipboard'
# For each copy button: open the collapsed "example" blocks around it (a
# reader opens one before copying; Material copies the rendered text, empty
# while closed), send the click event a reader's click sends (dispatched, so
# that a button in an inactive content tab works too), read the clipboard
# once the copy has landed.
COPY_ALL = f"""async selector => {{
    const texts = [];
    // Material copies with clipboard.js: a hidden textarea holding the
    // block's text, selected, then document.execCommand("copy"), whose copy
    // event fires before the click returns; what that event's target has
    // selected is what the browser puts on the clipboard (nothing here
    // replaces it). Read there, the copy needs no round trip to the
    // clipboard, which took seconds per block with both cores busy (a
    // 50 s budget ran out on the helpers page). A copy made another way
    // fires no such event: then the clipboard is read. Each click waits for
    // its own copy, the event or the clipboard, within one budget shorter
    // than the visit's bound, before the next click: a copy taken from
    // whatever came first once gave a block the previous block's text (the
    // copy test then names a block whose copy never landed).
    const copies = [];
    document.addEventListener("copy", event => {{
        const target = event.target;
        copies.push(typeof target?.value === "string"
            ? target.value.slice(target.selectionStart, target.selectionEnd)
            : String(document.getSelection()));
    }}, true);
    const deadline = performance.now() + {COPY_BUDGET};
    let previousTarget;  // what the previous button copies (clipboard.js)
    for (const button of document.querySelectorAll(selector)) {{
        for (let d = button.closest("details"); d;
             d = d.parentElement.closest("details"))
            d.open = true;
        // A marker, not "": an empty write may leave the previous block's
        // copy on the clipboard, for a read to take as this one's.
        const marker = `copy test: block ${{texts.length}} not copied yet`;
        await navigator.clipboard.writeText(marker);
        let before = copies.length;
        button.dispatchEvent(new MouseEvent("click", {{bubbles: true}}));
        let text = "";
        while (performance.now() < deadline) {{
            // A copy event that repeats the previous block's copy, for a
            // block whose code differs, is taken as that block's, arriving
            // late on a busy machine: wait for this block's own.
            if (copies.length > before && texts.length
                    && copies[before] === texts[texts.length - 1]
                    && button.dataset.clipboardTarget !== previousTarget) {{
                before += 1;
                continue;
            }}
            if (copies.length > before) {{
                text = copies[before];
                break;
            }}
            const read = await navigator.clipboard.readText();
            if (copies.length > before) continue;  // an event came: above
            if (read && read !== marker) {{
                text = read;
                break;
            }}
            await new Promise(wake => setTimeout(wake, 50));
        }}
        texts.push(text);
        previousTarget = button.dataset.clipboardTarget;
    }}
    return texts;
}}"""
# CSS transitions only: Material also runs endless animations (the pulse of
# code annotation markers), which never finish. A transition that another
# style change cancels has ended too, though its promise rejects (AbortError).
TRANSITIONS_ENDED = """async () => Promise.all(document.getAnimations()
    .filter(a => a instanceof CSSTransition)
    .map(a => a.finished.catch(() => null)))"""


def bounded(script: str) -> str:
    """An async page function that fails after VISIT_TIMEOUT: Playwright's
    evaluate() has no time limit of its own, and a visit must never hang."""
    return f"""async arg => Promise.race([
        ({script})(arg),
        new Promise((_, fail) => setTimeout(() => fail(
            new Error("no answer after {VISIT_TIMEOUT} ms")), {VISIT_TIMEOUT})),
    ])"""


@dataclass
class Visit:
    """What one cold load of one page showed, in the light palette and then,
    switched by the reader's system preference, in the dark one."""

    url: str
    status: int | None = None
    titles: int = 0
    requests: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    sizes: dict[str, int] = field(default_factory=dict)
    diagrams_drawn: bool = True
    links: list[str] = field(default_factory=list)
    copied: list[str] = field(default_factory=list)
    violations: list[str] = field(default_factory=list)
    dark_scheme: str | None = None
    dark_violations: list[str] = field(default_factory=list)
    # At 390 and at 1280 px: what sticks out, tables, ladders (harness/layout.py)
    layout: dict = field(default_factory=dict)


DARK_SCHEME = "() => document.body.getAttribute('data-md-color-scheme')"


def visit(browser, url: str) -> Visit:
    """Load url cold in the light palette: record the requests, errors, links
    and sizes, run axe-core; then switch the system preference to dark, as a
    reader's device does, and run axe-core's colour rules again (the only ones
    a palette changes); last, copy every code block."""
    context = browser.new_context(
        color_scheme="light", permissions=["clipboard-read", "clipboard-write"]
    )
    context.set_default_timeout(VISIT_TIMEOUT)
    # A request to another host is recorded (the loading test fails on it),
    # then refused at once: the browser reaches nothing but the site's own
    # server, and a page that asks for a font from elsewhere does not wait
    # for a lookup that cannot succeed here.
    own = urlsplit(url)
    context.route(
        lambda address: urlsplit(address)[:2] != own[:2] and address.startswith("http"),
        lambda route: route.abort("blockedbyclient"),
    )
    seen = Visit(url)
    responses = []
    try:
        tab = context.new_page()
        tab.on("request", lambda r: seen.requests.append(r.url))
        tab.on("requestfailed", lambda r: seen.failed.append(f"{r.url}: {r.failure}"))
        tab.on("response", lambda r: responses.append(r))
        tab.on(
            "console",
            lambda m: seen.errors.append(m.text) if m.type == "error" else None,
        )
        tab.on("pageerror", lambda e: seen.errors.append(str(e)))
        response = tab.goto(url, wait_until="load")
        seen.status = response.status if response else None
        seen.titles = tab.locator("article h1").count()
        seen.diagrams_drawn = tab.evaluate(bounded(DIAGRAMS_DRAWN))
        seen.links = tab.evaluate(COLLECT_LINKS)
        tab.add_script_tag(path=str(AXE))
        tab.evaluate(MARK_SAME_CONTRAST)
        seen.violations = tab.evaluate(bounded(AXE_RUN), None)
        # What loads late (the search index, lazy images) counts too: by now
        # the page has usually been idle for long enough, so this is quick.
        tab.wait_for_load_state("networkidle")
        seen.sizes = {r.url: transfer_size(r.url, r.body()) for r in responses if r.ok}
        tab.emulate_media(color_scheme="dark")
        tab.wait_for_function(f"() => ({DARK_SCHEME[6:]}) === 'slate'")
        seen.dark_scheme = tab.evaluate(DARK_SCHEME)
        # Material animates colour changes: measure contrast once they end.
        tab.evaluate(bounded(TRANSITIONS_ENDED))
        tab.evaluate(MARK_SAME_CONTRAST)
        seen.dark_violations = tab.evaluate(bounded(AXE_RUN), AXE_COLOUR_RULES)
        # Last: each copy shows Material's "Copied" notice for a while, which
        # axe-core would otherwise catch half faded in.
        seen.copied = copy_every_block(tab)
        # After everything else: this resizes the window and opens every tab.
        seen.layout = layout.measure(tab)
    finally:
        context.close()
    return seen


def copy_every_block(tab) -> list[str]:
    """The text each code block's copy button puts on the clipboard."""
    return tab.evaluate(bounded(COPY_ALL), COPY_BUTTON)


def page_params(with_404: bool = False) -> list:
    """The pages as test parameters, each in the xdist group of its visit
    (None stands for the 404 page)."""
    pages = [*all_pages(), *([None] if with_404 else [])]
    return [
        pytest.param(
            page,
            id=page_id(page) if page else "404",
            marks=pytest.mark.xdist_group(f"visit:{page_id(page) if page else 404}"),
        )
        for page in pages
    ]


def url_of(site_url: str, page: Path | None) -> str:
    return site_url + (page_url(page) if page else "404.html")


class Visitor:
    """Visits each page once per worker, on first request."""

    def __init__(self, browser, site_url: str):
        self.browser, self.site_url = browser, site_url
        self.seen: dict[str, Visit] = {}

    def get(self, page: Path | None) -> Visit:
        url = url_of(self.site_url, page)
        if url not in self.seen:
            try:
                self.seen[url] = visit(self.browser, url)
            except Exception as error:  # a Playwright timeout names no page
                pytest.fail(f"{url}: {type(error).__name__}: {error}", pytrace=False)
        return self.seen[url]
