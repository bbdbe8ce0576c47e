"""The verification record, build/verified.json.

The program runner writes it (tests' record plugin, through merge()): for
each program, the SHA-256 of the file as it ran, the outcome, and the
environment that ran it. The hooks read it to say, on every page, where its
programs were verified, and to refuse to claim a run that did not happen.
"""

from __future__ import annotations

import datetime
import hashlib
import json
import platform
from pathlib import Path

from core.paths import record_path


def environment() -> dict[str, str]:
    """The environment of this Python, as a record entry names it."""
    return {
        "os": platform.system(),
        "kernel": platform.release(),
        "implementation": platform.python_implementation(),
        "python": platform.python_version(),
        "date": datetime.date.today().isoformat(),
    }


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def load(path: Path | None = None) -> dict:
    """The record, or {} if there is none (or it cannot be read)."""
    try:
        return json.loads((path or record_path()).read_text())
    except (OSError, ValueError):
        return {}


def merge(entries: dict[str, dict], path: Path | None = None) -> None:
    """Write these programs' entries into the record; the others keep theirs."""
    path = path or record_path()
    programs = load(path).get("programs", {})
    programs.update(entries)
    path.parent.mkdir(exist_ok=True)
    path.write_text(json.dumps({"programs": programs}, indent=1, sort_keys=True) + "\n")


def stamp_of(entry: dict) -> str:
    """ "Linux 6.1.0, CPython 3.12.1, 2026-01-02" for one record entry."""
    return (
        f"{entry.get('os', '?')} {entry.get('kernel', '')}, "
        f"{entry.get('implementation', 'Python')} {entry.get('python', '?')}, "
        f"{entry.get('date', '?')}"
    )


def unverified_reason(name: str, path: Path, record: dict) -> str | None:
    """None if the record shows this very file passed; else why it did not,
    as one word: "not-run", "changed" (since it was run), or the run's
    outcome ("failed", "skipped"). reason_text() says it in words."""
    entry = record.get("programs", {}).get(name)
    if not entry:
        return "not-run"
    if not path.is_file() or entry.get("sha256") != sha256(path):
        return "changed"
    if entry.get("outcome") != "passed":
        return entry.get("outcome", "not-run")
    return None


def reason_text(reason: str) -> str:
    """An unverified_reason() as the pages say it."""
    words = {"changed": "changed since it was run", "not-run": "not run"}
    return words.get(reason, reason)


def environments(names: list[str], record: dict) -> dict[str, int]:
    """Each distinct environment (stamp_of()) the named programs passed in,
    with how many of them, in the order first met."""
    counts: dict[str, int] = {}
    for name in names:
        stamp = stamp_of(record["programs"][name])
        counts[stamp] = counts.get(stamp, 0) + 1
    return counts


# The user property under which the program runner reports what it ran, for
# the record plugin to merge (tests/plugins/record.py).
REPORT_PROPERTY = "verified-program"
