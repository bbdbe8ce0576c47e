"""pytest plugin: the built site in Chromium, each page visited once per palette.

Chromium comes from the system (Debian's package at /usr/bin/chromium, or
$CHROMIUM), driven by Playwright's Python package; Playwright's own browser
download is never used. Without Chromium the browser tests skip and say how
to install it, except where REQUIRE_BROWSER=1 (.ci/run and the Ubuntu CI
jobs set it), where a missing browser fails them.

The visits are shared work: a session fixture loads every page once in a
fresh context (a cold cache), records what the tests need (requests, errors,
sizes, ids and links, what each copy button copies, axe-core's findings),
and the tests of each concern read that record. The fixture has its own
bound (VISITS_BOUND), so a slow machine cannot make the first test that
uses it time out; a page that hangs fails with its name.
"""

from __future__ import annotations

import functools
import gzip
import http.server
import os
import shutil
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from conventions import CHROMIUM, CHROMIUM_ARGS, ROOT, page_url
from pages import all_pages

AXE = ROOT / "tests" / "vendor" / "axe-4.14.1.min.js"
VISITS_BOUND = 600  # seconds for visiting every page once, on a busy machine
NAVIGATION_TIMEOUT = 30_000  # ms, for one page

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
COLLECT_LINKS = """() => [...document.querySelectorAll("a[href]")].map(a => a.href)"""
COLLECT_IDS = """() => [...document.querySelectorAll("[id]")].map(e => e.id)"""
AXE_RUN = """async rules => (await axe.run(
        document, rules ? {runOnly: {type: "rule", values: rules}} : {}
    )).violations.map(v =>
    `${v.id} (${v.impact}): `
    + v.nodes.slice(0, 3).map(n => n.target.join(" ")).join(", "))"""
AXE_COLOUR_RULES = ["color-contrast", "link-in-text-block"]
# Material 9.6+ draws code buttons as button.md-code__button[data-md-type=copy];
# older releases used button.md-clipboard.
COPY_BUTTON = 'button.md-code__button[data-md-type="copy"], button.md-clipboard'
OPEN_DETAILS = """button => {
    for (let d = button.closest("details"); d; d = d.parentElement.closest("details"))
        d.open = true;
}"""
COMPRESSIBLE = (".html", ".css", ".js", ".json", ".svg", ".xml", ".txt", "/")


def chromium_or_skip() -> str:
    found = shutil.which(CHROMIUM)
    if found:
        return found
    message = (
        f"no Chromium at {CHROMIUM}: install it (Debian/Ubuntu: "
        "apt-get install chromium) or set CHROMIUM=/path/to/chromium"
    )
    if os.environ.get("REQUIRE_BROWSER") == "1":
        pytest.fail(f"REQUIRE_BROWSER=1, so these must run: {message}", pytrace=False)
    pytest.skip(message)


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format, *args):
        pass


@pytest.fixture(scope="session")
def site_url(built_site: Path):
    handler = functools.partial(QuietHandler, directory=str(built_site))
    with http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler) as server:
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        host, port = server.server_address[:2]
        yield f"http://{host}:{port}/"
        server.shutdown()
        thread.join(timeout=5)


@pytest.fixture(scope="session")
def browser():
    executable = chromium_or_skip()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=executable, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


def transfer_size(url: str, body: bytes) -> int:
    """The size a production server sends: text gzipped (level 6), the rest as is."""
    path = urlsplit(url).path
    return len(gzip.compress(body, 6)) if path.endswith(COMPRESSIBLE) else len(body)


@dataclass
class Visit:
    """What one cold load of one page showed."""

    url: str
    status: int | None = None
    titles: int = 0
    requests: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    sizes: dict[str, int] = field(default_factory=dict)
    diagrams_drawn: bool = True
    ids: set[str] = field(default_factory=set)
    links: list[str] = field(default_factory=list)
    copied: list[str] = field(default_factory=list)
    violations: list[str] = field(default_factory=list)


