"""MkDocs hook: end every page with the facts of where its programs were verified.

The program runner (tests/programs/test_programs.py, through core.record) records
for each program the SHA-256 of the file it ran, the outcome, and the
environment that ran it: OS, kernel, Python implementation and version, date
(build/verified.json). This hook appends to every page that includes programs
a "Verified on" note naming each distinct environment its programs passed in.
A program whose file changed since its run, that failed, or was never run is
named in a warning instead: a page never claims a verification that did not
happen. It also publishes every program with the site, so that each page
links to its source files.
"""

from __future__ import annotations

import posixpath
from collections.abc import Callable
from pathlib import Path

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import File, Files
from mkdocs.structure.pages import Page

from core.markers import included_names, missing_includes, published
from core.paths import VERIFICATION_PAGE, configured_snippets, record_path
from core.record import environment, load, stamp_of, stamps, unverified_reason


def built_on() -> str:
    return stamp_of(environment())


def verified_note(
    markdown: str,
    snippets: Path,
    record: dict,
    source_url: Callable[[str], str | None] = lambda name: None,
    how_url: str | None = None,
) -> str:
    """The Markdown appended to a page: where its programs were verified, and
    (how_url) a link to the page that says how."""
    how = f" [How this site is verified]({how_url})." if how_url else ""
    names = sorted(included_names(markdown))
    if not names:
        return (
            f"\n\n---\n\n**Built on** {built_on()}. This page runs no program of "
            "its own: each claim on it links to the page whose program shows it."
            f"{how}\n"
        )
    ok, not_ok = [], []
    for name in names:
        why = unverified_reason(name, snippets / name, record)
        if why is None:
            ok.append(name)
        else:
            not_ok.append(f"`{name}` ({why})")
    lines = ["", "", "---", ""]
    if ok:
        count = f"{len(ok)} program{'s' if len(ok) > 1 else ''}"
        lines.append(
            f"**Verified on** {stamps(ok, record)}: the {count} on this page printed "
            f"exactly the output shown, run against the kernel on 127.0.0.1.{how}"
            if not not_ok
            else f"**Verified on** {stamps(ok, record)}: {len(ok)} of the "
            f"{len(names)} programs on this page printed exactly the output shown.{how}"
        )
    if not_ok:
        lines += [
            "",
            '!!! warning "Not verified in this build"',
            "",
            "    Run `make test` before building: " + ", ".join(not_ok) + ".",
        ]
    links = [f"[`{name}`]({url})" for name in names if (url := source_url(name))]
    if links:
        lines += ["", "Source files: " + ", ".join(links) + "."]
    return "\n".join(lines) + "\n"


def on_files(files: Files, *, config: MkDocsConfig) -> Files:
    """Publish every program with the site, so that each page links to its source."""
    snippets = configured_snippets(config)
    for path in sorted(snippets.rglob("*.py")):
        uri = f"snippets/{path.relative_to(snippets).as_posix()}"
        files.append(File.generated(config, uri, content=published(path.read_text())))
    return files


def on_page_markdown(
    markdown: str, *, page: Page, config: MkDocsConfig, files: Files
) -> str:
    here = posixpath.dirname(page.file.src_uri) or "."

    def source_url(name: str) -> str:
        return posixpath.relpath(f"snippets/{name}", here)

    snippets = configured_snippets(config)
    missing = missing_includes(markdown, snippets)
    if missing:
        from mkdocs.exceptions import PluginError

        raise PluginError(
            f"docs/{page.file.src_uri} includes {', '.join(missing)}, which "
            f"{'does' if len(missing) == 1 else 'do'} not exist in {snippets}"
        )
    record = load(record_path(Path(config["config_file_path"]).parent))
    how = posixpath.relpath(VERIFICATION_PAGE, here)
    if page.file.src_uri == VERIFICATION_PAGE:
        how = None
    return markdown + verified_note(markdown, snippets, record, source_url, how)
