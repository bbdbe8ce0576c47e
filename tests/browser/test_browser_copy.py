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
    copied = [copyable_text(text) for text in seen.copied]
    missing = [
        f"{inc}\n{nearest_copy(copyable_text(shown_text(inc)), copied)}"
        for inc in includes(page)
        if copyable_text(shown_text(inc)) not in copied
    ]
    assert not missing, (
        "no copy button on the page copies exactly the included code of:\n"
        + "\n".join(missing)
        + "\nthe copies, in page order (lines, first line): "
        + "; ".join(
            f"{len(text.splitlines())} {text.splitlines()[:1]!r}" for text in copied
        )
    )


def nearest_copy(expected: str, copied: list[str]) -> str:
    """Where the copy closest to expected (most lines in common) departs
    from it: what a failure shows, so that a rare one can be read."""
    if not copied:
        return "  (no copy button copied anything)"
    wanted = expected.splitlines()
    nearest = max(copied, key=lambda text: len(set(wanted) & set(text.splitlines())))
    got = nearest.splitlines()
    line = next(
        (n for n, (a, b) in enumerate(zip(wanted, got, strict=False)) if a != b),
        min(len(wanted), len(got)),
    )
    return (
        f"  nearest copy: {len(got)} lines for {len(wanted)}, departs at line"
        f" {line + 1}: {got[line] if line < len(got) else '(ends)'!r}"
        f" for {wanted[line] if line < len(wanted) else '(ends)'!r}"
    )
