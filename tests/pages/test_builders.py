"""core.builders reads the page being converted from MkDocs' own objects.

MkDocs 1.6 keeps the page's file on the tree processor it registers as
"relpath" (mkdocs.structure.pages): not a public API, so this renders a page
through MkDocs' Page.render() with an extension that asks core.builders, and
fails if MkDocs moves it. (Zensical's side is checked by `make zensical`: a
transform that finds no page raises BuildError, so its build fails.)
"""

from __future__ import annotations

from pathlib import Path

import pytest
from markdown import Extension
from markdown.preprocessors import Preprocessor
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import File, Files
from mkdocs.structure.pages import Page

from core.builders import BuildError, link_base, page_path, required_page_path


class Asks(Extension):
    """Records what core.builders says while a page converts."""

    def __init__(self) -> None:
        super().__init__()
        self.seen: list[tuple[str | None, str]] = []

    def extendMarkdown(self, md) -> None:  # noqa: N802 (Markdown's API)
        extension = self

        class Ask(Preprocessor):
            def run(self, lines: list[str]) -> list[str]:
                extension.seen.append((page_path(self.md), link_base(self.md)))
                return lines

        md.preprocessors.register(Ask(md), "ask_builders", 100)


def render(tmp_path: Path, src: str) -> list[tuple[str | None, str]]:
    docs = tmp_path / "docs"
    (docs / Path(src).parent).mkdir(parents=True, exist_ok=True)
    (docs / src).write_text("# A page\n")
    config = MkDocsConfig()
    config.load_dict({"site_name": "t", "docs_dir": str(docs)})
    errors, _ = config.validate()
    assert not errors, errors
    asks = Asks()
    config["markdown_extensions"] = [asks]
    config["mdx_configs"] = {}
    file = File(src, str(docs), str(tmp_path / "site"), use_directory_urls=True)
    page = Page(None, file, config)
    page.read_source(config)
    page.render(config, Files([file]))
    return asks.seen


@pytest.mark.parametrize(
    ("src", "base"),
    [("how-to/abort.md", "how-to/abort"), ("index.md", ""), ("a/index.md", "a")],
)
def test_mkdocs_gives_the_page_and_its_address(tmp_path: Path, src: str, base: str):
    assert render(tmp_path, src) == [(src, base)]


def test_outside_a_build_no_page_is_guessed():
    import markdown

    md = markdown.Markdown()
    assert page_path(md) is None
    with pytest.raises(BuildError, match="no page is known"):
        required_page_path(md)
    md.source_page = "how-to/abort.md"
    assert required_page_path(md) == "how-to/abort.md"
