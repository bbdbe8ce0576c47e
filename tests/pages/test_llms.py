"""The site for assistants (hooks/llms.py): llms.txt lists every page of nav, and
each page's Markdown copy beside its HTML shows the page's programs with their
#> lines and its "Verified on" note, without the evidence markers.

Everything is parsed: llms.txt and the copies as Markdown, the built pages as
HTML; what they must hold comes from the program files, the pages' front
matter, mkdocs.yml's nav and the built HTML, never from the site's English."""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from urllib.parse import urlsplit

import markdown
import pytest
from bs4 import BeautifulSoup, Tag
from mkdocs.config import load_config
from mkdocs.utils.meta import get_data

from core.markers import ANNOTATION_MARKER, CLAIM
from core.pages import all_pages, first_include_not_shown, page_id
from core.paths import CONFIG_FILE, DOCS, page_html
from core.theme import CODE_BLOCK_HTML

# What Markdown itself makes: any other element in a copy is HTML left over.
MARKDOWN_TAGS = {
    "p", "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "li", "a", "code", "pre",
    "strong", "em", "hr", "br", "blockquote", "img", "dl", "dt", "dd",
    "table", "thead", "tbody", "tr", "th", "td",
}  # fmt: skip
# Blocks of text: where an evidence marker sits, and where its sentence is.
BLOCKS = ["p", "li", "td", "th", "dt", "dd"]
MARKERS = ["claim", "evidence"]  # the marker classes of hooks/evidence.py


def render(text: str) -> BeautifulSoup:
    """Markdown as HTML: fences also inside lists, no highlighting."""
    out = markdown.markdown(
        text,
        extensions=["pymdownx.superfences", "pymdownx.highlight", "tables", "def_list"],
        extension_configs={"pymdownx.highlight": {"use_pygments": False}},
    )
    return BeautifulSoup(out, "html.parser")


def words(node: Tag) -> str:
    return " ".join(node.get_text(" ").split())


def copy_of(site: Path, page: Path) -> Path:
    """The Markdown copy: beside the page's HTML, same name, .md."""
    return page_html(site, page).with_suffix(".md")


def nav_entries(config) -> list[tuple[str, str, str]]:
    """(top-level nav title, page title, page file) for each page, in nav order;
    a page listed without a title has its front matter's."""

    def walk(section: str, item) -> list[tuple[str, str, str]]:
        if isinstance(item, str):
            title = get_data((DOCS / item).read_text())[1]["title"]
            return [(section or title, title, item)]
        title, value = next(iter(item.items()))
        if isinstance(value, str):
            return [(section or title, title, value)]
        return [entry for child in value for entry in walk(section or title, child)]

    return [entry for item in config["nav"] for entry in walk("", item)]


@pytest.fixture(scope="module")
def config():
    return load_config(str(CONFIG_FILE))


@pytest.fixture(scope="module")
def listed(built_site: Path) -> list[tuple[str, str, str, str]]:
    """llms.txt's entries: (section, link text, link, description)."""
    soup = render((built_site / "llms.txt").read_text())
    entries = []
    for heading in soup.find_all("h2"):
        items = heading.find_next_sibling()
        if items is None or items.name != "ul":
            continue
        for item in items.find_all("li", recursive=False):
            link = item.find("a")
            rest = "".join(
                part.get_text() if isinstance(part, Tag) else str(part)
                for part in link.next_siblings
            )
            description = " ".join(rest.split()).removeprefix(": ")
            entries.append((words(heading), words(link), link["href"], description))
    return entries


def test_llms_txt_lists_every_page_of_nav_in_order(config, listed, built_site: Path):
    soup = render((built_site / "llms.txt").read_text())
    assert [words(h) for h in soup.find_all("h1")] == [config["site_name"]]
    expected = []
    for section, title, source in nav_entries(config):
        _, meta = get_data((DOCS / source).read_text())
        link = copy_of(built_site, DOCS / source).relative_to(built_site).as_posix()
        expected.append((section, title, link, " ".join(meta["description"].split())))
    assert listed == expected


def test_llms_txt_links_are_relative_and_work(listed, built_site: Path):
    assert listed, "llms.txt lists no page"
    for _, _, link, _ in listed:
        parts = urlsplit(link)
        assert not parts.scheme and not parts.netloc and not link.startswith("/"), link
        assert (built_site / parts.path).is_file(), f"llms.txt: {link} is missing"


