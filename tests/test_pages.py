"""Pages include real snippets, build strictly, and show code, not include lines."""

from __future__ import annotations

import html
import re
import sys
import uuid
from pathlib import Path

import markdown
import pytest
from mkdocs.config import load_config
from pytest_examples import CodeExample, EvalExample, find_examples

from pages import INCLUDE, all_includes, all_pages, included_code
from snippet_files import DOCS, ROOT, all_snippets, rel, strict_build


def page_id(page: Path) -> str:
    return page.relative_to(DOCS).as_posix()


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


def test_every_snippet_is_on_a_page():
    shown = {inc.file.resolve() for inc in all_includes()}
    orphans = [rel(p) for p in all_snippets() if p.resolve() not in shown]
    assert not orphans, f"snippets that no page includes: {orphans}"


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
    """```py blocks written on a page, not includes of a snippet."""
    found = []
    for example in find_examples(DOCS):
        if INCLUDE.fullmatch(example.source.strip()):
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


def page_html(site: Path, page: Path) -> Path:
    relative = page.relative_to(DOCS).with_suffix("")
    if relative.name == "index":
        return site / relative.parent / "index.html"
    return site / relative / "index.html"


def code_text(html_text: str) -> str:
    """The visible text of the code blocks, highlighting removed."""
    blocks = re.findall(r"<code[^>]*>(.*?)</code>", html_text, flags=re.DOTALL)
    return "\n".join(html.unescape(re.sub(r"<[^>]+>", "", b)) for b in blocks)


@pytest.mark.parametrize("page", all_pages(), ids=page_id)
def test_built_page_shows_snippet_code(page: Path, built_site: Path):
    out = page_html(built_site, page).read_text()
    shown = code_text(out)
    for inc in (i for i in all_includes() if i.page == page):
        for line in included_code(inc):
            assert line in shown, f"{inc}: line {line!r} is missing from the built page"
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
    r'<div class="language-[\w-]+ highlight">(.*?)</code></pre></div>'
    r"\s*(<ol>.*?</ol>)?",
    re.S,
)
ANNOTATION = re.compile(r'<span class="c1">#\s*\((\d+)\)!</span>')


@pytest.mark.parametrize("page", all_pages(), ids=page_id)
def test_code_annotations_match_their_list(page: Path, built_site: Path):
    """Markers in a block are (1)..(n) for the n items of the list right after it."""
    out = page_html(built_site, page).read_text()
    problems = []
    for number, block in enumerate(ANNOTATED_BLOCK.finditer(out), start=1):
        markers = [int(n) for n in ANNOTATION.findall(block.group(1))]
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
    sys.path.insert(0, str(ROOT / "hooks"))
    from diagrams import DIAGRAMS, THEMES, all_diagrams, drawing

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
    for path in all_snippets():
        assert (built_site / "snippets" / rel(path)).read_bytes() == path.read_bytes()


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
        url = page_html(tmp_path, page).parent.relative_to(tmp_path).as_posix()
        location = env["SITE_URL"] + ("" if url == "." else url + "/")
        assert f"<loc>{location}</loc>" in sitemap, (
            f"{page_id(page)}: not in sitemap.xml"
        )
