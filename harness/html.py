"""Built pages, parsed once per process.

Many checks read the same built page (its code blocks, its links, its
ladders, its front matter); parsing a long page with html.parser takes half a
second, and the suite used to parse each page five to seven times on each
worker. parsed() parses a file once and hands every caller the same tree,
so callers only read it: a change to it would be seen by every later check.
The key holds the file's size and modification time, so a file rebuilt in
place is parsed again.
"""

from __future__ import annotations

import functools
from pathlib import Path

from bs4 import BeautifulSoup


def parsed(path: Path) -> BeautifulSoup:
    """The HTML file at path, parsed with html.parser (read it, never change it)."""
    stat = path.stat()
    return _parse(path.resolve(), stat.st_size, stat.st_mtime_ns)


@functools.cache
def _parse(path: Path, size: int, mtime_ns: int) -> BeautifulSoup:
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")
