"""The third-party licence texts the bundle ships: `python packaging/licenses.py OUT_FOLDER`.

The bundle carries Python, Qt/PySide6 (LGPL-3.0: its text must travel with it), numpy (with OpenBLAS and the
GCC runtime), cuda-bindings (NVIDIA's licence) and more. This collects, from the Python that builds the bundle
(importlib.metadata), the program's requirements in pyproject.toml (runtime and `gui` extra) and everything
they require, plus PyInstaller (its bootloader is in every executable) and Python's own LICENSE.txt, into
OUT_FOLDER/<name>-<version>/ with an index (INDEX.txt, index.json: name, version, licence expression, files).
Given the built bundle (--bundle; the spec does), the shared libraries PyInstaller copied from a Debian system
(libssl, libffi, libreadline...) are credited with their package's /usr/share/doc/<package>/copyright, and
the parts inside the PySide6 wheel that no metadata names get their own: ICU (libicu*.so.<version> in
_internal/PySide6/Qt/lib, Unicode licence text kept in packaging/license_texts/icu/) and Qt (its version, where
its source and third-party notices are, the LGPL-3 note that its libraries may be replaced). When Python's
LICENSE.txt lacks the notices of the software built into it (expat, libmpdec...), a part points to them.

Where the texts come from, in order: the distribution's License-File entries (PEP 639: in .dist-info/licenses/;
older tools put them in .dist-info/ itself); else files named LICENSE/COPYING/NOTICE in its .dist-info; else
the standard texts kept in packaging/license_texts/ for the SPDX ids its metadata names (PySide6-Essentials
and shiboken6 ship no text); else the copyright comment that opens its top-level module (nvidia-ml-py's
pynvml.py). A distribution left without any text is named on stderr and in the index.
"""

from __future__ import annotations

import argparse
import filecmp
import json
import os
import re
import shutil
import subprocess
import sys
import tomllib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

try:
    from packaging.requirements import Requirement
except ImportError:  # under pytest the name `packaging` is this checkout's tests/packaging; pip carries a copy
    from pip._vendor.packaging.requirements import Requirement

STANDARD_TEXTS = Path(__file__).resolve().parent / "license_texts"
# Not a requirement of the program, but its bootloader is part of every executable it builds; what it requires
# (altgraph, setuptools...) runs at build time only and is not listed.
BUNDLER = "pyinstaller"
_LICENSE_NAME = re.compile(r"(LICEN[CS]E|COPYING|NOTICE)", re.IGNORECASE)
_SPDX_ID = re.compile(r"[A-Za-z0-9.+-]+")


@dataclass(frozen=True)
class LicensedPart:
    """One third-party part of the bundle and where its licence texts were put (paths inside the folder)."""

    name: str
    version: str
    license_expression: str
    text_files: tuple[str, ...]


def normalized(name: str) -> str:
    """A distribution name as PEP 503 compares them: PySide6_Essentials == pyside6-essentials."""
    return re.sub(r"[-_.]+", "-", name).lower()


def program_requirements(pyproject: Path, extras: Iterable[str] = ("gui",)) -> list[Requirement]:
    """The program's own requirements: [project] dependencies plus the named optional groups."""
    project = tomllib.loads(pyproject.read_text(encoding="utf-8"))["project"]
    lines = list(project.get("dependencies", []))
    for extra in extras:
        lines += project.get("optional-dependencies", {}).get(extra, [])
    return [Requirement(line) for line in lines]


def _wanted(requirement: Requirement, extras: frozenset[str]) -> bool:
    """Whether a Requires-Dist entry applies on this platform for the extras asked of its distribution."""
    if requirement.marker is None:
        return True
    return any(requirement.marker.evaluate({"extra": extra}) for extra in extras or {""})


def required_distributions(
    roots: Iterable[Requirement], search_path: list[str] | None = None
) -> Iterator[metadata.Distribution]:
    """Each installed distribution the roots need, directly or through Requires-Dist, once, in the order met.
    A requirement that is not installed (a platform-only one) is passed over."""
    queue = [(requirement, frozenset()) for requirement in roots]
    extras_seen: dict[str, frozenset[str]] = {}
    while queue:
        requirement, wanted_by = queue.pop(0)
        if not _wanted(requirement, wanted_by):
            continue
        key, extras = normalized(requirement.name), frozenset(requirement.extras)
        if key in extras_seen and extras <= extras_seen[key]:
            continue
        found = list(metadata.distributions(name=requirement.name, path=search_path or sys.path))
        if not found:
            continue
        first_time = key not in extras_seen
        extras_seen[key] = extras_seen.get(key, frozenset()) | extras
        if first_time:
            yield found[0]
        queue += [(Requirement(line), extras) for line in found[0].requires or []]


