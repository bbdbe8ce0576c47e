"""Drift is caught: each kind of breakage fails the suite or the build, naming the file.

Each test copies the project into a temporary folder, breaks one thing there,
and runs the real suite (or the strict build) on the copy. A run on a copy
records into the copy's own build/ folder, never into this one's.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from core.claims import sentences
from core.pages import all_pages
from core.paths import ROOT, record_path
from harness.build import pytest_on, strict_build

# Each test runs part of the suite again, on a copy (bounded by runs.pytest_on):
# a generous limit, so that a busy machine slows these without failing them.
pytestmark = pytest.mark.timeout(300)


PROGRAMS = "tests/programs/test_programs.py"
INCLUDES = "tests/pages/test_includes.py"
CLOSE = "index/close_sole_owner.py"
PAIR_CLIENT = "how-to/client-server/client.py"


def build(project: Path):
    return strict_build(project / "site", root=project)


def add_program(project: Path, name: str, source: str) -> None:
    (project / "snippets" / name).write_text(source)


def test_wrong_output_line_fails_naming_the_file(project: Path):
    path = project / "snippets" / CLOSE
    text = path.read_text()
    assert "#> b'last words'" in text
    path.write_text(text.replace("#> b'last words'", "#> b'first words'"))
    result = pytest_on(project, PROGRAMS, "-k", "close_sole_owner")
    assert result.returncode == 1, result.stdout + result.stderr
    assert f"FAILED {PROGRAMS}::test_program[{CLOSE}]" in result.stdout
    assert f"{CLOSE}: printed output differs from its #> lines" in result.stdout
    assert re.search(r"^-\s+#> b'first words'$", result.stdout, re.M), result.stdout
    assert re.search(r"^\+\s+#> b'last words'$", result.stdout, re.M), result.stdout


def test_wrong_output_line_in_a_two_process_example_fails(project: Path):
    path = project / "snippets" / PAIR_CLIENT
    path.write_text(path.read_text().replace("#> client: b'hello", "#> client: b'bye"))
    result = pytest_on(project, PROGRAMS, "-k", "client-server and server")
    assert result.returncode == 1, result.stdout + result.stderr
    assert f"{PAIR_CLIENT}: printed output differs from its #> lines" in result.stdout


def test_deleted_program_fails_the_build_naming_both(project: Path):
    (project / "snippets/index/abort.py").unlink()
    result = build(project)
    assert result.returncode != 0
    assert "docs/index.md includes index/abort.py, which does not exist" in (
        result.stdout + result.stderr
    )
    result = pytest_on(project, INCLUDES, "-k", "includes_render")
    assert result.returncode == 1
    assert "index.md" in result.stdout and "index/abort.py" in result.stdout


def test_orphan_program_fails_naming_the_file(project: Path):
    add_program(project, "how-to/abort/forgotten.py", 'print("nobody")\n#> nobody\n')
    result = pytest_on(project, INCLUDES, "-k", "own_page")
    assert result.returncode == 1, result.stdout
    assert (
        "how-to/abort/forgotten.py: its page docs/how-to/abort.md does not include it"
        in result.stdout
    )


def test_a_program_in_a_folder_with_no_page_fails(project: Path):
    (project / "snippets/how-to/gone").mkdir()
    add_program(project, "how-to/gone/x.py", 'print("x")\n#> x\n')
    result = pytest_on(project, INCLUDES, "-k", "own_page")
    assert result.returncode == 1, result.stdout
    assert "how-to/gone/x.py: no page docs/how-to/gone.md" in result.stdout


def test_a_page_including_another_pages_program_fails(project: Path):
    page = project / "docs/how-to/abort.md"
    page.write_text(page.read_text() + '\n```py\n--8<-- "index/abort.py"\n```\n')
    result = pytest_on(project, INCLUDES, "-k", "only_their_own")
    assert result.returncode == 1, result.stdout
    assert "belongs to docs/index.md" in result.stdout


def test_a_file_the_runner_would_not_run_fails(project: Path):
    (project / "snippets/how-to/abort/notes.txt").write_text("not a program\n")
    result = pytest_on(project, INCLUDES, "-k", "runner_runs")
    assert result.returncode == 1, result.stdout
    assert "how-to/abort/notes.txt" in result.stdout


BAD_PROGRAMS = {
    "hangs.py": (
        "import socket\n\n"
        'with socket.create_server(("127.0.0.1", 0)) as listener:\n'
        '    print("waiting")\n'
        "    listener.accept()  # nobody connects, and no timeout\n",
        ["still running after 3 s, killed", "waiting"],
    ),
    "exits.py": (
        'import sys\n\nprint("about to fail")\nsys.exit(3)\n',
        ["exited with status 3", "about to fail"],
    ),
    "stderr.py": (
        'import sys\n\nprint("oops", file=sys.stderr)\n',
        ["wrote to stderr", "oops"],
    ),
    "leaks.py": (
        'import socket\n\nsock = socket.socket()\nprint("opened")\n',
        ["ResourceWarning: unclosed <socket.socket"],
    ),
    "binds_all.py": (
        "import socket\n\n"
        'with socket.create_server(("0.0.0.0", 0)) as listener:\n'
        "    pass\n",
        ["[Errno 13] socket.bind to ('0.0.0.0', 0)", "127.0.0.1 or ::1 only"],
    ),
    "catches_the_refusal.py": (  # a program that swallows the refusal fails too
        "import socket\n\n"
        "with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:\n"
        "    try:\n"
        '        sock.sendmsg([b"x"], [], 0, ("192.0.2.1", 9))\n'
        "    except OSError:\n"
        '        print("refused")\n'
        "        #> refused\n",
        ["wrote to stderr", "refused: socket.sendmsg to ('192.0.2.1', 9)"],
    ),
    "bytes_host.py": (  # a host given as bytes is an address too
        "import socket\n\n"
        "with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:\n"
        "    try:\n"
        '        sock.sendto(b"x", (b"192.0.2.1", 9))\n'
        "    except Exception:\n"
        '        print("refused")\n'
        "        #> refused\n",
        ["wrote to stderr", "refused: socket.sendto to (b'192.0.2.1', 9)"],
    ),
}


def test_bad_programs_fail_with_their_own_output_and_the_rest_still_run(
    project: Path,
):
    for name, (source, _) in BAD_PROGRAMS.items():
        add_program(project, f"how-to/abort/{name}", source)
    result = pytest_on(project, PROGRAMS, "-k", "how-to/abort", PROGRAM_TIMEOUT="3")
    assert result.returncode == 1, result.stdout + result.stderr
    for name, (_, expected) in BAD_PROGRAMS.items():
        failed = f"FAILED {PROGRAMS}::test_program[how-to/abort/{name}]"
        assert failed in result.stdout, result.stdout
        section = result.stdout.split(f"test_program[how-to/abort/{name}]", 1)[1]
        for text in expected:
            assert text in section, f"{name}: {text!r} not reported:\n{result.stdout}"
    # abort's own two programs, and abort.py's wire check
    assert re.search(r"\b3 passed\b", result.stdout), result.stdout


def test_include_of_a_missing_section_fails_naming_the_file(project: Path):
    page = project / "docs/how-to/half-close.md"
    page.write_text(
        page.read_text().replace('half_close.py:server"', 'half_close.py:srever"')
    )
    result = build(project)
    assert result.returncode != 0
    assert (
        "docs/how-to/half-close.md includes how-to/half-close/half_close.py:srever"
        in result.stdout + result.stderr
    )
    result = pytest_on(project, INCLUDES, "-k", "includes_render")
    assert result.returncode == 1
    assert "how-to/half-close.md" in result.stdout and "srever" in result.stdout


def test_a_program_written_on_a_page_fails_naming_it(project: Path):
    """A ```py block that is not an include, even one with an attribute list."""
    page = project / "docs/how-to/half-close.md"
    text = page.read_text()
    page.write_text(
        text
        + "\n```py\nprint(1 + 1)\n#> 2\n```\n"
        + '\n```{.py title="x.py"}\nimport socket\n```\n'
    )
    first = len(text.splitlines()) + 2  # the line of the first block's fence
    result = pytest_on(project, INCLUDES, "-k", "inline")
    assert result.returncode == 1, result.stdout
    assert f"{INCLUDES}::test_no_page_writes_a_program_inline" in result.stdout
    for line in (first, first + 5):
        assert f"docs/how-to/half-close.md:{line}" in result.stdout, result.stdout


