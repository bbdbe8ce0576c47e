"""The built site in a real browser: every page loads, from 127.0.0.1 only.

Chromium comes from Debian (/usr/bin/chromium), driven by Playwright's Python
package; Playwright's own browser download is never used. Without Chromium
these tests skip and say how to install it, except where REQUIRE_BROWSER=1
(.ci/run and the Ubuntu CI jobs set it), where a missing browser is a failure.
"""

from __future__ import annotations

import functools
import http.server
import os
import shutil
import subprocess
import sys
import threading
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from pages import all_pages
from snippet_files import DOCS

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


# Material renders each diagram into a closed shadow root of div.mermaid, so
# the drawing is seen by its size, not by querying for an <svg>.
DIAGRAM_DRAWN = """() => {
    const diagrams = [...document.querySelectorAll("div.mermaid")];
    return diagrams.length > 0
        && diagrams.every(d => d.getBoundingClientRect().height > 40);
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
            tab.wait_for_function(DIAGRAM_DRAWN, timeout=10_000)
    finally:
        context.close()
    foreign = [url for url in requests if urlsplit(url).netloc not in (own, "")]
    assert not foreign, f"{page}: requests to other hosts: {foreign}"
    assert not failed, f"{page}: failed requests: {failed}"
    assert not errors, f"{page}: console errors: {errors}"


def serve_folder(folder: Path):
    handler = functools.partial(QuietHandler, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    return server, thread


def test_mermaid_is_served_by_the_site_and_only_where_needed(project: Path, browser):
    """A page with a diagram renders it with the vendored Mermaid; others skip it."""
    (project / "docs" / "diagram.md").write_text(
        "# Diagram\n\n```mermaid\nsequenceDiagram\n    client->>server: FIN\n```\n"
    )
    site = project / "site"
    build = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "-q", "-d", str(site)],
        cwd=project,
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
    )
    assert build.returncode == 0, build.stderr
    server, thread = serve_folder(site)
    base = f"http://127.0.0.1:{server.server_address[1]}/"
    context = browser.new_context()
    try:
        seen = {}
        for path in ("diagram/", ""):
            tab = context.new_page()
            requests = []
            tab.on("request", lambda r, requests=requests: requests.append(r.url))
            tab.goto(base + path, wait_until="networkidle", timeout=20_000)
            if path:  # Material draws into a closed shadow root: measure it
                tab.wait_for_function(DIAGRAM_DRAWN, timeout=10_000)
            seen[path] = requests
    finally:
        context.close()
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
    for path, requests in seen.items():
        foreign = [u for u in requests if not u.startswith(base)]
        assert not foreign, f"/{path}: requests to other hosts: {foreign}"
    assert any("mermaid" in u for u in seen["diagram/"])
    assert not any("mermaid" in u for u in seen[""]), "the index loaded Mermaid"
