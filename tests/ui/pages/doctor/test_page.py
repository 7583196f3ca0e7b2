"""The Doctor page over injected reports: findings grouped failures first, fixes to copy, re-runs,
added environments, a busy page that keeps answering, and a diagnosis that fails."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QLabel, QScrollArea

from app.ui.theme import LIGHT
from tests.ui.pages.doctor.conftest import FakeDiagnose, show_and_wait, wait_for_answer
from tests.ui.pages.doctor.reports import FAILING, PASSING, SIMULATED, TWO_TOOLKITS_FIX


def _venv(tmp_path: Path) -> Path:
    """A venv-shaped folder: bin/python3, executable."""
    folder = tmp_path / "venv"
    (folder / "bin").mkdir(parents=True)
    python = folder / "bin" / "python3"
    python.write_text("#!/bin/sh\n")
    python.chmod(0o755)
    return folder


def test_a_failing_machine_shows_its_findings_grouped_failures_first_in_the_reports_order(qtbot, make_page) -> None:
    page = make_page(FakeDiagnose(FAILING))
    show_and_wait(qtbot, page)
    # Counted by hand from reports.FAILING.
    assert [group.toggle.text() for group in page.findings.groups] == [
        "✖ Failed (1)",
        "⚠ Warnings (4)",
        "ℹ For information (1)",
        "⊘ Not checked (1)",
        "✔ Passed (5)",
    ]
    assert [card.title.text() for card in page.findings.cards()] == [
        "PyTorch 2.5.1+cu124 has no kernels for the RTX 5090",
        "Two CUDA toolkits found",
        "cuDNN 9.1.0 does not list compute capability 12.0",
        "SSH accepts password logins",
        "TensorFlow 2.17.0 is a CPU-only build",
        "Persistence mode is off on GPU 0",
        "Encryption of the data folder not checked",
        "NVIDIA driver loaded",
        "Driver new enough for torch's CUDA 12.4",
        "CUDA 12.8 can build for compute capability 12.0",
        "nouveau is not loaded",
        "torch sees the GPU",
    ]
    first = page.findings.cards()[0]
    assert first.mark.text() == "✖" and first.isVisible()
    assert first.detail.text() == (
        "torch 2.5.1+cu124 in /home/ana/venvs/llm/bin/python was built for sm_50, sm_60, sm_70, sm_75, sm_80, sm_86,"
        " sm_90; the GPU has compute capability 12.0 (sm_120), which needs a CUDA 12.8 or newer build"
    )
    assert first.fix_box is not None and first.fix_box.command is not None
    assert first.fix_box.text.text() == "install a PyTorch build for CUDA 12.8, which has sm_120"
    assert (
        first.fix_box.command.text() == "pip install --upgrade torch --index-url https://download.pytorch.org/whl/cu128"
    )
    skipped = page.findings.cards()[6]
    assert skipped.mark.text() == "⊘" and skipped.fix_box is None, "a finding without a fix has no fix box"
    assert page.overall.text() == "✖ FAIL"
    assert LIGHT.critical in page.overall.styleSheet()
    assert page.counts.text() == "1 failed, 4 warnings, 1 for information, 1 not checked, 5 passed"
    assert page.checked_at.text().startswith("checked 2026-11-28 14:23:05, took ")
    assert not page.simulated_banner.isVisible() and not page.error_line.isVisible()


def test_passed_findings_are_folded_away_but_counted_and_open_on_a_click(qtbot, make_page) -> None:
    page = make_page(FakeDiagnose(FAILING))
    show_and_wait(qtbot, page)
    passed = page.findings.groups[-1]
    assert passed.status == "pass" and passed.toggle.text() == "✔ Passed (5)"
    assert passed.toggle.isVisible() and not passed.body.isVisible()
    assert all(group.body.isVisible() for group in page.findings.groups[:-1]), "problems are open"
    qtbot.mouseClick(passed.toggle, Qt.MouseButton.LeftButton)
    assert passed.body.isVisible() and all(card.isVisible() for card in passed.cards)


def test_a_group_the_user_folded_or_opened_stays_so_after_a_rerun(qtbot, make_page) -> None:
    page = make_page(FakeDiagnose(FAILING))
    show_and_wait(qtbot, page)
    qtbot.mouseClick(page.findings.groups[-1].toggle, Qt.MouseButton.LeftButton)  # open "Passed"
    qtbot.mouseClick(page.findings.groups[1].toggle, Qt.MouseButton.LeftButton)  # fold "Warnings"
    qtbot.mouseClick(page.rerun_button, Qt.MouseButton.LeftButton)
    wait_for_answer(qtbot, page)
    shown = {group.status: group.body.isVisible() for group in page.findings.groups}
    assert shown == {"fail": True, "warn": False, "info": True, "skip": True, "pass": True}


def test_a_passing_machine_shows_pass_in_the_ok_colour_with_its_counts(qtbot, make_page) -> None:
    page = make_page(FakeDiagnose(PASSING))
    show_and_wait(qtbot, page)
    assert page.overall.text() == "✔ PASS"
    assert LIGHT.ok in page.overall.styleSheet()
    assert page.counts.text() == "1 for information, 2 passed"
    assert [group.toggle.text() for group in page.findings.groups] == ["ℹ For information (1)", "✔ Passed (2)"]
    assert page.facts.values["GPUs"].text() == "GPU 0: NVIDIA GeForce RTX 4090, compute capability 8.9"
    assert page.facts.values["Frameworks"].text() == (
        "/usr/bin/python3:\n• torch 2.5.1+cu124: CUDA 12.4, cuDNN 9.1.0, GPU usable: yes"
    )
    assert not page.simulated_banner.isVisible()


def test_simulated_facts_show_the_banner_and_every_missing_fact_as_na_with_its_reason(qtbot, make_page) -> None:
    page = make_page(FakeDiagnose(SIMULATED))
    show_and_wait(qtbot, page)
    assert page.simulated_banner.isVisible() and page.simulated_banner.text().startswith("SIMULATED")
    assert page.overall.text() == "⚠ WARN"
    values = {row: label.text() for row, label in page.facts.values.items()}
    assert values == {
        "Operating system": "linux",
        "NVIDIA driver": "n/a (simulated GPUs: no driver was asked)",
        "GPUs": "GPU 0: NVIDIA GeForce RTX 4090 [SIMULATED], compute capability 8.9\n"
        "GPU 1: NVIDIA GeForce RTX 3090 [SIMULATED], compute capability n/a (not in the simulated catalog)",
        "CUDA toolkit": "n/a (no nvcc on PATH, CUDA_HOME unset, no /usr/local/cuda*)",
        "cuDNN": "n/a (none found)",
        "Frameworks": "none found (torch, tensorflow and jax are not installed in /usr/bin/python3)",
    }
    assert "simulated GPUs: no driver was asked" in page.facts.values["NVIDIA driver"].toolTip()
    assert page.facts.values["Operating system"].toolTip() == "", "a known value needs no explanation"


def test_the_facts_of_a_failing_machine_list_every_toolkit_cudnn_and_framework_per_environment(
    qtbot, make_page
) -> None:
    page = make_page(FakeDiagnose(FAILING))
    show_and_wait(qtbot, page)
    values = {row: label.text() for row, label in page.facts.values.items()}
    assert values == {
        "Operating system": "linux",
        "NVIDIA driver": "570.133.07",
        "GPUs": "GPU 0: NVIDIA GeForce RTX 5090, compute capability 12.0",
        "CUDA toolkit": "in use: 12.8\n• 12.8 at /usr/local/cuda-12.8 (nvcc on PATH)\n"
        "• 12.4 at /usr/local/cuda-12.4 (LD_LIBRARY_PATH)",
        "cuDNN": "in use: 9.1.0\n• 9.1.0 at /home/ana/venvs/llm/lib/python3.11/site-packages (pip nvidia-cudnn-cu12)",
        "Frameworks": "/home/ana/venvs/llm/bin/python:\n"
        "• torch 2.5.1+cu124: CUDA 12.4, cuDNN 9.1.0, GPU usable: yes\n"
        "• tensorflow 2.17.0: CPU-only build (no CUDA), GPU usable: no",
    }


def test_copy_puts_exactly_the_command_on_the_clipboard_not_the_words(qtbot, make_page) -> None:
    page = make_page(FakeDiagnose(FAILING))
    show_and_wait(qtbot, page)
    toolkits = next(card for card in page.findings.cards() if card.finding.id == "toolkit.several")
    assert toolkits.fix_box is not None and toolkits.fix_box.copy_button is not None
    QGuiApplication.clipboard().setText("something else")
    qtbot.mouseClick(toolkits.fix_box.copy_button, Qt.MouseButton.LeftButton)
    assert QGuiApplication.clipboard().text() == (
        "export CUDA_HOME=/usr/local/cuda-12.8\nexport LD_LIBRARY_PATH=/usr/local/cuda-12.8/lib64"
    )
    assert QGuiApplication.clipboard().text() == TWO_TOOLKITS_FIX
    button = toolkits.fix_box.copy_button
    assert button.text() == "Copied"
    qtbot.waitUntil(lambda: button.text() == "Copy", timeout=3000)


def test_a_fix_in_words_only_has_no_copy_button(qtbot, make_page) -> None:
    """Words pasted into a terminal run as commands: only a fix_command can be copied."""
    page = make_page(FakeDiagnose(FAILING))
    show_and_wait(qtbot, page)
    cudnn = next(card for card in page.findings.cards() if card.finding.id == "cudnn.gpu_not_supported")
    assert cudnn.fix_box is not None and cudnn.fix_box.text.text().startswith("use cuDNN 9.7.0 or newer")
    assert cudnn.fix_box.copy_button is None and cudnn.fix_box.command is None


def test_the_first_check_starts_when_the_page_is_first_shown_and_only_then(qtbot, make_page) -> None:
    diagnose = FakeDiagnose(PASSING)
    page = make_page(diagnose)
    qtbot.wait(200)
    assert diagnose.calls == [], "making the page (at window start) starts nothing"
    assert page.overall.text() == "not checked yet"
    show_and_wait(qtbot, page)
    page.hide()
    page.show()
    qtbot.wait(200)
    assert diagnose.calls == [()], "shown again: no second check without Re-run"


def test_rerun_diagnoses_again_with_the_added_environment_and_without_a_removed_one(qtbot, make_page, tmp_path) -> None:
    diagnose = FakeDiagnose(PASSING)
    page = make_page(diagnose)
    show_and_wait(qtbot, page)
    venv = _venv(tmp_path)
    assert page.environments.add(venv) is None
    assert page.environments.paths == [venv] and not page.environments.none_note.isVisible()
    qtbot.mouseClick(page.rerun_button, Qt.MouseButton.LeftButton)
    wait_for_answer(qtbot, page)
    qtbot.mouseClick(page.rerun_button, Qt.MouseButton.LeftButton)
    wait_for_answer(qtbot, page)
    qtbot.mouseClick(page.environments.remove_button(venv), Qt.MouseButton.LeftButton)
    assert page.environments.paths == [] and page.environments.none_note.isVisible()
    qtbot.mouseClick(page.rerun_button, Qt.MouseButton.LeftButton)
    wait_for_answer(qtbot, page)
    assert diagnose.calls == [(), (venv,), (venv,), ()]


def test_the_add_menu_takes_a_folder_or_an_interpreter_from_the_file_dialog(
    qtbot, make_page, tmp_path, monkeypatch
) -> None:
    page = make_page(FakeDiagnose(PASSING))
    venv = _venv(tmp_path)
    interpreter = tmp_path / "other" / "python"
    interpreter.parent.mkdir()
    interpreter.write_text("#!/bin/sh\n")
    interpreter.chmod(0o755)
    monkeypatch.setattr("PySide6.QtWidgets.QFileDialog.getExistingDirectory", lambda *args: str(venv))
    monkeypatch.setattr("PySide6.QtWidgets.QFileDialog.getOpenFileName", lambda *args: (str(interpreter), ""))
    page.environments.folder_action.trigger()
    page.environments.interpreter_action.trigger()
    assert page.environments.paths == [venv, interpreter]
    monkeypatch.setattr("PySide6.QtWidgets.QFileDialog.getExistingDirectory", lambda *args: "")
    page.environments.folder_action.trigger()  # the dialog was cancelled
    assert page.environments.paths == [venv, interpreter]


def test_an_environment_that_is_not_one_is_refused_with_the_reason_and_nothing_is_added(
    qtbot, make_page, tmp_path
) -> None:
    page = make_page(FakeDiagnose(PASSING))
    page.show()
    empty = tmp_path / "empty"
    empty.mkdir()
    problem = page.environments.add(empty)
    assert problem == f"{empty} has no Python interpreter (looked for bin/python, bin/python3)"
    assert page.environments.problem.text() == problem and page.environments.problem.isVisible()
    not_a_program = tmp_path / "notes.txt"
    not_a_program.write_text("hello")
    assert page.environments.add(not_a_program) == (
        f"{not_a_program} is not a Python interpreter: not an executable program (choose python, or its environment)"
    )
    other_program = tmp_path / "bin" / "true"  # executable, but not Python: `aiwm doctor --env` refuses it too
    other_program.parent.mkdir()
    other_program.write_text("#!/bin/sh\n")
    other_program.chmod(0o755)
    assert page.environments.add(other_program) == (
        f"{other_program} is not a Python interpreter: its name is not python, python3 or python3.X"
    )
    assert page.environments.add(tmp_path / "gone") == f"{tmp_path / 'gone'} does not exist"
    venv = _venv(tmp_path)
    assert page.environments.add(venv) is None and not page.environments.problem.isVisible()
    assert page.environments.add(venv) == f"{venv} is already in the list"
    assert page.environments.paths == [venv]
    wait_for_answer(qtbot, page)


def test_the_page_keeps_answering_while_a_slow_diagnosis_runs(qtbot, make_page) -> None:
    release = threading.Event()
    gate_passed: list[bool] = []
    diagnose = FakeDiagnose(PASSING)

    def slow(environments):
        gate_passed.append(release.wait(10))
        return diagnose(environments)

    page = make_page(slow)
    ticks: list[int] = []
    timer = QTimer()
    timer.setInterval(10)
    timer.timeout.connect(lambda: ticks.append(1))
    timer.start()
    page.show()
    qtbot.waitUntil(lambda: len(ticks) >= 20, timeout=3000)  # the GUI thread runs its timers
    timer.stop()
    assert page.busy and not page.rerun_button.isEnabled()
    assert page.busy_bar.isVisible() and page.busy_label.text().startswith("Checking… ")
    page.rerun()  # while one runs, a second is not started
    release.set()
    wait_for_answer(qtbot, page)
    assert gate_passed == [True] and diagnose.calls == [()]
    assert not page.busy_bar.isVisible() and not page.busy_label.isVisible()
    assert page.overall.text() == "✔ PASS"


def test_a_diagnosis_that_raises_shows_its_message_in_one_line_and_the_page_carries_on(qtbot, make_page) -> None:
    diagnose = FakeDiagnose(RuntimeError("nvidia-smi did not answer within 10 s"), PASSING)
    page = make_page(diagnose)
    show_and_wait(qtbot, page)
    assert page.error_line.isVisible()
    assert page.error_line.text() == (
        "✖ The check could not run: unexpected error (RuntimeError: nvidia-smi did not answer within 10 s);"
        " the details are in the log"
    )
    assert page.overall.text() == "not checked yet" and page.findings.groups == []
    qtbot.mouseClick(page.rerun_button, Qt.MouseButton.LeftButton)
    wait_for_answer(qtbot, page)
    assert not page.error_line.isVisible() and page.overall.text() == "✔ PASS"


def test_a_failed_rerun_keeps_the_previous_results_and_says_when_they_are_from(qtbot, make_page) -> None:
    diagnose = FakeDiagnose(FAILING, OSError(24, "Too many open files"))
    page = make_page(diagnose)
    show_and_wait(qtbot, page)
    qtbot.mouseClick(page.rerun_button, Qt.MouseButton.LeftButton)
    wait_for_answer(qtbot, page)
    assert page.error_line.text() == (
        "✖ The check could not run: Too many open files; below: the results of 2026-11-28 14:23:05"
    )
    assert page.overall.text() == "✖ FAIL" and len(page.findings.cards()) == 12


@pytest.mark.parametrize("size", [(1770, 1000), (800, 450)])
def test_no_text_is_cut_off_and_a_page_too_small_scrolls(qtbot, make_page, size) -> None:
    page = make_page(FakeDiagnose(FAILING))
    show_and_wait(qtbot, page)
    qtbot.mouseClick(page.findings.groups[-1].toggle, Qt.MouseButton.LeftButton)  # every finding open
    page.resize(*size)
    qtbot.wait(100)  # the layouts settle
    labels = [label for label in page.findChildren(QLabel) if label.wordWrap() and label.isVisible()]
    assert len(labels) > 30
    cut = [label.text()[:40] for label in labels if label.height() < label.heightForWidth(label.width())]
    assert cut == [], "every wrapped text has the height it needs at its width"
    findings_area = page.findChildren(QScrollArea)[0]
    needed = findings_area.widget().heightForWidth(findings_area.viewport().width())
    assert findings_area.widget().height() == max(needed, findings_area.viewport().height())
    scrolls = findings_area.verticalScrollBar().maximum() > 0
    assert scrolls == (needed > findings_area.viewport().height()), "a scroll bar only where the findings need one"


def test_f5_on_the_page_runs_the_check_again(qtbot, make_page) -> None:
    diagnose = FakeDiagnose(PASSING)
    page = make_page(diagnose)
    show_and_wait(qtbot, page)
    page.activateWindow()
    page.rerun_button.setFocus()
    qtbot.keyClick(page.rerun_button, Qt.Key.Key_F5)
    wait_for_answer(qtbot, page)
    assert diagnose.calls == [(), ()]
