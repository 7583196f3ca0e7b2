"""The bundle's entry script: what `aiwm` (and, on Windows, `aiwm-gui`) runs inside the bundle.

`multiprocessing.freeze_support()` comes first: the stress tests start their workers with the
"spawn" method, which in a bundle re-runs this same executable with multiprocessing's own
arguments; freeze_support() turns such a run into the worker instead of a second `aiwm`.
Then the environment is given back to what the user started us with, so that the programs we
start (ssh, nvidia-smi, smartctl, xdg-open, users' Pythons) load their own libraries, not ours.
"""

import multiprocessing
import os
import sys
from collections.abc import Mapping

# What PyInstaller 6.22 changes in the environment before this script runs, in a one-folder bundle:
# - its Linux bootloader saves LD_LIBRARY_PATH (if set) in LD_LIBRARY_PATH_ORIG, puts the bundle's
#   folder in front and starts itself again with that environment ("The Bootstrap Process in Detail",
#   https://pyinstaller.org/en/stable/advanced-topics.html; "Launching External Programs from the
#   Frozen Application" in https://pyinstaller.org/en/stable/common-issues-and-pitfalls.html says to
#   undo it before starting another program);
# - its PySide6 runtime hook (PyInstaller/hooks/rthooks/pyi_rth_pyside6.py) sets QT_PLUGIN_PATH and
#   QML2_IMPORT_PATH to folders inside the bundle and, on Windows, puts the bundle's folder in PATH.
# The dynamic loader reads LD_LIBRARY_PATH once, when a process starts, and the same hook registers an
# embedded qt.conf whose prefix is the bundle's Qt, so taking them out of os.environ here changes
# nothing for this process; only the programs it starts see the user's own values again.
# The hook overwrites a QT_PLUGIN_PATH the user had set without saving it: that one cannot come back.
# Not undone: the Windows bootloader's SetDllDirectory(bundle), which that page also names; it is
# left for the Windows build to check (it cannot be run on the Linux machines).
_SAVED_LIBRARY_PATH = "LD_LIBRARY_PATH_ORIG"
_BUNDLE_PATH_VARIABLES = ("QT_PLUGIN_PATH", "QML2_IMPORT_PATH")


def _inside(path: str, bundle: str) -> bool:
    """True for a path that is the bundle's folder or lies under it."""
    path, bundle = os.path.normcase(os.path.normpath(path)), os.path.normcase(os.path.normpath(bundle))
    return path == bundle or path.startswith(bundle.rstrip(os.sep) + os.sep)


def user_environment(environ: Mapping[str, str], bundle: str, windows: bool = False) -> dict[str, str]:
    """The environment the user started the bundle with: `environ` without the bootloader's and the
    Qt hook's paths into `bundle` (the bundle's _internal folder, sys._MEIPASS)."""
    restored = dict(environ)
    saved = restored.pop(_SAVED_LIBRARY_PATH, None)
    if not windows:
        if saved is not None:
            restored["LD_LIBRARY_PATH"] = saved
        else:
            restored.pop("LD_LIBRARY_PATH", None)
    for name in _BUNDLE_PATH_VARIABLES:
        entries = restored.get(name, "").split(os.pathsep)
        if name in restored and any(entry and _inside(entry, bundle) for entry in entries):
            del restored[name]
    if windows and "PATH" in restored:
        kept = [entry for entry in restored["PATH"].split(";") if not (entry and _inside(entry, bundle))]
        restored["PATH"] = ";".join(kept)
    return restored


def give_back_user_environment() -> None:
    """In a bundle, replace os.environ with the user's own (user_environment); from source, do nothing."""
    bundle = getattr(sys, "_MEIPASS", None)
    if not getattr(sys, "frozen", False) or bundle is None:
        return
    restored = user_environment(os.environ, bundle, windows=sys.platform == "win32")
    for name in set(os.environ) - set(restored):
        del os.environ[name]
    os.environ.update(restored)


def give_windowed_program_streams() -> None:
    """A windowed program (`aiwm-gui.exe`) starts with no standard output or error (None): point
    them at the null device, so that a write to them is lost instead of ending the program."""
    for name in ("stdout", "stderr"):
        if getattr(sys, name) is None:
            setattr(sys, name, open(os.devnull, "w", encoding="utf-8"))  # noqa: SIM115 (open for the process's life)


if __name__ == "__main__":
    multiprocessing.freeze_support()
    give_back_user_environment()
    give_windowed_program_streams()

    from app.cli import main

    sys.exit(main())
