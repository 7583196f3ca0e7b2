"""The one-folder bundle's size, broken down by component: `python packaging/bundle_size.py dist/aiwm`.

Printed at the end of `make bundle` (and as JSON with `--json FILE`), so a release shows where its
megabytes go (Qt, ICU, numpy's OpenBLAS...) and fails when it grows past the limit (250 MB, the
issue's target). Each file counts once: links (PyInstaller links libraries into the top folder)
are not counted again. The Python code of every package sits compressed inside the executable
(PyInstaller's PYZ archive); when PyInstaller is importable that archive is read and each module
counted with its package, else the whole executable counts as "Python and stdlib".
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterator, Mapping
from pathlib import Path, PurePath

SCHEMA = "aiwm.bundle_size/1"
MB = 1_000_000
DEFAULT_LIMIT_MB = 250.0

# The components, in the order they are printed.
COMPONENTS = {
    "qt_libraries": "Qt libraries + PySide6 bindings",
    "qt_plugins": "Qt plugins",
    "icu": "ICU (Unicode data for QtCore)",
    "python": "Python + stdlib + bootloader",
    "numpy": "numpy (+ OpenBLAS)",
    "cuda_bindings": "cuda-bindings",
    "pyqtgraph": "pyqtgraph",
    "aiwm": "aiwm code + resources",
    "system_libraries": "libraries Python needs (ssl, sqlite...)",
    "other": "other (psutil, nvidia-ml-py, ...)",
}
# A package folder (first part of a path inside _internal/) or top-level module name -> component.
_PACKAGES = {
    "PySide6": "qt_libraries",
    "shiboken6": "qt_libraries",
    "numpy": "numpy",
    "numpy.libs": "numpy",
    "cuda": "cuda_bindings",
    "pyqtgraph": "pyqtgraph",
    "app": "aiwm",
    "resources": "aiwm",
    "base_library.zip": "python",
}


def file_component(inside: PurePath) -> str:
    """The component of one file, from its path inside the bundle's `_internal` folder."""
    parts, name = inside.parts, inside.name
    lower = name.lower()
    if lower.startswith(("libicu", "icu")):
        return "icu"
    if parts[0] == "PySide6" and "plugins" in parts:
        return "qt_plugins"
    if parts[0] in _PACKAGES:
        return _PACKAGES[parts[0]]
    if parts[0].lower().startswith(("python", "libpython")) or lower.endswith(".pyd"):
        return "python"  # python3.11/lib-dynload, libpython3.11.so, python311.dll, stdlib .pyd
    if lower.startswith(("libpyside6", "libshiboken6", "libqt6", "qt6", "pyside6", "shiboken6")):
        return "qt_libraries"
    if len(parts) == 1 and (".so" in lower or lower.endswith(".dll")):
        return "system_libraries"
    return "other"


def module_component(module: str) -> str:
    """The component of one Python module compiled into the executable's archive."""
    top = module.split(".", 1)[0]
    if top in _PACKAGES:
        return _PACKAGES[top]
    if top in sys.stdlib_module_names or top.startswith("pyimod") or top == "_pyi_rth_utils":
        return "python"
    return "other"


def _files(folder: Path) -> Iterator[Path]:
    """Every regular file under `folder`, links left out (the file they point at counts once)."""
    for path in sorted(folder.rglob("*")):
        if not path.is_symlink() and path.is_file():
            yield path


def _executables(bundle: Path) -> list[Path]:
    return [path for path in bundle.iterdir() if path.is_file() and not path.is_symlink()]


def breakdown(bundle: Path, archived: Mapping[Path, Mapping[str, int]] | None = None) -> dict[str, int]:
    """Bytes per component. `archived` gives, per executable, its archive's compressed bytes per
    module name; those bytes go to the module's component, the rest of the executable to Python."""
    sizes = dict.fromkeys(COMPONENTS, 0)
    internal = bundle / "_internal"
    if internal.is_dir():
        for path in _files(internal):
            sizes[file_component(path.relative_to(internal))] += path.stat().st_size
    for executable in _executables(bundle):
        modules = (archived or {}).get(executable, {})
        for module, size in modules.items():
            sizes[module_component(module)] += size
        sizes["python"] += executable.stat().st_size - sum(modules.values())
    return sizes


def read_archives(bundle: Path) -> dict[Path, dict[str, int]]:
    """Compressed bytes per module in each executable's PYZ archive (needs PyInstaller: the build
    environment has it); empty when PyInstaller is not importable."""
    try:
        from PyInstaller.archive.readers import CArchiveReader
    except ImportError:
        return {}
    archives: dict[Path, dict[str, int]] = {}
    for executable in _executables(bundle):
        package = CArchiveReader(str(executable))
        for name, entry in package.toc.items():
            if entry[-1] == "z":  # the PYZ: the compressed Python modules
                pyz = package.open_embedded_archive(name)
                archives[executable] = {module: length for module, (_kind, _offset, length) in pyz.toc.items()}
    return archives


def size_document(sizes: Mapping[str, int], limit_mb: float) -> dict[str, object]:
    """The aiwm.bundle_size/1 JSON document."""
    total = sum(sizes.values())
    return {
        "schema": SCHEMA,
        "total_bytes": total,
        "limit_bytes": int(limit_mb * MB),
        "within_limit": total <= limit_mb * MB,
        "components": {name: {"label": COMPONENTS[name], "bytes": sizes[name]} for name in COMPONENTS},
    }


def size_table(sizes: Mapping[str, int], limit_mb: float) -> str:
    """The breakdown as lines of text: megabytes (10^6 bytes) and share of the total, largest first."""
    total = sum(sizes.values())
    lines = ["bundle size by component:"]
    for name in sorted(COMPONENTS, key=lambda key: -sizes[key]):
        share = 100 * sizes[name] / total if total else 0.0
        lines.append(f"  {COMPONENTS[name]:40} {sizes[name] / MB:7.1f} MB  {share:5.1f} %")
    verdict = "within" if total <= limit_mb * MB else "OVER"
    lines.append(f"  {'total':40} {total / MB:7.1f} MB  ({total / 2**20:.1f} MiB; {verdict} the {limit_mb:g} MB limit)")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("bundle", type=Path, help="the one-folder bundle (dist/aiwm)")
    parser.add_argument("--json", type=Path, help="also write the aiwm.bundle_size/1 document here")
    parser.add_argument("--limit-mb", type=float, default=DEFAULT_LIMIT_MB, help="fail above this size (MB)")
    args = parser.parse_args(argv)
    if not args.bundle.is_dir():
        print(f"bundle_size: {args.bundle} is not a folder (run make bundle first)", file=sys.stderr)
        return 2
    sizes = breakdown(args.bundle, read_archives(args.bundle))
    print(size_table(sizes, args.limit_mb))
    document = size_document(sizes, args.limit_mb)
    if args.json:
        args.json.write_text(json.dumps(document, indent=2) + "\n", encoding="utf-8")
    return 0 if document["within_limit"] else 1


if __name__ == "__main__":
    sys.exit(main())
