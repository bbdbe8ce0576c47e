"""What a Python-Markdown extension needs to know of the builder running it.

The page transforms are Python-Markdown extensions (listed under
markdown_extensions in mkdocs.yml), which both MkDocs and Zensical load the
same way. A transform that writes links relative to the page, or names the
page in an error, needs the page's source path; each builder keeps it in its
own place, read here and nowhere else.
"""

from __future__ import annotations

import posixpath


class BuildError(Exception):
    """A page cannot be built as written. Raised, never logged: Zensical's
    --strict counts only its own warnings, so only an exception stops it."""


# A conversion outside a build (a test that converts a page on its own)
# names the page itself: md.source_page = "how-to/abort.md".
SOURCE_PAGE = "source_page"


def page_path(md) -> str | None:
    """The source path, relative to the docs folder, of the page md is
    converting ("how-to/abort.md"): the builder's, or the one a conversion
    outside a build set as md.source_page; None when neither is known."""
    explicit = getattr(md, SOURCE_PAGE, None)
    if explicit is not None:
        return explicit
    # Zensical (0.0.73): a preprocessor of its own holds the page.
    context = _zensical_context(md)
    if context is not None:
        return context.page.path
    # MkDocs 1.6: the tree processor that rewrites relative links holds the
    # page's file. Not a public API, but MkDocs 1.x ends at 1.6.1 (the 2.0
    # line has no extension hooks at all), so it cannot move under us.
    relpath = md.treeprocessors["relpath"] if "relpath" in md.treeprocessors else None
    file = getattr(relpath, "file", None)
    return getattr(file, "src_uri", None)


def required_page_path(md) -> str:
    """page_path(), for a transform that cannot work without the page (its
    links or its error messages depend on it): never a guess."""
    page = page_path(md)
    if page is None:
        raise BuildError(
            "no page is known for this conversion: convert it in a MkDocs or "
            f"Zensical build, or set md.{SOURCE_PAGE} to the page's path in docs/"
        )
    return page


def link_base(md) -> str:
    """What a relative link that an extension writes into a page's HTML is
    relative to, as a path from the site's root ("" for the root).

    MkDocs leaves the HTML that extensions write as it is: a link is read
    from the page's address (how-to/abort/). Zensical (0.0.73) rewrites every
    relative link of a page after converting it, as if it were written in the
    page's source file: a link is read from the source's folder (how-to/)."""
    from core.paths import DOCS, page_url

    page = required_page_path(md)
    if _zensical_context(md) is not None:
        return posixpath.dirname(page)
    return page_url(DOCS / page, DOCS).rstrip("/")


def _zensical_context(md):
    try:
        from zensical.extensions.context import ContextPreprocessor
    except ImportError:
        return None
    return ContextPreprocessor.from_markdown(md)
