"""The glossary: each entry names its forms, and on each page the first use of a
term links to its entry (hooks/glossary.py).

The built pages are read with a parser (html.parser), not with the transform:
whatever the hooks did to a page, the first occurrence of each term in its
content, outside what is never linked, must sit inside a link to the term's
entry. What counts as an occurrence is the hook's rule (Term.pattern: whole
words, a plural or past ending, case as the form says; a code span whose whole
text is a form); this test shares that rule, so a form the rule misses is
missed here too, but not a page, a block or an element the transform skipped.
"""

from __future__ import annotations

import html.parser
import posixpath
from pathlib import Path

import markdown
import pytest

from core.pages import all_pages, page_id
from core.paths import DOCS, page_html, page_url
from hooks.glossary import (
    GLOSSARY_PAGE,
    SKIPPED,
    SKIPPED_CLASSES,
    GlossaryExtension,
    read_terms,
)

GLOSSARY = DOCS / GLOSSARY_PAGE
# Raw HTML that hooks add to a page, which the transform never sees: claim
# markers (sup), ladder diagrams (figure) and the helpers' lists of contract
# tests. Text there is no first use.
RAW_HTML_CLASSES = {"contract-tests"}
RAW_HTML_TAGS = {"figure"}
VOID = {
    "area",
    "base",
    "br",
    "col",
    "embed",
    "hr",
    "img",
    "input",
    "link",
    "meta",
    "source",
    "track",
    "wbr",
}


class FirstUses(html.parser.HTMLParser):
    """For each term: where its first occurrence in the page's content stands,
    as the address of the link around it ("" if it is in no link)."""

    def __init__(self, terms, page_address: str) -> None:
        super().__init__(convert_charrefs=True)
        self.terms = terms
        self.page_address = page_address
        self.stack: list[tuple[str, dict]] = []
        self.inside = False  # in the page's <article>
        self.code: list[str] | None = None
        self.first: dict[str, str] = {}
        self.terms_by_id = {t.id: t for t in terms}

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "article" and "md-content__inner" in (attrs.get("class") or ""):
            self.inside = True
            self.stack = []
        if not self.inside or tag in VOID:
            return
        self.stack.append((tag, attrs))
        if tag == "code" and not self.ignored():
            self.code = []

    def handle_endtag(self, tag):
        if not self.inside or tag in VOID:
            return
        if tag == "code" and self.code is not None:
            text = "".join(self.code)
            self.code = None
            for term in self.terms:
                if term.id not in self.first and term.is_code(text):
                    self.first[term.id] = self.link()
        while self.stack:
            open_tag, _ = self.stack.pop()
            if open_tag == tag:
                break
        if tag == "article" and not any(t == "article" for t, _ in self.stack):
            self.inside = False

    def handle_data(self, data):
        if not self.inside:
            return
        if self.code is not None:
            self.code.append(data)
            return
        if any(t == "code" for t, _ in self.stack) or self.ignored():
            return
        for term in self.terms:
            if term.id not in self.first and term.pattern and term.pattern.search(data):
                self.first[term.id] = self.link()

    def glossary_link(self, attrs: dict) -> str | None:
        """The address a link leads to, relative to the site root, if it is one."""
        href = attrs.get("href") or ""
        if href.startswith(("http:", "https:", "#", "mailto:")):
            return None
        path, _, fragment = href.partition("#")
        target = posixpath.normpath(posixpath.join(self.page_address, path))
        return f"{target.strip('/')}/#{fragment}"

    def ignored(self) -> bool:
        for tag, attrs in self.stack:
            classes = set((attrs.get("class") or "").split())
            if tag == "a" and "glossary" in classes:
                continue
            if tag in (SKIPPED - {"code"}) | RAW_HTML_TAGS:
                return True
            if classes & (SKIPPED_CLASSES | RAW_HTML_CLASSES):
                return True
        return False

    def link(self) -> str:
        for tag, attrs in reversed(self.stack):
            if tag == "a":
                return self.glossary_link(attrs) or ""
        return ""


def first_use_problems(page_text: str, address: str, terms) -> list[str]:
    """Terms whose first use on a built page is not a link to their entry."""
    parser = FirstUses(terms, address)
    parser.feed(page_text)
    glossary = page_url(GLOSSARY).strip("/")
    problems = []
    for term_id, target in parser.first.items():
        if target != f"{glossary}/#{term_id}":
            where = f"a link to {target}" if target else "no link"
            problems.append(f"{term_id}: first use is {where}")
    return problems


