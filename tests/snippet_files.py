"""What the suite knows about snippets: where they are and how each one runs."""

from __future__ import annotations

import ast
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SNIPPETS = ROOT / "snippets"
DOCS = ROOT / "docs"

# A folder holding server.py and client.py is a two-terminal example: the
# suite runs the pair as two real processes instead of one program each.
PAIR = ("server.py", "client.py")


def all_snippets() -> list[Path]:
    return sorted(p for p in SNIPPETS.rglob("*.py") if "__pycache__" not in p.parts)


def is_pair_member(path: Path) -> bool:
    return path.name in PAIR and all((path.parent / name).is_file() for name in PAIR)


def single_snippets() -> list[Path]:
    return [p for p in all_snippets() if not is_pair_member(p)]


def pair_folders() -> list[Path]:
    return sorted({p.parent for p in all_snippets() if is_pair_member(p)})


def rel(path: Path) -> str:
    return path.relative_to(SNIPPETS).as_posix()


def docstring(path: Path) -> str:
    return ast.get_docstring(ast.parse(path.read_text(), filename=str(path))) or ""


def platform_skip_reason(path: Path, platform: str | None = None) -> str | None:
    """A snippet whose docstring starts with "Linux only" runs only on Linux."""
    platform = sys.platform if platform is None else platform
    if docstring(path).startswith("Linux only") and platform != "linux":
        return f"{rel(path)}: Linux only (its docstring says so); this is {platform}"
    return None


def strict_build(
    site: Path, root: Path = ROOT, **env: str
) -> subprocess.CompletedProcess[str]:
    """`mkdocs build --strict` of the project at root into site.

    Never with -q: it hides the warnings that --strict counts."""
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "mkdocs",
            "build",
            "--strict",
            "--config-file",
            str(root / "mkdocs.yml"),
            "--site-dir",
            str(site),
        ],
        cwd=root,
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1", **env},
    )
