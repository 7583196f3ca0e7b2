"""The Windows installer script (packaging/windows/aiwm.iss) and its workflow (.github/workflows/windows.yml).

Neither can run here (Inno Setup and the runner are Windows-only): these tests read them and check what can be
checked on Linux: the workflow parses, every file either names exists, and the version flows from app/__init__.py.
"""

from __future__ import annotations

import re
import subprocess
import sys
import uuid
from pathlib import Path, PureWindowsPath

import pytest

from tests.packaging.stand_in import ROOT

yaml = pytest.importorskip("yaml", reason="PyYAML is installed with mutmut (libcst) from requirements/dev.txt")

ISS = ROOT / "packaging" / "windows" / "aiwm.iss"
WORKFLOW = ROOT / ".github" / "workflows" / "windows.yml"
VERSION_SCRIPT = ROOT / "packaging" / "windows" / "installer_version.py"


def _sections(text: str) -> dict[str, list[str]]:
    """The script's lines per [Section], without comments, blank lines and preprocessor (#) lines."""
    sections: dict[str, list[str]] = {}
    current = ""
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line.startswith((";", "#")):
            continue
        if found := re.fullmatch(r"\[(\w+)\]", line):
            current = found.group(1)
            continue
        sections.setdefault(current, []).append(line)
    return sections


def _setup() -> dict[str, str]:
    return dict(line.split("=", 1) for line in _sections(ISS.read_text())["Setup"])


def _entries(section: str) -> list[dict[str, str]]:
    """`Name: "x"; Filename: "y"; Flags: z` lines as dictionaries, quotes removed."""
    entries = []
    for line in _sections(ISS.read_text())[section]:
        parameters = (part.split(":", 1) for part in re.split(r";\s*(?=\w+:)", line))
        entries.append({key.strip(): value.strip().strip('"') for key, value in parameters})
    return entries


def _from_iss(relative: str) -> Path:
    """A path written in the .iss (Windows separators, relative to the script's folder) as a checkout path."""
    return (ISS.parent / Path(*PureWindowsPath(relative).parts)).resolve()


def _workflow() -> dict[str, object]:
    document = yaml.safe_load(WORKFLOW.read_text())
    assert isinstance(document, dict)
    return document


def _steps() -> list[dict[str, object]]:
    jobs = _workflow()["jobs"]
    assert isinstance(jobs, dict) and list(jobs) == ["installer"]
    steps = jobs["installer"]["steps"]
    assert isinstance(steps, list)
    return steps


def _step_text() -> str:
    return "\n".join(str(step.get("run", "")) for step in _steps())


def test_it_installs_per_user_without_admin_rights_into_local_app_data() -> None:
    setup = _setup()
    assert setup["PrivilegesRequired"] == "lowest"
    assert setup["DefaultDirName"] == r"{localappdata}\Programs\AIWM"
    assert setup["ArchitecturesAllowed"] == setup["ArchitecturesInstallIn64BitMode"] == "x64compatible"


def test_the_app_id_is_a_fixed_guid() -> None:
    app_id = _setup()["AppId"]
    assert app_id.startswith("{{") and app_id.endswith("}")  # "{{" is Inno's escaped "{"
    uuid.UUID(app_id[2:-1])


def test_the_version_comes_only_from_the_build_command() -> None:
    setup = _setup()
    assert setup["AppVersion"] == "{#AppVersion}"
    assert setup["VersionInfoVersion"] == "{#AppNumericVersion}"
    assert setup["OutputBaseFilename"] == "aiwm-{#AppVersion}-windows-x64-setup"
    assert "#error" in ISS.read_text()  # a build without /DAppVersion stops instead of guessing
    code = [line for line in ISS.read_text().splitlines() if not line.lstrip().startswith(";")]
    assert not [line for line in code if re.search(r"\b\d+\.\d+\b", line)], "a version written into the script"


