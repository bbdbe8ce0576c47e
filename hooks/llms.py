"""MkDocs hook: a Markdown copy of every page beside its HTML, and llms.txt.

For readers who paste an error into an assistant, and for the assistant that
then reads the site: each page's Markdown is written beside its HTML
(how-to/abort/index.html -> how-to/abort/index.md, the same folder, so the
page's relative links work from both), made from the page's finished HTML:
its programs as fenced code with their `#>` output lines, its tables, its
"Verified on" line. The evidence markers (elements of class `claim` or
`evidence`), the code annotations' `# (1)!` markers, heading permalinks and
inline SVG drawings are left out (a drawing's text is beside it, in a list or
an image's alt text); a content tab's label goes before its text.
`llms.txt` (https://llmstxt.org/) at the site root lists every page in nav
order, by section, with its front-matter description and a relative link to
its Markdown; `llms-full.txt` holds every page's Markdown in that order.
Pages do not point at their copy with <link rel="alternate">: Material reads
every such link as another language of the site and fetches a sitemap.xml
beside it (a 404 on each page).

Why not the plugin mkdocs-llmstxt (0.5.1, tried on this site): it refuses to
build without `site_url` (unset here for `make serve` and the suite), lists
the pages from its own `sections` setting with their descriptions (a second
copy of nav and of every page's front matter), writes absolute links, and
converts each page in on_page_content, before this site's hooks have
finished, parsing every highlighted code block token by token: the strict
build took 17 to 19 s of CPU instead of 7 to 8 (this hook: 8.5 to 10). The
conversion itself is the one that plugin uses, markdownify's; this hook only
chooses what to convert (code blocks as plain text, which also makes it
fast) and where the files go.
"""

from __future__ import annotations

import html
import posixpath
import re
from pathlib import Path
from urllib.parse import urljoin, urlsplit

from bs4 import BeautifulSoup
from markdownify import ATX, MarkdownConverter
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import Files
from mkdocs.structure.nav import Navigation, Section
from mkdocs.structure.pages import Page

from core.markers import ANNOTATION_MARKER
from core.theme import CODE_BLOCK_HTML, CODE_LANGUAGE, CODE_TEXT, CODE_TITLE

INDEX = "llms.txt"
FULL = "llms-full.txt"
# The marker classes of hooks/evidence.py: a class token, not a prefix.
MARKER_CLASSES = {"claim", "evidence"}
TAG = re.compile(r"<[^>]+>")
# Inline drawings (the ladder diagrams): their text is in the list below each.
SVG = re.compile(r"<svg\b.*?</svg>", re.S)

CONVERTER = MarkdownConverter(
    bullets="-",
    heading_style=ATX,
    escape_underscores=False,
    code_language_callback=lambda pre: pre.get("data-language"),
)


def markdown_uri(page: Page) -> str:
    """The Markdown copy's path in the site: beside the page's HTML."""
    return posixpath.splitext(page.file.dest_uri)[0] + ".md"


def plain_code(match: re.Match) -> str:
    """A highlighted block as plain <pre><code>: its text, without the
    annotation markers, after its title. Parsing the highlighted HTML span by
    span was most of the time the plugin took."""
    block = match.group(0)
    language = CODE_LANGUAGE.search(block)
    title = CODE_TITLE.search(block)
    code = CODE_TEXT.search(block)
    text = html.unescape(TAG.sub("", code.group(1) if code else ""))
    lines = [ANNOTATION_MARKER.sub("", line).rstrip() for line in text.split("\n")]
    lang = f' data-language="{language.group(1)}"' if language else ""
    head = f"<p><code>{title.group(1).strip()}</code></p>" if title else ""
    body = html.escape("\n".join(lines).strip("\n"), quote=False)
    return f"{head}<pre{lang}><code>{body}</code></pre>"


def tabs_as_text(soup: BeautifulSoup) -> None:
    """Each content tab's label as a bold line before its text."""
    for tabs in soup.find_all("div", class_="tabbed-set"):
        labels = tabs.find("div", class_="tabbed-labels", recursive=False)
        content = tabs.find("div", class_="tabbed-content", recursive=False)
        if labels is None or content is None:
            continue
        blocks = content.find_all("div", class_="tabbed-block", recursive=False)
        for label, block in zip(labels.find_all("label"), blocks, strict=False):
            strong = soup.new_tag("strong")
            strong.string = label.get_text(" ", strip=True)
            paragraph = soup.new_tag("p")
            paragraph.append(strong)
            block.insert(0, paragraph)
        for element in [labels, *tabs.find_all("input", recursive=False)]:
            element.decompose()


