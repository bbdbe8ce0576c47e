"""Every program in snippets/ runs as `python -W error file.py` and prints its #> lines.

Each program runs once, as a real process in its own temporary folder
(harness/programs.py); pytest-xdist spreads them over the cores. A program
fails its test if it is killed at the time bound, exits non-zero, writes to
stderr (an unclosed socket's ResourceWarning is an error under -W error),
binds or connects beyond loopback, or prints something other than its #>
lines. Under --update-examples the #> lines are rewritten from what it
printed. The outcome, with the file's hash and the environment, goes into
the verification record (tests/plugins/record.py).

A program with a .wire file beside it is a wire scenario: it runs in a
network namespace of its own while harness/capture/ captures its segments,
and test_wire compares them with the .wire file (rewritten under
--update-examples). Both tests of a scenario run on the same worker, so
the program still runs once. Without the privilege to capture, test_wire
skips saying what is missing; with REQUIRE_WIRE=1 (as .ci/run sets) it fails.
"""

from __future__ import annotations

import difflib
import hashlib
import sys
from pathlib import Path

import pytest

from core import wire as wire_format
from core.markers import for_python, output_lines_for_python
from core.paths import owner_page
from core.record import REPORT_PROPERTY as PROPERTY
from core.record import environment, stamp_of
from harness import capture as wire
from harness.examples_compat import expected_source, misplaced, output_diff
from harness.programs import (
    Program,
    all_programs,
    platform_skip_reason,
    rel,
    run_program,
    wire_file,
)

# A scenario's runs and segments, from test_program to test_wire (same worker).
CAPTURED: dict[str, tuple[list, list]] = {}


def params(programs: list[Program]) -> list:
    return [
        pytest.param(p, id=str(p), marks=[pytest.mark.xdist_group(f"program:{p}")])
        if wire_file(p)
        else pytest.param(p, id=str(p))
        for p in programs
    ]


def run_maybe_captured(program: Program, tmp_path: Path) -> list:
    if wire_file(program) and wire.why_not() is None:
        runs, segments = wire.run_captured(program, tmp_path)
        CAPTURED[program.name] = (runs, segments)
        return runs
    return run_program(program, tmp_path)


@pytest.mark.parametrize("program", params(all_programs()))
def test_program(program: Program, tmp_path: Path, request: pytest.FixtureRequest):
    files = {rel(p): hashlib.sha256(p.read_bytes()).hexdigest() for p in program.files}
    request.node.user_properties.append(
        (PROPERTY, {"files": files, "env": environment()})
    )
    fake = request.config.getoption("--fake-platform")
    reasons = [r for p in program.files if (r := platform_skip_reason(p, fake))]
    if reasons:
        pytest.skip(reasons[0])
    runs = run_maybe_captured(program, tmp_path)
    problems = [problem for run in runs if (problem := run.problem())]
    if problems:
        pytest.fail("\n".join(problems), pytrace=False)
    # Before --update-examples could write #> lines pytest-examples misplaces.
    unplaceable = [f"{rel(r.path)}: {w}" for r in runs if (w := misplaced(r.prints))]
    if unplaceable:
        pytest.fail("\n".join(unplaceable), pytrace=False)
    update = request.config.getoption("update_examples")
    minor = sys.version_info.minor
    diffs = []
    for run in runs:
        # The #> lines as they stand for this Python (core.markers.for_python).
        source = run.path.read_text()
        seen_here = for_python(source, minor)
        new_source = expected_source(run.path, run.prints, seen_here)
        if new_source is None:
            continue
        if update and seen_here == source:
            run.path.write_text(new_source)
        elif update:
            diffs.append(
                f"{rel(run.path)}: its #> lines carry Python versions, which "
                "--update-examples does not rewrite: edit the lines for 3."
                f"{minor} by hand:\n" + output_diff(run.path, new_source, seen_here)
            )
        else:
            diffs.append(
                f"{rel(run.path)}: printed output differs from its #> lines "
                f"for Python 3.{minor}:\n"
                + output_diff(run.path, new_source, seen_here)
            )
    if diffs:
        pytest.fail("\n".join(diffs), pytrace=False)
    hidden = [
        f"{rel(run.path)}: printed {len(run.stdout.splitlines())} lines, but its "
        f"#> lines show {len(shown)}: a print() line that runs again after other "
        "prints keeps only some of its output (pytest-examples); restructure it"
        for run in runs
        if len(shown := output_lines_for_python(run.path.read_text(), minor))
        != len(run.stdout.splitlines())
    ]
    if hidden:
        pytest.fail("\n".join(hidden), pytrace=False)


@pytest.mark.parametrize("program", params([p for p in all_programs() if wire_file(p)]))
def test_wire(
    program: Program, tmp_path: Path, request: pytest.FixtureRequest, capturing: None
):
    path = wire_file(program)
    page = f"docs/{owner_page(program.files[0])}.md"
    name = rel(path)
    request.node.user_properties.append(
        (
            PROPERTY,
            {
                "files": {name: hashlib.sha256(path.read_bytes()).hexdigest()},
                "env": environment(),
            },
        )
    )
    fake = request.config.getoption("--fake-platform")
    if any(platform_skip_reason(p, fake) for p in program.files):
        pytest.skip(f"{name}: its program runs on Linux only")
    if program.name not in CAPTURED:  # test_program ran elsewhere, or was deselected
        CAPTURED[program.name] = wire.run_captured(program, tmp_path)
    runs, segments = CAPTURED.pop(program.name)
    if any(run.problem() for run in runs):
        pytest.fail(f"{name}: its program failed (see test_program)", pytrace=False)
    header, stored = wire_format.read(path)
    prints = sorted(p for run in runs for p in run.timed_prints)
    captured = wire.events(segments, prints, wire_format.larger_than(header))
    stamped = any(h.startswith(wire_format.CAPTURED) for h in header)
    if request.config.getoption("update_examples") and (
        captured != stored or not stamped
    ):
        kept = [h for h in header if not h.startswith(wire_format.CAPTURED)]
        stamp = wire_format.CAPTURED + stamp_of(environment())
        path.write_text(wire_format.text([stamp, *kept], captured), encoding="utf-8")
        return
    if captured != stored:
        diff = difflib.unified_diff(
            [e.line() for e in stored],
            [e.line() for e in captured],
            "stored in " + name,
            "captured now",
            lineterm="",
        )
        pytest.fail(
            f"{page}: what {rel(program.files[0])} sends on the wire differs from "
            f"{name} (its ladder diagram on that page):\n" + "\n".join(diff),
            pytrace=False,
        )