def license_expression(distribution: metadata.Distribution) -> str:
    """The SPDX expression (License-Expression), else the short License field, else the classifiers' words."""
    fields = distribution.metadata
    if fields.get("License-Expression"):
        return str(fields["License-Expression"]).strip()
    license_field = str(fields.get("License") or "").strip()
    if license_field and "\n" not in license_field and len(license_field) <= 200:
        return license_field
    classified = [c.split(" :: ")[-1] for c in fields.get_all("Classifier") or [] if c.startswith("License ::")]
    return " AND ".join(classified) or "unknown"


def _dist_info_texts(distribution: metadata.Distribution) -> dict[str, str]:
    """Relative name -> text of the licence files the distribution's .dist-info holds."""
    texts: dict[str, str] = {}
    for name in distribution.metadata.get_all("License-File") or []:
        text = distribution.read_text(f"licenses/{name}") or distribution.read_text(name)
        if text:
            texts[name] = text
    if texts:
        return texts
    for file in distribution.files or []:
        in_dist_info = len(file.parts) >= 2 and file.parts[0].endswith(".dist-info")
        if in_dist_info and _LICENSE_NAME.match(file.name):
            texts[file.name] = file.read_text(encoding="utf-8")
    return texts


def _standard_texts(expression: str) -> dict[str, str]:
    """The kept standard texts of the SPDX ids in the expression (LGPL-3.0-only brings GPL-3.0-only, which it
    extends: the LGPL-3.0 is a set of permissions added to the GPL-3.0)."""
    ids = set(_SPDX_ID.findall(expression))
    if "LGPL-3.0-only" in ids or "LGPL-3.0-or-later" in ids:
        ids.add("GPL-3.0-only")
    kept = {path.stem: path for path in STANDARD_TEXTS.glob("*.txt")}
    return {f"{spdx}.txt": kept[spdx].read_text(encoding="utf-8") for spdx in sorted(ids) if spdx in kept}


def _module_notice(distribution: metadata.Distribution) -> dict[str, str]:
    """The opening comment block of a top-level module when it is a copyright notice (pynvml.py's BSD text)."""
    notices: dict[str, str] = {}
    for module in (distribution.read_text("top_level.txt") or "").split():
        source = next((f for f in distribution.files or [] if str(f) == f"{module}.py"), None)
        if source is None:
            continue
        lines = source.read_text(encoding="utf-8").splitlines()
        block = [line[1:].strip() for line in _leading_comments(lines)]
        if any("copyright" in line.lower() for line in block):
            notices[f"{module}.py-notice.txt"] = "\n".join(block).strip() + "\n"
    return notices


def _leading_comments(lines: list[str]) -> Iterator[str]:
    for line in lines:
        if not line.startswith("#"):
            return
        yield line


def license_texts(distribution: metadata.Distribution) -> dict[str, str]:
    """Relative name -> licence text for one distribution, from the first source that has any."""
    return (
        _dist_info_texts(distribution)
        or _standard_texts(license_expression(distribution))
        or _module_notice(distribution)
    )


def python_license() -> Path | None:
    """Python's own LICENSE.txt: beside the standard library (Linux, macOS) or in the install folder (Windows)."""
    stdlib = Path(os.__file__).resolve().parent
    for candidate in (stdlib / "LICENSE.txt", Path(sys.base_prefix) / "LICENSE.txt", stdlib.parent / "LICENSE.txt"):
        if candidate.is_file():
            return candidate
    return None


def system_library_packages(bundle: Path) -> dict[str, list[str]]:
    """Debian package -> the libraries of the bundle's _internal/ folder it installed on the build machine
    (`dpkg -S`, same bytes), for the shared libraries PyInstaller copied from the system (libssl, libffi...).
    Empty where dpkg is missing (Windows, other distributions) or nothing matches."""
    internal = bundle / "_internal"
    names = sorted(p.name for p in internal.glob("*.so*") if p.is_file() and not p.is_symlink())
    if not names or shutil.which("dpkg") is None:
        return {}
    answer = subprocess.run(
        ["dpkg", "-S", *(f"*/{name}" for name in names)], capture_output=True, text=True, timeout=60, check=False
    )
    packages: dict[str, list[str]] = {}
    for line in answer.stdout.splitlines():  # "libssl3:amd64: /usr/lib/x86_64-linux-gnu/libssl.so.3"
        owner, _, path = line.partition(": ")
        name = Path(path.strip()).name
        # the same bytes as the package's file: a library of the same name from elsewhere (pyenv's libpython)
        # or changed on the way (stripped) is not that package's
        if name in names and Path(path.strip()).is_file() and filecmp.cmp(internal / name, path.strip(), shallow=False):
            package = owner.split(":")[0]
            if name not in packages.setdefault(package, []):
                packages[package].append(name)
    return packages


