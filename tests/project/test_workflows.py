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


def test_ci_installs_with_the_pinned_dependencies():
    """Every job installs its groups with -c constraints.txt (or through the
    Makefile, which does), except the weekly job whose point is the newest
    versions pyproject.toml allows."""
    import yaml

    unpinned = []
    for path in sorted((ROOT / ".github" / "workflows").glob("*.y*ml")):
        for name, job in yaml.safe_load(path.read_text())["jobs"].items():
            if name == "newest":
                continue
            for step in job.get("steps", []):
                for line in str(step.get("run", "")).splitlines():
                    if "pip install" in line and "--group" in line:
                        if "-c constraints.txt" not in line:
                            unpinned.append(f"{path.name} {name}: {line.strip()}")
    assert not unpinned, unpinned
    makefile = (ROOT / "Makefile").read_text()
    group_installs = [ln for ln in makefile.splitlines() if "install --group" in ln]
    assert group_installs and all("-c constraints.txt" in ln for ln in group_installs)
