"""pytest plugin: Chromium and the built site, for the browser tests.

Chromium comes from the system (Debian's package at /usr/bin/chromium, or
$CHROMIUM), driven by Playwright's Python package; Playwright's own browser
download is never used. Without Chromium the browser tests skip and say how
to install it, except where REQUIRE_BROWSER=1 (.ci/run and the Ubuntu CI
jobs set it), where a missing browser fails them. The visits themselves are
harness.browser's.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from core.chromium import CHROMIUM, CHROMIUM_ARGS
from harness.browser import Visit, Visitor
from harness.serve import serving


@pytest.fixture(scope="session")
def chromium() -> str:
    """The system's Chromium; skips (or fails, REQUIRE_BROWSER=1) without it."""
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


@pytest.fixture(scope="session")
def site_url(built_site: Path):
    with serving(built_site) as url:
        yield url


@pytest.fixture(scope="session")
def browser(chromium: str):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=chromium, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


@pytest.fixture(scope="session")
def visitor(browser, site_url: str) -> Visitor:
    return Visitor(browser, site_url)


@pytest.fixture
def seen(visitor: Visitor, page: Path | None) -> Visit:
    """The page's visit (made by the first test of its group on this worker)."""
    return visitor.get(page)
