"""The browser tests catch what a reader would hit: each break below, made on
a copy of the project, fails them with a message that says what broke."""

from __future__ import annotations

import pytest

from core.pages import includes
from core.paths import DOCS
from harness.build import pytest_on

# Each test runs part of the suite again, on a copy (bounded by
# harness.build.pytest_on): a generous limit, so that a busy machine slows
# these without failing them.
pytestmark = pytest.mark.timeout(300)


@pytest.fixture(autouse=True)
def needs_chromium(chromium: str) -> None:
    pass


def test_removing_a_linked_page_fails(project):
    """The strict build the browser tests start from fails, and its message,
    which the failure shows, names the page that was removed."""
    (project / "docs/how-to/half-close.md").unlink()
    result = pytest_on(project, "tests/browser/test_browser_links.py")
    assert result.returncode == 1, result.stdout
    assert "mkdocs build --strict failed" in result.stdout
    assert "how-to/half-close.md" in result.stdout


def test_breaking_the_copy_button_fails(project):
    config = project / "mkdocs.yml"
    config.write_text(config.read_text().replace("    - content.code.copy\n", ""))
    result = pytest_on(
        project, "tests/browser/test_browser_copy.py", "-k", "half-close"
    )
    assert result.returncode == 1, result.stdout
    assert "no copy button on the page copies exactly the included code of" in (
        result.stdout
    )
    include = next(
        inc
        for inc in includes(DOCS / "how-to/half-close.md")
        if inc.section == "client"
    )
    assert str(include) in result.stdout, result.stdout


def test_a_third_party_font_fails(project):
    config = project / "mkdocs.yml"
    config.write_text(
        config.read_text().replace("  font: false\n", "  font:\n    text: Roboto\n")
    )
    result = pytest_on(  # the home page only (-k "index" also picks tutorial/index)
        project,
        "tests/browser/test_browser_loading.py::test_page_loads_from_its_own_host_only[index.md]",
    )
    assert result.returncode == 1, result.stdout
    assert "requests to other hosts" in result.stdout
    assert "fonts.googleapis.com" in result.stdout
