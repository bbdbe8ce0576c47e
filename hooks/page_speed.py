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
- a block with no annotation is neither styled nor laid out while it is off
  screen (class offscreen-skip: CSS content-visibility: auto, in extra.css),
  so that the palette's and the first layout's passes over the whole page
  skip it; its height until then is its number of lines times the line
  height (--lines). Blocks with annotations are left alone: the containment
  that comes with content-visibility would clip their notes at the block's
  edge.

And the page's script files load with defer (they ran at the end of <body>
already; defer lets the browser paint before it has fetched and run them).

Runs on the finished page (on_post_page), after every other hook, so the
search index and the other hooks see the HTML they always saw.
"""

from __future__ import annotations

import re

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.pages import Page

from core.theme import ANNOTATION_MARKER_HTML, BLOCKING_SCRIPT, CODE_BLOCK_OPENING


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
        if not ANNOTATION_MARKER_HTML.search(code_html):
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


def on_post_page(output: str, *, page: Page, config: MkDocsConfig) -> str:
    copy = "content.code.copy" in (config.theme.get("features") or [])
    return defer_scripts(prepare_code_blocks(output, copy))


def on_post_template(output: str, *, template_name: str, config: MkDocsConfig) -> str:
    """The 404 page, a template of the theme rather than a page of the site."""
    return defer_scripts(output) if template_name == "404.html" else output
