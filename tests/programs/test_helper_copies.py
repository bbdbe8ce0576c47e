"""A program's copy of a helper from snippets/reference/helpers/ is that helper.

Every program is complete on its own, so a program that needs one of the
helpers in observe.py (instrumentation: what the programs print about what
they observe) or closing.py (the closing helpers) carries a copy of it. For
each top-level function and class of those modules, every program that
defines a top-level function or class of the same name must define it with
the same body (compared as ast.unparse(), so comments and layout may
differ), and must give each module-level UPPER_CASE constant the helper uses
(STATES for tcp_state(), say) the same value as the module does. One test
per helper, so a failure names the helper, and its message names each
program whose copy differs.

A copy's own docstring may be the helper's, or its short form: the helper's
first line, then SHORT_DOCSTRING, which points to the contract. The contract
then lives once, in the module, and a program stays short enough to read
top to bottom.
"""

from __future__ import annotations

import ast
import copy as copying
import difflib
import inspect
import re
from collections.abc import Iterable
from pathlib import Path

import pytest

from core.markers import SECTION_MARKER
from core.paths import SNIPPETS
from harness.programs import program_files

HELPERS = SNIPPETS / "reference" / "helpers"
OBSERVE = HELPERS / "observe.py"
MODULES = tuple(m for m in (OBSERVE, HELPERS / "closing.py") if m.is_file())
CONSTANT = re.compile(r"[A-Z][A-Z0-9_]*")
DEFINITION = ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef
SHORT_DOCSTRING = (
    "Its whole contract (inputs, results, errors, limits) is its docstring in\n"
    "closing.py, on the Helpers page (reference/helpers/) of shutdown-vs-close."
)


def parse(path: Path) -> ast.Module:
    return ast.parse(path.read_text(), filename=str(path))


def definitions(tree: ast.Module) -> dict[str, list[ast.stmt]]:
    """Top-level functions and classes, by name (a name may be defined twice)."""
    found: dict[str, list[ast.stmt]] = {}
    for node in tree.body:
        if isinstance(node, DEFINITION):
            found.setdefault(node.name, []).append(node)
    return found


def constants(tree: ast.Module) -> dict[str, list[str]]:
    """Top-level assignments to UPPER_CASE names: name -> each value's source."""
    found: dict[str, list[str]] = {}
    for node in tree.body:
        if isinstance(node, ast.Assign):
            targets, value = node.targets, node.value
        elif isinstance(node, ast.AnnAssign) and node.value is not None:
            targets, value = [node.target], node.value
        else:
            continue
        for target in targets:
            if isinstance(target, ast.Name) and CONSTANT.fullmatch(target.id):
                found.setdefault(target.id, []).append(ast.unparse(value))
    return found


def used_constants(node: ast.stmt, defined: Iterable[str]) -> list[str]:
    """The module-level constants among the names node reads."""
    names = {n.id for n in ast.walk(node) if isinstance(n, ast.Name)}
    return sorted(names & set(defined))


def short_form(definition: ast.stmt) -> ast.stmt:
    """The definition with the short form of its docstring (the first line,
    then SHORT_DOCSTRING); the definition itself if its docstring is one line
    or missing."""
    docstring = ast.get_docstring(definition)
    if docstring is None or "\n" not in docstring:
        return definition
    short = copying.deepcopy(definition)
    first = docstring.splitlines()[0]
    short.body[0].value.value = f"{first}\n\n{SHORT_DOCSTRING}"
    return short


def cleaned_docstrings(definition: ast.stmt) -> str:
    """ast.unparse() of the definition, its own docstring cleaned (as
    inspect.cleandoc() does), so that its indentation does not count."""
    docstring = ast.get_docstring(definition)
    if docstring is None:
        return ast.unparse(definition)
    cleaned = copying.deepcopy(definition)
    cleaned.body[0].value.value = inspect.cleandoc(docstring)
    return ast.unparse(cleaned)


def helpers(module: Path) -> list[str]:
    return sorted(definitions(parse(module)))


def diff(want: str, got: str, label: str, module: str) -> str:
    lines = difflib.unified_diff(
        want.splitlines(), got.splitlines(), module, label, lineterm="", n=1
    )
    return "\n".join("    " + line for line in list(lines)[:40])


def copy_problems(
    module: Path, name: str, programs: Iterable[Path], root: Path = SNIPPETS
) -> list[str]:
    """How each program's copy of module's helper `name` differs from it."""
    tree = parse(module)
    (definition,) = definitions(tree)[name]
    want = ast.unparse(definition)
    wanted = {want}
    if module.name == "closing.py":  # SHORT_DOCSTRING points there
        wanted.add(cleaned_docstrings(short_form(definition)))
    module_label = module.relative_to(SNIPPETS).as_posix()
    module_constants = constants(tree)
    uses = used_constants(definition, module_constants)
    problems = []
    for path in programs:
        if path.resolve() in {m.resolve() for m in MODULES}:
            continue
        program = parse(path)
        copies = definitions(program).get(name, [])
        if not copies:
            continue
        label = path.relative_to(root).as_posix()
        for copy in copies:
            got = ast.unparse(copy)
            if got not in wanted and cleaned_docstrings(copy) not in wanted:
                problems.append(
                    f"{label}: its {name} differs from {module_label}'s "
                    f"(copy it from there):\n{diff(want, got, label, module_label)}"
                )
        own = constants(program)
        for constant in uses:
            (value,) = set(module_constants[constant])
            if constant not in own:
                problems.append(
                    f"{label}: its {name} uses {constant}, which it does not "
                    f"define; copy {constant} from {module_label}"
                )
            elif any(v != value for v in own[constant]):
                problems.append(
                    f"{label}: {constant}, which its {name} uses, differs from "
                    f"{module_label}'s (copy it from there):\n"
                    + diff(value, own[constant][-1], label, module_label)
                )
    return problems


