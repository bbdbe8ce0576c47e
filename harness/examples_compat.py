"""The one place the suite reaches into pytest-examples' internals.

pytest-examples' public API (EvalExample.run_print_check/run_print_update)
runs an example inside the pytest process. The site's programs run as real
processes instead (`python -W error file.py`, as a reader runs them), so the
suite hands pytest-examples the print() calls a process made and lets it do
what it is for: compare them with the #> lines, and rewrite those lines
under --update-examples. That needs four internals, imported here and
nowhere else; tests/programs/test_examples_compat.py fails with a clear message if a
pytest-examples release moves or changes them.
"""

from __future__ import annotations

import json
from pathlib import Path

from pytest_examples import CodeExample
from pytest_examples.config import ExamplesConfig
from pytest_examples.lint import code_diff
from pytest_examples.run_code import Arg, InsertPrintStatements, PrintStatement

INTERNALS = (
    "pytest_examples.run_code.Arg",
    "pytest_examples.run_code.PrintStatement",
    "pytest_examples.run_code.InsertPrintStatements",
    "pytest_examples.lint.code_diff",
)


def read_prints(record: Path) -> list[PrintStatement]:
    """The print() calls that harness/print_recorder/ wrote, one JSON line each."""
    lines = record.read_text().splitlines() if record.is_file() else []
    return [statement(json.loads(line)) for line in lines]


def statement(recorded: dict) -> PrintStatement:
    args = []
    for value in recorded["args"]:
        arg = Arg(value["data"])
        arg.is_str = value["is_str"]
        args.append(arg)
    return PrintStatement(recorded["line"], recorded["sep"], args)


def misplaced(prints: list[PrintStatement]) -> str | None:
    """Why pytest-examples (0.0.18) would misplace this run's #> lines, or None.

    It files each output under the line of the print() that made it, so it can
    only write a program's output in order if each print() line's calls come
    together: a print() line that runs again after another print() line (two
    prints alternating in a loop, a helper that prints before and after another
    print) loses or moves lines (tests/programs/test_examples_compat.py shows both)."""
    done: set[int] = set()
    previous = None
    for printed in prints:
        if printed.line_no != previous and printed.line_no in done:
            return (
                f"the print() on line {printed.line_no} runs again after the print() "
                f"on line {previous}: pytest-examples would misplace or drop its "
                "#> lines; restructure the program (collect the values, print once)"
            )
        done.add(printed.line_no)
        previous = printed.line_no
    return None


def expected_source(
    path: Path, prints: list[PrintStatement], source: str | None = None
) -> str | None:
    """The program's text (or `source`, a version of it) with its #> lines set
    to what was printed, or None if the #> lines already say exactly that."""
    text = path.read_text() if source is None else source
    example = CodeExample.create(text, path=path)
    inserter = InsertPrintStatements(path, ExamplesConfig(), True, None, None)
    inserter.print_func.statements = prints
    return inserter.updated_print_statements(example)


def output_diff(path: Path, new_source: str, source: str | None = None) -> str:
    text = path.read_text() if source is None else source
    example = CodeExample.create(text, path=path)
    return code_diff(example, new_source, ExamplesConfig())
