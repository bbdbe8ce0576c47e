"""pytest plugin: the verification record, written by the program runner only.

tests/programs/test_programs.py attaches to each report what it ran: the program's
name, the SHA-256 of the file as it was run, and the environment of the
Python that ran it. At the end of a session this plugin merges those entries,
with their outcome, into build/verified.json; programs the run did not
touch keep their entries. The hooks build every page's "Verified on" line
from it. Nothing is written by a run that only pretends (--fake-platform),
that rewrites the programs (--update-examples), or by an xdist worker (the
controller gathers its reports).
"""

from __future__ import annotations

import pytest

from core.record import REPORT_PROPERTY, merge


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--fake-platform",
        default=None,
        help="Pretend sys.platform is this value when deciding platform skips "
        "(never writes the verification record).",
    )


# Entries reported in this session: (program file, its record entry).
_pending: list[tuple[str, dict]] = []


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    if report.when != "call":
        return
    for key, value in report.user_properties:
        if key == REPORT_PROPERTY:
            for name, sha256 in value["files"].items():
                entry = {"outcome": report.outcome, "sha256": sha256, **value["env"]}
                _pending.append((name, entry))


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    config = session.config
    if hasattr(config, "workerinput") or not _pending:
        return
    if config.getoption("--fake-platform") or config.getoption("update_examples"):
        return
    merge(dict(_pending))
    _pending.clear()
