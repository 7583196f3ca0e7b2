"""Writing the report where the user chose, through the builder's atomic `write_report`.

`write_report` never writes over an existing file. When the user has confirmed, in the save
dialog, that an existing file may be replaced, the report is written whole to a fresh name beside
it and then renamed over it: the old file stays intact until the new one is complete.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

Write = Callable[[dict[str, Any], str, Path], None]


def save_report(write: Write, document: dict[str, Any], fmt: str, path: Path, replace_confirmed: bool) -> Path:
    """Write `document` as `fmt` to `path`; over an existing file only when `replace_confirmed`."""
    if not (replace_confirmed and path.exists()):
        write(document, fmt, path)
        return path
    fresh = path.with_name(f".{path.stem}.{uuid.uuid4().hex[:8]}{path.suffix}")
    try:
        write(document, fmt, fresh)
        os.replace(fresh, path)
    finally:
        fresh.unlink(missing_ok=True)
    return path
