"""Every page's front matter is YAML that parses into a title and a description.

MkDocs reads a front matter block that is not valid YAML as page text: the
page then shows "title: ... description: ..." above its heading and loses its
meta description, with no warning (Zensical refuses it).
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from core.pages import all_pages, page_id
from core.paths import page_html
from harness.html import parsed


def front_matter(text: str) -> dict:
    """The parsed front matter of a page; raises ValueError if it has none or
    it is not a YAML mapping."""
    lines = text.splitlines()
    if not lines or lines[0] != "---" or "---" not in lines[1:]:
        raise ValueError("no front matter block")
    block = "\n".join(lines[1 : lines.index("---", 1)])
    data = yaml.safe_load(block)
    if not isinstance(data, dict):
        raise ValueError(f"front matter is not a mapping: {data!r}")
    return data


@pytest.mark.parametrize("page", all_pages(), ids=page_id)
def test_front_matter_parses_with_a_title_and_a_description(page: Path):
    data = front_matter(page.read_text())
    for key in ("title", "description"):
        assert isinstance(data.get(key), str) and data[key].strip(), (
            f"{page_id(page)}: front matter has no {key} string: {data}"
        )


def test_an_unquoted_colon_in_the_description_is_caught():
    """The defect once on dead-peers: a ": " inside an unquoted value."""
    broken = (
        "---\ntitle: Detect a dead peer\n"
        "description: A vanished host sends neither FIN nor RST: keepalive.\n---\n"
    )
    with pytest.raises(yaml.YAMLError):
        front_matter(broken)


@pytest.mark.parametrize("page", all_pages(), ids=page_id)
def test_the_description_reaches_link_previews(page: Path, built_site: Path):
    """The built page's <meta name="description"> is its front matter's."""
    soup = parsed(page_html(built_site, page))
    meta = soup.find("meta", attrs={"name": "description"})
    assert meta, f"{page_id(page)}: no <meta name=description>"
    assert meta["content"] == front_matter(page.read_text())["description"].strip()
