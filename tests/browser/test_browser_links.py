"""Every link between the site's pages, and every #anchor, resolves.

The links are those the browser sees on each page (Material adds some with
JavaScript); the targets and their ids are checked in the built files."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

from core.pages import page_id
from harness.browser import Visit, page_params


def target_file(site: Path, path: str) -> Path:
    target = site / unquote(path).lstrip("/")
    return target / "index.html" if path.endswith("/") else target


@pytest.mark.parametrize("page", page_params())
def test_every_link_and_anchor_resolves(
    page: Path, seen: Visit, site_url: str, built_site: Path
):
    broken = []
    for href in seen.links:
        if not href.startswith(site_url):
            continue
        target, _, anchor = href.partition("#")
        if re.fullmatch(r"__(?:code|copy)_\d+_annotation_\d+", anchor):
            continue  # Material's annotation markers, drawn on demand
        file = target_file(built_site, urlsplit(target).path)
        if not file.is_file():
            broken.append(f"{href}: no such file in the built site")
        elif anchor and f'id="{anchor}"' not in file.read_text(errors="replace"):
            broken.append(f"{href}: no element with id {anchor!r}")
    assert not broken, f"{page_id(page)}: broken links:\n" + "\n".join(broken)
