"""The built site in a real browser: every page loads, from 127.0.0.1 only.

Chromium comes from Debian (/usr/bin/chromium), driven by Playwright's Python
package; Playwright's own browser download is never used. Without Chromium
these tests skip and say how to install it, except where REQUIRE_BROWSER=1
(.ci/run and the Ubuntu CI jobs set it), where a missing browser is a failure.
"""

from __future__ import annotations

import functools
import gzip
import http.server
import os
import re
import shutil
import subprocess
import sys
import threading
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from pages import all_pages, copyable_text, includes, shown_text
from snippet_files import DOCS, ROOT, is_pair_member, platform_skip_reason, rel
from test_snippets import check_recorded_prints

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


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
    return images.length > 0 && images.every(img => img.naturalWidth > 0);
}"""


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


@pytest.fixture(scope="module")
def site_url(built_site: Path):
    handler = functools.partial(QuietHandler, directory=str(built_site))
    with http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler) as server:
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        host, port = server.server_address[:2]
        yield f"http://{host}:{port}/"
        server.shutdown()
        thread.join(timeout=5)


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format, *args):
        pass


@pytest.fixture(scope="module")
def browser():
    executable = chromium_or_skip()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=executable, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


def page_url(base: str, page: Path) -> str:
    relative = page.relative_to(DOCS).with_suffix("")
    if relative.name == "index":
        path = relative.parent.as_posix()
        return base if path == "." else f"{base}{path}/"
    return f"{base}{relative.as_posix()}/"


@pytest.mark.parametrize(
    "page", all_pages(), ids=lambda p: p.relative_to(DOCS).as_posix()
)
def test_page_loads_from_its_own_host_only(page: Path, browser, site_url: str):
    own = urlsplit(site_url).netloc
    context = browser.new_context()
    tab = context.new_page()
    requests, failed, errors = [], [], []
    tab.on("request", lambda r: requests.append(r.url))
    tab.on("requestfailed", lambda r: failed.append(f"{r.url}: {r.failure}"))
    tab.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    tab.on("pageerror", lambda e: errors.append(str(e)))
    try:
        response = tab.goto(
            page_url(site_url, page), wait_until="networkidle", timeout=20_000
        )
        assert response is not None and response.ok, (
            f"{page}: HTTP {response and response.status}"
        )
        assert tab.locator("article h1").count() == 1, f"{page}: no title rendered"
        if "```mermaid" in page.read_text():
            assert tab.evaluate(DIAGRAMS_DRAWN), f"{page}: a diagram did not load"
    finally:
        context.close()
    foreign = [url for url in requests if urlsplit(url).netloc not in (own, "")]
    assert not foreign, f"{page}: requests to other hosts: {foreign}"
    assert not failed, f"{page}: failed requests: {failed}"
    assert not errors, f"{page}: console errors: {errors}"


# --- every internal link and #anchor resolves ---

COLLECT_LINKS = """() => [...document.querySelectorAll("a[href]")].map(a => a.href)"""
COLLECT_IDS = """() => [...document.querySelectorAll("[id]")].map(e => e.id)"""


@pytest.fixture(scope="module")
def page_ids(browser, site_url: str) -> dict[str, set[str]]:
    """For every page: the ids on it, as the browser sees them."""
    ids, links = {}, {}
    context = browser.new_context()
    try:
        tab = context.new_page()
        for page in all_pages():
            url = page_url(site_url, page)
            tab.goto(url, wait_until="load", timeout=20_000)
            ids[url] = set(tab.evaluate(COLLECT_IDS))
            links[url] = tab.evaluate(COLLECT_LINKS)
    finally:
        context.close()
    return {"ids": ids, "links": links}


def test_every_internal_link_and_anchor_resolves(page_ids, site_url: str):
    broken = []
    for source, hrefs in page_ids["links"].items():
        for href in hrefs:
            if not href.startswith(site_url):
                continue
            target, _, anchor = href.partition("#")
            if re.fullmatch(r"__code_\d+_annotation_\d+", anchor):
                continue  # Material's annotation markers, drawn on demand
            if target.endswith((".xml", ".json", ".js", ".css", ".png", ".svg")):
                continue
            if target not in page_ids["ids"]:
                with urllib.request.urlopen(target, timeout=5) as response:
                    if response.status != 200:
                        broken.append(f"{source} -> {href}: HTTP {response.status}")
                continue
            if anchor and anchor not in page_ids["ids"][target]:
                broken.append(f"{source} -> {href}: no element with id {anchor!r}")
    assert not broken, "broken links:\n" + "\n".join(broken)


# --- search ---


def search(browser, site_url: str, query: str) -> list[str]:
    context = browser.new_context()
    try:
        tab = context.new_page()
        tab.goto(site_url, wait_until="networkidle", timeout=20_000)
        tab.locator("input.md-search__input").click(force=True)
        tab.keyboard.type(query)  # Material searches on key events, not on fill()
        tab.wait_for_function(
            "() => /matching/i.test("
            "document.querySelector('.md-search-result__meta')?.textContent ?? '')",
            timeout=10_000,
        )
        return tab.eval_on_selector_all(
            ".md-search-result__item > a.md-search-result__link",
            "links => links.map(a => a.href)",
        )
    finally:
        context.close()


def test_search_finds_the_pages_about_a_term(browser, site_url: str):
    results = search(browser, site_url, "SHUT_WR")
    assert results, "searching for SHUT_WR found nothing"
    pages = {urlsplit(url).path for url in results}
    assert "/how-to/half-close/" in pages, results
    assert "/" in pages, results


def test_search_for_nonsense_finds_nothing(browser, site_url: str):
    assert search(browser, site_url, "xqzvwkjh") == []


# --- copy and run: what the copy button gives a reader runs as shown ---


# Material 9.6+ draws code buttons as button.md-code__button[data-md-type=copy];
# older releases used button.md-clipboard.
COPY_BUTTON = 'button.md-code__button[data-md-type="copy"], button.md-clipboard'


OPEN_DETAILS = """button => {
    for (let d = button.closest("details"); d; d = d.parentElement.closest("details"))
        d.open = true;
}"""


@pytest.fixture(scope="module")
def copied(browser, site_url: str) -> dict[Path, list[str]]:
    """For every page, the text each code block's copy button puts on the clipboard."""
    context = browser.new_context(permissions=["clipboard-read", "clipboard-write"])
    found = {}
    try:
        tab = context.new_page()
        for page in all_pages():
            tab.goto(page_url(site_url, page), wait_until="networkidle", timeout=20_000)
            texts = []
            buttons = tab.locator(COPY_BUTTON)
            for i in range(buttons.count()):
                tab.evaluate("navigator.clipboard.writeText('')")
                button = buttons.nth(i)
                # A reader opens a collapsed "example" block before copying from
                # it (Material copies the rendered text, empty while closed).
                button.evaluate(OPEN_DETAILS)
                # The click event a reader's click sends, dispatched so that a
                # button in an inactive content tab works too.
                button.dispatch_event("click")
                texts.append(tab.evaluate("navigator.clipboard.readText()"))
            found[page] = texts
    finally:
        context.close()
    return found


