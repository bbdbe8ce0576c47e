"""Time the suite against its targets (`make bench`). A benchmark, not a test:
it prints its figures and exits 0 unless something it runs fails.

    python scripts/bench.py [--no-suite]

- verifying the programs (`pytest tests/programs/test_programs.py -n auto`, what
  `make serve` and `make build` run first) against running each program once,
  sequentially, as a plain `python file.py`: target ratio <= 1.0, and < 20 s;
- the strict build: target < 3 s;
- capturing the wire scenarios (harness/capture/): the extra time a captured run
  takes over a plain run of the same program, per scenario, fastest of 5 each:
  target <= 50 ms (needs root; otherwise says why and goes on);
- the contract suite of the helpers (`pytest tests/contracts -n WORKERS`, four
  workers: core.contracts):
  target <= 30 s;
- the full suite (`pytest -n auto --dist loadgroup`, what `make test` runs
  after ruff): target <= 90 s. Skipped with --no-suite.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from core.contracts import WORKERS
from core.paths import ROOT
from harness import capture as wire
from harness.build import environment, strict_build
from harness.capture import overhead
from harness.programs import (
    all_programs,
    platform_skip_reason,
    run_pair,
    wire_scenarios,
)

ENV = environment()
XDIST = ["-n", "auto", "--dist", "loadgroup"]


def timed(args: list[str], timeout: float = 600) -> float:
    start = time.perf_counter()
    subprocess.run(
        args, cwd=ROOT, env=ENV, check=True, capture_output=True, timeout=timeout
    )
    return time.perf_counter() - start


def each_program_once() -> tuple[float, int]:
    """Every program as `python file.py`, one after the other; the pair as two."""
    total, count = 0.0, 0
    with tempfile.TemporaryDirectory() as folder:
        for program in all_programs():
            if any(platform_skip_reason(p) for p in program.files):
                continue
            start = time.perf_counter()
            if len(program.files) == 1:
                subprocess.run(
                    [sys.executable, str(program.files[0])],
                    cwd=folder,
                    check=True,
                    capture_output=True,
                    timeout=60,
                )
            else:
                runs = run_pair(*program.files, Path(folder))
                assert not any(run.problem() for run in runs), program
            total += time.perf_counter() - start
            count += len(program.files)
    return total, count


def capture_overhead() -> None:
    reason = wire.unavailable()
    if reason:
        print(f"wire capture: not measured: {reason}")
        return
    extra = {program.name: overhead(program) for program in wire_scenarios()}
    worst = max(extra, key=extra.get)
    mean = sum(extra.values()) / len(extra)
    print(
        f"wire capture, extra per scenario ({len(extra)} scenarios, "
        "fastest of 5 runs each): "
        f"mean {mean * 1000:.0f} ms, worst {extra[worst] * 1000:.0f} ms ({worst}) "
        f"(target <= 50 ms: {verdict(extra[worst] <= 0.05)})"
    )


def verdict(ok: bool) -> str:
    return "ok" if ok else "OVER TARGET"


def main() -> None:
    pytest = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"]
    verify = timed([*pytest, *XDIST, "tests/programs/test_programs.py"])
    once, count = each_program_once()
    with tempfile.TemporaryDirectory() as site:
        start = time.perf_counter()
        assert strict_build(Path(site)).returncode == 0, "the strict build failed"
        build = time.perf_counter() - start
    print(f"cores: {os.cpu_count()}")
    print(f"verify the programs (pytest -n auto):   {verify:6.1f} s")
    print(f"each of {count} programs once (python):  {once:6.1f} s")
    ratio = verify / once
    print(
        f"  ratio {ratio:.2f} (target <= 1.0, and < 20 s: "
        f"{verdict(ratio <= 1.0 and verify < 20)}; before this runner: 0.99, 12 s)"
    )
    print(f"strict build: {build:.1f} s (target < 3 s: {verdict(build < 3)})")
    contracts = timed([*pytest, "-n", str(WORKERS), "tests/contracts"])
    print(
        f"contract suite (pytest tests/contracts -n {WORKERS}): {contracts:.1f} s "
        f"(target <= 30 s: {verdict(contracts <= 30)})"
    )
    capture_overhead()
    if "--no-suite" not in sys.argv:
        suite = timed([*pytest, *XDIST], timeout=1200)
        print(
            f"full suite: {suite:.0f} s (target <= 90 s: {verdict(suite <= 90)}; "
            "before this runner: about 300 s)"
        )


if __name__ == "__main__":
    main()
