from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from conventions import ROOT

# The verification record and --fake-platform (tests/record.py); Chromium and
# the shared page visits (tests/browser.py).
pytest_plugins = ["record", "browser"]

# What a copy of the project needs for its own suite and build to run.
COPIED = [
    "docs",
    "snippets",
    "tests",
    "hooks",
    "overrides",
    "mkdocs.yml",
    "pyproject.toml",
]


@pytest.hookimpl(optionalhook=True)  # absent when xdist is off (-p no:xdist)
def pytest_xdist_auto_num_workers(config: pytest.Config) -> int:
    """`-n auto`: one worker more than the cores. Much of the suite waits on
    sockets or on the browser (measured on 2 cores: 2 workers 84 s, 3 workers
    82 s)."""
    return (os.cpu_count() or 1) + 1


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A copy of the project in a temporary folder, to break on purpose.

    The copy has no build/ folder: a run on it records into its own."""
    copy = tmp_path / "project"
    copy.mkdir()
    ignore = shutil.ignore_patterns("__pycache__")
    for name in COPIED:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, copy / name, ignore=ignore)
        else:
            shutil.copy2(source, copy / name)
    return copy


@pytest.fixture(scope="session")
def built_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The site, built strictly into a temporary folder (bounded: 120 s)."""
    from runs import strict_build

    site = tmp_path_factory.mktemp("site")
    result = strict_build(site)
    assert result.returncode == 0, f"mkdocs build --strict failed:\n{result.stderr}"
    return site