@pytest.mark.parametrize(
    "page", all_pages(), ids=lambda p: p.relative_to(DOCS).as_posix()
)
def test_copy_button_copies_what_the_page_shows(page: Path, copied):
    texts = {normalise(t) for t in copied[page]}
    missing = [
        str(inc) for inc in includes(page) if normalise(shown_text(inc)) not in texts
    ]
    assert not missing, (
        "no copy button on the page copies exactly the included code of:\n"
        + "\n".join(missing)
    )


def normalise(text: str) -> str:
    return copyable_text(text)


@pytest.mark.parametrize(
    "inc",
    [
        pytest.param(inc, id=rel(inc.file))
        for inc in {
            inc.file: inc
            for page in all_pages()
            for inc in includes(page)
            if inc.section is None and not is_pair_member(inc.file)
        }.values()
    ],
)
def test_copied_program_runs_and_prints_what_the_page_shows(
    inc, copied, tmp_path, request
):
    reason = platform_skip_reason(inc.file, request.config.getoption("--fake-platform"))
    if reason:
        pytest.skip(reason)
    texts = [t for t in copied[inc.page] if normalise(t) == normalise(shown_text(inc))]
    assert texts, f"{inc}: no copy button copies this program"
    program = tmp_path / inc.file.name
    # As pasted into an editor, which ends the file with a newline.
    program.write_text(texts[0] if texts[0].endswith("\n") else texts[0] + "\n")
    record = tmp_path / "prints.json"
    result = subprocess.run(
        [
            sys.executable,
            "-W",
            "error",
            str(ROOT / "tests" / "run_snippet.py"),
            str(record),
            str(program),
        ],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=tmp_path,
    )
    assert result.returncode == 0 and not result.stderr, (
        f"{inc}: the copied program exited with {result.returncode}:\n{result.stderr}"
    )
    diff = check_recorded_prints(program, record, update=False)
    assert diff is None, f"{inc}: the copied program printed something else:\n{diff}"


