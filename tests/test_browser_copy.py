"""Each code block's copy button copies exactly the code its include shows.

For a whole-program include that is the program file itself, less the
section-marker comment lines; the file is what tests/test_programs.py runs,
so the copied program is not run a second time."""

from __future__ import annotations

from pathlib import Path

import pytest

from browser import visit_of
from pages import all_pages, copyable_text, includes, page_id, shown_text

pytestmark = pytest.mark.xdist_group("browser")


@pytest.mark.parametrize("page", all_pages(), ids=page_id)
def test_copy_button_copies_what_the_page_shows(page: Path, visits, site_url: str):
    copied = {copyable_text(text) for text in visit_of(visits, site_url, page).copied}
    missing = [
        str(inc)
        for inc in includes(page)
        if copyable_text(shown_text(inc)) not in copied
    ]
    assert not missing, (
        "no copy button on the page copies exactly the included code of:\n"
        + "\n".join(missing)
    )
