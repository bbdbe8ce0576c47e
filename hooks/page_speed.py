"""MkDocs hook: code blocks arrive in their final form, so that the browser
does no work for them until a reader scrolls to them.

Material mounts every code block of a page when it loads, in one task: it
adds the class md-code__content (which switches the block to a grid layout),
inserts the copy button, then reads the block's size, once per block, each
read forcing the browser to lay the block out again. On a long page that
task blocked a phone's main thread for 300 to 500 ms
(.github/CONTRIBUTING.md, "Page speed").

With the theme feature content.lazy, Material mounts a block (annotations,
the tab stop of a block that scrolls sideways) only when it comes into view.
This hook does, once, at build time, the rest:

- the class md-code__content is in the HTML already, so mounting a block
  changes nothing about its layout;
- each block has its copy button in the HTML, as Material draws it (titled
  "Copy to clipboard", in a toolbar named "Code block N tools"): Material's
  one click handler for every [data-clipboard-target] copies the code, with
  its "Copied to clipboard" notice, whether the block is mounted or not. The
  block carries Material's class no-copy, which only tells Material not to
  add a second button;
- each block is a tab stop (tabindex="0"), as Material makes a block that
  scrolls sideways, so a keyboard can reach and scroll every block before it
  is mounted (axe-core: scrollable-region-focusable). Mounting removes the
  tab stop again where the block does not scroll, as Material always did;
- every block is neither styled nor laid out while it is off screen (class
  offscreen-skip: CSS content-visibility: auto, in extra.css), so that the
  first layout and the bundle's passes over the whole page (the palette
  restyles every element of the page four times when it starts) skip it;
  its height until then is its number of lines times the line height
  (--lines). A block with annotations is skipped only until Material has
  drawn them (extra.css: :has(.md-annotation)), as the containment that
  comes with content-visibility would clip their notes at the block's edge.
  Long programs carry annotations: on how-to/stop-server/ three quarters of
  the page's elements were in annotated blocks.

And the page's script files load with defer (they ran at the end of <body>
already; defer lets the browser paint before it has fetched and run them),
and what the bundle changes on <html> and <body> when it starts is done
before <body> is parsed (early_classes): each of those changes, made by the
bundle, restyles every element of the page.

Runs on the finished page (on_post_page), after every other hook, so the
search index and the other hooks see the HTML they always saw. One step runs
earlier, on the page's content (on_page_content), for the search index
itself: the collapsed whole programs stay out of it (see that function).
"""

from __future__ import annotations

import re

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.pages import Page

from core.theme import BLOCKING_SCRIPT, CODE_BLOCK_OPENING, EXAMPLE_BLOCK


def copy_button(number: int, title: str) -> str:
    return (
        f'<nav class="md-code__nav" aria-label="Code block {number} tools">'
        f'<button class="md-code__button" title="{title}"'
        f' data-clipboard-target="#__copy_{number}" data-md-type="copy"></button>'
        "</nav>"
    )


def with_class(attributes: str, name: str) -> str:
    """HTML attributes with one more class."""
    match = re.search(r'\bclass="([^"]*)"', attributes)
    if match:
        classes = f"{match.group(1)} {name}".strip()
        return (
            attributes[: match.start()]
            + f'class="{classes}"'
            + attributes[match.end() :]
        )
    return f'{attributes} class="{name}"'


def prepare_code_blocks(
    html: str, copy: bool = True, title: str = "Copy to clipboard"
) -> str:
    """Each highlighted block as Material would mount it; with its copy button
    only if copy (the theme feature content.code.copy) is on."""
    number = 0

    def block(match: re.Match) -> str:
        nonlocal number
        if "mermaid" in match.group("pre") or "id=" in match.group("code"):
            return match.group(0)
        number += 1
        pre = with_class(match.group("pre"), "no-copy") if copy else match.group("pre")
        end = html.find("</code>", match.end())
        code_html = html[match.end() : end]
        lines = code_html.count('<span id="__span-') or code_html.count("\n") + 1
        pre = with_class(pre, "offscreen-skip") + f' style="--lines: {lines}"'
        code = f' id="__copy_{number}" tabindex="0"' + match.group("code")
        if match.group("spans"):
            code = with_class(code, "md-code__content")
        lead = match.group("lead")
        button = copy_button(number, title) if copy else ""
        return f"<pre{pre}>{lead}{button}<code{code}>"

    return CODE_BLOCK_OPENING.sub(block, html)


def defer_scripts(html: str) -> str:
    """Material's bundle and extra_javascript, loaded with defer: they still
    run in order, before DOMContentLoaded (which the bundle waits for), but
    the page is parsed and painted without waiting for them."""
    return BLOCKING_SCRIPT.sub(r'<script src="\1" defer></script>', html)


# What Material's bundle does to <html> when it starts: js for no-js, and
# js-focus-visible (its focus-visible polyfill). In Chromium a change to the
# root's class restyles every element of the page (its trace: the class
# attribute's invalidation set "invalidates subtree"; the stylesheets have
# [class] selectors and .no-js rules ending in :nth-child()). Done in <head>,
# before there is anything to restyle, it costs nothing, and the bundle's own
# calls then change nothing. Without JavaScript the page keeps no-js.
EARLY_CLASSES = (
    '<script>document.documentElement.classList.remove("no-js"),'
    'document.documentElement.classList.add("js", "js-focus-visible")</script>'
)


# Material's palette marks <body> data-md-color-switching when the bundle
# starts (no transitions while colours change) and unmarks it a frame later;
# its stylesheet's rule for it ([data-md-color-switching] *) restyles every
# element of the page each time. Marked while <body> is still empty, the mark
# costs nothing and the bundle's own (same value) changes nothing: one pass
# fewer. Without JavaScript, nothing marks it.
EARLY_SWITCHING = (
    '<script>document.body.setAttribute("data-md-color-switching", "")</script>'
)
BODY = re.compile(r"<body\b[^>]*>")


def early_classes(html: str) -> str:
    """The page with what the bundle would change on <html> and <body> when
    it starts already there (EARLY_CLASSES, EARLY_SWITCHING)."""
    html = html.replace("</head>", f"  {EARLY_CLASSES}\n</head>", 1)
    return BODY.sub(lambda body: body.group(0) + EARLY_SWITCHING, html, count=1)


def on_page_content(html: str, *, page: Page, config: MkDocsConfig, files) -> str:
    """Each collapsed whole program stays out of the search index (Material
    skips an element with data-search-exclude): the parts of it that a page
    shows are indexed where it shows them, and the whole listings, repeated
    page after page (closing.py's helpers, observe.py's instruments), had
    grown the index every page loads to 210 KiB compressed, past the cold
    load budget (tests/browser/test_browser_loading.py). Before the search
    plugin reads the page (on_page_context)."""
    return EXAMPLE_BLOCK.sub('<details class="example" data-search-exclude>', html)


def on_post_page(output: str, *, page: Page, config: MkDocsConfig) -> str:
    copy = "content.code.copy" in (config.theme.get("features") or [])
    return early_classes(defer_scripts(prepare_code_blocks(output, copy)))


def on_post_template(output: str, *, template_name: str, config: MkDocsConfig) -> str:
    """The 404 page, a template of the theme rather than a page of the site."""
    if template_name != "404.html":
        return output
    return early_classes(defer_scripts(output))