def test_the_icon_the_bundle_and_the_output_folder_it_names_are_the_checkouts() -> None:
    setup = _setup()
    assert _from_iss(setup["SetupIconFile"]) == ROOT / "packaging" / "icons" / "aiwm.ico"
    assert (ROOT / "packaging" / "icons" / "aiwm.ico").is_file()
    assert _from_iss(setup["OutputDir"]) == ROOT / "dist"
    bundle = re.search(r'#define BundleDir "([^"]+)"', ISS.read_text())
    assert bundle is not None and _from_iss(bundle.group(1)) == ROOT / "dist" / "aiwm"
    (files,) = _entries("Files")
    assert files["Source"] == r"{#BundleDir}\*"
    assert set(files["Flags"].split()) >= {"recursesubdirs", "createallsubdirs"}


def test_a_start_menu_entry_an_optional_desktop_icon_and_the_uninstaller_in_the_start_menu() -> None:
    icons = _entries("Icons")
    assert [entry["Name"].split("\\")[0] for entry in icons] == ["{autoprograms}", "{autodesktop}", "{autoprograms}"]
    assert all(entry["Filename"] == r"{app}\{#AppExeName}" for entry in icons[:2])
    assert "Tasks" not in icons[0] and icons[1]["Tasks"] == "desktopicon"
    # Inno Setup's own constant for the uninstaller it writes, and its standard "Uninstall %1" caption
    assert icons[2] == {"Name": r"{autoprograms}\{cm:UninstallProgram,{#AppName}}", "Filename": "{uninstallexe}"}
    (task,) = _entries("Tasks")
    assert task["Name"] == "desktopicon" and "unchecked" in task["Flags"]
    assert _setup()["UninstallDisplayIcon"] == r"{app}\{#AppExeName}"


def test_the_version_script_reads_app_init_and_gives_windows_only_numbers(tmp_path: Path) -> None:
    (tmp_path / "app").mkdir()
    (tmp_path / "app" / "__init__.py").write_text('"""x"""\n\n__version__ = "1.2.0rc1"\n')
    result = subprocess.run([sys.executable, str(VERSION_SCRIPT), str(tmp_path)], capture_output=True, text=True)
    assert result.stdout == "version=1.2.0rc1\nnumeric=1.2.0\n"
    (tmp_path / "app" / "__init__.py").write_text('__version__ = "2.0.1.4.9"\n')
    result = subprocess.run([sys.executable, str(VERSION_SCRIPT), str(tmp_path)], capture_output=True, text=True)
    assert result.stdout == "version=2.0.1.4.9\nnumeric=2.0.1.4\n"


def test_the_version_script_reads_this_checkouts_version() -> None:
    import app

    result = subprocess.run([sys.executable, str(VERSION_SCRIPT)], capture_output=True, text=True, check=True)
    assert result.stdout.splitlines()[0] == f"version={app.__version__}"


def test_the_workflow_runs_on_windows_with_python_3_12_on_main_tags_and_pull_requests() -> None:
    workflow = _workflow()
    triggers = workflow.get("on", workflow.get(True))  # YAML 1.1 reads a bare `on` as true
    assert isinstance(triggers, dict)
    assert triggers["push"]["tags"] == ["v*"] and "pull_request" in triggers
    assert _workflow()["jobs"]["installer"]["runs-on"] == "windows-latest"  # type: ignore[index]
    python = next(step for step in _steps() if str(step.get("uses", "")).startswith("actions/setup-python"))
    assert python["with"] == {"python-version": "3.12"}


def test_the_workflow_builds_smoke_tests_packs_installs_and_uploads_in_that_order() -> None:
    text = _step_text()
    order = [
        "pip install -r requirements/runtime.txt -r requirements/gui.txt -r requirements/build.txt",
        "installer_version.py >> $env:GITHUB_OUTPUT",
        "PyInstaller --noconfirm packaging/aiwm.spec",
        "python packaging/bundle_size.py dist/aiwm",
        r".\dist\aiwm\aiwm.exe --smoke-test",
        "choco install innosetup",
        r"/DAppVersion=${{ steps.version.outputs.version }}",
        r'& "$installed\aiwm.exe" --smoke-test',
        "unins000.exe",
    ]
    positions = [text.find(part) for part in order]
    assert -1 not in positions, [part for part, at in zip(order, positions, strict=True) if at == -1]
    assert positions == sorted(positions)
    assert r"/DAppNumericVersion=${{ steps.version.outputs.numeric }}" in text
    assert r"packaging\windows\aiwm.iss" in text


