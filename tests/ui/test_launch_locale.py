"""The window starts quietly without a UTF-8 locale: before Qt starts, a non-UTF-8 character locale
is switched to UTF-8 (as Qt would, but without its warning); a UTF-8 locale the user set is kept.

Python run as `python` coerces the C locale to C.UTF-8 itself (PEP 538) and so hides the problem;
the bundle's embedded Python does not. PYTHONCOERCECLOCALE=0 turns the coercion off, so these
subprocesses start as the bundle does.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from app.ui.utf8_locale import set_ctype_variable, utf8_candidates

pytestmark = pytest.mark.skipif(os.name != "posix", reason="Qt checks the C library's locale on Unix only")

ROOT = Path(__file__).parents[2]
# Qt's warning when it had to switch the locale itself (qtbase, QCoreApplicationPrivate::initLocale).
QT_LOCALE_WARNING = "Detected locale"
# The offscreen platform's own message, which a window on a real desktop never prints (app.ui.smoke).
OFFSCREEN_ONLY = "This plugin does not support propagateSizeHints()"

START_QT = "from PySide6.QtCore import QCoreApplication; app = QCoreApplication([])\n"
SWITCH = "from app.ui.utf8_locale import use_utf8_locale; switched = use_utf8_locale()\n"
REPORT = (
    "import json, os, sys\n"
    "print(json.dumps({'switched': switched, 'env': {k: v for k, v in os.environ.items()"
    " if k.startswith(('LC_', 'LANG'))}}))\n"
)


def _bare_env(**variables: str) -> dict[str, str]:
    """`env -i PATH=… HOME=…` plus `variables`: no LANG or LC_*, no Python locale coercion."""
    return {"PATH": "/usr/bin:/bin", "HOME": str(ROOT), "PYTHONCOERCECLOCALE": "0", **variables}


def _python(code: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", code], env=env, cwd=ROOT, capture_output=True, text=True, timeout=60, check=True
    )


def test_qt_warns_without_a_utf8_locale_when_nothing_is_switched() -> None:
    """The situation the switch is for: without it, Qt prints its warning (else the tests below prove nothing)."""
    done = _python(START_QT, _bare_env(QT_QPA_PLATFORM="offscreen"))
    assert QT_LOCALE_WARNING in done.stderr


def test_no_locale_set_switches_lc_ctype_to_c_utf8_and_qt_stays_quiet() -> None:
    done = _python(SWITCH + START_QT + REPORT, _bare_env(QT_QPA_PLATFORM="offscreen"))
    assert done.stderr == ""
    assert json.loads(done.stdout) == {"switched": "C.UTF-8", "env": {"LC_CTYPE": "C.UTF-8"}}


def test_a_utf8_locale_the_user_set_is_kept_untouched() -> None:
    done = _python(SWITCH + START_QT + REPORT, _bare_env(QT_QPA_PLATFORM="offscreen", LANG="C.UTF-8"))
    assert done.stderr == ""
    assert json.loads(done.stdout) == {"switched": None, "env": {"LANG": "C.UTF-8"}}


def test_a_utf8_lc_ctype_under_a_plain_lang_is_kept() -> None:
    env = _bare_env(QT_QPA_PLATFORM="offscreen", LANG="C", LC_CTYPE="C.utf8")
    done = _python(SWITCH + START_QT + REPORT, env)
    assert done.stderr == ""
    assert json.loads(done.stdout) == {"switched": None, "env": {"LANG": "C", "LC_CTYPE": "C.utf8"}}


def test_lc_all_c_is_replaced_by_each_category_so_only_the_characters_change() -> None:
    """LC_ALL would override LC_CTYPE, so it gives way to the categories it stood for, all still C."""
    done = _python(SWITCH + START_QT + REPORT, _bare_env(QT_QPA_PLATFORM="offscreen", LC_ALL="C", LANG="C"))
    assert done.stderr == ""
    env = json.loads(done.stdout)["env"]
    assert "LC_ALL" not in env and env["LC_CTYPE"] == "C.UTF-8" and env["LANG"] == "C"
    assert env["LC_TIME"] == env["LC_NUMERIC"] == env["LC_COLLATE"] == env["LC_MESSAGES"] == "C"


def test_the_window_prints_nothing_about_the_locale_with_lang_unset(tmp_path: Path) -> None:
    shot = tmp_path / "window.png"
    done = subprocess.run(
        [sys.executable, "-m", "app", "--demo", "--screenshot", str(shot), "--after", "0.5"],
        env=_bare_env(QT_QPA_PLATFORM="offscreen", HOME=str(tmp_path), AIWM_HOME=str(tmp_path / "data")),
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    others = [
        line
        for line in done.stderr.splitlines()
        if line != OFFSCREEN_ONLY and not line.startswith(f"aiwm: saved screenshot {shot}")
    ]
    assert (done.stdout, others) == ("", [])
    assert shot.is_file()


@pytest.mark.parametrize(
    ("ctype", "expected"),
    [
        ("C", ["C.UTF-8", "C.utf8"]),
        ("POSIX", ["POSIX.UTF-8", "C.UTF-8", "C.utf8"]),
        ("de_DE.ISO-8859-1", ["de_DE.UTF-8", "C.UTF-8", "C.utf8"]),
        ("de_DE@euro", ["de_DE.UTF-8", "C.UTF-8", "C.utf8"]),
        ("sr_RS.ISO-8859-5@latin", ["sr_RS.UTF-8", "C.UTF-8", "C.utf8"]),
    ],
)
def test_the_same_language_in_utf8_is_tried_first_then_c_utf8(ctype: str, expected: list[str]) -> None:
    assert utf8_candidates(ctype) == expected


def test_without_lc_all_only_lc_ctype_is_added() -> None:
    env = {"LANG": "de_DE", "LC_TIME": "en_GB"}
    set_ctype_variable(env, "de_DE.UTF-8")
    assert env == {"LANG": "de_DE", "LC_TIME": "en_GB", "LC_CTYPE": "de_DE.UTF-8"}


def test_the_pdf_report_command_prints_nothing_about_the_locale_with_lang_unset(tmp_path: Path) -> None:
    """`aiwm report --format pdf` starts Qt for its fonts (app.ui.report_pdf): the same switch comes first."""
    out = tmp_path / "report.pdf"
    done = subprocess.run(
        [sys.executable, "-m", "app", "report", "--demo", "--format", "pdf", "--out", str(out)],
        env=_bare_env(HOME=str(tmp_path), AIWM_HOME=str(tmp_path / "data")),
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert (done.returncode, done.stdout) == (0, "")
    assert done.stderr == f"aiwm: wrote the pdf report (SIMULATED) to {out}\n"