def relink(soup: BeautifulSoup, page: Page, copies: dict[str, str]) -> None:
    """Links to another page point at its Markdown copy, relative to this one."""
    base = urljoin("https://site.invalid/", page.url)
    here = posixpath.dirname(markdown_uri(page))
    for link in soup.find_all("a", href=True):
        parts = urlsplit(link["href"])
        if parts.scheme or parts.netloc or not parts.path:
            continue
        target = urlsplit(urljoin(base, parts.path)).path.lstrip("/")
        if target in copies:
            href = posixpath.relpath(copies[target], here or ".")
            link["href"] = href + (f"#{parts.fragment}" if parts.fragment else "")


def page_markdown(page: Page, copies: dict[str, str]) -> str:
    """The page's finished HTML (after every hook) as Markdown."""
    content = SVG.sub("", CODE_BLOCK_HTML.sub(plain_code, page.content or ""))
    soup = BeautifulSoup(content, "html.parser")
    for element in soup.find_all(class_=MARKER_CLASSES | {"headerlink"}):
        element.decompose()
    for image in soup.find_all("img"):
        before = image.find_previous_sibling()
        if (
            before is not None
            and before.name == "img"
            and before.get("alt") == image.get("alt")
        ):
            image.decompose()  # the same drawing in the other palette
    tabs_as_text(soup)
    relink(soup, page, copies)
    text = CONVERTER.convert_soup(soup).strip() + "\n"
    if not soup.find("h1"):
        text = f"# {page.title}\n\n{text}"
    return text


_copies: dict[str, str] = {}  # page URL -> path of its Markdown copy
_built: dict[str, tuple[Page, str]] = {}  # page URL -> the page, its Markdown
_nav: list = []


def on_nav(nav: Navigation, *, config: MkDocsConfig, files: Files) -> Navigation:
    _copies.clear()
    _built.clear()
    _nav[:] = nav.items
    for file in files.documentation_pages():
        if file.page is not None:
            _copies[file.page.url] = markdown_uri(file.page)
    return nav


def on_page_context(
    context: dict, *, page: Page, config: MkDocsConfig, nav: Navigation
) -> dict:
    """Runs once page.content is final, after every hook's on_page_content."""
    _built[page.url] = (page, page_markdown(page, _copies))
    return context


def pages_of(item: object) -> list[Page]:
    if isinstance(item, Section):
        return [page for child in item.children for page in pages_of(child)]
    return [item] if isinstance(item, Page) else []


def sections() -> list[tuple[str, list[Page]]]:
    """Nav order: one section per top-level entry; then any page not in nav."""
    found = [(str(item.title), pages) for item in _nav if (pages := pages_of(item))]
    listed = {page.url for _, pages in found for page in pages}
    others = [page for url, (page, _) in _built.items() if url not in listed]
    return found + ([("Other pages", others)] if others else [])


def llms_txt(config: MkDocsConfig, listed: list[tuple[str, list[Page]]]) -> str:
    lines = [f"# {config.site_name}", ""]
    if config.site_description:
        lines += [f"> {' '.join(config.site_description.split())}", ""]
    lines += [
        "Each page of the site as Markdown, beside its HTML. What a program "
        "prints is in its `#>` comment lines; a page ends by saying where its "
        "programs ran and printed exactly that, or which did not. "
        f"All pages in one file: [{FULL}]({FULL}).",
        "",
    ]
    for title, pages in listed:
        lines += [f"## {title}", ""]
        for page in pages:
            description = " ".join(str(page.meta.get("description", "")).split())
            lines.append(
                f"- [{page.title}]({_copies[page.url]})"
                + (f": {description}" if description else "")
            )
        lines.append("")
    return "\n".join(lines)


def on_post_build(*, config: MkDocsConfig) -> None:
    site = Path(config.site_dir)
    for url, (_, text) in _built.items():
        (site / _copies[url]).write_text(text, encoding="utf-8")
    listed = sections()
    full = [_built[page.url][1] for _, pages in listed for page in pages]
    (site / INDEX).write_text(llms_txt(config, listed), encoding="utf-8")
    (site / FULL).write_text("\n".join(full), encoding="utf-8")