def test_a_program_using_a_linux_api_without_linux_only_fails(project: Path):
    """shutdown_rd.py reads TCP_INFO: without its "Linux only:" docstring,
    the check names it (the runner would run it on macOS and Windows)."""
    path = project / "snippets/reference/shutdown/shutdown_rd.py"
    text = path.read_text()
    assert text.startswith('"""Linux only: ')
    path.write_text(text.replace('"""Linux only: s', '"""S', 1))
    result = pytest_on(
        project, "tests/programs/test_linux_only.py", "-k", "says_linux_only"
    )
    assert result.returncode == 1, result.stdout
    assert "reference/shutdown/shutdown_rd.py uses ['TCP_INFO']" in result.stdout, (
        result.stdout
    )


def test_update_examples_rewrites_wrong_output_lines(project: Path):
    single = project / "snippets" / CLOSE
    client = project / "snippets" / PAIR_CLIENT
    originals = {path: path.read_text() for path in (single, client)}
    single.write_text(originals[single].replace("#> b'last words'", "#> b'stale'"))
    client.write_text(
        originals[client].replace("#> client: b'hello", "#> client: b'stale")
    )
    selection = ("-k", "close_sole_owner or client-server")
    result = pytest_on(project, PROGRAMS, "--update-examples", *selection)
    assert result.returncode == 0, result.stdout + result.stderr
    for path, text in originals.items():
        assert path.read_text() == text, f"{path.name} was not restored"
    assert pytest_on(project, PROGRAMS, *selection).returncode == 0