@pytest.mark.parametrize(
    ("module", "name"),
    [pytest.param(m, n, id=f"{m.name}:{n}") for m in MODULES for n in helpers(m)],
)
def test_every_copy_of_a_helper_is_the_helper(module: Path, name: str):
    problems = copy_problems(module, name, program_files())
    if problems:
        pytest.fail(
            f"{len(problems)} difference(s) from "
            f"{module.relative_to(SNIPPETS).as_posix()}'s {name}:\n"
            + "\n".join(problems),
            pytrace=False,
        )


def test_each_instrumentation_helper_is_used_and_marked():
    """observe.py holds what the programs use, each part between its markers."""
    lines = OBSERVE.read_text().splitlines()
    markers = [
        (number, *m.groups())
        for number, line in enumerate(lines, 1)
        if (m := SECTION_MARKER.search(line))
    ]
    copied = {
        name
        for path in program_files()
        if path.resolve() != OBSERVE.resolve()
        for name in definitions(parse(path))
    }
    problems = [
        f"observe.py: {name} is copied by no program"
        for name in helpers(OBSERVE)
        if name not in copied
    ]
    for node in parse(OBSERVE).body:
        if isinstance(node, DEFINITION):
            name = node.name
        elif isinstance(node, ast.Assign) and isinstance(node.targets[0], ast.Name):
            name = node.targets[0].id
        else:
            continue
        if name == "__all__":
            continue
        before = [m[1:] for m in markers if m[0] < node.lineno][-1:]
        after = [m[1:] for m in markers if m[0] > node.end_lineno][:1]
        if before != [("start", name)] or after != [("end", name)]:
            problems.append(
                f"observe.py: {name} is not between '# --8<-- [start:{name}]' "
                f"and '# --8<-- [end:{name}]'"
            )
    assert not problems, "\n".join(problems)


def a_program_copying(name: str) -> Path:
    for path in program_files():
        if path.resolve() != OBSERVE.resolve() and name in definitions(parse(path)):
            return path
    pytest.fail(f"no program copies {name} from observe.py")


def edited_copy(tmp_path: Path, name: str, edit) -> tuple[Path, str]:
    """A program that copies `name`, at its own place under tmp_path, edited."""
    path = a_program_copying(name)
    label = path.relative_to(SNIPPETS).as_posix()
    copy = tmp_path / label
    copy.parent.mkdir(parents=True)
    source = path.read_text()
    copy.write_text(source)
    assert copy_problems(OBSERVE, name, [copy], tmp_path) == []
    edited = edit(source)
    assert edited != source, f"{label}: the edit changed nothing"
    copy.write_text(edited)
    return copy, label


def test_a_copy_that_drifted_is_named(tmp_path: Path):
    """outcome() as it was before its errno check: the test names the program."""
    copy, label = edited_copy(
        tmp_path,
        "outcome",
        lambda source: source.replace(
            "errno.errorcode.get(exc.errno, exc.errno)", "errno.errorcode[exc.errno]", 1
        ),
    )
    problems = copy_problems(OBSERVE, "outcome", [copy], tmp_path)
    assert len(problems) == 1
    assert problems[0].startswith(
        f"{label}: its outcome differs from reference/helpers/observe.py's"
    )
    added = [line for line in problems[0].splitlines() if line.startswith("    +")]
    assert any("errno.errorcode[exc.errno]" in line for line in added)


def test_a_constant_that_drifted_is_named(tmp_path: Path):
    """A STATES table missing a state: the test names the program and the helper."""
    copy, label = edited_copy(
        tmp_path,
        "tcp_state",
        lambda source: source.replace(' 13: "BOUND_INACTIVE",', "", 1),
    )
    problems = copy_problems(OBSERVE, "tcp_state", [copy], tmp_path)
    assert len(problems) == 1
    assert problems[0].startswith(
        f"{label}: STATES, which its tcp_state uses, differs from "
        "reference/helpers/observe.py's"
    )
    copy.write_text(copy.read_text().replace("STATES = {", "NAMES = {", 1))
    assert copy_problems(OBSERVE, "tcp_state", [copy], tmp_path) == [
        f"{label}: its tcp_state uses STATES, which it does not define; "
        "copy STATES from reference/helpers/observe.py"
    ]


CLOSING = HELPERS / "closing.py"


@pytest.mark.parametrize(
    ("edit", "drifted"),
    [
        (lambda s: s.replace("of shutdown-vs-close.", "of this site.", 1), "pointer"),
        (lambda s: s.replace("return what was read.", "return it all.", 1), "line"),
        (lambda s: s.replace("1 << 20", "1 << 21", 1), "code"),
    ],
    ids=["its pointer reworded", "its first line reworded", "its code changed"],
)
def test_a_short_docstring_copy_that_drifted_is_named(tmp_path: Path, edit, drifted):
    """A copy of read_until_eof() with the short docstring passes as it is,
    and is named once its pointer, its first line or its code differs."""
    path = SNIPPETS / "tutorial/index/pattern.py"
    assert "Its whole contract" in path.read_text(), "pattern.py has no short form"
    copy = tmp_path / "pattern.py"
    copy.write_text(path.read_text())
    assert copy_problems(CLOSING, "read_until_eof", [copy], tmp_path) == []
    copy.write_text(edit(path.read_text()))
    problems = copy_problems(CLOSING, "read_until_eof", [copy], tmp_path)
    assert len(problems) == 1, drifted
    assert problems[0].startswith("pattern.py: its read_until_eof differs from")
