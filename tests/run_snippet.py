"""Run one snippet as a real process and check its #> lines with pytest-examples.

    python tests/run_snippet.py [--update] SNIPPET [ARGS...]

The snippet runs as __main__ with sys.argv = [SNIPPET, *ARGS]. Each print()
is recorded by pytest-examples' print mock (so the #> check is the same as
in-process) and also echoed to stdout at once, so a caller can wait for a
line such as "server: waiting for one client". Exit status: 0 if every #>
line matches, 1 with a diff on stderr if not (or the file rewritten with
--update), 2 if the snippet raised.
"""

from __future__ import annotations

import sys
import traceback
import warnings
from pathlib import Path

from pytest_examples import CodeExample
from pytest_examples.config import ExamplesConfig
from pytest_examples.lint import code_diff
from pytest_examples.run_code import run_code


def main(argv: list[str]) -> int:
    update = argv[:1] == ["--update"]
    if update:
        argv = argv[1:]
    path = Path(argv[0]).resolve()
    sys.argv = [str(path), *argv[1:]]
    warnings.simplefilter("error")
    example = CodeExample.create(path.read_text(), path=path)
    config = ExamplesConfig()

    def echo(file, frame, args):
        if not file.samefile(frame.filename):
            return False
        sys.stdout.write(" ".join(map(str, args)) + "\n")
        sys.stdout.flush()
        return True

    try:
        prints, _ = run_code(
            example=example,
            python_file=path,
            loader=None,
            config=config,
            enable_print_mock=True,
            print_callback=None,
            include_print=echo,
            module_globals=None,
            call=None,
        )
    except BaseException:
        traceback.print_exc()
        return 2
    new_source = prints.updated_print_statements(example)
    if new_source is None:
        return 0
    if update:
        path.write_text(new_source)
        print(f"run_snippet: updated {path}", file=sys.stderr)
        return 0
    print(f"{path}: printed output differs from its #> lines:", file=sys.stderr)
    print(code_diff(example, new_source, config), file=sys.stderr)
    return 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
