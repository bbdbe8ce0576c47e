"""Every page loads in Chromium from its own host only, without errors, and light."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

import pytest

from browser import visit_of
from pages import all_pages, page_id

pytestmark = pytest.mark.xdist_group("browser")

MAX_BYTES = 350 * 1024
MAX_REQUESTS = 40


@pytest.mark.parametrize("page", all_pages(), ids=page_id)
def test_page_loads_from_its_own_host_only(page: Path, visits, site_url: str):
    seen = visit_of(visits, site_url, page)
    assert seen.status == 200, f"{page_id(page)}: HTTP {seen.status}"
    assert seen.titles == 1, f"{page_id(page)}: {seen.titles} titles rendered"
    assert seen.diagrams_drawn, f"{page_id(page)}: a diagram did not load"
    own = urlsplit(site_url).netloc
    foreign = [url for url in seen.requests if urlsplit(url).netloc not in (own, "")]
    assert not foreign, f"{page_id(page)}: requests to other hosts: {foreign}"
    assert not seen.failed, f"{page_id(page)}: failed requests: {seen.failed}"
    assert not seen.errors, f"{page_id(page)}: console errors: {seen.errors}"


@pytest.mark.parametrize("page", all_pages(), ids=page_id)
def test_cold_load_weight(page: Path, visits, site_url: str):
    seen = visit_of(visits, site_url, page)
    total = sum(seen.sizes.values())
    heaviest = sorted(seen.sizes.items(), key=lambda item: -item[1])[:5]
    detail = ", ".join(f"{urlsplit(u).path} {n // 1024} KiB" for u, n in heaviest)
    assert len(seen.requests) <= MAX_REQUESTS, (
        f"{page_id(page)}: {len(seen.requests)} requests"
    )
    assert total <= MAX_BYTES, (
        f"{page_id(page)}: {total // 1024} KiB compressed; heaviest: {detail}"
    )
