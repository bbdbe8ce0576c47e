"""The site's conventions, in one place: the hooks and the tests both import this.

Where the pages and their programs live, how a page includes a program, how a
program marks sections and annotations, what Material's HTML for a code block
looks like, where a page is served, where the verification record is kept,
and how Chromium is started. Nothing here imports MkDocs, so the tests and
the small scripts can use it without loading the site.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CONFIG_FILE = ROOT / "mkdocs.yml"
DOCS = ROOT / "docs"

# --- where the programs are: mkdocs.yml's pymdownx.snippets base_path ---


def snippet_root(config_file: Path = CONFIG_FILE) -> Path:
    """The folder that includes are relative to, as mkdocs.yml declares it.

    Read with a YAML loader that keeps MkDocs' tags as plain text, so this
    needs neither MkDocs nor the site's plugins."""
    import yaml

    class Loader(yaml.SafeLoader):
        pass

    def as_text(loader, suffix, node):
        if isinstance(node, yaml.ScalarNode):
            return loader.construct_scalar(node)
        return None

    Loader.add_multi_constructor("!", as_text)
    Loader.add_multi_constructor("tag:yaml.org,2002:python/", as_text)
    config = yaml.load(config_file.read_text(), Loader=Loader)
    for extension in config.get("markdown_extensions", []):
        if isinstance(extension, dict) and "pymdownx.snippets" in extension:
            base = extension["pymdownx.snippets"]["base_path"]
            base = base[0] if isinstance(base, list) else base
            base = base.replace("$config_dir", str(config_file.parent))
            return Path(os.path.normpath(config_file.parent / base))
    raise LookupError(f"{config_file}: no pymdownx.snippets base_path")


SNIPPETS = snippet_root()

# A folder holding both of these is a two-terminal example: the pair runs as
# two processes, the server first (it prints one line once it listens).
PAIR = ("server.py", "client.py")

# --- how a page includes a program ---

# The one-line include form used on every page: --8<-- "how-to/x/y.py[:section]"
INCLUDE = re.compile(r'^[ \t]*-{1,}8<-{1,}[ \t]+"([^"\n]+)"[ \t]*$', re.MULTILINE)
# A section marker inside a program: # --8<-- [start:name] / [end:name]
SECTION_MARKER = re.compile(r"-{1,}8<-{1,}\s*\[(start|end):([\w-]+)\]")
# A Material code annotation marker at the end of a line: # (1)!
ANNOTATION_MARKER = re.compile(r"\s*#\s*\(\d+\)!\s*$")
# The same marker as Pygments renders it in the built page.
ANNOTATION_MARKER_HTML = re.compile(r'[ \t]*<span class="c1">#\s*\((\d+)\)!</span>')
# A highlighted code block in the built page (pymdownx.highlight + Material).
CODE_BLOCK_HTML = re.compile(
    r'<div class="language-[\w-]+ highlight">.*?</code></pre></div>', re.S
)
# A program's expected output: the #> lines after a print().
OUTPUT_LINE = re.compile(r"^[ \t]*#> ?(.*)$", re.M)
# An output line that holds on some Python versions only:
#   #> [3.13+] what 3.13 and later print
#   #> [3.10-3.12] what 3.10 to 3.12 print
#   #> [3.10] what 3.10 alone prints
# A print() whose output differs by version has one tagged line (or group of
# lines) per version range, right after it; the tag stays on the page, so
# readers see which version prints what.
VERSIONED_OUTPUT = re.compile(
    r"^(?P<indent>[ \t]*)#> \[3\.(?P<low>\d+)(?:(?P<plus>\+)|-3\.(?P<high>\d+))?\] ?"
    r"(?P<text>.*)$"
)


def holds_on(line: str, minor: int) -> bool | None:
    """Whether a #> line holds on Python 3.<minor>: None if it has no version tag."""
    tag = VERSIONED_OUTPUT.match(line)
    if not tag:
        return None
    low = int(tag["low"])
    high = 99 if tag["plus"] else int(tag["high"] or low)
    return low <= minor <= high


