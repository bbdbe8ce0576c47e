"""A helper repeated across programs is one helper: same name, same body."""

from __future__ import annotations

import ast
from collections import defaultdict

from harness.programs import program_files, rel

# Names a program may define its own way: its entry point and its one-off
# roles (the server loop, the exchange it runs, the client side, a handler
# class). Any other top-level function or class is a helper a reader may copy.
PER_PROGRAM_NAMES = {"main", "serve", "exchange", "client", "Echo"}


def test_a_helper_has_one_body_everywhere():
    """Compared as ast.unparse(), so comments and layout may differ."""
    bodies: dict[str, dict[str, list[str]]] = defaultdict(dict)
    for path in program_files():
        for node in ast.parse(path.read_text()).body:
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
                source = ast.unparse(node)
                bodies[node.name].setdefault(source, []).append(rel(path))
    problems = [
        f"{name}() has {len(variants)} different bodies: "
        + "; ".join(", ".join(paths) for paths in variants.values())
        for name, variants in sorted(bodies.items())
        if len(variants) > 1 and name not in PER_PROGRAM_NAMES
    ]
    assert not problems, "\n".join(problems)
