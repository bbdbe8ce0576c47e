"""The README's commands: `make serve` and `make build` run the programs first
(only them), so a fresh clone's site carries true "Verified on" lines."""

from __future__ import annotations

import shutil
import subprocess

import pytest

from core.contracts import WORKERS
from core.paths import ROOT


@pytest.mark.parametrize(
    ("target", "command"),
    [("serve", "mkdocs serve"), ("build", "mkdocs build --strict")],
)
def test_target_runs_the_programs_then_the_site(target: str, command: str):
    if not shutil.which("make"):
        pytest.skip("no make on this machine")
    dry = subprocess.run(
        ["make", "-n", target], cwd=ROOT, capture_output=True, text=True, timeout=30
    )
    assert dry.returncode == 0, dry.stderr
    lines = dry.stdout.splitlines()
    programs = [
        i
        for i, line in enumerate(lines)
        if "pytest tests/programs/test_programs.py" in line
    ]
    site = [i for i, line in enumerate(lines) if command in line]
    assert programs and site and programs[0] < site[0], dry.stdout
    assert not any(
        "pytest" in line and "test_programs.py" not in line for line in lines
    ), f"make {target} runs more than the programs:\n{dry.stdout}"


def test_make_contracts_runs_the_contract_suite_with_its_workers():
    """`make contracts` runs the contract suite with core.contracts.WORKERS,
    as make bench and make contract-soak do (the Makefile cannot import it)."""
    if not shutil.which("make"):
        pytest.skip("no make on this machine")
    dry = subprocess.run(
        ["make", "-n", "contracts"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert dry.returncode == 0, dry.stderr
    runs = [
        line for line in dry.stdout.splitlines() if "pytest tests/contracts" in line
    ]
    assert runs and all(f" -n {WORKERS} " in f"{line} " for line in runs), dry.stdout
