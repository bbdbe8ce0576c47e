"""Nothing in the programs, tests, hooks, core, harness or scripts needs a
Python newer than 3.10.

`.ci/run` also runs every program on the oldest and newest Python installed;
this catches, on any machine, an API newer than 3.10 in code that did not run."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from core.paths import ROOT

BIN = Path(sys.executable).parent


def test_code_runs_on_python_3_10():
    result = subprocess.run(
        [BIN / "vermin", "-t=3.10-", "--no-tips", "--violations", "--eval-annotations"]
        + ["--backport", "typing_extensions"]
        + ["snippets", "tests", "hooks", "core", "harness", "scripts"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
