"""What every build of the site must hold, whichever builder made it.

Each check reads the built HTML with a parser, and the page's Markdown for
what it must show. By default the site is MkDocs' build; `make zensical`
runs these same checks on Zensical's output (--site-dir site-zensical
--builder zensical), where a check that fails for a documented reason is
expected to fail (ZENSICAL_GAPS; .github/CONTRIBUTING.md, "Builders"), and
strictly so: one that starts to pass must leave the list.
"""

from __future__ import annotations

import functools
import posixpath
import re
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from bs4 import BeautifulSoup

from core.markers import (
    CLAIM,
    CONTRACTS,
    LADDER,
    MATRIX,
    MERMAID_FENCE,
    OUTPUT_LINE,
    included_names,
    published,
)
from core.pages import all_pages, page_id
from core.paths import DOCS, ROOT, SNIPPETS, page_html, page_url
from core.wire import anchor, read, wire_path
from harness.html import parsed

# What Zensical's build does not do yet, by check, and why: each such check is
# expected to fail on Zensical's output. None today: every check passes there.
ZENSICAL_GAPS: dict[str, str] = {}

PAGES = [pytest.param(page, id=page_id(page)) for page in all_pages()]
# The pages that carry evidence markers.
WITH_CLAIMS = [p for p in PAGES if CLAIM.search(p.values[0].read_text())]


@pytest.fixture(autouse=True)
def known_gaps(request: pytest.FixtureRequest, builder: str) -> None:
    check = request.node.get_closest_marker("check")
    if builder == "zensical" and check and check.args[0] in ZENSICAL_GAPS:
        reason = f"Zensical: {ZENSICAL_GAPS[check.args[0]]}"
        request.applymarker(pytest.mark.xfail(reason=reason, strict=True))


def soup(path: Path) -> BeautifulSoup:
    return parsed(path)


@functools.cache
def ids_of(path: Path) -> frozenset[str]:
    return frozenset(e["id"] for e in soup(path).select("[id]"))


def html_of(site: Path, page: Path) -> BeautifulSoup:
    path = page_html(site, page)
    assert path.is_file(), f"{page_id(page)}: {path} was not built"
    return soup(path)


def content(site: Path, page: Path):
    """The page's own content: the article, without the theme around it."""
    return html_of(site, page).select_one("article") or html_of(site, page)


@pytest.mark.check("evidence")
@pytest.mark.parametrize("page", WITH_CLAIMS)
def test_every_evidence_marker_is_a_linked_control(site: Path, page: Path):
    written = [m.groups() for m in CLAIM.finditer(page.read_text())]
    claims = content(site, page).select("a.claim[data-kind]")
    shown = [(a["data-kind"], a["data-subject"], a["data-detail"]) for a in claims]
    assert sorted(shown) == sorted(written), (
        f"{page_id(page)}: markers and controls differ"
    )
    unlinked = [c for c in claims if not c.get("href") or "#evidence:" in c["href"]]
    assert not unlinked, f"{page_id(page)}: {len(unlinked)} claims link nowhere"


@pytest.mark.check("verified_on")
@pytest.mark.parametrize("page", PAGES)
def test_a_page_with_programs_says_where_they_ran(site: Path, page: Path):
    """Every page ends with one note; its data-programs counts the programs
    the page includes (0 for a page without any: a Built-on note)."""
    notes = content(site, page).select("section.verified-on[data-programs]")
    names = included_names(page.read_text())
    assert len(notes) == 1, f"{page_id(page)}: {len(notes)} Verified-on notes"
    assert notes[0]["data-programs"] == str(len(names)), page_id(page)


@pytest.mark.check("matrix")
def test_the_behaviour_matrix_is_the_programs_output(site: Path):
    page = DOCS / "reference" / "behaviour-matrix.md"
    (program,) = MATRIX.findall(page.read_text())
    header, *rows = OUTPUT_LINE.findall((SNIPPETS / program).read_text())
    tables = [t for t in content(site, page).select("table") if not t.get("class")]
    table = next((t for t in tables if len(t.select("tbody tr")) == len(rows)), None)
    assert table is not None, f"no table of {len(rows)} rows from {program}"
    heads = [th.get_text(" ", strip=True) for th in table.select("thead th")]
    assert heads == [h.strip() for h in header.split("|")]
    shown = [
        [" ".join(td.get_text().split()) for td in tr.select("td")]
        for tr in table.select("tbody tr")
    ]
    printed = [[c.strip() for c in row.split("|")] for row in rows]
    assert shown == printed, f"{program}: the table is not its output"


