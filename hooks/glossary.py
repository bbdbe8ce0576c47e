"""Glossary links: on each page, the first use of a glossary term links to its entry.

docs/reference/glossary.md gives each term a heading of its own, with an id and
the forms the pages write it in, separated by "|":

    ## RST (reset) {#rst data-terms="RST|reset"}

On every other page, the first occurrence of any of an entry's forms becomes a
link to the entry; later ones stay plain. What counts as an occurrence:

- a form in running text, as a whole word (FIN, not the FIN of FIN_WAIT1),
  optionally with a plural or past ending (FINs, resets, half-closed); a form
  with a lowercase letter matches in any case (Reset, reset), one in capitals
  only as written (FIN, not fin); a space or hyphen in a form matches any run
  of spaces, line breaks or hyphens (end of file, end-of-file);
- an inline code span whose whole text is a form (`TIME_WAIT`, `b''`): the
  link goes around the code. A form with a character other than a letter,
  digit, space, hyphen or underscore (b'') occurs only as such a code span.

Never linked: text in headings, links, code blocks, code spans that hold more
than a form, tab labels, admonition titles, details summaries, and raw HTML
(claim markers, ladder diagrams): Python-Markdown keeps raw HTML out of the
tree this works on.

Builder-neutral: GlossaryExtension is a Python-Markdown extension
(hooks.glossary in mkdocs.yml, run by MkDocs and Zensical alike), a
treeprocessor given the terms; it learns the page's source path from the
builder (core.builders.page_path). It writes each link to the glossary's .md
file, which the builder turns into the page's address and checks, anchor
included (MkDocs: validation.anchors, strict).
"""

from __future__ import annotations

import html
import posixpath
import re
import xml.etree.ElementTree as etree
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from markdown import Extension, Markdown
from markdown.treeprocessors import Treeprocessor
from markdown.util import HTML_PLACEHOLDER_RE

from core.builders import BuildError, page_path
from core.markers import GLOSSARY_ENTRY
from core.paths import DOCS, GLOSSARY_PAGE

# Elements whose text is never linked (inline code is handled on its own).
SKIPPED = {
    "a",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "pre",
    "code",
    "label",
    "summary",
    "script",
    "style",
    "sup",
    "abbr",
    "button",
    "svg",
    "kbd",
}
SKIPPED_CLASSES = {"admonition-title"}
ENDING = r"(?:s|es|d|ed)?"


@dataclass(frozen=True)
class Term:
    id: str
    forms: tuple[str, ...]

    @cached_property
    def pattern(self) -> re.Pattern[str] | None:
        """Where a form occurs in running text (None: it occurs only as code)."""
        words = [f for f in self.forms if not code_only(f)]
        if not words:
            return None
        alternatives = []
        for form in sorted(words, key=len, reverse=True):
            body = r"[\s-]+".join(re.escape(part) for part in re.split(r"[ -]", form))
            flags = "(?i:" if any(c.islower() for c in form) else "(?:"
            alternatives.append(f"{flags}{body}){ENDING}")
        return re.compile(r"(?<![\w-])(?:" + "|".join(alternatives) + r")(?![\w-])")

    def is_code(self, text: str) -> bool:
        return text.strip() in self.forms


def code_only(form: str) -> bool:
    return bool(re.search(r"[^\w \-]", form))


def read_terms(glossary: Path) -> list[Term]:
    """The glossary's entries, in page order. Raises ValueError if two entries
    share an id or a form."""
    terms, seen = [], {}
    for match in GLOSSARY_ENTRY.finditer(glossary.read_text()):
        forms = tuple(f.strip() for f in match["terms"].split("|") if f.strip())
        term = Term(match["id"], forms)
        for key in (f"#{term.id}", *(f.lower() for f in forms)):
            if key in seen:
                raise ValueError(
                    f"{glossary}: {key!r} in both {seen[key]} and {term.id}"
                )
            seen[key] = term.id
        terms.append(term)
    return terms


def skipped(element: etree.Element) -> bool:
    classes = set((element.get("class") or "").split())
    return element.tag in SKIPPED or bool(classes & SKIPPED_CLASSES)


