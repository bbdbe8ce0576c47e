"""`make contract-soak`: the helpers' contract suite, many times, on a busy machine.

    python scripts/contract_soak.py [RUNS]

Runs `pytest tests/contracts -n WORKERS` (core.contracts) RUNS times
(default 50) while one busy-looping process per core competes for the CPU,
and reports every test that failed in any run, with the number of runs it
failed in, and under each failed run the error lines pytest printed for it.
Exits 1 if any run failed. A soak, not a test: `make test` runs the suite once.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
import xml.etree.ElementTree as ET
from collections import Counter
from pathlib import Path

from core.contracts import WORKERS
from core.paths import ROOT

PYTEST = [sys.executable, "-m", "pytest", "tests/contracts", "-n", str(WORKERS)]
BUSY = "import time\nend = time.monotonic() + 3600\nwhile time.monotonic() < end: pass"


def failed_tests(report: Path) -> list[str]:
    """The ids of the failed or errored tests in a JUnit XML report."""
    failed = []
    for case in ET.parse(report).getroot().iter("testcase"):
        if case.find("failure") is not None or case.find("error") is not None:
            failed.append(f"{case.get('classname')}::{case.get('name')}")
    return failed


def main(runs: int) -> int:
    busy = [
        subprocess.Popen([sys.executable, "-c", BUSY])
        for _ in range(os.cpu_count() or 1)
    ]
    failures: Counter[str] = Counter()
    bad_runs = 0
    slowest = 0.0
    try:
        with tempfile.TemporaryDirectory() as folder:
            for run in range(1, runs + 1):
                report = Path(folder) / f"run{run}.xml"
                start = time.perf_counter()
                result = subprocess.run(
                    [*PYTEST, "-q", "-p", "no:cacheprovider", f"--junitxml={report}"],
                    cwd=ROOT,
                    capture_output=True,
                    text=True,
                    timeout=600,
                )
                took = time.perf_counter() - start
                slowest = max(slowest, took)
                failed = failed_tests(report) if report.is_file() else ["(no report)"]
                if result.returncode != 0:
                    bad_runs += 1
                    failures.update(failed or [f"(exit {result.returncode})"])
                state = "ok" if result.returncode == 0 else f"FAILED {failed}"
                print(f"run {run}/{runs}: {took:.1f} s {state}", flush=True)
                if result.returncode != 0:  # why, in pytest's own words
                    lines = result.stdout.splitlines()
                    why = [line for line in lines if line.startswith(("E ", "ERROR"))]
                    for line in why[:40]:
                        print(f"    {line}", flush=True)
    finally:
        for process in busy:
            process.kill()
            process.wait()
    print(f"\n{runs} runs with {len(busy)} busy processes: {bad_runs} failed")
    print(f"slowest run: {slowest:.1f} s")
    for test, count in failures.most_common():
        print(f"  {count:3d} x {test}")
    return 1 if bad_runs else 0


if __name__ == "__main__":
    sys.exit(main(int(sys.argv[1]) if len(sys.argv) > 1 else 50))
