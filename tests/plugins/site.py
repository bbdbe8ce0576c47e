"""pytest plugin: the built site the site checks (tests/site/) read.

By default the site MkDocs builds (the session's built_site). With
--site-dir DIR --builder NAME, a site another builder made: `make zensical`
runs the same checks on Zensical's output, and the checks that fail there
for a documented reason are expected to (tests/site/test_built_site.py).
"""

from __future__ import annotations

from pathlib import Path

import pytest


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--site-dir", type=Path, help="check this built site")
    parser.addoption(
        "--builder",
        default="mkdocs",
        choices=["mkdocs", "zensical"],
        help="the builder that made --site-dir",
    )


@pytest.fixture(scope="session")
def builder(request: pytest.FixtureRequest) -> str:
    return request.config.getoption("--builder")


@pytest.fixture(scope="session")
def site(request: pytest.FixtureRequest) -> Path:
    given = request.config.getoption("--site-dir")
    if given is not None:
        if not (given / "index.html").is_file():
            pytest.fail(f"--site-dir {given}: no index.html: not a built site")
        return given.resolve()
    return request.getfixturevalue("built_site")
