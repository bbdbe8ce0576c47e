"""Every link between the site's pages, and every #anchor, resolves in the browser."""

from __future__ import annotations

import re
import urllib.request

import pytest

pytestmark = pytest.mark.xdist_group("browser")


def test_every_internal_link_and_anchor_resolves(visits, site_url: str):
    ids = {url: seen.ids for url, seen in visits.items()}
    broken = []
    for source, seen in visits.items():
        for href in seen.links:
            if not href.startswith(site_url):
                continue
            target, _, anchor = href.partition("#")
            if re.fullmatch(r"__code_\d+_annotation_\d+", anchor):
                continue  # Material's annotation markers, drawn on demand
            if target not in ids:
                with urllib.request.urlopen(target, timeout=10) as response:
                    if response.status != 200:
                        broken.append(f"{source} -> {href}: HTTP {response.status}")
                continue
            if anchor and anchor not in ids[target]:
                broken.append(f"{source} -> {href}: no element with id {anchor!r}")
    assert not broken, "broken links:\n" + "\n".join(broken)
