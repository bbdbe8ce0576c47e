"""Linux-only programs say so in their docstring, skip elsewhere with that reason,
and `make linux-only` lists them from the docstrings."""

from __future__ import annotations

from pathlib import Path

from core.paths import ROOT
from harness.programs import docstring, platform_skip_reason, program_files, rel


def linux_only() -> list[Path]:
    return [p for p in program_files() if docstring(p).startswith("Linux only")]


def test_linux_only_programs_skip_elsewhere_with_their_reason():
    marked = set(linux_only())
    for path in program_files():
        assert platform_skip_reason(path, "linux") is None
        reason = platform_skip_reason(path, "darwin")
        if path in marked:
            expected = (
                f"{rel(path)}: Linux only (its docstring says so); this is darwin"
            )
            assert reason == expected
        else:
            assert reason is None, rel(path)


def test_the_reason_is_given_after_a_colon():
    for path in linux_only():
        assert docstring(path).startswith("Linux only: "), (
            f"{rel(path)}: start the docstring with 'Linux only: <why>'"
        )


def test_make_lists_them_from_the_docstrings():
    """`make linux-only` prints each Linux-only program with its reason."""
    import subprocess

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
        for path in sorted(linux_only())
    ]
    assert sorted(listed) == sorted(wanted)
