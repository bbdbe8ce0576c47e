"""A program that calls an API only Linux has says "Linux only: <why>", and
`make linux-only` lists the programs that say so.

The runner skips a program whose docstring starts with "Linux only" on other
systems (harness.programs.platform_skip_reason; tests/project/test_drift.py
runs it with --fake-platform darwin and reads the skip). What the marker
cannot tell is whether a program needs it: a program that reads /proc/net/tcp
without it fails on macOS and Windows only, in CI, far from the edit. The
check below reads the programs' code, not their docstrings, for the Linux
APIs the site's programs use.
"""

from __future__ import annotations

import ast
import subprocess
from pathlib import Path

import pytest

from core.paths import ROOT
from harness.programs import docstring, platform_skip_reason, program_files, rel

# Socket options of Linux's tcp(7) and ip(7) that Python's socket module
# defines from Linux's headers, on neither macOS nor Windows; a getattr()
# with a fallback number names them as a string.
LINUX_OPTIONS = {
    "TCP_INFO",
    "TCP_LINGER2",
    "TCP_USER_TIMEOUT",
    "IP_BIND_ADDRESS_NO_PORT",
}
# Linux's procfs (proc(5)): /proc/net/tcp, /proc/sys/net/..., /proc/self/status.
LINUX_PATH = "/proc/"
DEFINITION = ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef


def run_on_import(tree: ast.Module) -> list[ast.AST]:
    """What running the file executes. A module of definitions only (the
    helper modules in snippets/reference/helpers/) runs none of its functions;
    any other program runs its whole code, through main() or at top level."""
    kept = DEFINITION | ast.Import | ast.ImportFrom | ast.Assign | ast.AnnAssign
    docstring = tree.body[:1] if ast.get_docstring(tree) else []
    if all(isinstance(node, kept) for node in tree.body[len(docstring) :]):
        return [node for node in tree.body if not isinstance(node, DEFINITION)]
    return [tree]


def linux_apis(source: str) -> set[str]:
    """The Linux-only APIs a program's run uses: LINUX_OPTIONS as attributes
    or strings, and /proc/ paths."""
    found = set()
    for part in run_on_import(ast.parse(source)):
        for node in ast.walk(part):
            if isinstance(node, ast.Attribute) and node.attr in LINUX_OPTIONS:
                found.add(node.attr)
            elif isinstance(node, ast.Constant) and isinstance(node.value, str):
                if node.value in LINUX_OPTIONS:
                    found.add(node.value)
                elif node.value.startswith(LINUX_PATH):
                    found.add(node.value)
    return found


def says_linux_only(path: Path) -> bool:
    return docstring(path).startswith("Linux only: ")


def test_a_program_using_a_linux_api_says_linux_only():
    unmarked = [
        f"{rel(path)} uses {sorted(apis)}: start its docstring with 'Linux only: <why>'"
        for path in program_files()
        if (apis := linux_apis(path.read_text())) and not says_linux_only(path)
    ]
    assert not unmarked, "\n".join(unmarked)


# Known cases, kept by hand: what the check above must find, and must not.
KNOWN = {
    "reads the TCP table": (
        'with open("/proc/net/tcp") as t:\n    print(len(t.readlines()) > 0)\n',
        {"/proc/net/tcp"},
    ),
    "an option by name": (
        "import socket\nsocket.socket().setsockopt(6, socket.TCP_USER_TIMEOUT, 1)\n",
        {"TCP_USER_TIMEOUT"},
    ),
    "an option with a fallback number": (
        'import socket\nOPT = getattr(socket, "IP_BIND_ADDRESS_NO_PORT", 24)\n',
        {"IP_BIND_ADDRESS_NO_PORT"},
    ),
    "TCP_INFO in main()": (
        "import socket\n\ndef main():\n    return socket.TCP_INFO\n\nmain()\n",
        {"TCP_INFO"},
    ),
    "a helper module that defines but never calls": (
        'def table():\n    with open("/proc/net/tcp") as t:\n        return t.read()\n',
        set(),
    ),
    "portable options": (
        "import socket\nsocket.socket().setsockopt(1, socket.SO_LINGER, b'')\n",
        set(),
    ),
    "a comment or docstring naming /proc": (
        '"""Unlike /proc/net/tcp on Linux, ..."""\n# socket.TCP_INFO\nprint(1)\n',
        set(),
    ),
}


@pytest.mark.parametrize(("source", "apis"), KNOWN.values(), ids=KNOWN.keys())
def test_the_check_finds_the_known_cases(source: str, apis: set[str]):
    assert linux_apis(source) == apis


def test_the_runner_skips_a_known_linux_only_program_elsewhere():
    """shutdown_rd.py reads TCP_INFO; close_sole_owner.py runs anywhere."""
    linux_only = ROOT / "snippets/reference/shutdown/shutdown_rd.py"
    anywhere = ROOT / "snippets/index/close_sole_owner.py"
    for platform in ("darwin", "win32"):
        assert platform_skip_reason(linux_only, platform), platform
        assert platform_skip_reason(anywhere, platform) is None, platform
    assert platform_skip_reason(linux_only, "linux") is None


def test_the_reason_is_given_after_a_colon():
    for path in program_files():
        if docstring(path).startswith("Linux only"):
            assert says_linux_only(path), (
                f"{rel(path)}: start the docstring with 'Linux only: <why>'"
            )


def test_make_lists_them_from_the_docstrings():
    """`make linux-only` (a grep of the files' first lines) lists exactly the
    programs whose docstring (as Python parses it) says "Linux only: <why>",
    each with its reason."""
    listed = subprocess.run(
        ["make", "-s", "linux-only"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    ).stdout.splitlines()
    wanted = [
        f"{rel(path)}: "
        + docstring(path).split("\n", 1)[0].removeprefix("Linux only: ").strip()
        for path in program_files()
        if says_linux_only(path)
    ]
    assert sorted(listed) == sorted(wanted)
