"""pytest plugin: whether the wire tests can capture here.

Capturing needs Linux and root (harness.capture.unavailable says what is
missing). Without it the wire tests skip and say why, except where
REQUIRE_WIRE=1 (.ci/run sets it), where they fail.
"""

from __future__ import annotations

import os

import pytest

from harness.capture import why_not


@pytest.fixture
def capturing(request: pytest.FixtureRequest) -> None:
    """Skips the test (or fails it, REQUIRE_WIRE=1) if this process cannot capture."""
    reason = why_not()
    if reason is None:
        return
    what = request.node.name
    if os.environ.get("REQUIRE_WIRE") == "1":
        pytest.fail(f"{what}: not checked, and REQUIRE_WIRE=1: {reason}", pytrace=False)
    pytest.skip(f"{what}: not checked: {reason}")
