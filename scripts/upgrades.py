"""Which installed packages are newer than constraints.txt pins (the weekly CI
job installs the newest allowed versions, tests them, and on failure tries each
upgrade alone to say which one broke the suite).

    python scripts/upgrades.py    # prints "name pinned newest" for each upgrade
"""

from __future__ import annotations

import re
import sys
from importlib.metadata import PackageNotFoundError, version

from packaging.requirements import Requirement

from core.paths import ROOT

CONSTRAINTS = ROOT / "constraints.txt"


def pins() -> dict[str, str]:
    """name -> pinned version, for the pins whose markers hold on this Python."""
    text = re.sub(r"\\\n", " ", CONSTRAINTS.read_text())
    found = {}
    for line in text.splitlines():
        line = re.sub(r"--hash=\S+", "", line.split("#", 1)[0]).strip()
        if not line:
            continue
        requirement = Requirement(line)
        if requirement.marker is None or requirement.marker.evaluate():
            found[requirement.name] = str(requirement.specifier).removeprefix("==")
    return found


def main() -> int:
    for name, pinned in sorted(pins().items()):
        try:
            installed = version(name)
        except PackageNotFoundError:
            continue
        if installed != pinned:
            print(name, pinned, installed)
    return 0


if __name__ == "__main__":
    sys.exit(main())