def test_llms_full_txt_is_every_copy_in_nav_order(listed, built_site: Path):
    copies = [(built_site / link).read_text() for _, _, link, _ in listed]
    assert (built_site / "llms-full.txt").read_text() == "\n".join(copies)


@pytest.mark.parametrize("page", all_pages(), ids=page_id)
def test_copy_shows_each_program_with_its_output_lines(page: Path, built_site: Path):
    """Include by include, in order, a code block of the copy is the included
    code, #> lines and all, without the annotation markers."""
    copy = copy_of(built_site, page)
    assert copy.is_file(), f"{page_id(page)}: no Markdown copy at {copy}"
    blocks = [block.get_text() for block in render(copy.read_text()).find_all("pre")]
    blocks = [block.rstrip("\n") + "\n" for block in blocks]
    for block in blocks:
        marked = [line for line in block.splitlines() if ANNOTATION_MARKER.search(line)]
        assert not marked, f"{page_id(page)}: annotation markers in the copy: {marked}"
    missing = first_include_not_shown(page, blocks)
    assert missing is None, (
        f"{missing[0]}: no code block of {copy.name} after block {missing[1]} shows "
        "the included code with its #> lines"
    )


def article(built_site: Path, page: Path) -> Tag:
    """The page's text, without its code blocks (most of its elements)."""
    text = page_html(built_site, page).read_text()
    start = text.find("<article")
    end = text.find("</article>", start)
    assert -1 < start < end, f"{page_id(page)}: no <article>"
    text = CODE_BLOCK_HTML.sub("", text[start : end + len("</article>")])
    return BeautifulSoup(text, "html.parser").article


@pytest.mark.parametrize("page", all_pages(), ids=page_id)
def test_copy_ends_with_the_verified_on_note(page: Path, built_site: Path):
    """The paragraphs after the page's last rule (hooks/verified_on.py's note:
    "Verified on" or "Built on", a "Not verified" warning, the source files)
    are in the copy."""
    rules = article(built_site, page).find_all("hr")
    assert rules, f"{page_id(page)}: the built page has no note after a rule"
    after = rules[-1].find_next_siblings()
    note = [words(p) for el in after for p in [el, *el.find_all("p")] if p.name == "p"]
    assert note, f"{page_id(page)}: nothing follows the last rule"
    copy = render(copy_of(built_site, page).read_text())
    paragraphs = {words(p) for p in copy.find_all("p")}
    missing = [text for text in note if text not in paragraphs]
    assert not missing, f"{page_id(page)}: the copy lacks {missing}"


@pytest.mark.parametrize("page", all_pages(), ids=page_id)
def test_copy_is_markdown_without_markers(page: Path, built_site: Path):
    """No element Markdown does not make (a marker's <span>, <button>...), no
    element with a class but a code block's language; each block of text that
    carries a marker on the page is in the copy, its marker left out; and no
    marker's link is in the copy more often than the page links there itself."""
    copy = render(copy_of(built_site, page).read_text())
    for element in copy.find_all(True):
        assert element.name in MARKDOWN_TAGS, f"{page_id(page)}: <{element.name}>"
        classes = [
            c
            for c in element.get("class") or []
            if c != "highlight" and not c.startswith("language-")
        ]
        assert not classes, f"{page_id(page)}: {element.name} of class {classes}"
    built = article(built_site, page)
    markers = built.find_all(class_=MARKERS)
    if CLAIM.search(page.read_text()):
        assert markers, f"{page_id(page)}: no marker of class {MARKERS} on the page"
    links = Counter(a["href"] for a in built.find_all("a", href=True))
    marker_links = {
        id(a): a for m in markers for a in [m, *m.find_all("a")] if a.name == "a"
    }
    for a in marker_links.values():
        if a.get("href"):
            links[a["href"]] -= 1
    blocks = {block for marker in markers if (block := marker.find_parent(BLOCKS))}
    for block in blocks:
        for marker in block.find_all(class_=MARKERS):
            marker.decompose()
    clean = [words(block) for block in blocks]
    in_copy = {words(block) for block in copy.find_all(BLOCKS)}
    missing = [text for text in clean if text not in in_copy]
    assert not missing, (
        f"{page_id(page)}: {len(missing)} blocks with a marker on the page are not "
        f"in the copy without it, such as {missing[0]!r}"
    )
    in_copy_links = Counter(a["href"] for a in copy.find_all("a", href=True))
    extra = [
        href
        for href, count in in_copy_links.items()
        if (href.startswith("#") or urlsplit(href).scheme) and count > links[href]
    ]
    assert not extra, f"{page_id(page)}: marker links in the copy: {extra}"
