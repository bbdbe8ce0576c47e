"""End every page with the facts of where its programs were verified (a
Python-Markdown extension, hooks.verified_on in mkdocs.yml, run by MkDocs and
Zensical alike).

The program runner (tests/programs/test_programs.py, through core.record) records
for each program the SHA-256 of the file it ran, the outcome, and the
environment that ran it: OS, kernel, Python implementation and version, date
(build/verified.json). This appends to every page that includes programs
a "Verified on" note naming each distinct environment its programs passed in
(a section with data-programs and data-verified counts for the checks, and
data-search-exclude: the same words on every page would only blur search,
and a build without the record would rank pages differently). A section,
not a div: Material's search parser compares elements by tag, so the end of
a div inside an excluded div (the warning's admonition) ended the exclusion,
and the rest of the note was indexed (9.x, plugins/search: Element.__eq__).
A program whose file changed since its run, that failed, or was never run is
named in a warning instead: a page never claims a verification that did not
happen. The note links to each program's source file, which
hooks/site.py publishes with the site.

Before the note, it refuses a page that includes a program, or a section of
one, that does not exist, naming the page (pymdownx.snippets' own error
names no page).
"""

from __future__ import annotations

import html
import json
import posixpath
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from markdown import Extension, Markdown
from markdown.preprocessors import Preprocessor

from core.builders import BuildError, page_path
from core.markers import included_names, missing_includes
from core.paths import SNIPPETS, VERIFICATION_PAGE, record_path
from core.record import (
    environment,
    environments,
    load,
    reason_text,
    stamp_of,
    unverified_reason,
)


def built_on() -> str:
    return stamp_of(environment())


@dataclass
class Verification:
    """What the record says of the programs a page includes."""

    programs: list[str]  # the programs the page includes, sorted
    unverified: dict[str, str]  # name -> core.record.unverified_reason()
    environments: dict[str, int]  # stamp -> verified programs that passed there

    @property
    def verified(self) -> list[str]:
        return [name for name in self.programs if name not in self.unverified]


def verification(markdown: str, snippets: Path, record: dict) -> Verification:
    programs = sorted(included_names(markdown))
    unverified = {
        name: why
        for name in programs
        if (why := unverified_reason(name, snippets / name, record)) is not None
    }
    verified = [name for name in programs if name not in unverified]
    return Verification(programs, unverified, environments(verified, record))


def verified_note(
    markdown: str,
    snippets: Path,
    record: dict,
    source_url: Callable[[str], str | None] = lambda name: None,
    how_url: str | None = None,
) -> str:
    """The Markdown appended to a page: where its programs were verified, and
    (how_url) a link to the page that says how. Its div carries the facts as
    data: data-programs and data-verified (counts), data-unverified ("name:
    reason" pairs, core.record.unverified_reason()) and data-environments
    (JSON: each environment the verified programs passed in, with their
    count)."""
    how = f" [How this site is verified]({how_url})." if how_url else ""
    found = verification(markdown, snippets, record)
    names, ok, not_ok = found.programs, found.verified, found.unverified
    if not names:
        return (
            "\n\n---\n\n"
            '<section class="verified-on" data-search-exclude data-programs="0" '
            'data-verified="0" data-unverified="" data-environments="{}" '
            "markdown>\n\n"
            f"**Built on** {built_on()}. This page runs no program of "
            "its own: each claim on it links to the page whose program shows "
            "it, or cites its source."
            f"{how}\n\n</section>\n"
        )
    unverified = " ".join(f"{name}:{why}" for name, why in not_ok.items())
    where_json = html.escape(json.dumps(found.environments), quote=True)
    lines = [
        "",
        "",
        "---",
        "",
        '<section class="verified-on" data-search-exclude '
        f'data-programs="{len(names)}" '
        f'data-verified="{len(ok)}" data-unverified="{unverified}" '
        f'data-environments="{where_json}" markdown>',
        "",
    ]
    if ok:
        where = "; ".join(
            stamp
            + (
                f" ({n} program{'s' if n > 1 else ''})"
                if len(found.environments) > 1
                else ""
            )
            for stamp, n in found.environments.items()
        )
        count = f"{len(ok)} program{'s' if len(ok) > 1 else ''}"
        lines.append(
            f"**Verified on** {where}: the {count} on this page printed "
            f"exactly the output shown, run against this machine's kernel.{how}"
            if not not_ok
            else f"**Verified on** {where}: {len(ok)} of the "
            f"{len(names)} programs on this page printed exactly the output shown.{how}"
        )
    if not_ok:
        named = ", ".join(
            f"`{name}` ({reason_text(why)})" for name, why in not_ok.items()
        )
        lines += [
            "",
            '!!! warning "Not verified in this build"',
            "",
            "    Run `make test` before building: " + named + ".",
        ]
    links = [f"[`{name}`]({url})" for name in names if (url := source_url(name))]
    if links:
        lines += ["", "Source files: " + ", ".join(links) + "."]
    lines += ["", "</section>"]
    return "\n".join(lines) + "\n"


def with_note(markdown: str, page: str) -> str:
    """The page's Markdown with its note; BuildError for an include whose
    program or section does not exist (pymdownx.snippets' own error names no
    page)."""
    here = posixpath.dirname(page) or "."

    def source_url(name: str) -> str:
        return posixpath.relpath(f"snippets/{name}", here)

    missing = missing_includes(markdown, SNIPPETS)
    if missing:
        raise BuildError(
            f"docs/{page} includes {', '.join(missing)}, which "
            f"{'does' if len(missing) == 1 else 'do'} not exist in {SNIPPETS}"
        )
    how = (
        None
        if page == VERIFICATION_PAGE
        else posixpath.relpath(VERIFICATION_PAGE, here)
    )
    return markdown + verified_note(
        markdown, SNIPPETS, load(record_path()), source_url, how
    )


class VerifiedNote(Preprocessor):
    def run(self, lines: list[str]) -> list[str]:
        page = page_path(self.md)
        if page is None:
            return lines  # not a page of a build: a Markdown test
        return with_note("\n".join(lines), page).split("\n")


class VerifiedOnExtension(Extension):
    def extendMarkdown(self, md: Markdown) -> None:  # noqa: N802 (Markdown's API)
        # Before pymdownx.snippets (32): it reads the page's includes.
        md.preprocessors.register(VerifiedNote(md), "verified_on", 45)


def makeExtension(**kwargs) -> VerifiedOnExtension:  # noqa: N802 (Markdown's API)
    return VerifiedOnExtension(**kwargs)
