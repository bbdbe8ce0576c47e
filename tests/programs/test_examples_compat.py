"""The pytest-examples internals that harness/examples_compat.py uses still work.

If a pytest-examples release moves or changes them, this fails first, saying
which internal broke, instead of every program test failing obscurely."""

from __future__ import annotations

import importlib
from pathlib import Path

import pytest

from harness import examples_compat

PROGRAM = 'print("a", 1)\n#> a 2\nprint("b")\n#> b\n'


def test_the_internals_are_where_the_suite_expects_them():
    missing = []
    for dotted in examples_compat.INTERNALS:
        module, _, name = dotted.rpartition(".")
        if not hasattr(importlib.import_module(module), name):
            missing.append(dotted)
    if missing:
        pytest.fail(
            f"pytest-examples no longer has {missing}: "
            "update harness/examples_compat.py "
            "for this release, or pin the previous one in constraints.txt",
            pytrace=False,
        )


def recorded(line: int, *values: tuple[str, bool]) -> dict:
    return {
        "line": line,
        "sep": " ",
        "args": [{"data": data, "is_str": is_str} for data, is_str in values],
    }


def test_wrong_output_is_found_and_rewritten(tmp_path: Path):
    path = tmp_path / "program.py"
    path.write_text(PROGRAM)
    prints = [
        examples_compat.statement(recorded(1, ("a", True), ("1", False))),
        examples_compat.statement(recorded(3, ("b", True))),
    ]
    fixed = examples_compat.expected_source(path, prints)
    assert fixed == PROGRAM.replace("#> a 2", "#> a 1"), (
        "pytest-examples' InsertPrintStatements rewrote the #> lines differently: "
        f"update harness/examples_compat.py\n{fixed}"
    )
    diff = examples_compat.output_diff(path, fixed)
    assert "-#> a 2" in diff and "+#> a 1" in diff, diff
    path.write_text(fixed)
    assert examples_compat.expected_source(path, prints) is None, (
        "pytest-examples reports a difference where there is none"
    )


ALTERNATING = 'for i in range(2):\n    print("a", i)\n    print("b", i)\n'
AROUND = 'def h(x):\n    print(x)\n\n\nh("one")\nprint("middle")\nh("two")\n'
GROUPED = 'def h(x):\n    print(x)\n\n\nh("one")\nh("two")\nprint("end")\n'


@pytest.mark.parametrize(
    ("source", "lines", "shown"),
    [
        (ALTERNATING, [2, 3, 2, 3], ["a 0", "b 0", "a 1", "b 1"]),
        (AROUND, [2, 6, 2], ["one", "middle", "two"]),
    ],
    ids=["two prints alternating in a loop", "a helper printing around a print"],
)
def test_the_patterns_pytest_examples_misplaces_are_refused(
    tmp_path: Path, source: str, lines: list[int], shown: list[str]
):
    path = tmp_path / "program.py"
    path.write_text(source)
    prints = [
        examples_compat.statement(recorded(line, (text, True)))
        for line, text in zip(lines, shown, strict=True)
    ]
    written = examples_compat.expected_source(path, prints) or source
    outputs = [line.strip()[3:] for line in written.splitlines() if "#>" in line]
    # If a pytest-examples release writes these in order, the guard can go.
    assert outputs != shown, "pytest-examples now places this pattern right"
    assert examples_compat.misplaced(prints) is not None


def test_print_lines_that_run_together_are_accepted(tmp_path: Path):
    path = tmp_path / "program.py"
    path.write_text(GROUPED)
    prints = [
        examples_compat.statement(recorded(line, (text, True)))
        for line, text in [(2, "one"), (2, "two"), (7, "end")]
    ]
    assert examples_compat.misplaced(prints) is None
    written = examples_compat.expected_source(path, prints)
    assert [line.strip()[3:] for line in written.splitlines() if "#>" in line] == [
        "one",
        "two",
        "end",
    ]
