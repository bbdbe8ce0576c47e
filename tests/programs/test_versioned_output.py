"""Output lines that differ by Python version: `#> [3.13+] text`, `#> [3.10-3.12] text`.

core.markers.for_python() turns a program's text into what pytest-examples
must see on one Python: the tagged lines that hold there become plain #>
lines, the others ordinary comments, and no line moves out of its print's
block. tests/programs/test_programs.py compares each run with that text, so a program
that prints something else than its page shows for that version fails.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from core.markers import for_python, holds_on, output_lines_for_python
from harness.build import pytest_on
from harness.programs import program_files

SOURCE = """print("reads:", x)
#> [3.13+] reads: ConnectionResetError
#> [3.10-3.12] reads: b''
print("always")
#> always
"""


@pytest.mark.parametrize(
    ("line", "minor", "expected"),
    [
        ("#> [3.13+] x", 13, True),
        ("#> [3.13+] x", 14, True),
        ("#> [3.13+] x", 12, False),
        ("#> [3.10-3.12] x", 10, True),
        ("#> [3.10-3.12] x", 12, True),
        ("#> [3.10-3.12] x", 13, False),
        ("#> [3.11] x", 11, True),
        ("#> [3.11] x", 12, False),
        ("#> x", 12, None),
        ("    #> [3.12+] indented", 12, True),
    ],
)
def test_a_tag_holds_on_its_versions(line: str, minor: int, expected: bool | None):
    assert holds_on(line, minor) is expected


def test_each_version_sees_its_own_lines_and_no_line_moves():
    for minor, shown in [(13, "ConnectionResetError"), (10, "b''"), (12, "b''")]:
        text = for_python(SOURCE, minor)
        assert len(text.splitlines()) == len(SOURCE.splitlines())
        assert output_lines_for_python(SOURCE, minor) == [f"reads: {shown}", "always"]
        # the print keeps its line number, and its #> block starts right after it
        assert text.splitlines()[1] == f"#> reads: {shown}"


def test_a_program_with_tags_shows_every_version_on_the_page():
    """At least three outputs differ by version, each in a program of the site."""
    tagged = [
        path
        for path in program_files()
        if any(holds_on(line, 13) is not None for line in path.read_text().splitlines())
    ]
    assert len(tagged) >= 3, [str(p) for p in tagged]


def test_a_wrong_line_for_this_version_fails_naming_the_version(project: Path):
    program = project / "snippets" / "how-to" / "tls" / "tls_reset.py"
    minor = sys.version_info.minor
    text = program.read_text()
    lines = text.splitlines()
    here = next(i for i, line in enumerate(lines) if holds_on(line, minor))
    lines[here] = lines[here].replace("then", "later")
    program.write_text("\n".join(lines) + "\n")
    result = pytest_on(project, "tests/programs/test_programs.py", "-k", "tls_reset")
    assert result.returncode == 1, result.stdout + result.stderr
    assert f"differs from its #> lines for Python 3.{minor}" in result.stdout


def test_a_wrong_line_for_another_version_is_not_checked_here(project: Path):
    """The other versions' lines are checked on those versions (.ci/run)."""
    program = project / "snippets" / "how-to" / "tls" / "tls_reset.py"
    minor = sys.version_info.minor
    lines = program.read_text().splitlines()
    there = next(i for i, line in enumerate(lines) if holds_on(line, minor) is False)
    lines[there] = lines[there].replace("then", "later")
    program.write_text("\n".join(lines) + "\n")
    result = pytest_on(project, "tests/programs/test_programs.py", "-k", "tls_reset")
    assert result.returncode == 0, result.stdout + result.stderr
