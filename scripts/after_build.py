"""The whole-site steps of a build, for a builder without MkDocs' hooks.

    python scripts/after_build.py SITE_DIR

`make zensical` runs it after `zensical build`: it publishes the programs
and resolves the evidence links that point at another page (core.site).
MkDocs runs the same steps through hooks/site.py.
"""

from __future__ import annotations

import sys
from pathlib import Path

from core.site import publish_programs, resolve_evidence_links


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print(__doc__, file=sys.stderr)
        return 2
    site = Path(argv[0])
    if not (site / "index.html").is_file():
        print(f"{site}: no index.html: build the site first", file=sys.stderr)
        return 1
    print(f"published {publish_programs(site)} programs into {site}/snippets/")
    print(f"linked {resolve_evidence_links(site)} claims to another page's output")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
