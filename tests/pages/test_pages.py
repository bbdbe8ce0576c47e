"""Pages include their own programs, build strictly, and show each program's code."""

from __future__ import annotations

import html
import re
import subprocess
import sys
import uuid
from pathlib import Path

import markdown
import pytest
from mkdocs.config import load_config
from pytest_examples import CodeExample, EvalExample, find_examples

from core.markers import INCLUDE
from core.pages import (
    all_includes,
    all_pages,
    copyable_text,
    first_include_not_shown,
    page_id,
)
from core.paths import DOCS, ROOT, SNIPPETS, owner_page, page_html, page_name, page_url
from core.theme import ANNOTATION_MARKER_HTML, CODE_BLOCK_HTML
from core.wire import SUFFIX as WIRE_SUFFIX
from core.wire import read as read_wire
from core.wire import wire_path
from harness.build import strict_build
from harness.programs import program_files, rel
from hooks.ladders import anchor


@pytest.fixture(scope="session")
def site_config():
    return load_config(str(ROOT / "mkdocs.yml"))


@pytest.mark.parametrize("page", all_pages(), ids=page_id)
def test_includes_render(page: Path, site_config):
    """Each page renders with the site's own Markdown setup; every include resolves."""
    md = markdown.Markdown(
        extensions=site_config["markdown_extensions"],
        extension_configs=site_config["mdx_configs"],
    )
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
    """Compared with what pytest really collects, not with the glob it uses."""
    collected = subprocess.run(
        [sys.executable, "-m", "pytest", "--collect-only", "-q", "-p", "no:xdist"]
        + ["-p", "no:cacheprovider", "tests/programs/test_programs.py"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert collected.returncode == 0, collected.stdout + collected.stderr
    ids = re.findall(r"test_program\[(.+)\]$", collected.stdout, re.M)
    run = set()
    for name in ids:  # "a/b.py" or "a/{server.py,client.py}"
        folder, _, files = name.rpartition("/")
        for file in files.strip("{}").split(","):
            run.add(f"{folder}/{file}")
    # a stored capture is checked by test_wire, with its program
    for name in re.findall(r"test_wire\[(.+\.py)\]$", collected.stdout, re.M):
        run.add(name.removesuffix(".py") + WIRE_SUFFIX)
    on_disk = {
        path.relative_to(SNIPPETS).as_posix()
        for path in SNIPPETS.rglob("*")
        if path.is_file() and "__pycache__" not in path.parts
    }
    assert on_disk - run == set(), (
        f"files in snippets/ that no test runs: {sorted(on_disk - run)}"
    )


def nav_pages(nav) -> list[str]:
    items = nav if isinstance(nav, list) else [nav]
    found = []
    for item in items:
        if isinstance(item, str):
            found.append(item)
        elif isinstance(item, dict):
            for value in item.values():
                found += nav_pages(value)
    return found


def test_every_page_is_in_the_navigation(site_config):
    listed = set(nav_pages(site_config["nav"]))
    missing = [page_id(p) for p in all_pages() if page_id(p) not in listed]
    assert not missing, f"pages missing from nav in mkdocs.yml: {missing}"


def test_every_include_names_a_snippet():
    missing = [str(inc) for inc in all_includes() if not inc.file.is_file()]
    assert not missing, "includes of missing files:\n" + "\n".join(missing)


def inline_examples() -> list[CodeExample]:
    """```py blocks written on a page, not includes of snippets (one or more)."""
    found = []
    for example in find_examples(DOCS):
        lines = [line.strip() for line in example.source.splitlines() if line.strip()]
        if all(INCLUDE.fullmatch(line) for line in lines):
            continue
        example.group = uuid.uuid4()
        found.append(example)
    return found


NORUN = re.compile(r'data-norun="([^"]*)"')


def test_inline_blocks_marked_not_runnable_say_why():
    bad = [
        f"{rel_doc(ex)}:{ex.start_line}"
        for ex in inline_examples()
        if (m := NORUN.search(ex.prefix)) and not m.group(1).strip()
    ]
    assert not bad, f'data-norun needs a reason, e.g. data-norun="needs root": {bad}'


def rel_doc(ex: CodeExample) -> str:
    return ex.path.relative_to(DOCS.parent).as_posix()


def runnable_inline_examples() -> list:
    found = [ex for ex in inline_examples() if not NORUN.search(ex.prefix)]
    if found:
        return [pytest.param(ex, id=f"{rel_doc(ex)}:{ex.start_line}") for ex in found]
    reason = "no runnable inline ```py block in docs/: every example there is a snippet"
    return [pytest.param(None, id="none", marks=pytest.mark.skip(reason=reason))]


@pytest.mark.parametrize("example", runnable_inline_examples())
def test_inline_block_runs(example: CodeExample, eval_example: EvalExample):
    if eval_example.update_examples:
        eval_example.run_print_update(example)
    else:
        eval_example.run_print_check(example)


def code_text(block_html: str) -> str:
    """The visible text of one code block, highlighting removed."""
    code = re.search(r"<code[^>]*>(.*?)</code>", block_html, flags=re.DOTALL)
    return html.unescape(re.sub(r"<[^>]+>", "", code.group(1) if code else ""))


@pytest.mark.parametrize("page", all_pages(), ids=page_id)
def test_each_include_becomes_a_code_block_showing_it(page: Path, built_site: Path):
    """Include by include, in order, a code block of the built page shows exactly
    the included code (annotation markers aside); no include line survives."""
    out = page_html(built_site, page).read_text()
    blocks = [
        copyable_text(code_text(ANNOTATION_MARKER_HTML.sub("", m.group(0))))
        for m in CODE_BLOCK_HTML.finditer(out)
    ]
    missing = first_include_not_shown(page, blocks)
    assert missing is None, (
        f"{missing[0]}: no code block after block {missing[1]} shows the included code"
    )
    for marker in ("--8<--", "[start:", "[end:"):
        assert marker not in out, f"{page_id(page)}: built HTML holds {marker!r}"


THIRD_PARTY = re.compile(
    r"""<(?:script|img|iframe|source|audio|video)\b[^>]*\bsrc=["'](?:https?:)?//"""
    r"""|<link\b[^>]*\bhref=["'](?:https?:)?//[^"']*["'][^>]*>"""
)


def test_built_site_loads_nothing_from_other_hosts(built_site: Path):
    offenders = []
    for path in built_site.rglob("*.html"):
        for m in THIRD_PARTY.finditer(path.read_text()):
            tag = m.group(0)
            if "<link" in tag and re.search(r'rel="(canonical|alternate)"', tag):
                continue  # metadata, never fetched by the page
            offenders.append(f"{path.relative_to(built_site)}: {tag[:120]}")
    for path in built_site.rglob("*.css"):
        for m in re.finditer(
            r"@import\s+url\([\"']?(?:https?:)?//[^)]*\)", path.read_text()
        ):
            offenders.append(f"{path.relative_to(built_site)}: {m.group(0)}")
    assert not offenders, "requests to other hosts:\n" + "\n".join(offenders)


ANNOTATED_BLOCK = re.compile(
    "(" + CODE_BLOCK_HTML.pattern + r")\s*(<ol>.*?</ol>)?", CODE_BLOCK_HTML.flags
)


@pytest.mark.parametrize("page", all_pages(), ids=page_id)
def test_code_annotations_match_their_list(page: Path, built_site: Path):
    """Markers in a block are (1)..(n) for the n items of the list right after it."""
    out = page_html(built_site, page).read_text()
    problems = []
    for number, block in enumerate(ANNOTATED_BLOCK.finditer(out), start=1):
        markers = [int(n) for n in ANNOTATION_MARKER_HTML.findall(block.group(1))]
        if not markers:
            continue
        items = top_level_items(block.group(2) or "")
        if sorted(markers) != list(range(1, items + 1)):
            problems.append(
                f"code block {number}: markers {markers}, but {items} list items follow"
            )
    assert not problems, f"{page_id(page)}: " + "; ".join(problems)


def top_level_items(ol: str) -> int:
    depth = count = 0
    for tag in re.finditer(r"<(/?)(ol|li)\b", ol):
        closing, name = tag.groups()
        if name == "ol":
            depth += -1 if closing else 1
        elif not closing and depth == 1:
            count += 1
    return count


def test_every_diagram_drawing_is_used():
    """make diagrams deletes stale drawings; a commit must not carry any."""
    from core.diagrams import DIAGRAMS, THEMES, all_diagrams, drawing

    wanted = {drawing(source, v) for _, source in all_diagrams() for v in THEMES}
    missing = sorted(str(p.relative_to(ROOT)) for p in wanted if not p.is_file())
    unused = sorted(
        str(p.relative_to(ROOT)) for p in set(DIAGRAMS.glob("*.svg")) - wanted
    )
    assert not missing and not unused, (
        f"run `make diagrams`: missing drawings {missing}, unused drawings {unused}"
    )


@pytest.mark.parametrize("page", all_pages(), ids=page_id)
def test_page_has_a_description_for_link_previews(page: Path, built_site: Path):
    text = page.read_text()
    assert re.search(r"^description: \S", text, re.M), (
        f"{page_id(page)}: no description"
    )
    out = page_html(built_site, page).read_text()
    assert re.search(r'<meta name="description" content="[^"]{20,}"', out)


def test_finishing_a_reader_expects(built_site: Path):
    assert (built_site / "404.html").is_file(), "no 404 page"
    index = (built_site / "index.html").read_text()
    assert 'rel="icon" href="assets/favicon.svg"' in index, "no favicon of our own"
    # the published programs: tests/pages/test_verified_on.py


def test_published_build_has_edit_links_and_a_sitemap(tmp_path: Path):
    """With the addresses the deploy workflow sets, pages link to their source."""
    env = {
        "SITE_URL": "https://docs.example.org/shutdown-vs-close/",
        "REPO_URL": "https://github.com/example/shutdown-vs-close",
        "EDIT_URI": "edit/main/docs/",
    }
    result = strict_build(tmp_path, **env)
    assert result.returncode == 0, result.stderr
    sitemap = (tmp_path / "sitemap.xml").read_text()
    for page in all_pages():
        out = page_html(tmp_path, page).read_text()
        edit = f"{env['REPO_URL']}/edit/main/docs/{page_id(page)}"
        assert f'href="{edit}"' in out, f"{page_id(page)}: no edit link"
        location = env["SITE_URL"] + page_url(page)
        assert f"<loc>{location}</loc>" in sitemap, (
            f"{page_id(page)}: not in sitemap.xml"
        )


LADDER = re.compile(r"^[ \t]*<!--\s*ladder:\s*(\S+?)\s*-->", re.M)


def test_every_stored_capture_is_drawn_on_its_programs_page():
    """snippets/<page>/x.wire is drawn by `<!-- ladder: <page>/x.py -->` on
    docs/<page>.md, and a ladder draws only a capture of its own page."""
    drawn = {
        (page_name(page), name)
        for page in all_pages()
        for name in LADDER.findall(page.read_text())
    }
    problems = [
        f"docs/{page}.md draws {name}, which is not its program or has no .wire file"
        for page, name in drawn
        if owner_page(SNIPPETS / name) != page
        or not wire_path(SNIPPETS / name).is_file()
    ]
    for stored in sorted(SNIPPETS.rglob("*" + WIRE_SUFFIX)):
        name = stored.with_suffix(".py").relative_to(SNIPPETS).as_posix()
        if (owner_page(stored), name) not in drawn:
            problems.append(
                f"{rel(stored)}: docs/{owner_page(stored)}.md has no "
                f"<!-- ladder: {name} -->"
            )
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("page", all_pages(), ids=page_id)
def test_ladders_list_every_stored_event(page: Path, built_site: Path):
    """Each ladder on the built page is an SVG with a title, and its list
    holds the stored events, in order, one item each."""
    out = page_html(built_site, page).read_text()
    for name in LADDER.findall(page.read_text()):
        _, events = read_wire(wire_path(SNIPPETS / name))
        prefix = anchor(name)
        figure = re.search(
            rf'<figure class="ladder" id="{prefix}">(.*?)</figure>', out, re.S
        )
        assert figure, f"{page_id(page)}: no ladder {prefix} for {name}"
        assert f'<title id="{prefix}-title">' in figure.group(1)
        listed = re.findall(r'<li id="[^"]+" data-event="([^"]*)"', figure.group(1))
        assert [html.unescape(e) for e in listed] == [e.line() for e in events]


# Names a program may define its own way: its entry point and its one-off
# roles (the server loop, the exchange it runs, the client side, a handler
# class). Any other top-level function or class is a helper a reader may copy.
PER_PROGRAM_NAMES = {"main", "serve", "exchange", "client", "Echo"}


def test_a_helper_has_one_body_everywhere():
    """A helper repeated across programs has the same name and the same body."""
    import ast
    from collections import defaultdict

    bodies: dict[str, dict[str, list[str]]] = defaultdict(dict)
    for path in program_files():
        for node in ast.parse(path.read_text()).body:
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
                source = ast.unparse(node)
                bodies[node.name].setdefault(source, []).append(rel(path))
    problems = [
        f"{name}() has {len(variants)} different bodies: "
        + "; ".join(", ".join(paths) for paths in variants.values())
        for name, variants in sorted(bodies.items())
        if len(variants) > 1 and name not in PER_PROGRAM_NAMES
    ]
    assert not problems, "\n".join(problems)