# --- light and dark ---

ARTEFACTS = ROOT / "build" / "screenshots"


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_index_renders_in_both_palettes(scheme: str, browser, site_url: str):
    context = browser.new_context(
        color_scheme=scheme, viewport={"width": 1280, "height": 900}
    )
    try:
        tab = context.new_page()
        tab.goto(site_url, wait_until="networkidle", timeout=20_000)
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


# --- accessibility: axe-core finds nothing, in either palette ---

AXE = ROOT / "tests" / "vendor" / "axe-4.14.1.min.js"
AXE_RUN = """async () => (await axe.run(document)).violations.map(v =>
    `${v.id} (${v.impact}): `
    + v.nodes.slice(0, 3).map(n => n.target.join(" ")).join(", "))"""


@pytest.mark.timeout(300)
@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_no_accessibility_violations(scheme: str, browser, site_url: str):
    context = browser.new_context(color_scheme=scheme)
    found = {}
    try:
        tab = context.new_page()
        for page in [*all_pages(), None]:
            url = page_url(site_url, page) if page else site_url + "404.html"
            tab.goto(url, wait_until="networkidle", timeout=20_000)
            tab.add_script_tag(path=str(AXE))
            violations = tab.evaluate(AXE_RUN)
            if violations:
                found[url] = violations
    finally:
        context.close()
    assert not found, "axe-core violations:\n" + "\n".join(
        f"{url}: {v}" for url, vs in found.items() for v in vs
    )


# --- weight: what a cold load of each page costs ---

MAX_BYTES = 350 * 1024
MAX_REQUESTS = 40
COMPRESSIBLE = (".html", ".css", ".js", ".json", ".svg", ".xml", ".txt", "/")


def transfer_size(url: str, body: bytes) -> int:
    """The size a production server sends: text gzipped (level 6), the rest as is."""
    path = urlsplit(url).path
    return len(gzip.compress(body, 6)) if path.endswith(COMPRESSIBLE) else len(body)


@pytest.mark.parametrize(
    "page", all_pages(), ids=lambda p: p.relative_to(DOCS).as_posix()
)
def test_cold_load_weight(page: Path, browser, site_url: str):
    context = browser.new_context()  # a new context has an empty cache
    responses = []
    try:
        tab = context.new_page()
        tab.on("response", lambda response: responses.append(response))
        tab.goto(page_url(site_url, page), wait_until="networkidle", timeout=20_000)
        tab.evaluate(DIAGRAMS_DRAWN) if "```mermaid" in page.read_text() else None
        tab.wait_for_load_state("networkidle")
        sizes = {r.url: transfer_size(r.url, r.body()) for r in responses if r.ok}
    finally:
        context.close()
    total = sum(sizes.values())
    heaviest = sorted(sizes.items(), key=lambda item: -item[1])[:5]
    detail = ", ".join(f"{urlsplit(u).path} {n // 1024} KiB" for u, n in heaviest)
    assert len(responses) <= MAX_REQUESTS, f"{page}: {len(responses)} requests"
    assert total <= MAX_BYTES, (
        f"{page}: {total // 1024} KiB compressed; heaviest: {detail}"
    )
