"""axe-core (vendored in harness/vendor/) finds no violation on any page, in either
palette: the page switches to dark when the system preference does, and there
only the colour rules can differ, so only they run again."""

from __future__ import annotations

from pathlib import Path

import pytest

from harness.browser import Visit, page_params


@pytest.mark.parametrize("page", page_params(with_404=True))
def test_no_accessibility_violations_in_the_light_palette(page: Path, seen: Visit):
    assert not seen.violations, f"{seen.url}: axe-core: {seen.violations}"


@pytest.mark.parametrize("page", page_params(with_404=True))
def test_no_accessibility_violations_in_the_dark_palette(page: Path, seen: Visit):
    assert seen.dark_scheme == "slate", (
        f"{seen.url}: dark palette is {seen.dark_scheme}"
    )
    assert not seen.dark_violations, f"{seen.url}: axe-core: {seen.dark_violations}"