class GlossaryLinks(Treeprocessor):
    def __init__(self, md: Markdown, extension: GlossaryExtension) -> None:
        super().__init__(md)
        self.extension = extension

    def run(self, root: etree.Element) -> None:
        page = self.extension.page or page_path(self.md)
        if page is None or page == self.extension.glossary_page:
            return
        here = posixpath.dirname(page) or "."
        self.href = posixpath.relpath(self.extension.glossary_page, here)
        self.todo = list(self.extension.terms)
        self.walk(root)

    def code_text(self, code: etree.Element) -> str:
        """The text of an inline code span. pymdownx.inlinehilite keeps it in
        the HTML stash, behind a placeholder, escaped."""
        stash = self.md.htmlStash.rawHtmlBlocks
        text = HTML_PLACEHOLDER_RE.sub(
            lambda m: str(stash[int(m.group(1))]), code.text or ""
        )
        return html.unescape(text)

    def link(self, term: Term) -> etree.Element:
        self.todo.remove(term)
        return etree.Element(
            "a", {"href": f"{self.href}#{term.id}", "class": "glossary"}
        )

    def walk(self, parent: etree.Element) -> None:
        if not skipped(parent) and parent.text:
            parent.text = self.split(parent, 0, parent.text)
        index = 0
        while index < len(parent) and self.todo:
            child = parent[index]
            if child.tag == "code" and not skipped(parent):
                text = self.code_text(child)
                term = next((t for t in self.todo if t.is_code(text)), None)
                if term:  # the link goes around the code span
                    wrapper = self.link(term)
                    wrapper.tail, child.tail = child.tail, None
                    parent[index] = wrapper
                    wrapper.append(child)
                    child = wrapper
            elif not skipped(child):
                self.walk(child)
            if child.tail and not skipped(parent):
                child.tail = self.split(parent, index + 1, child.tail)
            index += 1

    def split(self, parent: etree.Element, at: int, text: str) -> str:
        """Link the first occurrence in text of each term still to link, inserting
        the links into parent from position at; returns the text before them."""
        pieces: list[etree.Element] = []
        head, rest = None, text
        while self.todo:
            found = [
                (m.start(), -len(m.group(0)), n, m)
                for n, t in enumerate(self.todo)
                if t.pattern and (m := t.pattern.search(rest))
            ]
            if not found:
                break
            _, _, number, match = min(found)
            anchor = self.link(self.todo[number])
            anchor.text = match.group(0)
            before, rest = rest[: match.start()], rest[match.end() :]
            if pieces:
                pieces[-1].tail = before
            else:
                head = before
            pieces.append(anchor)
        if not pieces:
            return text
        pieces[-1].tail = rest
        for offset, anchor in enumerate(pieces):
            parent.insert(at + offset, anchor)
        return head or ""


class GlossaryExtension(Extension):
    """Links the first use of each glossary term on a page to its entry.

    terms: the entries (read_terms()); glossary_page: the glossary's source
    path, relative to the docs folder; page: the source path of the page being
    converted, if not the builder's (None outside a build links nothing)."""

    def __init__(self, terms: list[Term], glossary_page: str = GLOSSARY_PAGE) -> None:
        super().__init__()
        self.terms = terms
        self.glossary_page = glossary_page
        self.page: str | None = None

    def extendMarkdown(self, md: Markdown) -> None:  # noqa: N802 (Markdown's API)
        # after inline parsing (20) and attr_list (8); before the builder's own
        # link rewriting and unescaping (0)
        md.treeprocessors.register(GlossaryLinks(md, self), "glossary_links", 3)


def makeExtension(**kwargs) -> GlossaryExtension:  # noqa: N802 (Markdown's API)
    """The extension with the site's glossary (core.paths.GLOSSARY_PAGE)."""
    glossary = DOCS / GLOSSARY_PAGE
    try:
        terms = read_terms(glossary)
    except (OSError, ValueError) as exc:
        raise BuildError(f"glossary: {exc}") from None
    if not terms:
        raise BuildError(f"glossary: {glossary} has no entry with data-terms")
    return GlossaryExtension(terms, **kwargs)
