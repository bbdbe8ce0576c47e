"""Every program in snippets/ runs as `python -W error file.py` and prints its #> lines.

Each program runs once, as a real process in its own temporary folder
(tests/programs.py); pytest-xdist spreads them over the cores. A program
fails its test if it is killed at the time bound, exits non-zero, writes to
stderr (an unclosed socket's ResourceWarning is an error under -W error),
binds or connects beyond loopback, or prints something other than its #>
lines. Under --update-examples the #> lines are rewritten from what it
printed. The outcome, with the file's hash and the environment, goes into
the verification record (tests/record.py).
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from examples_compat import expected_source, output_diff
from programs import Program, all_programs, platform_skip_reason, rel, run_program
from record import PROPERTY, environment


@pytest.mark.parametrize("program", all_programs(), ids=str)
def test_program(program: Program, tmp_path: Path, request: pytest.FixtureRequest):
    files = {rel(p): hashlib.sha256(p.read_bytes()).hexdigest() for p in program.files}
    request.node.user_properties.append(
        (PROPERTY, {"files": files, "env": environment()})
    )
    fake = request.config.getoption("--fake-platform")
    reasons = [r for p in program.files if (r := platform_skip_reason(p, fake))]
    if reasons:
        pytest.skip(reasons[0])
    runs = run_program(program, tmp_path)
    problems = [problem for run in runs if (problem := run.problem())]
    if problems:
        pytest.fail("\n".join(problems), pytrace=False)
    update = request.config.getoption("update_examples")
    diffs = []
    for run in runs:
        new_source = expected_source(run.path, run.prints)
        if new_source is None:
            continue
        if update:
            run.path.write_text(new_source)
        else:
            diffs.append(
                f"{rel(run.path)}: printed output differs from its #> lines:\n"
                + output_diff(run.path, new_source)
            )
    if diffs:
        pytest.fail("\n".join(diffs), pytrace=False)
