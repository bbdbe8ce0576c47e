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