def system_library_parts(folder: Path, bundle: Path, doc_root: Path = Path("/usr/share/doc")) -> list[LicensedPart]:
    """One part per Debian package the bundle took libraries from, with that package's copyright file."""
    parts = []
    for package, libraries in sorted(system_library_packages(bundle).items()):
        copyright_file = doc_root / package / "copyright"
        texts = {"copyright": copyright_file.read_text(encoding="utf-8")} if copyright_file.is_file() else {}
        version = subprocess.run(
            ["dpkg-query", "-W", "-f=${Version}", package], capture_output=True, text=True, timeout=30, check=False
        ).stdout.strip()
        expression = f"see the Debian copyright file ({', '.join(libraries)})"
        parts.append(_write_part(folder, package, version or "unknown", expression, texts))
    return parts


def _write_part(folder: Path, name: str, version: str, expression: str, texts: dict[str, str]) -> LicensedPart:
    part = re.sub(r"[^\w.+~-]", "_", f"{name}-{version}")  # a Debian epoch's ":" is no file-name character on Windows
    for relative, text in texts.items():
        target = folder / part / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
    return LicensedPart(name, version, expression, tuple(f"{part}/{relative}" for relative in texts))


def collect(
    folder: Path, pyproject: Path, search_path: list[str] | None = None, bundle: Path | None = None
) -> list[LicensedPart]:
    """Write every part's texts under `folder` (which must not exist yet) and the index; the parts, sorted.
    With `bundle` (the built one-folder bundle), the system libraries it carries are credited too."""
    folder.mkdir(parents=True)
    parts = []
    own = python_license()
    if own is not None:
        version = ".".join(map(str, sys.version_info[:3]))
        own_text = own.read_text("utf-8")
        parts.append(_write_part(folder, "Python", version, "PSF-2.0", {"LICENSE.txt": own_text}))
        parts += [part for part in [python_incorporated_part(folder, own_text)] if part is not None]
    bundler = list(metadata.distributions(name=BUNDLER, path=search_path or sys.path))[:1]  # not what it requires
    for distribution in [*required_distributions(program_requirements(pyproject), search_path), *bundler]:
        name, version = distribution.metadata["Name"], distribution.version
        expression = license_expression(distribution)
        parts.append(_write_part(folder, name, version, expression, license_texts(distribution)))
    if bundle is not None:
        parts += bundle_parts(folder, bundle)
    parts.sort(key=lambda part: normalized(part.name))
    write_index(folder, parts)
    return parts


ICU_TEXTS = STANDARD_TEXTS / "icu"
QT_LIBRARIES = Path("_internal") / "PySide6" / "Qt" / "lib"
PYTHON_INCORPORATED = "Licenses and Acknowledgements for Incorporated Software"


def icu_version(bundle: Path) -> str | None:
    """The ICU major version of the libicuuc the bundle carries (libicuuc.so.73 -> "73"); None without one
    (the Windows wheels of PySide6 use the system's ICU)."""
    found = sorted(p.name for p in (bundle / QT_LIBRARIES).glob("libicuuc.so.*"))
    match = re.fullmatch(r"libicuuc\.so\.(\d+)(\..*)?", found[0]) if found else None
    return match.group(1) if match else None


def icu_part(folder: Path, bundle: Path) -> LicensedPart | None:
    """ICU (PySide6-Essentials' libicu*.so, Unicode licence): its notice must go with every copy."""
    version = icu_version(bundle)
    if version is None:
        return None
    texts = {name: (ICU_TEXTS / name).read_text(encoding="utf-8") for name in ("LICENSE", "SOURCE.txt")}
    libraries = ", ".join(sorted(p.name for p in (bundle / QT_LIBRARIES).glob("libicu*.so*")))
    expression = f"Unicode-DFS-2016 AND ICU (the ICU licence; {libraries} in {QT_LIBRARIES.as_posix()})"
    return _write_part(folder, "ICU", version, expression, texts)


def qt_version() -> str:
    """The version of the Qt libraries PySide6 runs on (QtCore.qVersion())."""
    from PySide6 import QtCore  # the build's PySide6, whose Qt libraries the bundle copies

    return str(QtCore.qVersion())


