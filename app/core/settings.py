"""User settings, kept as JSON in the data folder and written atomically.

A settings file that cannot be read is moved aside (never overwritten) and defaults are used.
"""

from __future__ import annotations

import dataclasses
import errno
import json
import logging
import os
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from app.core.atomic import atomic_text_writer
from app.core.paths import data_dir

log = logging.getLogger(__name__)

SETTINGS_SCHEMA = "aiwm.settings/1"
THEMES = ("system", "light", "dark")


@dataclass(frozen=True)
class AlertSettings:
    """Thresholds of the default alerts; each can be switched off."""

    gpu_near_slowdown_c: float = 5.0
    vram_percent: float = 95.0
    gpu_idle_minutes: float = 10.0
    swap_used_mib: float = 256.0
    enabled: tuple[str, ...] = (
        "gpu_lost",
        "gpu_near_slowdown",
        "gpu_slowdown",
        "vram_full",
        "nvme_hot",
        "swap_during_gpu_job",
        "gpu_idle_holding_memory",
    )


@dataclass(frozen=True)
class Settings:
    theme: str = "system"
    window_s: float = 600.0
    close_to_tray: bool = False
    alerts: AlertSettings = field(default_factory=AlertSettings)


def settings_path() -> Path:
    return data_dir() / "settings.json"


def load_settings(path: Path | None = None) -> Settings:
    """The saved settings, or defaults when there are none or the file is broken (then moved aside)."""
    path = path or settings_path()
    if not path.exists():
        return Settings()
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
        alerts = AlertSettings(
            **{**doc.get("alerts", {}), "enabled": tuple(doc.get("alerts", {}).get("enabled", AlertSettings().enabled))}
        )
        settings = Settings(**{k: v for k, v in doc.items() if k not in ("schema", "alerts")}, alerts=alerts)
        if settings.theme not in THEMES:
            raise ValueError(f"unknown theme {settings.theme!r}")
        return settings
    except (OSError, ValueError, TypeError, AttributeError) as error:  # AttributeError: JSON but not an object
        aside = move_aside(path)
        log.warning("settings file %s is unreadable (%s); kept as %s, using defaults", path, error, aside)
        return Settings()


def move_aside(path: Path, why: str = "unreadable") -> Path:
    """Rename `path` to `<name>.<why>-<unix time>` (then `-2`, `-3` … if taken) and return the new name.

    No existing file is ever replaced: a hard link cannot be made over one, so two unreadable files
    in the same second both stay, and so does any file the user gave such a name.
    """
    stem = f"{path.name}.{why}-{int(time.time())}"
    for attempt in range(1, 10_000):
        aside = path.with_name(stem if attempt == 1 else f"{stem}-{attempt}")
        try:
            os.link(path, aside)
        except FileExistsError:
            continue
        except OSError as error:
            if error.errno not in (errno.EPERM, errno.ENOTSUP, errno.EOPNOTSUPP, errno.EXDEV):
                raise
            if os.path.lexists(aside):  # a file system without hard links (FAT, some network shares)
                continue
            path.rename(aside)
            return aside
        path.unlink()
        return aside
    raise FileExistsError(errno.EEXIST, "every backup name is taken", str(path.with_name(stem)))


def save_settings(settings: Settings, path: Path | None = None) -> None:
    doc: dict[str, Any] = {"schema": SETTINGS_SCHEMA, **dataclasses.asdict(settings)}
    with atomic_text_writer(path or settings_path()) as handle:
        json.dump(doc, handle, indent=2)