def visit(browser, url: str, scheme: str, full: bool) -> Visit:
    """Load url cold; with full, also collect links, copy every block, run axe."""
    context = browser.new_context(
        color_scheme=scheme, permissions=["clipboard-read", "clipboard-write"]
    )
    context.set_default_timeout(NAVIGATION_TIMEOUT)
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
        tab.add_script_tag(path=str(AXE))
        if not full:
            # Only the colour rules can differ between the palettes.
            seen.violations = tab.evaluate(AXE_RUN, AXE_COLOUR_RULES)
            return seen
        seen.titles = tab.locator("article h1").count()
        seen.diagrams_drawn = tab.evaluate(DIAGRAMS_DRAWN)
        seen.ids = set(tab.evaluate(COLLECT_IDS))
        seen.links = tab.evaluate(COLLECT_LINKS)
        seen.violations = tab.evaluate(AXE_RUN, None)
        seen.copied = copy_every_block(tab)
        # What loads late (the search index, lazy images) counts too: by now
        # the page has usually been idle for long enough, so this is quick.
        tab.wait_for_load_state("networkidle")
        seen.sizes = {r.url: transfer_size(r.url, r.body()) for r in responses if r.ok}
    finally:
        context.close()
    return seen


def copy_every_block(tab) -> list[str]:
    """The text each code block's copy button puts on the clipboard."""
    texts = []
    buttons = tab.locator(COPY_BUTTON)
    for i in range(buttons.count()):
        tab.evaluate("navigator.clipboard.writeText('')")
        button = buttons.nth(i)
        # A reader opens a collapsed "example" block before copying from it
        # (Material copies the rendered text, empty while closed).
        button.evaluate(OPEN_DETAILS)
        # The click event a reader's click sends, dispatched so that a button
        # in an inactive content tab works too.
        button.dispatch_event("click")
        texts.append(tab.evaluate("navigator.clipboard.readText()"))
    return texts


def visit_all(browser, urls: list[str], scheme: str, full: bool) -> dict[str, Visit]:
    deadline = time.monotonic() + VISITS_BOUND
    visits = {}
    for url in urls:
        if time.monotonic() > deadline:
            pytest.fail(f"visiting the pages took over {VISITS_BOUND} s; at {url}")
        try:
            visits[url] = visit(browser, url, scheme, full)
        except Exception as error:  # a Playwright timeout names no page
            pytest.fail(f"{url}: {type(error).__name__}: {error}", pytrace=False)
    return visits


def wanted_urls(session: pytest.Session, fixture: str, site_url: str) -> list[str]:
    """The pages the selected tests look at: a test parametrized by page needs
    that page; any other test that uses the fixture needs every page (and 404)."""
    pages = set()
    for item in session.items:
        if fixture in getattr(item, "fixturenames", ()):
            callspec = getattr(item, "callspec", None)
            if callspec and "page" in callspec.params:
                pages.add(callspec.params["page"])
            else:
                pages.update([*all_pages(), None])
    return [
        site_url + (page_url(page) if page else "404.html")
        for page in sorted(pages, key=lambda p: (p is None, str(p)))
    ]


@pytest.fixture(scope="session")
def visits(browser, site_url: str, request: pytest.FixtureRequest) -> dict[str, Visit]:
    """The pages the tests need, loaded cold in the light palette."""
    urls = wanted_urls(request.session, "visits", site_url)
    return visit_all(browser, urls, "light", full=True)


@pytest.fixture(scope="session")
def dark_visits(
    browser, site_url: str, request: pytest.FixtureRequest
) -> dict[str, Visit]:
    """The pages in the dark palette, for axe-core's contrast checks."""
    urls = wanted_urls(request.session, "dark_visits", site_url)
    return visit_all(browser, urls, "dark", full=False)


def visit_of(visits: dict[str, Visit], site_url: str, page: Path) -> Visit:
    return visits[site_url + page_url(page)]
