"""The version for the Windows installer, read from the one place it lives (app/__init__.py).

    python packaging/windows/installer_version.py [CHECKOUT]

prints two lines for GitHub Actions' $GITHUB_OUTPUT: `version=` (as written, e.g. 1.2.0rc1: the installer's
AppVersion and file name) and `numeric=` (only the leading numbers, e.g. 1.2.0: Windows' version resource
takes at most four numbers, nothing else). The file is read, not imported, so no package needs installing.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

VERSION_LINE = re.compile(r'^__version__ = "([^"]+)"$', re.MULTILINE)
LEADING_NUMBERS = re.compile(r"^\d+(\.\d+){0,3}")


def read_version(checkout: Path) -> str:
    found = VERSION_LINE.search((checkout / "app" / "__init__.py").read_text(encoding="utf-8"))
    if found is None:
        raise SystemExit(f'installer_version: no __version__ = "..." line in {checkout / "app" / "__init__.py"}')
    return found.group(1)


def numeric_version(version: str) -> str:
    """1.2.0rc1 -> 1.2.0; 2.0.1.post3 -> 2.0.1; 3 -> 3. A version that starts with no number is refused."""
    found = LEADING_NUMBERS.match(version)
    if found is None:
        raise SystemExit(f"installer_version: {version!r} does not start with a number")
    return found.group(0)


def main(argv: list[str]) -> int:
    checkout = Path(argv[0]) if argv else Path(__file__).resolve().parents[2]
    version = read_version(checkout)
    print(f"version={version}")
    print(f"numeric={numeric_version(version)}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
