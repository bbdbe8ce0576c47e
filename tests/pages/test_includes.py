"""Pages show programs only by including them, each from its own page, and
every file in snippets/ is a program the runner runs (or its stored capture)."""

from __future__ import annotations

import re
from pathlib import Path

import markdown
import pytest
from mkdocs.config import load_config

from core.markers import INCLUDE
from core.pages import all_includes, all_pages, page_id
from core.paths import DOCS, ROOT, SNIPPETS, owner_page, page_name
from harness.programs import all_programs, program_files, rel, wire_file


@pytest.fixture(scope="session")
def site_config():
    return load_config(str(ROOT / "mkdocs.yml"))


@pytest.mark.parametrize("page", all_pages(), ids=page_id)
def test_includes_render(page: Path, site_config):
    """Each page renders with the site's own Markdown setup; every include
    resolves (pymdownx.snippets' check_paths raises on a missing file or section)."""
    md = markdown.Markdown(
        extensions=site_config["markdown_extensions"],
        extension_configs=site_config["mdx_configs"],
    )
    md.source_page = page_id(page)  # core.builders: the page, outside a build
    try:
        out = md.convert(page.read_text())
    except Exception as exc:  # pymdownx.snippets raises SnippetMissingError
        pytest.fail(f"{page_id(page)}: {type(exc).__name__}: {exc}", pytrace=False)
    assert "--8<--" not in out, f"{page_id(page)}: an include line was not replaced"


def test_every_program_is_included_by_its_own_page():
    """snippets/<section>/<page>/x.py belongs to docs/<section>/<page>.md."""
    pages = {page_name(p): p for p in all_pages()}
    shown = {(inc.file.resolve(), page_name(inc.page)) for inc in all_includes()}
    problems = []
    for path in program_files():
        owner = owner_page(path)
        if owner not in pages:
            problems.append(f"{rel(path)}: no page docs/{owner}.md for its folder")
        elif (path.resolve(), owner) not in shown:
            problems.append(
                f"{rel(path)}: its page docs/{owner}.md does not include it"
            )
    assert not problems, "\n".join(problems)


def test_pages_include_only_their_own_programs():
    """One home per program: another page links to it instead of including it."""
    foreign = [
        f"{inc}: belongs to docs/{owner_page(inc.file)}.md"
        for inc in all_includes()
        if owner_page(inc.file) != page_name(inc.page)
    ]
    assert not foreign, "\n".join(foreign)


def test_every_file_in_snippets_is_a_program_the_runner_runs():
    """The files tests/programs/test_programs.py parametrizes with (each
    program, alone or as a server.py/client.py pair, and each stored capture
    test_wire checks) cover every file in snippets/."""
    run = set()
    for program in all_programs():
        run.update(program.files)
        if capture := wire_file(program):
            run.add(capture)
    on_disk = {
        path
        for path in SNIPPETS.rglob("*")
        if path.is_file() and "__pycache__" not in path.parts
    }
    assert not on_disk - run, (
        f"files in snippets/ that no test runs: {sorted(map(rel, on_disk - run))}"
    )


# A fenced block opens with ``` or ~~~ (three or more), then a language
# (py, python, pycon...) or an attribute list naming one ({ .python ... }).
# pytest-examples' find_examples() sees only ```py fences, so this scanner is
# the project's own: a ~~~py block or a { .python } one renders as code too.
FENCE_OPEN = re.compile(
    r"^[ \t]*(?P<fence>`{3,}|~{3,})[ \t]*"
    r"(?:\{[^}]*\.(?:py|python|py3|pycon)\b[^}]*\}|(?:py|python|py3|pycon)\b)"
)


def python_blocks(text: str) -> list[tuple[int, list[str]]]:
    """(line number, body lines) of each Python fenced block in text."""
    lines, blocks, i = text.splitlines(), [], 0
    while i < len(lines):
        opened = FENCE_OPEN.match(lines[i])
        if opened:
            fence, body, start = opened.group("fence"), [], i + 1
            i += 1
            while i < len(lines) and not lines[i].strip().startswith(fence):
                body.append(lines[i])
                i += 1
            blocks.append((start, body))
        i += 1
    return blocks


def test_no_page_writes_a_program_inline():
    """A Python block on a page (```py, ~~~py, ``` { .python }) holds include
    lines only: a program written on the page would be run by no test and
    copied from no file."""
    inline = [
        f"{page.relative_to(ROOT).as_posix()}:{start}"
        for page in sorted(DOCS.rglob("*.md"))
        for start, body in python_blocks(page.read_text())
        if not all(INCLUDE.fullmatch(line.strip()) for line in body if line.strip())
    ]
    assert not inline, (
        "Python blocks written on the page, not included from snippets/ "
        f"(make each a program there and include it): {inline}"
    )


def test_the_scanner_sees_every_kind_of_python_fence():
    """The fence kinds the site renders as Python code, each found."""
    text = (
        "```py\nprint(1)\n```\n\n~~~py\nprint(2)\n~~~\n\n"
        '``` { .python title="x.py" }\nprint(3)\n```\n\n'
        "````python\nprint(4)\n````\n\n```text\nnot python\n```\n"
    )
    assert [body for _, body in python_blocks(text)] == [
        ["print(1)"],
        ["print(2)"],
        ["print(3)"],
        ["print(4)"],
    ]
