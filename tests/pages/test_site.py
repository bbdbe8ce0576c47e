"""The site as a whole: every page in the navigation, nothing loaded from
other hosts, a 404 page and a favicon of its own, and, built with the
addresses the deploy workflow sets, an edit link on each page and a sitemap."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from pathlib import Path
from urllib.parse import urlsplit

from mkdocs.config import load_config

from core.pages import all_pages, page_id
from core.paths import ROOT, page_html, page_url
from harness.build import strict_build
from harness.html import parsed


def nav_pages(nav) -> list[str]:
    items = nav if isinstance(nav, list) else [nav]
    found = []
    for item in items:
        if isinstance(item, str):
            found.append(item)
        elif isinstance(item, dict):
            for value in item.values():
                found += nav_pages(value)
    return found


def test_every_page_is_in_the_navigation():
    """mkdocs.yml has validation.nav.omitted_files: info, so the build lets
    a page outside the navigation pass."""
    listed = set(nav_pages(load_config(str(ROOT / "mkdocs.yml"))["nav"]))
    missing = [page_id(p) for p in all_pages() if page_id(p) not in listed]
    assert not missing, f"pages missing from nav in mkdocs.yml: {missing}"


# What a browser fetches by itself: src of these elements, href of <link>
# (but rel canonical and alternate, which are metadata and never fetched).
FETCHED_SRC = ("script", "img", "iframe", "source", "audio", "video")
NOT_FETCHED_REL = {"canonical", "alternate"}


def other_host(address: str) -> bool:
    return bool(urlsplit(address.strip()).netloc)


def test_built_site_loads_nothing_from_other_hosts(built_site: Path):
    offenders = []
    for path in sorted(built_site.rglob("*.html")):
        soup = parsed(path)
        fetched = [tag for tag in soup.find_all(FETCHED_SRC, src=True)]
        fetched += [
            tag
            for tag in soup.find_all("link", href=True)
            if not NOT_FETCHED_REL & set(tag.get("rel", []))
        ]
        offenders += [
            f"{path.relative_to(built_site)}: {str(tag)[:120]}"
            for tag in fetched
            if other_host(tag.get("src") or tag["href"])
        ]
    for path in sorted(built_site.rglob("*.css")):
        for m in re.finditer(
            r"@import\s+url\([\"']?(?:https?:)?//[^)]*\)", path.read_text()
        ):
            offenders.append(f"{path.relative_to(built_site)}: {m.group(0)}")
    assert not offenders, "requests to other hosts:\n" + "\n".join(offenders)


def test_finishing_a_reader_expects(built_site: Path):
    """A 404 page, and a favicon of the site's own (the published programs:
    tests/pages/test_verified_on.py)."""
    assert (built_site / "404.html").is_file(), "no 404 page"
    soup = parsed(built_site / "index.html")
    icons = [link["href"] for link in soup.select("link[rel~=icon][href]")]
    assert icons == ["assets/favicon.svg"], f"favicons: {icons}"
    assert (built_site / "assets" / "favicon.svg").is_file()


def test_published_build_has_edit_links_and_a_sitemap(tmp_path: Path):
    """With the addresses the deploy workflow sets, pages link to their source."""
    env = {
        "SITE_URL": "https://docs.example.org/shutdown-vs-close/",
        "REPO_URL": "https://github.com/example/shutdown-vs-close",
        "EDIT_URI": "edit/main/docs/",
    }
    result = strict_build(tmp_path, **env)
    assert result.returncode == 0, result.stderr
    ns = {"sm": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    sitemap = ET.parse(tmp_path / "sitemap.xml")
    locations = {loc.text for loc in sitemap.iterfind("sm:url/sm:loc", ns)}
    for page in all_pages():
        soup = parsed(page_html(tmp_path, page))
        edit = f"{env['REPO_URL']}/edit/main/docs/{page_id(page)}"
        assert soup.find("a", href=edit), f"{page_id(page)}: no edit link"
        location = env["SITE_URL"] + page_url(page)
        assert location in locations, f"{page_id(page)}: not in sitemap.xml"
