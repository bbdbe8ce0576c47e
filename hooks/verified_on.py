"""MkDocs hook: end every page with the facts of where its programs were verified.

The test suite records, for each snippet, the SHA-256 of the file it ran and
the outcome, with the Python version, OS and kernel (build/verified.json,
written by tests/conftest.py). This hook reads that record and appends a
"Verified on" note to every page that includes snippets. A program whose
file changed since the run, that failed, or was never run, is named in a
warning instead: the page never claims a verification that did not happen.
"""

from __future__ import annotations

import hashlib
import json
import posixpath
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RECORD = ROOT / "build" / "verified.json"
INCLUDE = re.compile(r'^[ \t]*-{1,}8<-{1,}[ \t]+"([^":\n]+)(?::[^"\n]*)?"[ \t]*$', re.M)


def load_record(path: Path = RECORD) -> dict:
    try:
        return json.loads(path.read_text())
    except (OSError, ValueError):
        return {}


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def stamp_of(record: dict) -> str:
    env = record.get("environment", {})
    return (
        f"{env.get('os', '?')} {env.get('kernel', '')}, "
        f"{env.get('implementation', 'Python')} {env.get('python', '?')}, "
        f"{env.get('date', '?')}"
    )


def unverified_reason(name: str, path: Path, record: dict) -> str | None:
    """None if the record shows this very file passed; else why it did not."""
    entry = record.get("snippets", {}).get(name)
    if not entry:
        return "not run"
    if not path.is_file() or entry.get("sha256") != sha256(path):
        return "changed since it was run"
    if entry.get("outcome") != "passed":
        return entry.get("outcome", "not run")
    return None


def verified_note(
    markdown: str, snippets: Path, record: dict, source_url=lambda name: None
) -> str:
    """The Markdown appended to a page: where its programs were verified."""
    names = sorted(set(INCLUDE.findall(markdown)))
    if not names:
        if not record.get("environment"):
            return ""
        return (
            f"\n\n---\n\n**Built on** {stamp_of(record)}. This page runs no program of "
            "its own: each claim on it links to the page whose program shows it.\n"
        )
    ok, not_ok = [], []
    for name in names:
        why = unverified_reason(name, snippets / name, record)
        if why is None:
            ok.append(name)
        else:
            not_ok.append(f"`{name}` ({why})")
    stamp = stamp_of(record)
    lines = ["", "", "---", ""]
    if ok:
        count = f"{len(ok)} program{'s' if len(ok) > 1 else ''}"
        lines.append(
            f"**Verified on** {stamp}: the {count} on this page printed exactly "
            "the output shown, run against the kernel on 127.0.0.1."
            if not not_ok
            else f"**Verified on** {stamp}: {len(ok)} of the {len(names)} programs on "
            "this page printed exactly the output shown."
        )
    if not_ok:
        lines += [
            "",
            '!!! warning "Not verified in this build"',
            "",
            "    Run `make test` before building: " + ", ".join(not_ok) + ".",
        ]
    links = [f"[`{name}`]({source_url(name)})" for name in names if source_url(name)]
    if links:
        lines += ["", "Source files: " + ", ".join(links) + "."]
    return "\n".join(lines) + "\n"


def on_files(files, config):
    """Publish every snippet with the site, so that each page links to its source."""
    from mkdocs.structure.files import File

    snippets = Path(config["config_file_path"]).parent / "snippets"
    for path in sorted(snippets.rglob("*.py")):
        uri = f"snippets/{path.relative_to(snippets).as_posix()}"
        files.append(File.generated(config, uri, abs_src_path=str(path)))
    return files


def on_page_markdown(markdown, page, config, files):
    snippets = Path(config["config_file_path"]).parent / "snippets"
    here = posixpath.dirname(page.file.src_uri) or "."

    def source_url(name: str) -> str:
        return posixpath.relpath(f"snippets/{name}", here)

    return markdown + verified_note(markdown, snippets, load_record(), source_url)
