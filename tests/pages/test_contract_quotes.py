"""A contract test quotes its clause as the helper's docstring says it now.

The helpers page lists each helper's contract tests with the first paragraph
of each one's docstring (core/contracts.py), which opens with the clause it
proves, quoted: "...". A docstring reworded since would leave the page
quoting a contract that no longer exists. The quote is the first
double-quoted span of the test's docstring; "..." inside it stands for
omitted text, so its parts must appear in the helper's docstring in order,
whitespace normalised. The helper's docstring is any docstring in its
section of closing.py (`# --8<-- [start:<section>]`): a class's, or one of
its methods'.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from core.paths import CONTRACTS, HELPERS_MODULE

SECTION = re.compile(
    r"^# --8<-- \[start:(\w+)\]\n(.*?)^# --8<-- \[end:\1\]", re.M | re.S
)
# The first double-quoted span: from a '"' to the next, across lines.
QUOTE = re.compile(r'"([^"]*)"', re.S)


def normalised(text: str) -> str:
    return " ".join(text.split())


def section_docstrings(module: Path) -> dict[str, list[str]]:
    """Section name -> the docstrings in it, each normalised."""
    found = {}
    for name, source in SECTION.findall(module.read_text()):
        nodes = ast.walk(ast.parse(source))
        found[name] = [
            normalised(doc)
            for node in nodes
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef)
            and (doc := ast.get_docstring(node))
        ]
    return found


def quoted_in_order(quote: str, docstring: str) -> bool:
    """Whether each "..."-separated part of quote is in docstring, in order
    (a part may capitalise its first letter: a quote may open a sentence)."""
    position = 0
    for part in (normalised(p) for p in quote.split("...")):
        if not part:
            continue
        found = min(
            (
                at
                for first in {part[0].lower(), part[0].upper()}
                if (at := docstring.find(first + part[1:], position)) != -1
            ),
            default=-1,
        )
        if found == -1:
            return False
        position = found + len(part)
    return True


def quoted_clause(docstring: str) -> str:
    """The clause a test's docstring quotes: its first double-quoted span,
    if the docstring opens with one; else its first paragraph, the clause
    unquoted (less its final period)."""
    if docstring.lstrip().startswith('"'):
        match = QUOTE.search(docstring)
        return match[1] if match else ""
    clause = docstring.split("\n\n")[0].strip()
    return clause if clause.endswith("...") else clause.removesuffix(".")


def quote_problems(contracts: Path, module: Path) -> list[str]:
    """One line per contract test whose quote is not its helper's, or that
    quotes nothing."""
    docstrings = section_docstrings(module)
    problems = []
    for path in sorted(contracts.glob("test_*.py")):
        section = path.stem.removeprefix("test_")
        if section not in docstrings:
            problems.append(f"{path.name}: no section {section} in {module.name}")
            continue
        for node in ast.parse(path.read_text()).body:
            if not (
                isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
                and node.name.startswith("test_")
            ):
                continue
            quote = quoted_clause(ast.get_docstring(node) or "")
            if not quote:
                problems.append(f"{path.name}::{node.name}: quotes no clause")
            elif not any(quoted_in_order(quote, d) for d in docstrings[section]):
                problems.append(
                    f"{path.name}::{node.name}: {normalised(quote)!r} is not in "
                    f"the docstring of {section}"
                )
    return problems


def test_every_contract_test_quotes_its_helpers_docstring():
    problems = quote_problems(CONTRACTS, HELPERS_MODULE)
    assert not problems, "\n".join(problems)


def test_the_contract_tests_are_found():
    """The check above covers every contract file: one at least per helper
    section, each with tests."""
    files = sorted(p.stem for p in CONTRACTS.glob("test_*.py"))
    assert set(section_docstrings(HELPERS_MODULE)) == {
        f.removeprefix("test_") for f in files
    }


HELPER = '''\
# --8<-- [start:helper]
def helper():
    """Do a thing.

    Returns True if the peer sent its FIN,
    False otherwise (a reset).
    """
# --8<-- [end:helper]
'''

CASES = {
    "whole clause": ("Returns True if the peer sent its FIN", True),
    "across a line break": ("the peer sent its FIN, False otherwise", True),
    "with an ellipsis": ("Returns True ... False otherwise", True),
    "ellipsis for text within": ("Returns True if ... its FIN, ... (a reset)", True),
    "reworded": ("Returns True if the peer closed", False),
    "parts out of order": ("False otherwise ... Returns True", False),
    "a part not there": ("Returns True ... or the peer closed", False),
}


@pytest.mark.parametrize("case", CASES)
def test_a_stale_quote_is_reported(tmp_path: Path, case: str):
    """The check fails, naming the test and its quote, for a quote no longer
    in the docstring, and passes for one that is."""
    quote, current = CASES[case]
    module = tmp_path / "closing.py"
    module.write_text(HELPER)
    contracts = tmp_path / "contracts"
    contracts.mkdir()
    (contracts / "test_helper.py").write_text(
        f'def test_clause():\n    """ "{quote}": what it shows."""\n'
    )
    problems = quote_problems(contracts, module)
    if current:
        assert problems == []
    else:
        assert problems == [
            f"test_helper.py::test_clause: {quote!r} is not in the docstring of helper"
        ]