def test_the_installed_folder_and_artifact_the_workflow_uses_are_those_the_script_makes() -> None:
    setup = _setup()
    text = _step_text()
    assert setup["DefaultDirName"].replace("{localappdata}", "$env:LOCALAPPDATA") in text
    made = setup["OutputBaseFilename"].replace("{#AppVersion}", "${{ steps.version.outputs.version }}") + ".exe"
    assert rf".\dist\{made}" in text
    upload = next(step for step in _steps() if str(step.get("uses", "")).startswith("actions/upload-artifact"))
    assert upload["with"]["path"] == f"dist/{made}"  # type: ignore[index]
    assert upload["with"]["if-no-files-found"] == "error"  # type: ignore[index]


def test_every_file_the_workflow_names_exists() -> None:
    text = _step_text()
    named = set(re.findall(r"(?:requirements|packaging)[/\\][\w./\\-]+", text))
    named = {name.replace("\\", "/") for name in named}
    assert {"requirements/runtime.txt", "packaging/windows/aiwm.iss", "packaging/aiwm.spec"} <= named
    missing = sorted(name for name in named if not (ROOT / name).exists())
    assert missing == [], f"the workflow names files that do not exist: {missing}"


def _step(name_start: str) -> str:
    (step,) = [step for step in _steps() if str(step.get("name", "")).startswith(name_start)]
    return str(step["run"])


def test_the_workflow_fails_when_setup_or_the_uninstaller_exits_non_zero() -> None:
    """Start-Process -Wait alone never fails on the program's exit status; -PassThru gives the process to check."""
    script = _step("Install for this user")
    starts = [line for line in script.splitlines() if "Start-Process" in line and not line.lstrip().startswith("#")]
    assert len(starts) == 2 and all(re.search(r"^\s*\$run = Start-Process -Wait -PassThru ", line) for line in starts)
    lines = script.splitlines()
    for start in starts:
        following = lines[lines.index(start) + 1]
        assert re.fullmatch(r"\s*if \(\$run\.ExitCode -ne 0\) \{ Write-Error .+; exit 1 \}", following), following
    assert "-FilePath $setup " in starts[0] and "unins000.exe" in starts[1]


def test_the_workflow_checks_that_iscc_is_6_3_or_later_and_builds_with_that_iscc() -> None:
    # x64compatible is new in Inno Setup 6.3: "Before Inno Setup 6.3, x64os was named x64"
    # (https://jrsoftware.org/ishelp/topic_archidentifiers.htm).
    assert "x64compatible" in _setup()["ArchitecturesAllowed"]
    check = _step("Inno Setup 6.3 or later")
    assert check.count('-lt [version]"6.3"') == 2  # upgrade when older; then fail when still older
    assert "choco install innosetup" in check and "choco upgrade innosetup" in check
    assert re.search(r'Write-Error "ISCC \$found is older than 6\.3[^"]*"; exit 1', check)
    assert '"ISCC=$iscc" >> $env:GITHUB_ENV' in check
    assert _step("Build the installer").lstrip().startswith("& $env:ISCC ")


def test_the_workflow_prints_the_windows_bundle_size_and_fails_above_the_limit() -> None:
    script = _step("Size of the bundle")
    assert "python packaging/bundle_size.py dist/aiwm" in script
    assert "--limit-mb" not in script  # bundle_size.py's own 250 MB default, as `make bundle` uses
    assert "if ($LASTEXITCODE -ne 0) { exit $LASTEXITCODE }" in script