def test_each_entry_has_an_id_and_its_forms():
    terms = read_terms(GLOSSARY)
    assert len(terms) >= 15
    for term in terms:
        assert term.forms, term


def test_the_built_glossary_carries_the_same_entries(built_site: Path):
    """The forms the hook read are those of the page readers see."""

    class Entries(html.parser.HTMLParser):
        found: dict[str, tuple[str, ...]] = {}

        def handle_starttag(self, tag, attrs):
            attrs = dict(attrs)
            if tag == "h2" and "data-terms" in attrs:
                self.found[attrs["id"]] = tuple(attrs["data-terms"].split("|"))

    parser = Entries()
    parser.feed(page_html(built_site, GLOSSARY).read_text())
    assert parser.found == {t.id: t.forms for t in read_terms(GLOSSARY)}


@pytest.mark.parametrize("page", [p for p in all_pages() if p != GLOSSARY], ids=page_id)
def test_first_use_of_each_term_links_to_the_glossary(page: Path, built_site: Path):
    problems = first_use_problems(
        page_html(built_site, page).read_text(),
        "/" + page_url(page),
        read_terms(GLOSSARY),
    )
    assert not problems, f"docs/{page_id(page)}:\n" + "\n".join(problems)


# --- the transform itself, on small pages ---

TERMS = read_terms(GLOSSARY)


def convert(text: str, page: str = "how-to/x.md") -> str:
    extension = GlossaryExtension(TERMS)
    extension.page = page
    md = markdown.Markdown(
        extensions=[
            "attr_list",
            "admonition",
            "pymdownx.details",
            "pymdownx.highlight",
            "pymdownx.inlinehilite",  # keeps code spans in the HTML stash
            "pymdownx.superfences",
            "pymdownx.tabbed",
            extension,
        ]
    )
    return md.convert(text)


def test_only_the_first_use_is_linked():
    out = convert("A FIN, then another FIN.")
    assert out.count('class="glossary"') == 1
    assert (
        '<a class="glossary" href="../reference/glossary.md#fin">FIN</a>, then' in out
    )


def test_not_in_headings_links_code_blocks_or_admonition_titles():
    out = convert(
        "# FIN\n\n[a FIN](x.md)\n\n```\nFIN\n```\n\n"
        '!!! note "FIN here"\n    body\n\n??? note "FIN"\n    body\n\n'
        '=== "FIN"\n\n    body\n\n`FIN ACK`\n\nThe FIN.'
    )
    assert out.count('class="glossary"') == 1
    assert '<p>The <a class="glossary"' in out


def test_a_code_span_that_is_a_form_is_wrapped_not_split():
    out = convert("recv() returns `b''`; then `TIME_WAIT`.")
    assert (
        '<a class="glossary" href="../reference/glossary.md#eof"><code>b\'\'</code></a>'
        in out
    )
    assert '#time_wait"><code>TIME_WAIT</code></a>.' in out


def test_words_endings_case_and_line_breaks():
    out = convert("FIN_WAIT2 is not a FIN; resets,\nend-of-file, Half-closed, fin.")
    assert '#fin_wait">FIN_WAIT2</a>' in out
    assert '#fin">FIN</a>;' in out
    assert '#rst">resets</a>' in out
    assert '#eof">end-of-file</a>' in out
    assert '#half-close">Half-closed</a>' in out
    assert out.endswith("fin.</p>")


def test_the_glossary_page_links_nothing():
    assert 'class="glossary"' not in convert("A FIN.", page=GLOSSARY_PAGE)


def test_the_check_fails_a_page_whose_first_use_is_plain():
    """The first FIN is plain text, the second is linked: the check says so."""
    page = (
        '<article class="md-content__inner md-typeset"><p>A FIN, then '
        '<a class="glossary" href="../../reference/glossary/#fin">FIN</a>.</p>'
        "</article>"
    )
    assert first_use_problems(page, "/how-to/x/", TERMS) == [
        "fin: first use is no link"
    ]
    linked = page.replace("A FIN, then", "A")
    assert first_use_problems(linked, "/how-to/x/", TERMS) == []
