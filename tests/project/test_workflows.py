"""The GitHub workflows are valid, and CI tests with the pinned dependencies."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from core.paths import ROOT

BIN = Path(sys.executable).parent


def test_workflows_validate():
    workflows = sorted(str(p) for p in (ROOT / ".github" / "workflows").glob("*.y*ml"))
    assert workflows, "no workflow in .github/workflows/"
    result = subprocess.run(
        [BIN / "check-jsonschema", "--builtin-schema", "vendor.github-workflows"]
        + workflows,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stdout + result.stderr