def test_the_record_names_what_ran_and_nothing_else(project: Path):
    """A partial run records only its programs; a pretend run records nothing."""
    record = record_path(project)
    result = pytest_on(project, PROGRAMS, "-k", "close_sole_owner")
    assert result.returncode == 0, result.stdout
    programs = json.loads(record.read_text())["programs"]
    # the program, and its stored capture, which test_wire checked
    assert sorted(programs) == [CLOSE, CLOSE.removesuffix(".py") + ".wire"]
    assert programs[CLOSE]["outcome"] == "passed"
    assert set(programs[CLOSE]) >= {"sha256", "python", "os", "kernel", "date"}
    before = record.read_text()
    linux_only = "reference/shutdown/shutdown_rd.py"
    result = pytest_on(
        project,
        PROGRAMS,
        "-k",
        "shutdown_rd.py or close_sole_owner",
        "--fake-platform",
        "darwin",
        "-rs",
    )
    assert result.returncode == 0, result.stdout
    assert f"{linux_only}: Linux only" in result.stdout
    assert record.read_text() == before, "a --fake-platform run wrote the record"


def test_a_broken_link_or_anchor_fails_the_build(project: Path):
    """Strict means strict: a warning about a link fails the build (never pass -q,
    which hides the warnings that --strict counts)."""
    page = project / "docs/index.md"
    page.write_text(page.read_text() + "\n[x](how-to/half-close.md#no-such-anchor)\n")
    result = build(project)
    assert result.returncode != 0
    assert "no-such-anchor" in result.stdout + result.stderr
    assert "index.md" in result.stdout + result.stderr


# A build command that is quiet: -q or --quiet, written in a shell line or as
# an item of an argument list ("-q"), on the line that runs mkdocs build.
QUIET_BUILD = re.compile(r"mkdocs\S*\W+build[^\n]*(?:\s|[\"'])(?:-q|--quiet)\b")


def test_no_strict_build_passes_q():
    """`mkdocs build --strict -q` passes with warnings: no tool here may use it
    (the tests, the harness that builds for them, the scripts, the Makefile,
    CI)."""
    places = [
        *ROOT.glob("tests/**/*.py"),
        *ROOT.glob("harness/**/*.py"),
        *ROOT.glob("scripts/**/*.py"),
        *ROOT.glob("core/**/*.py"),
        ROOT / "Makefile",
        ROOT / ".ci/run",
        *ROOT.glob(".github/workflows/*.yml"),
    ]
    offenders = [
        str(path.relative_to(ROOT))
        for path in places
        if path.name != "test_drift.py" and QUIET_BUILD.search(path.read_text())
    ]
    assert not offenders, f"strict builds with -q: {offenders}"


@pytest.mark.parametrize(
    "line",
    [
        "mkdocs build --strict -q",
        "$(BIN)/mkdocs build --strict --quiet",
        '[sys.executable, "-m", "mkdocs", "build", "--strict", "-q"]',
    ],
)
def test_a_quiet_build_is_seen_in_every_form(line: str):
    assert QUIET_BUILD.search(line)


