"""The stored wire sequence of a program: one text file beside it.

snippets/<page>/<program>.wire holds what the harness captured while
<program>.py ran (harness.capture), reduced to events that do not depend on
timing, one per line, for example:

    # captured: Linux 6.8.0, CPython 3.11.7, 2026-11-30
    # lengths: exact up to 1000 bytes
    client → server  SYN
    server → client  SYN ACK
    client → server  ACK 9 bytes
    client → server  FIN ACK
    print  server got: b'sum 1 2 3'

Lines starting with "#" say where and when it was captured and, if the
program's data runs vary in length from run to run (how much fits in the
buffers), above which length they are shown as "more than N bytes"; the
"captured" line is not compared. The test suite compares the other lines
with a fresh capture, like #> lines, and `--update-examples` rewrites them;
the ladders hook draws them as a ladder diagram on the program's page.

Two kinds of event, each its own type: a Transfer (a segment, or a run of
them, from one endpoint to the other) and a Print (a line the program
printed, placed in time among the segments).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

ARROW = " → "
PRINT = "print"
SUFFIX = ".wire"
CAPTURED = "captured: "
# A header line "lengths: exact up to N bytes" shows longer data as "more than N bytes"
LENGTHS = "lengths: exact up to "
_TRANSFER = re.compile(
    r"^(\S+(?: \d+)?) → (\S+(?: \d+)?)  ([A-Z ]+?)(?: (more than )?(\d+) bytes?)?$"
)


@dataclass(frozen=True)
class Transfer:
    """Segments from sender to receiver: their flags and payload length.

    A negative length -n stands for "more than n bytes"."""

    sender: str
    receiver: str
    flags: str
    length: int = 0

    def line(self) -> str:
        if self.length < 0:
            size = f" more than {-self.length} bytes"
        elif self.length:
            size = f" {self.length} byte{'s' if self.length != 1 else ''}"
        else:
            size = ""
        return f"{self.sender}{ARROW}{self.receiver}  {self.flags}{size}"


@dataclass(frozen=True)
class Print:
    """A line the program printed."""

    text: str

    def line(self) -> str:
        return f"{PRINT}  {self.text}"


Event = Transfer | Print


def wire_path(program: Path) -> Path:
    return program.with_suffix(SUFFIX)


def parse_line(line: str) -> Event:
    if line.startswith(PRINT + "  "):
        return Print(line[len(PRINT) + 2 :])
    match = _TRANSFER.match(line)
    if not match:
        raise ValueError(f"not a wire event: {line!r}")
    sender, receiver, flags, more, length = match.groups()
    return Transfer(sender, receiver, flags, -int(length) if more else int(length or 0))


def read(path: Path) -> tuple[list[str], list[Event]]:
    """The header lines (without "# ") and the events of a .wire file."""
    header, events = [], []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("#"):
            header.append(line.lstrip("# "))
        elif line.strip():
            events.append(parse_line(line))
    return header, events


def text(header: list[str], events: list[Event]) -> str:
    lines = [f"# {h}" for h in header] + [e.line() for e in events]
    return "\n".join(lines) + "\n"


def larger_than(header: list[str]) -> int | None:
    """The threshold a .wire file's "lengths:" header line sets, if any."""
    for line in header:
        if line.startswith(LENGTHS):
            return int(line.split()[-2])
    return None


def anchor(program: str) -> str:
    """The id prefix of a program's ladder: wire-<file name without .py>."""
    return "wire-" + re.sub(r"[^\w-]", "-", Path(program).stem)


def event_id(program: str, number: int) -> str:
    """The id of a program's event number (from 1) in its ladder's list."""
    return f"{anchor(program)}-{number}"
