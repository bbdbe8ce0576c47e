"""axe-core (vendored in tests/vendor/) finds no violation on any page, in either
palette (in the dark one, only the colour rules can differ, so only they run)."""

from __future__ import annotations

from pathlib import Path

import pytest

from browser import Visit, page_params


@pytest.mark.parametrize("page", page_params("light", with_404=True))
def test_no_accessibility_violations_in_the_light_palette(page: Path, light: Visit):
    assert not light.violations, f"{light.url}: axe-core: {light.violations}"


@pytest.mark.parametrize("page", page_params("dark", with_404=True))
def test_no_accessibility_violations_in_the_dark_palette(page: Path, dark: Visit):
    assert not dark.violations, f"{dark.url}: axe-core: {dark.violations}"