@pytest.mark.check("ladders")
@pytest.mark.parametrize("page", PAGES)
def test_each_ladder_lists_its_stored_events(site: Path, page: Path):
    for _, program in LADDER.findall(page.read_text()):
        _, events = read(wire_path(SNIPPETS / program))
        figure = content(site, page).select_one(f"figure.ladder#{anchor(program)}")
        assert figure is not None, f"{page_id(page)}: no ladder for {program}"
        listed = [li["data-event"] for li in figure.select("li[data-event]")]
        assert listed == [e.line() for e in events], (
            f"{page_id(page)}: the ladder of {program} lists other events"
        )


# A contract test, as its file defines it (read here with a pattern of its
# own, not with core.contracts, which the page's list is made from).
CONTRACT_TEST = re.compile(r"^def (test_\w+)\(", re.M)


@pytest.mark.check("contracts")
def test_each_helper_lists_its_contract_tests(site: Path):
    page = DOCS / "reference" / "helpers.md"
    for section in CONTRACTS.findall(page.read_text()):
        listed = content(site, page).select_one(f'ul[data-contract="{section}"]')
        assert listed is not None, f"no contract list for {section}"
        tests = CONTRACT_TEST.findall(
            (ROOT / "tests" / "contracts" / f"test_{section}.py").read_text()
        )
        items = listed.select("li[id]")
        names = [li.code.get_text() if li.code else None for li in items]
        assert names == tests, f"{section}: the list is not its contract tests"
        said = [li.get_text().partition(":")[2].strip() for li in items]
        assert all(said), f"{section}: a test listed without what it proves"


@pytest.mark.check("diagrams")
@pytest.mark.parametrize("page", PAGES)
def test_diagrams_are_drawn_images(site: Path, page: Path):
    blocks = MERMAID_FENCE.findall(page.read_text())
    images = content(site, page).select("img.diagram")
    assert len(images) == 2 * len(blocks), f"{page_id(page)}: {len(images)} images"
    assert all(img.get("alt") for img in images), (
        f"{page_id(page)}: an image has no alt"
    )
    assert not html_of(site, page).select(".mermaid"), (
        f"{page_id(page)}: a mermaid block"
    )


# Elements that make a browser fetch something, and the attribute naming it.
FETCHED = {
    "script": "src",
    "link": "href",
    "img": "src",
    "iframe": "src",
    "source": "src",
    "video": "src",
    "audio": "src",
    "embed": "src",
}


@pytest.mark.check("own_host_only")
@pytest.mark.parametrize("page", PAGES)
def test_nothing_is_fetched_from_another_host(site: Path, page: Path):
    tree = html_of(site, page)
    remote = []
    for tag, attribute in FETCHED.items():
        for element in tree.find_all(tag):
            if tag == "link" and not set(element.get("rel", [])) & {
                "stylesheet",
                "preload",
                "modulepreload",
                "icon",
                "manifest",
            }:
                continue  # a link a reader follows, not a fetch
            if urlsplit(element.get(attribute, "")).netloc:
                remote.append(f"<{tag} {attribute}={element[attribute]}>")
    assert not remote, f"{page_id(page)}: {remote}"


@pytest.mark.check("published")
def test_every_program_is_published_as_readers_copy_it(site: Path):
    for program in sorted(SNIPPETS.rglob("*.py")):
        name = program.relative_to(SNIPPETS).as_posix()
        copy = site / "snippets" / name
        assert copy.is_file(), f"snippets/{name} is not published"
        assert copy.read_text() == published(program.read_text()), name


@pytest.mark.check("front_matter")
@pytest.mark.parametrize("page", PAGES)
def test_the_description_is_the_pages_own(site: Path, page: Path):
    import yaml

    text = page.read_text()
    meta = yaml.safe_load(text.split("---", 2)[1]) if text.startswith("---") else {}
    description = html_of(site, page).select_one('meta[name="description"]')
    if meta.get("description"):
        assert description is not None, f"{page_id(page)}: no meta description"
        assert description["content"] == meta["description"], page_id(page)


@pytest.mark.check("links")
@pytest.mark.parametrize("page", PAGES)
def test_every_link_in_the_page_resolves(site: Path, page: Path):
    here = page_url(page)
    broken = []
    for a in content(site, page).select("a[href]"):
        href = a["href"]
        parts = urlsplit(href)
        if parts.scheme or parts.netloc or href.startswith(("mailto:", "javascript:")):
            continue
        target = here.rstrip("/") or "."
        if parts.path:
            target = posixpath.normpath(posixpath.join(here, unquote(parts.path)))
        if target.startswith(".."):
            broken.append(href)  # above the site's root
            continue
        path = site / target
        if path.is_dir():
            path = path / "index.html"
        if not path.is_file():
            broken.append(href)
            continue
        if parts.fragment and path.suffix == ".html":
            if unquote(parts.fragment) not in ids_of(path):
                broken.append(href)
    assert not broken, f"{page_id(page)}: {broken[:10]}"
