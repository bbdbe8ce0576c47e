"""Run one snippet as a real process and record what each print() call printed.

    python -W error tests/run_snippet.py RECORD.json SNIPPET [ARGS...]

The snippet runs as __main__ with sys.argv = [SNIPPET, *ARGS], exactly as
`python SNIPPET ARGS...` runs it, and its output goes to stdout as usual
(flushed at once, so a caller can wait for a line such as "server: waiting
for one client"). Each print() made by the snippet's own code is also
recorded in RECORD.json (line number, separator, arguments), which the test
compares with the snippet's #> lines using pytest-examples (see
tests/test_snippets.py). This file imports nothing outside the standard
library, so the child process starts as fast as the snippet alone.
"""

from __future__ import annotations

import builtins
import json
import re
import runpy
import sys
from pathlib import Path


def main(argv: list[str]) -> int:
    record_file, snippet, *args = argv
    path = str(Path(snippet).resolve())
    records = []
    real_print = builtins.print

    def recording_print(*values, sep=" ", end="\n", file=None, flush=False):
        caller = sys._getframe(1)
        if caller.f_code.co_filename == path and file is None:
            records.append(
                {
                    "line": caller.f_lineno,
                    "sep": sep,
                    "args": [
                        {"data": v, "is_str": True}
                        if isinstance(v, str)
                        # the same normalisation as pytest_examples.run_code.Arg
                        else {
                            "data": re.sub(
                                "0x[a-f0-9]{8,12}>", "0x0123456789ab>", str(v)
                            ),
                            "is_str": False,
                        }
                        for v in values
                    ],
                }
            )
        real_print(*values, sep=sep, end=end, file=file, flush=True)

    builtins.print = recording_print
    sys.argv = [path, *args]
    try:
        runpy.run_path(path, run_name="__main__")
    finally:
        builtins.print = real_print
        Path(record_file).write_text(json.dumps(records))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
