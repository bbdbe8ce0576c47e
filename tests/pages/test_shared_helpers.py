"""A helper repeated across programs is one helper: same name, same body."""

from __future__ import annotations

import ast
from collections import defaultdict

from harness.programs import program_files, rel

# Names a program may define its own way: its entry point and its one-off
# roles (the server loop, the exchange it runs, the client side, a handler
# class). Any other top-level function or class is a helper a reader may copy.
PER_PROGRAM_NAMES = {"main", "serve", "exchange", "client", "Echo"}


def with_first_line_of_docstring(node: ast.stmt) -> ast.stmt:
    """node, its docstring cut to its first line: a copy of a closing.py
    helper may carry the short form (tests/programs/test_helper_copies.py)."""
    docstring = ast.get_docstring(node)
    if docstring is not None:
        node.body[0].value.value = docstring.splitlines()[0] if docstring else ""
    return node


def test_a_helper_has_one_body_everywhere():
    """Compared as ast.unparse(), so comments and layout may differ, and with
    only the first line of each docstring (the rest may be cut short)."""
    bodies: dict[str, dict[str, list[str]]] = defaultdict(dict)
    for path in program_files():
        for node in ast.parse(path.read_text()).body:
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
                source = ast.unparse(with_first_line_of_docstring(node))
                bodies[node.name].setdefault(source, []).append(rel(path))
    problems = [
        f"{name}() has {len(variants)} different bodies: "
        + "; ".join(", ".join(paths) for paths in variants.values())
        for name, variants in sorted(bodies.items())
        if len(variants) > 1 and name not in PER_PROGRAM_NAMES
    ]
    assert not problems, "\n".join(problems)
