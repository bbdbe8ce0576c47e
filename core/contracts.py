"""The helpers' contract tests, as the helpers page lists them."""

from __future__ import annotations

import ast
import functools
from pathlib import Path

from core.paths import CONTRACTS

# pytest-xdist workers for the contract suite (make contracts, make bench,
# make contract-soak; make test runs it with the rest, -n auto): its tests
# mostly wait on sockets and timers (two cores idle, two workers: 30.6 s;
# four: 25.6 s, with 20 s of CPU by /usr/bin/time), so four workers on two
# cores overlap the waits. .github/CONTRIBUTING.md has the figures.
WORKERS = 4


def contract_anchor(section: str, test: str) -> str:
    """The id of a contract test's item on the helpers page."""
    return f"contract-{section}-{test}"


def contract_tests(section: str) -> dict[str, str]:
    """Test name -> the first paragraph of its docstring, in file order.

    Raises LookupError if the section has no file of contract tests."""
    path = CONTRACTS / f"test_{section}.py"
    if not path.is_file():
        raise LookupError(f"no contract tests for {section}: {path} is missing")
    return dict(_first_paragraphs(path, path.stat().st_mtime_ns))


@functools.cache
def _first_paragraphs(path: Path, mtime_ns: int) -> dict[str, str]:
    """contract_tests() of one version of a file: a build asks about each
    file a hundred times, and parsing it each time was an eighth of the
    build (a changed file, under `mkdocs serve`, is parsed again)."""
    found = {}
    for node in ast.parse(path.read_text()).body:
        if isinstance(node, ast.FunctionDef) and node.name.startswith("test_"):
            doc = ast.get_docstring(node) or ""
            found[node.name] = " ".join(doc.split("\n\n")[0].split())
    return found
