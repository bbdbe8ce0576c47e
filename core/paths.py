"""Where the pages, their programs and the records are, and how they map.

The project is the folder holding mkdocs.yml at or above the current
directory (the Makefile, pytest and MkDocs all run from it): a copy of the
project that a drift test breaks in a temporary folder then sees its own
pages and programs through this one installed package. Run from elsewhere,
it is the checkout this package lives in.
"""

from __future__ import annotations

import os
import posixpath
from pathlib import Path


def project_root(start: Path | None = None) -> Path:
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if (folder / "mkdocs.yml").is_file() and (folder / "snippets").is_dir():
            return folder
    return Path(__file__).resolve().parent.parent


ROOT = project_root()
CONFIG_FILE = ROOT / "mkdocs.yml"
DOCS = ROOT / "docs"


def snippet_root(config_file: Path = CONFIG_FILE) -> Path:
    """The folder that includes are relative to, as mkdocs.yml declares it
    (pymdownx.snippets' base_path).

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

# Pages the hooks link every other page to.
VERIFICATION_PAGE = "reference/verification.md"
GLOSSARY_PAGE = "reference/glossary.md"
# The page that lists the helpers' contract tests (<!-- contracts: section -->).
HELPERS_PAGE = "reference/helpers.md"

# One module of helpers, one section per helper; one file of contract tests
# per section: tests/contracts/test_<section>.py.
HELPERS_MODULE = SNIPPETS / "reference" / "helpers" / "closing.py"
CONTRACTS = ROOT / "tests" / "contracts"


def page_name(page: Path, docs: Path = DOCS) -> str:
    """docs/how-to/half-close.md -> "how-to/half-close" (also its program folder)."""
    return page.relative_to(docs).with_suffix("").as_posix()


def page_folder(page: Path, docs: Path = DOCS, snippets: Path = SNIPPETS) -> Path:
    """The folder that holds the programs of a page: snippets/<section>/<page>/."""
    return snippets / page_name(page, docs)


def owner_page(program: Path | str, snippets: Path = SNIPPETS) -> str:
    """The name of the page a program belongs to, as page_name gives it: the
    program's folder, snippets/<section>/<page>/. A program is a path, or its
    name relative to the snippet root ("how-to/abort/abort.py" -> "how-to/abort")."""
    if isinstance(program, Path):
        return program.parent.relative_to(snippets).as_posix()
    return posixpath.dirname(program)


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


def record_path(root: Path = ROOT) -> Path:
    """The verification record: written by the program runner, read by hooks."""
    return root / "build" / "verified.json"


def configured_snippets(config) -> Path:
    """The snippet root as pymdownx.snippets resolved it from a loaded
    configuration (MkDocs' config, or any mapping with its mdx_configs)."""
    base = config["mdx_configs"]["pymdownx.snippets"]["base_path"]
    return Path(base[0] if isinstance(base, list) else base)
