"""MkDocs hook: end every page with the facts of where its programs were verified.

The program runner (tests/test_programs.py, through tests/record.py) records
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

import datetime
import hashlib
import json
import platform
import posixpath
from collections.abc import Callable
from pathlib import Path

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import File, Files
from mkdocs.structure.pages import Page

from conventions import (
    ANNOTATION_MARKER,
    INCLUDE,
    SECTION_MARKER,
    included_names,
    record_path,
    stamp_of,
)

# The page that says how the site is verified: each note links to it.
VERIFICATION_PAGE = "reference/verification.md"


def load_record(path: Path | None = None) -> dict:
    try:
        return json.loads((path or record_path()).read_text())
    except (OSError, ValueError):
        return {}


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def unverified_reason(name: str, path: Path, record: dict) -> str | None:
    """None if the record shows this very file passed; else why it did not."""
    entry = record.get("programs", {}).get(name)
    if not entry:
        return "not run"
    if not path.is_file() or entry.get("sha256") != sha256(path):
        return "changed since it was run"
    if entry.get("outcome") != "passed":
        return entry.get("outcome", "not run")
    return None


def stamps(names: list[str], record: dict) -> str:
    """Each distinct environment the named programs passed in, with how many."""
    counts: dict[str, int] = {}
    for name in names:
        stamp = stamp_of(record["programs"][name])
        counts[stamp] = counts.get(stamp, 0) + 1
    if len(counts) == 1:
        return next(iter(counts))
    return "; ".join(
        f"{stamp} ({n} program{'s' if n > 1 else ''})" for stamp, n in counts.items()
    )


def built_on() -> str:
    return stamp_of(
        {
            "os": platform.system(),
            "kernel": platform.release(),
            "implementation": platform.python_implementation(),
            "python": platform.python_version(),
            "date": datetime.date.today().isoformat(),
        }
    )


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


def missing_includes(markdown: str, snippets: Path) -> list[str]:
    """Includes whose program, or section of it, does not exist: named here,
    with the page, because pymdownx.snippets' own error names no page."""
    missing = []
    for match in INCLUDE.finditer(markdown):
        name, _, section = match.group(1).partition(":")
        path = snippets / name
        if not path.is_file():
            missing.append(name)
        elif section and not section[0].isdigit():
            starts = [m.group(2) for m in SECTION_MARKER.finditer(path.read_text())]
            if section not in starts:
                missing.append(f"{name}:{section}")
    return list(dict.fromkeys(missing))


def snippets_of(config: MkDocsConfig) -> Path:
    """The snippet root, as pymdownx.snippets resolved it from mkdocs.yml."""
    base = config["mdx_configs"]["pymdownx.snippets"]["base_path"]
    return Path(base[0] if isinstance(base, list) else base)


def published(source: str) -> str:
    """A program as the site publishes it: without the lines and comments that
    only the build reads (section markers, code-annotation markers), so that
    the file a reader opens is the program the page's copy button copies."""
    lines = [
        ANNOTATION_MARKER.sub("", line)
        for line in source.split("\n")
        if not SECTION_MARKER.search(line)
    ]
    return "\n".join(lines)


def on_files(files: Files, *, config: MkDocsConfig) -> Files:
    """Publish every program with the site, so that each page links to its source."""
    snippets = snippets_of(config)
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

    snippets = snippets_of(config)
    missing = missing_includes(markdown, snippets)
    if missing:
        from mkdocs.exceptions import PluginError

        raise PluginError(
            f"docs/{page.file.src_uri} includes {', '.join(missing)}, which "
            f"{'does' if len(missing) == 1 else 'do'} not exist in {snippets}"
        )
    record = load_record(record_path(Path(config["config_file_path"]).parent))
    how = posixpath.relpath(VERIFICATION_PAGE, here)
    if page.file.src_uri == VERIFICATION_PAGE:
        how = None
    return markdown + verified_note(markdown, snippets, record, source_url, how)
