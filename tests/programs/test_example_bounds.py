"""Code readers copy from the pages keeps the promises the pages make of it.

Two defects an independent review found in examples, not in helpers:
- tls: `unwrap()` shown inside `except ssl.SSLError`, which lets the
  TimeoutError of the socket timeout the page recommends, and a
  ConnectionResetError, escape. Each `try` around an `unwrap()` in the
  programs must catch OSError (SSLError's base) or wider.
- client-server: the page says no wait there is unbounded; the listener's
  `accept()` and the client thread's `join()` were. Each program of the page
  gives its listener a timeout before accept(), and each join() a timeout.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from core.paths import SNIPPETS
from harness.programs import program_files, rel

WIDE_ENOUGH = {"OSError", "Exception", "BaseException"}


def calls(node: ast.AST, name: str) -> list[ast.Call]:
    return [
        n
        for n in ast.walk(node)
        if isinstance(n, ast.Call)
        and isinstance(n.func, ast.Attribute)
        and n.func.attr == name
    ]


def caught(handler: ast.ExceptHandler) -> set[str]:
    kinds = handler.type
    if kinds is None:
        return {"BaseException"}
    names = kinds.elts if isinstance(kinds, ast.Tuple) else [kinds]
    return {
        n.attr if isinstance(n, ast.Attribute) else getattr(n, "id", "") for n in names
    }


def unwrap_handlers(source: str) -> list[tuple[int, set[str]]]:
    """(line, exceptions caught) of each try whose body calls unwrap()."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Try) and node.handlers:
            body = ast.Module(body=node.body, type_ignores=[])
            if calls(body, "unwrap"):
                kinds = set().union(*(caught(h) for h in node.handlers))
                found.append((node.lineno, kinds))
    return found


@pytest.mark.parametrize(
    "path", [p for p in program_files() if "unwrap(" in p.read_text()], ids=rel
)
def test_a_try_around_unwrap_catches_oserror(path: Path):
    narrow = [
        f"{rel(path)}:{line} catches only {sorted(kinds)}"
        for line, kinds in unwrap_handlers(path.read_text())
        if not kinds & WIDE_ENOUGH
    ]
    assert not narrow, "\n".join(narrow)


def test_the_check_sees_a_narrow_handler():
    source = "try:\n    tls.unwrap()\nexcept ssl.SSLError:\n    pass\n"
    assert unwrap_handlers(source) == [(1, {"SSLError"})]


CLIENT_SERVER = sorted((SNIPPETS / "how-to" / "client-server").glob("*.py"))


@pytest.mark.parametrize("path", CLIENT_SERVER, ids=rel)
def test_client_server_waits_are_bounded(path: Path):
    tree = ast.parse(path.read_text())
    unbounded = [
        f"{rel(path)}:{c.lineno}: join() without a timeout"
        for c in calls(tree, "join")
        if not c.args and not c.keywords and not isinstance(c.func.value, ast.Constant)
    ]
    if calls(tree, "accept"):
        timeouts = calls(tree, "settimeout")
        accepts = calls(tree, "accept")
        first_timeout = min((t.lineno for t in timeouts), default=None)
        if first_timeout is None or first_timeout > min(a.lineno for a in accepts):
            unbounded.append(f"{rel(path)}: accept() on a listener without a timeout")
    assert not unbounded, "\n".join(unbounded)
