"""Is each wire scenario deterministic? (`make wire-soak`; a benchmark, not a test.)

    PYTHONPATH=hooks:tests python tests/wire_soak.py [RUNS] [NAME-FILTER]

Captures every scenario (a program with a .wire file) RUNS times (default
200), spread over the cores, and prints per scenario how many distinct
normalized sequences it saw (the target is one), how many runs matched the
stored .wire file, and the most common other sequence when there is one.
Needs what capturing needs (root); exits 1 if a scenario gave more than one
sequence or a program failed.
"""

from __future__ import annotations

import collections
import os
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import wire
import wire_format
from programs import Program, all_programs


def scenarios(pattern: str = "") -> list[Program]:
    return [
        p
        for p in all_programs()
        if pattern in p.name
        and any(wire_format.wire_path(f).is_file() for f in p.files)
    ]


def wire_file(program: Program) -> Path:
    return next(
        wire_format.wire_path(f)
        for f in program.files
        if wire_format.wire_path(f).is_file()
    )


def capture_once(program: Program) -> tuple[str, str]:
    """One capture: (normalized text, or "" if the program failed; its problem)."""
    header, _ = wire_format.read(wire_file(program))
    with tempfile.TemporaryDirectory() as folder:
        runs, segments = wire.run_captured(program, Path(folder))
    problems = [p for run in runs if (p := run.problem())]
    if problems:
        return "", problems[0]
    prints = sorted(p for run in runs for p in run.timed_prints)
    events = wire.events(segments, prints, wire.larger_than(header))
    return wire_format.text([], events), ""


def overhead(program: Program, repeat: int = 5) -> float:
    """Extra seconds a captured run takes over a plain one: the fastest of
    `repeat` runs each, which a busy machine disturbs least."""
    from programs import run_program

    def fastest(run) -> float:
        times = []
        for _ in range(repeat):
            with tempfile.TemporaryDirectory() as folder:
                start = time.perf_counter()
                run(program, Path(folder))
                times.append(time.perf_counter() - start)
        return min(times)

    return fastest(wire.run_captured) - fastest(run_program)


def main() -> int:
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 200
    pattern = sys.argv[2] if len(sys.argv) > 2 else ""
    reason = wire.unavailable()
    if reason:
        print(f"cannot soak: {reason}")
        return 1
    failed = False
    workers = (os.cpu_count() or 1) + 1
    with ProcessPoolExecutor(workers) as pool:
        for program in scenarios(pattern):
            start = time.perf_counter()
            results = list(pool.map(capture_once, [program] * runs))
            seconds = time.perf_counter() - start
            counts = collections.Counter(text for text, _ in results)
            problems = [problem for _, problem in results if problem]
            _, stored = wire_format.read(wire_file(program))
            stored_text = wire_format.text([], stored)
            verdict = "ok" if len(counts) == 1 and not problems else "NOT DETERMINISTIC"
            print(
                f"{program.name}: {len(counts)} distinct in {runs} captures "
                f"({counts[stored_text]} match the stored file; {seconds:.0f} s) "
                + verdict
            )
            if problems:
                print(f"  {len(problems)} runs failed; the first:\n{problems[0]}")
            for text, count in counts.most_common():
                if text != stored_text and text:
                    print(
                        f"  {count} x other sequence:\n    "
                        + text.replace("\n", "\n    ")
                    )
                    break
            failed |= verdict != "ok"
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
