"""Each code block's copy button copies exactly the code its include shows.

For a whole-program include that is the program file itself, less the
section-marker comment lines; the file is what tests/programs/test_programs.py runs,
so the copied program is not run a second time."""

from __future__ import annotations

from pathlib import Path

import pytest

from core.pages import copyable_text, includes, shown_text
from harness.browser import Visit, page_params


@pytest.mark.parametrize("page", page_params())
def test_copy_button_copies_what_the_page_shows(page: Path, seen: Visit):
    copied = {copyable_text(text) for text in seen.copied}
    missing = [
        str(inc)
        for inc in includes(page)
        if copyable_text(shown_text(inc)) not in copied
    ]
    assert not missing, (
        "no copy button on the page copies exactly the included code of:\n"
        + "\n".join(missing)
    )
