"""The environment the project's own tools run in (harness.build)."""

from __future__ import annotations

import pytest

from harness.build import environment


def test_a_run_on_a_copy_is_no_worker_of_this_run(monkeypatch: pytest.MonkeyPatch):
    """pytest-xdist sets PYTEST_XDIST_WORKER (and more) in its workers; a
    pytest run on a copy of the project that inherited them would take itself
    for a worker and share this run's built site (tests/conftest.py)."""
    monkeypatch.setenv("PYTEST_XDIST_WORKER", "gw1")
    monkeypatch.setenv("PYTEST_XDIST_WORKER_COUNT", "3")
    monkeypatch.setenv("PYTEST_CURRENT_TEST", "x.py::test (call)")
    monkeypatch.setenv("KEPT", "yes")
    env = environment(EXTRA="1")
    assert not [n for n in env if n.startswith(("PYTEST_XDIST_", "PYTEST_CURRENT"))]
    assert (env["KEPT"], env["EXTRA"], env["NO_MKDOCS_2_WARNING"]) == ("yes", "1", "1")
