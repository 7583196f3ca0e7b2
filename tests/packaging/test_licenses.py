"""The third-party licence folder (packaging/licenses.py): collected from installed distributions' metadata.

Against this checkout's .venv (the real PySide6-Essentials, numpy, ... wheels) and against made-up
distributions laid out as pip installs them, to pin down which texts are taken from where.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import tomllib
from importlib import metadata
from pathlib import Path
from xml.etree import ElementTree

import licenses  # packaging/licenses.py (tests/packaging/conftest.py puts packaging/ on sys.path)
import pytest

from tests.packaging.stand_in import LINUX, ROOT

SCRIPT = ROOT / "packaging" / "licenses.py"


@pytest.fixture(scope="module")
def collected(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("collected") / "licenses"
    licenses.collect(folder, ROOT / "pyproject.toml")
    return folder


def _index(folder: Path) -> dict[str, dict[str, object]]:
    return {entry["name"]: entry for entry in json.loads((folder / "index.json").read_text())}


def _text(folder: Path, entry: dict[str, object], name: str) -> str:
    files = [f for f in entry["files"] if str(f).endswith(name)]  # type: ignore[attr-defined]
    assert files, (name, entry)
    return (folder / files[0]).read_text()


def test_pyside6_essentials_and_shiboken_get_the_lgpl_3_and_the_gpl_3_it_extends(collected: Path) -> None:
    index = _index(collected)
    for name in ("PySide6_Essentials", "shiboken6"):
        entry = index[name]
        assert entry["version"] == metadata.version(name)
        assert entry["license"] == "LGPL-3.0-only OR GPL-2.0-only OR GPL-3.0-only"  # the wheel's License field
        assert "GNU LESSER GENERAL PUBLIC LICENSE\n                       Version 3" in _text(
            collected, entry, "LGPL-3.0-only.txt"
        )
        assert "GNU GENERAL PUBLIC LICENSE\n                       Version 3" in _text(
            collected, entry, "/GPL-3.0-only.txt"
        )


def test_numpy_brings_its_own_texts_including_openblas_and_the_gcc_runtime(collected: Path) -> None:
    entry = _index(collected)["numpy"]
    assert entry["version"] == metadata.version("numpy")
    assert str(entry["license"]).startswith("BSD-3-Clause")
    main = _text(collected, entry, "numpy-" + metadata.version("numpy") + "/LICENSE.txt")
    assert "NumPy Developers" in main and "Name: OpenBLAS" in main and "GCC runtime library" in main
    assert len(entry["files"]) > 5  # type: ignore[arg-type]  # numpy 2.x lists its vendored parts' texts too


def test_python_itself_and_nvidia_ml_py_s_module_notice_are_included(collected: Path) -> None:
    index = _index(collected)
    python = index["Python"]
    assert python["version"] == ".".join(map(str, sys.version_info[:3]))
    assert "PYTHON SOFTWARE FOUNDATION LICENSE VERSION 2" in _text(collected, python, "LICENSE.txt")
    notice = _text(collected, index["nvidia-ml-py"], "pynvml.py-notice.txt")  # the wheel has no licence file
    assert "NVIDIA Corporation" in notice and "Redistribution and use in source and binary forms" in notice
    assert "NVIDIA" in _text(collected, index["cuda-bindings"], "LICENSE")


def test_only_what_the_program_needs_is_listed_not_the_test_tools_of_the_venv(collected: Path) -> None:
    names = {licenses.normalized(name) for name in _index(collected)}
    # pyproject's requirements and what they require (pyqtgraph -> colorama, cuda-bindings -> cuda-pathfinder)
    assert {
        "python",
        "psutil",
        "numpy",
        "platformdirs",
        "nvidia-ml-py",
        "cuda-bindings",
        "cuda-pathfinder",
        "prometheus-client",
        "pyside6-essentials",
        "shiboken6",
        "pyqtgraph",
        "colorama",
    } <= names
    assert not names & {"pytest", "mypy", "ruff", "mutmut", "coverage", "aiwm", "pip"}
    # cuda-bindings' `all` extra (nvidia-cuda-nvcc-cu12 ...) is not asked for, though such wheels are installed
    assert not [name for name in names if name.startswith("nvidia-cuda")]


def test_the_index_lists_every_part_with_its_version_and_licence(collected: Path) -> None:
    lines = (collected / "INDEX.txt").read_text().splitlines()
    numpy_version = metadata.version("numpy")
    assert (
        f"numpy {numpy_version}: BSD-3-Clause AND 0BSD AND MIT AND Zlib AND CC0-1.0 (numpy-{numpy_version}/)" in lines
    )
    assert len([line for line in lines if ": " in line]) == len(_index(collected))
    for entry in _index(collected).values():
        assert entry["files"], entry["name"]
        for file in entry["files"]:  # type: ignore[attr-defined]
            assert (collected / file).is_file()


def _distribution(site: Path, name: str, version: str, metadata_lines: list[str], files: dict[str, str]) -> None:
    """A distribution as pip lays it out: name-version.dist-info/ with METADATA and RECORD, plus its files."""
    info = site / f"{name}-{version}.dist-info"
    info.mkdir(parents=True)
    (info / "METADATA").write_text(
        "\n".join(["Metadata-Version: 2.4", f"Name: {name}", f"Version: {version}", *metadata_lines]) + "\n"
    )
    for relative, text in files.items():
        (site / relative).parent.mkdir(parents=True, exist_ok=True)
        (site / relative).write_text(text)
    record = [f"{relative},," for relative in files] + [f"{info.name}/METADATA,,", f"{info.name}/RECORD,,"]
    (info / "RECORD").write_text("\n".join(record) + "\n")


def test_texts_come_from_pep639_folders_old_dist_info_files_and_module_notices_and_markers_are_obeyed(
    tmp_path: Path,
) -> None:
    site = tmp_path / "site"
    _distribution(
        site,
        "alpha",
        "1.0",
        ["License-Expression: MIT", "License-File: LICENSE", "Requires-Dist: beta"],
        {"alpha-1.0.dist-info/licenses/LICENSE": "alpha's MIT text\n"},
    )
    _distribution(
        site,
        "beta",
        "2.0",
        [
            "License: BSD-3-Clause",
            "License-File: COPYING",
            'Requires-Dist: delta; extra == "test"',
            'Requires-Dist: epsilon; sys_platform == "no-such-os"',
            "Requires-Dist: not-installed-anywhere",
        ],
        {"beta-2.0.dist-info/COPYING": "beta's text\n"},
    )
    for skipped in ("delta", "epsilon"):
        _distribution(site, skipped, "9", ["License: MIT"], {f"{skipped}-9.dist-info/LICENSE": "x\n"})
    _distribution(
        site,
        "gamma",
        "3.0",
        ["Classifier: License :: OSI Approved :: BSD License"],
        {
            "gamma-3.0.dist-info/top_level.txt": "gamma\n",
            "gamma.py": "# Copyright (c) 2020 Gamma Corp.\n# Redistribution is permitted.\n\nimport os\n",
        },
    )
    _distribution(site, "pyinstaller", "6.0", ["License: GPL", "Requires-Dist: altgraph"], {})
    _distribution(site, "altgraph", "1.0", ["License: MIT"], {"altgraph-1.0.dist-info/LICENSE": "x\n"})
    pyproject = tmp_path / "pyproject.toml"
    pyproject.write_text(
        '[project]\nname = "x"\ndependencies = ["alpha>=1"]\n[project.optional-dependencies]\ngui = ["gamma"]\n'
    )

    parts = {part.name: part for part in licenses.collect(tmp_path / "out", pyproject, [str(site)])}

    # PyInstaller for its bootloader in the executable, but not what it needs at build time (altgraph)
    own = licenses.python_license()
    assert own is not None
    # pyenv 3.11.7's LICENSE.txt (CPython's LICENSE) lacks that section; the part points to the documentation
    pointer = set() if licenses.PYTHON_INCORPORATED in own.read_text() else {"Python-incorporated-software"}
    assert set(parts) == {"Python", "alpha", "beta", "gamma", "pyinstaller"} | pointer
    assert parts["alpha"] == licenses.LicensedPart("alpha", "1.0", "MIT", ("alpha-1.0/LICENSE",))
    assert (tmp_path / "out" / "alpha-1.0" / "LICENSE").read_text() == "alpha's MIT text\n"
    assert parts["beta"].license_expression == "BSD-3-Clause"
    assert (tmp_path / "out" / "beta-2.0" / "COPYING").read_text() == "beta's text\n"
    assert parts["gamma"].license_expression == "BSD License"
    notice = (tmp_path / "out" / "gamma-3.0" / "gamma.py-notice.txt").read_text()
    assert notice == "Copyright (c) 2020 Gamma Corp.\nRedistribution is permitted.\n"


def test_a_part_without_any_text_is_named_on_stderr_and_in_the_index(tmp_path: Path) -> None:
    site = tmp_path / "site"
    _distribution(site, "bare", "0.1", ["License: Custom"], {})
    pyproject = tmp_path / "pyproject.toml"
    pyproject.write_text('[project]\nname = "x"\ndependencies = ["bare"]\n')
    (part,) = [p for p in licenses.collect(tmp_path / "out", pyproject, [str(site)]) if p.name == "bare"]
    assert part.text_files == ()
    assert "bare 0.1: Custom (NO LICENCE TEXT FOUND)" in (tmp_path / "out" / "INDEX.txt").read_text()


def test_the_command_refuses_an_existing_folder_with_one_line_and_exit_2(tmp_path: Path) -> None:
    (tmp_path / "licenses").mkdir()
    (tmp_path / "licenses" / "mine.txt").write_text("keep me\n")
    result = subprocess.run([sys.executable, str(SCRIPT), str(tmp_path / "licenses")], capture_output=True, text=True)
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1 and "exists" in result.stderr and "Traceback" not in result.stderr
    assert [p.name for p in (tmp_path / "licenses").iterdir()] == ["mine.txt"]


def test_our_own_licence_is_the_same_in_pyproject_and_the_appstream_metainfo() -> None:
    ours = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["license"]
    component = ElementTree.parse(LINUX / "io.github.aiwm.AIWM.metainfo.xml").getroot()
    assert component.findtext("project_license") == ours == "LicenseRef-Proprietary"


def test_the_bundle_spec_writes_the_licence_folder_beside_the_executable() -> None:
    spec = (ROOT / "packaging" / "aiwm.spec").read_text()
    assert 'BUNDLE_FOLDER = Path(DISTPATH) / "aiwm"\n' in spec
    assert 'collect_licenses(BUNDLE_FOLDER / "licenses", ROOT / "pyproject.toml", bundle=BUNDLE_FOLDER)' in spec
    assert spec.index("collect_licenses(") > spec.index("COLLECT(")  # after COLLECT, which empties dist/aiwm


@pytest.mark.bundle
def test_the_built_bundle_carries_the_licence_folder_with_pyside6_and_pyinstaller(bundle: Path) -> None:
    index = {entry["name"]: entry for entry in json.loads((bundle / "licenses" / "index.json").read_text())}
    assert "LGPL-3.0-only" in str(index["PySide6_Essentials"]["license"])
    names = {licenses.normalized(name) for name in index}
    assert "pyinstaller" in names  # its bootloader is in the executable; what it needs to build is not
    assert not names & {"altgraph", "setuptools", "pyinstaller-hooks-contrib", "pip"}
    if shutil.which("dpkg"):  # built on Debian/Ubuntu: Python's ctypes brought the system's libffi (Debian libffi8)
        assert "libffi8" in names and "libffi.so.8" in str(index["libffi8"]["license"])
    for entry in index.values():
        assert entry["files"] and all((bundle / "licenses" / f).is_file() for f in entry["files"])


@pytest.mark.skipif(shutil.which("dpkg") is None, reason="dpkg is not installed: no Debian package database to ask")
def test_system_libraries_in_the_bundle_are_credited_with_their_debian_copyright_file(tmp_path: Path) -> None:
    bundle = tmp_path / "aiwm"
    (bundle / "_internal").mkdir(parents=True)
    zlib = next(
        path
        for path in (Path("/lib/x86_64-linux-gnu/libz.so.1"), Path("/usr/lib/x86_64-linux-gnu/libz.so.1"))
        if path.exists()
    )
    shutil.copyfile(zlib, bundle / "_internal" / "libz.so.1")  # zlib1g's, on every Debian and Ubuntu system
    (bundle / "_internal" / "libexpat.so.1").write_bytes(b"\0")  # libexpat1's name, but not its bytes
    (bundle / "_internal" / "libnot-from-any-package.so.1").write_bytes(b"\0")
    (bundle / "_internal" / "libQt6Core.so.6").symlink_to("PySide6/Qt/lib/libQt6Core.so.6")  # a link: not a copy
    parts = licenses.system_library_parts(tmp_path / "out", bundle)
    assert [part.name for part in parts] == ["zlib1g"]
    (part,) = parts
    assert part.license_expression == "see the Debian copyright file (libz.so.1)"
    installed = subprocess.run(["dpkg-query", "-W", "-f=${Version}", "zlib1g"], capture_output=True, text=True)
    assert part.version == installed.stdout
    if ":" in part.version:  # an epoch (zlib1g 1:1.2.13.dfsg-1 on Debian 12) stays out of the folder's name
        assert part.text_files[0] == f"zlib1g-{part.version.replace(':', '_')}/copyright"
    text = (tmp_path / "out" / part.text_files[0]).read_text()
    assert text == Path("/usr/share/doc/zlib1g/copyright").read_text() and "Jean-loup Gailly" in text


def _made_up_bundle(folder: Path, *libraries: str) -> Path:
    lib = folder / "_internal" / "PySide6" / "Qt" / "lib"
    lib.mkdir(parents=True)
    for name in libraries:
        (lib / name).write_bytes(b"\0")
    return folder


def test_the_icu_version_is_read_from_the_bundled_library_name(tmp_path: Path) -> None:
    bundle = _made_up_bundle(tmp_path / "a", "libicudata.so.73", "libicui18n.so.73", "libicuuc.so.73")
    assert licenses.icu_version(bundle) == "73"
    assert licenses.icu_version(_made_up_bundle(tmp_path / "b", "libicuuc.so.74.2")) == "74"
    assert licenses.icu_version(_made_up_bundle(tmp_path / "c", "libQt6Core.so.6")) is None  # Windows: no ICU


def test_icu_gets_the_unicode_licence_with_its_third_party_notices_and_names_its_libraries(tmp_path: Path) -> None:
    bundle = _made_up_bundle(tmp_path / "aiwm", "libicudata.so.73", "libicuuc.so.73")
    part = licenses.icu_part(tmp_path / "out", bundle)
    assert part is not None and (part.name, part.version) == ("ICU", "73")
    assert "libicudata.so.73, libicuuc.so.73" in part.license_expression
    text = (tmp_path / "out" / "ICU-73" / "LICENSE").read_text()
    # ICU's licence file: the Unicode terms, then the older ICU licence among its third-party notices
    assert text.startswith("UNICODE, INC. LICENSE AGREEMENT - DATA FILES AND SOFTWARE")
    assert "ICU License - ICU 1.8.1 to ICU 57.1" in text
    assert "/usr/share/icu/72.1/LICENSE" in (tmp_path / "out" / "ICU-73" / "SOURCE.txt").read_text()
    assert licenses.icu_part(tmp_path / "none", _made_up_bundle(tmp_path / "w", "Qt6Core.dll")) is None


def test_qt_is_credited_with_its_version_source_third_party_notices_and_relinking_note(tmp_path: Path) -> None:
    bundle = _made_up_bundle(tmp_path / "aiwm", "libQt6Core.so.6")
    part = licenses.qt_part(tmp_path / "out", bundle)
    assert part is not None and part.name == "Qt" and part.license_expression == "LGPL-3.0-only"
    # PySide6 6.x runs on the Qt of the same version: the wheel's version, from its metadata
    wheel = metadata.version("PySide6_Essentials")
    assert part.version == wheel
    notice = (tmp_path / "out" / part.text_files[0]).read_text()
    major_minor = ".".join(wheel.split(".")[:2])
    assert f"https://download.qt.io/official_releases/qt/{major_minor}/{wheel}/" in notice
    assert "https://download.qt.io/official_releases/QtForPython/pyside6/" in notice
    assert "https://doc.qt.io/qt-6/licenses-used-in-qt.html" in notice
    assert "_internal/PySide6/Qt/lib/" in notice and "replace" in notice


def test_python_s_incorporated_software_gets_a_pointer_only_when_its_licence_file_lacks_that_section(
    tmp_path: Path,
) -> None:
    with_section = "A. HISTORY\n...\nLicenses and Acknowledgements for Incorporated Software\nexpat ...\n"
    assert licenses.python_incorporated_part(tmp_path / "a", with_section) is None
    part = licenses.python_incorporated_part(tmp_path / "b", "A. HISTORY OF THE SOFTWARE\n")
    assert part is not None
    notice = (tmp_path / "b" / part.text_files[0]).read_text()
    minor = f"{sys.version_info[0]}.{sys.version_info[1]}"
    assert f"https://docs.python.org/{minor}/license.html#licenses-and-acknowledgements-for-incorporated-software" in (
        notice
    )
    assert "expat" in notice and "libmpdec" in notice


@pytest.mark.bundle
def test_the_built_bundle_credits_icu_with_the_version_of_its_libraries_and_qt(bundle: Path) -> None:
    index = {entry["name"]: entry for entry in json.loads((bundle / "licenses" / "index.json").read_text())}
    qt_lib = bundle / "_internal" / "PySide6" / "Qt" / "lib"
    if LINUX:  # the Linux wheel ships ICU: libicudata.so.73 beside libQt6Core.so.6 in PySide6-Essentials 6.11.3
        icu_files = sorted(p.name for p in qt_lib.glob("libicudata.so.*"))
        assert icu_files, "no ICU in the bundle"
        assert index["ICU"]["version"] == icu_files[0].split(".so.")[1].split(".")[0]
        if metadata.version("PySide6_Essentials") == "6.11.3":
            assert index["ICU"]["version"] == "73"
        assert "UNICODE, INC. LICENSE AGREEMENT" in _text(bundle / "licenses", index["ICU"], "/LICENSE")
    assert index["Qt"]["version"] == metadata.version("PySide6_Essentials")
    text = (bundle / "licenses" / "INDEX.txt").read_text()
    assert f"Qt {metadata.version('PySide6_Essentials')}: LGPL-3.0-only" in text
