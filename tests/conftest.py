from __future__ import annotations

import datetime
import gc
import hashlib
import json
import platform
import shutil
import sys
from pathlib import Path

import pytest

if sys.version_info[:2] == (3, 11):
    # pytest-examples 0.0.18 builds a fake traceback that crashes pytest on
    # Python 3.11 (INTERNALERROR). Whole-file snippets keep their real line
    # numbers, so the real traceback is the better one anyway.
    import pytest_examples.run_code

    pytest_examples.run_code.create_example_traceback = lambda *args, **kwargs: None


def pytest_collection_finish(session: pytest.Session) -> None:
    # Move everything pytest has loaded so far out of the collector's reach, so
    # that the gc.collect() after each snippet only scans what the snippet made.
    gc.collect()
    gc.freeze()


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--fake-platform",
        default=None,
        help="Pretend sys.platform is this value when deciding platform skips.",
    )


# --- the record that the "Verified on" note of every page is built from ---

RECORD = Path(__file__).resolve().parent.parent / "build" / "verified.json"
_results: dict[str, dict] = {}


def _snippet_names(item: pytest.Item) -> list[str]:
    from snippet_files import PAIR, rel

    callspec = getattr(item, "callspec", None)
    if callspec is None:
        return []
    if "path" in callspec.params and item.originalname == "test_snippet":
        return [rel(callspec.params["path"])]
    if "folder" in callspec.params and item.originalname == "test_two_processes":
        return [rel(callspec.params["folder"] / name) for name in PAIR]
    return []


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call):
    report = yield
    names = _snippet_names(item)
    if names and (report.when == "call" or report.outcome != "passed"):
        for name in names:
            path = Path(
                item.callspec.params.get("path") or item.callspec.params["folder"]
            )
            path = path if path.suffix == ".py" else path / Path(name).name
            previous = _results.get(name, {}).get("outcome")
            if previous in (None, "passed"):
                _results[name] = {
                    "outcome": report.outcome,
                    "sha256": hashlib.sha256(path.read_bytes()).hexdigest(),
                }
    return report


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    if not _results or session.config.getoption("update_examples"):
        return
    try:
        record = json.loads(RECORD.read_text())
    except (OSError, ValueError):
        record = {}
    record.setdefault("snippets", {}).update(_results)
    record["environment"] = {
        "os": platform.system(),
        "kernel": platform.release(),
        "implementation": platform.python_implementation(),
        "python": platform.python_version(),
        "date": datetime.date.today().isoformat(),
    }
    RECORD.parent.mkdir(exist_ok=True)
    RECORD.write_text(json.dumps(record, indent=2, sort_keys=True) + "\n")


# --- fixtures shared by the page, drift and browser tests ---

COPIED = [
    "docs",
    "snippets",
    "tests",
    "hooks",
    "overrides",
    "mkdocs.yml",
    "pyproject.toml",
]


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A copy of the project in a temporary folder, to break on purpose."""
    from snippet_files import ROOT

    copy = tmp_path / "project"
    copy.mkdir()
    for name in COPIED:
        source = ROOT / name
        if source.is_dir():
            ignore = shutil.ignore_patterns("__pycache__")
            shutil.copytree(source, copy / name, ignore=ignore)
        else:
            shutil.copy2(source, copy / name)
    return copy


@pytest.fixture(scope="session")
def built_site(tmp_path_factory) -> Path:
    """The site, built strictly into a temporary folder."""
    from snippet_files import strict_build

    site = tmp_path_factory.mktemp("site")
    result = strict_build(site)
    assert result.returncode == 0, f"mkdocs build --strict failed:\n{result.stderr}"
    return site
