"""Is each wire scenario deterministic? (`make wire-soak`; a benchmark, not a test.)

    python scripts/wire_soak.py [RUNS] [NAME-FILTER]

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
import time
from concurrent.futures import ProcessPoolExecutor

from core import wire as wire_format
from harness import capture as wire
from harness.capture import capture_once
from harness.programs import wire_file, wire_scenarios


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
        for program in wire_scenarios(pattern):
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