def for_python(source: str, minor: int) -> str:
    """The program's text as pytest-examples must see it on Python 3.<minor>.

    In each run of consecutive #> lines, the version-tagged lines that hold
    on this version become plain #> lines and move to the top of the run; the
    others become ordinary comments (`# [3.13+] ...`) below them. No line is
    added or removed, so the print() calls keep their line numbers."""
    lines = source.split("\n")
    out: list[str] = []
    run: list[str] = []

    def flush() -> None:
        active = [line for line in run if holds_on(line, minor) is not False]
        inactive = [line for line in run if holds_on(line, minor) is False]
        for line in active:
            tag = VERSIONED_OUTPUT.match(line)
            out.append(f"{tag['indent']}#> {tag['text']}" if tag else line)
        for line in inactive:
            out.append(line.replace("#> [", "# [", 1))
        run.clear()

    for line in lines:
        if OUTPUT_LINE.match(line):
            run.append(line)
            continue
        flush()
        out.append(line)
    flush()
    return "\n".join(out)


def output_lines_for_python(source: str, minor: int) -> list[str]:
    """The #> lines a program shows for Python 3.<minor>, tags removed."""
    return OUTPUT_LINE.findall(for_python(source, minor))


def included_names(markdown: str) -> list[str]:
    """The program files a page includes, each once, in order (no section)."""
    names = [m.group(1).partition(":")[0] for m in INCLUDE.finditer(markdown)]
    return list(dict.fromkeys(names))


# --- pages, their programs and their addresses ---


def page_name(page: Path, docs: Path = DOCS) -> str:
    """docs/how-to/half-close.md -> "how-to/half-close" (also its program folder)."""
    return page.relative_to(docs).with_suffix("").as_posix()


def page_folder(page: Path, docs: Path = DOCS, snippets: Path = SNIPPETS) -> Path:
    """The folder that holds the programs of a page: snippets/<section>/<page>/."""
    return snippets / page_name(page, docs)


def page_url(page: Path, docs: Path = DOCS) -> str:
    """The page's address relative to the site root, as MkDocs serves it."""
    name = page_name(page, docs)
    if name == "index":
        return ""
    if name.endswith("/index"):
        return name[: -len("index")]
    return name + "/"


def page_html(site: Path, page: Path, docs: Path = DOCS) -> Path:
    return site / page_url(page, docs) / "index.html"


# --- the verification record: written by the program runner, read by hooks ---


def record_path(root: Path = ROOT) -> Path:
    return root / "build" / "verified.json"


def stamp_of(entry: dict) -> str:
    """ "Linux 6.1.0, CPython 3.12.1, 2026-01-02" for one record entry."""
    return (
        f"{entry.get('os', '?')} {entry.get('kernel', '')}, "
        f"{entry.get('implementation', 'Python')} {entry.get('python', '?')}, "
        f"{entry.get('date', '?')}"
    )


# --- Chromium, from the system (Debian's package), never a downloaded one ---

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


# --- the helpers readers copy, and their contract tests ---

# One module of helpers, one section per helper; one file of contract tests
# per section: tests/contracts/test_<section>.py.
HELPERS_MODULE = SNIPPETS / "reference" / "helpers" / "closing.py"
CONTRACTS = ROOT / "tests" / "contracts"
# The page that lists the contract tests (<!-- contracts: section -->).
HELPERS_PAGE = "reference/helpers.md"


def contract_anchor(section: str, test: str) -> str:
    """The id of a contract test's item on the helpers page."""
    return f"contract-{section}-{test}"


def contract_tests(section: str) -> dict[str, str]:
    """Test name -> the first paragraph of its docstring, in file order.

    Raises LookupError if the section has no file of contract tests."""
    import ast

    path = CONTRACTS / f"test_{section}.py"
    if not path.is_file():
        raise LookupError(f"no contract tests for {section}: {path} is missing")
    found = {}
    for node in ast.parse(path.read_text()).body:
        if isinstance(node, ast.FunctionDef) and node.name.startswith("test_"):
            doc = ast.get_docstring(node) or ""
            found[node.name] = " ".join(doc.split("\n\n")[0].split())
    return found
