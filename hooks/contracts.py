"""The contract tests of the helpers, listed on their page (a Python-Markdown
extension, hooks.contracts in mkdocs.yml, run by MkDocs and Zensical alike).

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

from markdown import Extension, Markdown
from markdown.preprocessors import Preprocessor

from core.builders import BuildError
from core.contracts import contract_anchor, contract_tests
from core.markers import CONTRACTS


def test_list(section: str) -> str:
    try:
        tests = contract_tests(section)
    except LookupError as exc:
        raise BuildError(f"contracts: {exc}") from None
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


class ContractLists(Preprocessor):
    def run(self, lines: list[str]) -> list[str]:
        text = "\n".join(lines)
        if "contracts:" not in text:
            return lines
        return CONTRACTS.sub(lambda m: test_list(m.group(1)), text).split("\n")


class ContractsExtension(Extension):
    def extendMarkdown(self, md: Markdown) -> None:  # noqa: N802 (Markdown's API)
        # Before pymdownx.snippets (32) and the raw HTML stash (20): the list
        # is raw HTML in the page's Markdown.
        md.preprocessors.register(ContractLists(md), "contract_lists", 40)


def makeExtension(**kwargs) -> ContractsExtension:  # noqa: N802 (Markdown's API)
    return ContractsExtension(**kwargs)
