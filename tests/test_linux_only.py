"""Linux-only programs say so in their docstring, skip elsewhere with that reason,
and the README lists exactly them."""

from __future__ import annotations

import re
from pathlib import Path

from conventions import ROOT
from programs import docstring, platform_skip_reason, program_files, rel


def linux_only() -> list[Path]:
    return [p for p in program_files() if docstring(p).startswith("Linux only")]


def test_linux_only_programs_skip_elsewhere_with_their_reason():
    for path in program_files():
        assert platform_skip_reason(path, "linux") is None
        reason = platform_skip_reason(path, "darwin")
        if path in linux_only():
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


def test_readme_lists_the_linux_only_programs():
    readme = (ROOT / "README.md").read_text()
    assert "## Linux-only programs" in readme
    section = readme.split("## Linux-only programs", 1)[-1].split("\n## ", 1)[0]
    items = re.findall(r"^- (.*(?:\n  .*)*)", section, flags=re.M)
    listed = {name for item in items for name in re.findall(r"`([\w./-]+\.py)`", item)}
    wanted = {rel(p) for p in linux_only()}
    assert listed == wanted, (
        f"README.md, section 'Linux-only programs': missing {sorted(wanted - listed)}, "
        f"not Linux only {sorted(listed - wanted)}"
    )