def qt_notice(version: str) -> str:
    """Where Qt's source and its third-party notices are, and the LGPL-3 relinking note."""
    return f"""Qt {version} (The Qt Company Ltd. and other contributors), used through PySide6 (PySide6_Essentials).
Licence: LGPL-3.0-only (texts in the PySide6_Essentials folder beside this one: LGPL-3.0-only.txt, GPL-3.0-only.txt).

Source of this Qt version and of PySide6/shiboken6:
  https://download.qt.io/official_releases/qt/{".".join(version.split(".")[:2])}/{version}/
  https://download.qt.io/official_releases/QtForPython/pyside6/
Third-party software inside Qt and its licences: the Qt documentation's page "Licenses Used in Qt",
  https://doc.qt.io/qt-6/licenses-used-in-qt.html

Replacing the Qt libraries (LGPL-3.0, section 4): Qt is not linked into this program. Its libraries are separate
shared objects in _internal/PySide6/Qt/lib/ (libQt6*.so.6, on Windows _internal/PySide6/Qt6*.dll) and its plugins in
_internal/PySide6/Qt/plugins/; the program loads them at run time. You may replace them with a modified build of
the same Qt version with a compatible interface.
"""


def qt_part(folder: Path, bundle: Path) -> LicensedPart | None:
    """Qt itself (the libraries in the PySide6 wheel): version, source, third-party notices, relinking note."""
    if not (bundle / "_internal" / "PySide6").is_dir():
        return None
    version = qt_version()
    return _write_part(folder, "Qt", version, "LGPL-3.0-only", {"NOTICE.txt": qt_notice(version)})


def python_incorporated_part(folder: Path, own_license: str) -> LicensedPart | None:
    """Where the notices of the software built into libpython and its modules (expat, libmpdec...) are: in
    Python's LICENSE.txt when it has that section, else a part pointing to the documentation's list."""
    if PYTHON_INCORPORATED in own_license:
        return None
    major_minor = ".".join(map(str, sys.version_info[:2]))
    text = f"""This Python's LICENSE.txt has no section "{PYTHON_INCORPORATED}".
The software built into libpython and the standard library's extension modules (among them expat in pyexpat,
libmpdec in _decimal, the Mersenne Twister in _random, David Gay's dtoa, SipHash, BLAKE2 and SHA-3 in hashlib,
the WIDE getaddrinfo code in _socket) and their licences and notices are listed in the Python documentation:
  https://docs.python.org/{major_minor}/license.html#licenses-and-acknowledgements-for-incorporated-software
"""
    version = ".".join(map(str, sys.version_info[:3]))
    return _write_part(folder, "Python-incorporated-software", version, "see NOTICE.txt", {"NOTICE.txt": text})


def bundle_parts(folder: Path, bundle: Path) -> list[LicensedPart]:
    """The parts only the built bundle shows: ICU and Qt (inside the PySide6 wheel), the Debian libraries."""
    found = [icu_part(folder, bundle), qt_part(folder, bundle)]
    return [part for part in found if part is not None] + system_library_parts(folder, bundle)


def write_index(folder: Path, parts: list[LicensedPart]) -> None:
    """INDEX.txt for people (one line a part) and index.json for programs."""
    lines = ["Third-party software in AI Workstation Manager, and its licences (texts in the folders named).", ""]
    for part in parts:
        where = part.text_files[0].split("/")[0] + "/" if part.text_files else "NO LICENCE TEXT FOUND"
        lines.append(f"{part.name} {part.version}: {part.license_expression} ({where})")
    (folder / "INDEX.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
    document = [
        {"name": p.name, "version": p.version, "license": p.license_expression, "files": list(p.text_files)}
        for p in parts
    ]
    (folder / "index.json").write_text(json.dumps(document, indent=2) + "\n", encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path, help="where to write the texts (must not exist)")
    root = Path(__file__).resolve().parents[1]
    parser.add_argument("--pyproject", type=Path, default=root / "pyproject.toml", help="the program's pyproject")
    parser.add_argument("--bundle", type=Path, help="the built bundle, to credit the system libraries it carries")
    args = parser.parse_args(argv)
    if args.folder.exists():
        print(f"licenses: {args.folder} exists; name a new folder (nothing is overwritten)", file=sys.stderr)
        return 2
    parts = collect(args.folder, args.pyproject, bundle=args.bundle)
    for part in parts:
        if not part.text_files:
            print(f"licenses: warning: {part.name} {part.version} ships no licence text", file=sys.stderr)
    print(f"licenses: {len(parts)} third-party parts, texts in {args.folder}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