def test_a_changed_output_fails_every_sentence_that_relied_on_it(project: Path):
    """Change what a program prints and regenerate its #> lines, as a careless
    edit would: the claims that quoted the old output fail, each named."""
    program = project / "snippets" / CLOSE
    program.write_text(program.read_text().replace("last words", "final words"))
    relying = [  # the sentences, as the evidence test names them
        str(sentence)
        for page in all_pages()
        for sentence in sentences(page)
        for claim in sentence.claims
        if claim.group(2).strip() == CLOSE and "last words" in claim.group(3)
    ]
    assert relying, f"no page quotes {CLOSE}'s output: pick another program"
    update = pytest_on(project, PROGRAMS, "-k", "close_sole_owner", "--update-examples")
    assert update.returncode == 0, update.stdout
    assert "#> b'final words'" in program.read_text()
    result = pytest_on(project, "tests/pages/test_evidence.py", "-k", "marker_holds")
    assert result.returncode == 1, result.stdout
    for sentence in relying:
        assert sentence in result.stdout, f"{sentence!r} not named:\n{result.stdout}"
    assert result.stdout.count(f"{CLOSE} no longer prints") >= len(relying)


def test_a_marker_where_no_evidence_control_can_go_fails_the_build(project: Path):
    """A marker in a heading (the table of contents copies headings) or in
    raw HTML ends no block of text that could hold its evidence: the build
    fails, naming the page."""
    marker = "<!-- run: how-to/half-close/half_close.py | b'ping' -->"
    page = project / "docs/how-to/half-close.md"
    text = page.read_text()
    page.write_text(text.replace("\n## The client:", f"\n## The client{marker}:", 1))
    result = build(project)
    assert result.returncode != 0
    assert "docs/how-to/half-close.md: an evidence marker" in result.stderr
    page.write_text(text + f"\n<div>Raw HTML{marker}</div>\n")
    result = build(project)
    assert result.returncode != 0
    assert "docs/how-to/half-close.md: an evidence marker" in result.stderr


def test_abort_that_only_closes_fails_its_wire_check_naming_the_page(
    project: Path, capturing: None
):
    """The abort program changed to a plain close(), SO_LINGER off: what it sends is
    no longer the stored capture (a FIN instead of a RST), and the wire check names the
    page whose ladder diagram shows it. Needs the privilege to capture."""
    path = project / "snippets" / "how-to/abort/abort.py"
    text = path.read_text()
    linger = "struct.pack(layout, 1, 0)"  # SO_LINGER on, linger time 0
    assert text.count(linger) == 1
    path.write_text(text.replace(linger, "struct.pack(layout, 0, 0)"))  # off
    result = pytest_on(project, PROGRAMS, "-k", "how-to/abort/abort.py")
    assert result.returncode == 1, result.stdout + result.stderr
    assert (
        "FAILED tests/programs/test_programs.py::test_wire[how-to/abort/abort.py]"
        in result.stdout
    )
    assert (
        "docs/how-to/abort.md: what how-to/abort/abort.py sends on the wire"
        in result.stdout
    )
    assert re.search(r"^-server 2 → client 2  RST ACK$", result.stdout, re.M), (
        result.stdout
    )
    assert re.search(r"^\+server 2 → client 2  FIN ACK$", result.stdout, re.M), (
        result.stdout
    )


def test_output_that_the_out_lines_cannot_show_fails(project: Path):
    """pytest-examples misplaces the output of a print() line that runs again
    after other prints: the suite must fail, naming the program, and
    --update-examples must not write the misplaced #> lines."""
    source = 'for x in ("a", "b"):\n    print(x, 1)\n    print(x, 2)\n'
    add_program(project, "index/loop_prints.py", source)
    update = pytest_on(project, PROGRAMS, "-k", "loop_prints", "--update-examples")
    result = pytest_on(project, PROGRAMS, "-k", "loop_prints")
    assert update.returncode == 1, update.stdout + update.stderr
    assert result.returncode == 1, result.stdout + result.stderr
    expected = (
        "index/loop_prints.py: the print() on line 2 runs again after the "
        "print() on line 3"
    )
    assert expected in update.stdout.replace("\n", " "), update.stdout
    assert (project / "snippets" / "index/loop_prints.py").read_text() == source


def test_a_helper_changed_in_one_program_fails_naming_both(project: Path):
    """One copy of read_until_eof() edited: the helper check names the programs."""
    path = project / "snippets" / "tutorial/index/pattern.py"
    text = path.read_text()
    limit = 'raise ValueError(f"peer sent more than {max_bytes} bytes")'
    assert limit in text
    path.write_text(text.replace(limit, 'raise ValueError("the peer sent too much")'))
    result = pytest_on(project, "tests/pages/test_shared_helpers.py", "-k", "one_body")
    assert result.returncode == 1, result.stdout + result.stderr
    assert "read_until_eof() has 2 different bodies" in result.stdout, result.stdout
    assert "tutorial/index/pattern.py" in result.stdout, result.stdout
    assert "how-to/half-close/half_close.py" in result.stdout, result.stdout
