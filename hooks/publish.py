"""MkDocs hook: publish every program with the site.

Each program under snippets/ is written to the built site at
snippets/<section>/<page>/<name>.py, as the reader copies it from its page
(core.markers.published: without the section and code-annotation markers
that only the build reads), so that the "Source files" links of
hooks/verified_on.py's note lead to it. The step itself is core.site's,
which Zensical's build runs too (scripts/after_build.py).
"""

from __future__ import annotations

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import File, Files

from core.paths import configured_snippets
from core.site import published_programs


def on_files(files: Files, *, config: MkDocsConfig) -> Files:
    # As generated files, so that `mkdocs serve` serves them too.
    for uri, text in published_programs(configured_snippets(config)):
        files.append(File.generated(config, uri, content=text))
    return files
