"""The site's own tools, run as subprocesses: the strict build, and pytest on a
copy of the project (the drift tests break a copy and run its suite)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from core.paths import ROOT

# MkDocs 1.6.1 prints a notice about MkDocs 2.0 at every run unless this is set.
ENV = {"NO_MKDOCS_2_WARNING": "1"}


def environment(**extra: str) -> dict[str, str]:
    """This process's environment, as the project's tools must run in it:
    without what pytest-xdist sets in its workers (a pytest run on a copy of
    the project is a run of its own, not a worker of this one)."""
    inherited = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(("PYTEST_XDIST_", "PYTEST_CURRENT_TEST"))
    }
    return {**inherited, **ENV, **extra}


def strict_build(
    site: Path, root: Path = ROOT, **env: str
) -> subprocess.CompletedProcess[str]:
    """`mkdocs build --strict` of the project at root into site.

    Never with -q: it hides the warnings that --strict counts."""
    return subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict"]
        + ["--config-file", str(root / "mkdocs.yml"), "--site-dir", str(site)],
        cwd=root,
        capture_output=True,
        text=True,
        timeout=120,
        env=environment(**env),
    )


def pytest_on(
    project: Path, *args: str, timeout: float = 240, **env: str
) -> subprocess.CompletedProcess[str]:
    """The project's own suite, or part of it, run on a copy, without xdist."""
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"]
        + ["-p", "no:xdist", *args],
        cwd=project,
        capture_output=True,
        text=True,
        timeout=timeout,
        env=environment(**env),
    )
