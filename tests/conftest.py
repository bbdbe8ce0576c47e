"""What the whole suite shares: its plugins, the helpers modules under test,
a breakable copy of the project, and the site built once."""

from __future__ import annotations

import importlib.util
import os
import shutil
import sys
from pathlib import Path

import pytest

from core.paths import ROOT, SNIPPETS

# The verification record and --fake-platform; Chromium, the served site and
# the shared page visits; whether the wire can be captured here.
pytest_plugins = [
    "plugins.record",
    "plugins.browser",
    "plugins.capture",
    "plugins.site",
]


def _load_by_path(name: str, path: Path) -> None:
    """Import path as module name, as a reader's project would hold it."""
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)


# The tests import the helpers module readers download (closing.py) and the
# programs' shared instruments (observe.py) from their files in snippets/:
# loaded here, before any test module, so that no PYTHONPATH is needed.
for _name in ("closing", "observe"):
    _load_by_path(_name, SNIPPETS / "reference" / "helpers" / f"{_name}.py")

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
def built_site(
    tmp_path_factory: pytest.TempPathFactory, pytestconfig: pytest.Config
) -> Path:
    """The site, built strictly into a temporary folder (bounded: 120 s),
    once per run: the xdist workers share one build (pytest-xdist's own
    recipe: the first worker to take the lock builds, the others wait for
    it and read the same folder; none writes to it)."""
    import fcntl  # POSIX: the suite's browser and build tests run on Linux

    from harness.build import strict_build

    shared = tmp_path_factory.getbasetemp()
    if hasattr(pytestconfig, "workerinput"):  # an xdist worker of this run
        shared = shared.parent  # the run's folder, above each worker's
    site, built = shared / "site", shared / "site.built"
    with open(shared / "site.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # released when the file closes
        if not built.exists():
            shutil.rmtree(site, ignore_errors=True)  # a failed build's remains
            result = strict_build(site)
            assert result.returncode == 0, (
                f"mkdocs build --strict failed:\n{result.stderr}"
            )
            built.touch()
    return site
