"""axe-core (vendored in tests/vendor/) finds no violation on any page, in either
palette (in the dark one, only the colour rules can differ, so only they run)."""

from __future__ import annotations

import pytest


def report(visits) -> str:
    return "\n".join(
        f"{url}: {violation}"
        for url, seen in visits.items()
        for violation in seen.violations
    )


@pytest.mark.xdist_group("browser")
def test_no_accessibility_violations_in_the_light_palette(visits):
    assert not report(visits), "axe-core violations:\n" + report(visits)


# On another worker than the light visits, so that the two run side by side.
@pytest.mark.xdist_group("browser-dark")
def test_no_accessibility_violations_in_the_dark_palette(dark_visits):
    assert not report(dark_visits), "axe-core violations:\n" + report(dark_visits)
