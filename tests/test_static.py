"""Checks that need no socket: workflows, Python 3.10 compatibility, platform skips."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from snippet_files import ROOT, all_snippets, docstring, platform_skip_reason, rel

BIN = Path(sys.executable).parent


def test_workflows_validate():
    workflows = sorted(str(p) for p in (ROOT / ".github" / "workflows").glob("*.y*ml"))
    assert workflows, "no workflow in .github/workflows/"
    result = subprocess.run(
        [
            BIN / "check-jsonschema",
            "--builtin-schema",
            "vendor.github-workflows",
            *workflows,
        ],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_code_runs_on_python_3_10():
    """Only Python 3.11 may be installed here: vermin reads the code for newer APIs."""
    result = subprocess.run(
        [
            BIN / "vermin",
            "-t=3.10-",
            "--no-tips",
            "--violations",
            "--eval-annotations",
            "--backport",
            "typing_extensions",
            "snippets",
            "tests",
            "hooks",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def linux_only() -> list[Path]:
    return [p for p in all_snippets() if platform_skip_reason(p, "darwin")]


@pytest.mark.timeout(300)
def test_linux_only_snippets_skip_elsewhere_with_their_reason():
    """Fake the platform: Linux-only snippets skip, saying why; the rest still run."""
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-rs",
            "-p",
            "no:cacheprovider",
            "tests/test_snippets.py",
            "-k",
            "test_snippet",
            "--fake-platform",
            "darwin",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    skipped = re.findall(r"SKIPPED \[1\] .*?: (\S+): Linux only", result.stdout)
    expected = sorted(
        rel(p) for p in linux_only() if p.name not in ("server.py", "client.py")
    )
    assert sorted(skipped) == expected, result.stdout
    for path in all_snippets():
        assert platform_skip_reason(path, "linux") is None


def test_readme_lists_the_linux_only_snippets():
    readme = (ROOT / "README.md").read_text()
    section = readme.split("## Linux-only snippets", 1)[-1].split("\n## ", 1)[0]
    missing = [rel(p) for p in linux_only() if f"`{rel(p)}`" not in section]
    assert "## Linux-only snippets" in readme and not missing, (
        f"README.md, section 'Linux-only snippets', does not list: {missing}"
    )
    listed = re.findall(r"^- `([^`]+\.py)`", section, flags=re.MULTILINE)
    extra = [name for name in listed if name not in {rel(p) for p in linux_only()}]
    assert not extra, f"README.md lists snippets that are not Linux only: {extra}"
    for path in linux_only():
        assert docstring(path).startswith("Linux only: "), (
            f"{rel(path)}: start the docstring with 'Linux only: <why>'"
        )
