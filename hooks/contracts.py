"""MkDocs hook: the contract tests of the helpers, listed on their page.

The helpers readers copy live in snippets/reference/helpers/closing.py, one
section each (`# --8<-- [start:close_gracefully]`). Each section has a file
of contract tests, tests/contracts/test_<section>.py, whose test functions
are named after the sentence of the contract they prove and quote it in
their docstring. The helpers page writes

    <!-- contracts: close_gracefully -->

where the list of that helper's contract tests goes: each item carries the
id that `contract:` evidence markers (hooks/evidence.py) link to. A
placeholder naming a helper without contract tests fails the build.
"""

from __future__ import annotations

import html

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.structure.files import Files
from mkdocs.structure.pages import Page

from core.contracts import contract_anchor, contract_tests
from core.markers import CONTRACTS


def test_list(section: str) -> str:
    try:
        tests = contract_tests(section)
    except LookupError as exc:
        raise PluginError(f"contracts: {exc}") from None
    items = "".join(
        f'<li id="{contract_anchor(section, test)}"><code>{html.escape(test)}</code>'
        + (f": {html.escape(doc)}" if doc else "")
        + "</li>"
        for test, doc in tests.items()
    )
    return (
        f'<ul class="contract-tests" data-contract="{section}">{items}</ul>\n\n'
        f"<small>Tests in <code>tests/contracts/test_{section}.py</code>.</small>"
    )


def on_page_markdown(
    markdown: str, *, page: Page, config: MkDocsConfig, files: Files
) -> str:
    return CONTRACTS.sub(lambda m: test_list(m.group(1)), markdown)
