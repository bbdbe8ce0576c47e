"""MkDocs hook: the whole-site steps of core.site, for MkDocs' build.

Publishing every program with the site:

Each program under snippets/ is written to the built site at
snippets/<section>/<page>/<name>.py, as the reader copies it from its page
(core.markers.published: without the section and code-annotation markers
that only the build reads), so that the "Source files" links of
hooks/verified_on.py's note lead to it. And, once every page is written,
the evidence links that point at another page's output lines
(hooks/evidence.py leaves those to core.site). Zensical's build runs the
same steps (scripts/after_build.py).
"""

from __future__ import annotations

from pathlib import Path

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import File, Files

from core.paths import configured_snippets
from core.site import published_programs, resolve_evidence_links


def on_files(files: Files, *, config: MkDocsConfig) -> Files:
    # As generated files, so that `mkdocs serve` serves them too.
    for uri, text in published_programs(configured_snippets(config)):
        files.append(File.generated(config, uri, content=text))
    return files


def on_post_build(*, config: MkDocsConfig) -> None:
    resolve_evidence_links(Path(config["site_dir"]))
