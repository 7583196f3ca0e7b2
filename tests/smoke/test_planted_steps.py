"""The child's steps as a whole: their order, the first failure ending the run with status 1, the first
paint timed from the process's creation, and each step on a real window checking what it says it checks.

Written against planted bugs that the other smoke tests let through (issue 12's test audit): a step
that checks nothing but still prints `ok`, a run that goes on (and exits 0) after a failed step."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication, QLabel

import app.report.build
from app.core.engine import EngineOptions
from app.smoke.checks import SmokeFailure
from app.ui import smoke
from app.ui.smoke import SmokeRun, fewest_gpu_samples

LATER_STEPS = ("_samples", "_dashboard", "_pages", "_doctor", "_report", "_cleanup")


def _stand_in_steps(monkeypatch: pytest.MonkeyPatch, called: list[str], failing: str | None) -> None:
    """Every step replaced by one that notes its call; `failing` raises instead; the first paint
    says the process was 4.321 s old when the window was painted."""

    def step(name: str) -> Callable[[SmokeRun], None]:
        def run(self: SmokeRun) -> None:
            called.append(name)
            if name == failing:
                raise SmokeFailure(f"planted failure of {name}")
            if name == "_first_paint":
                self.first_paint_age_s = 4.321

        return run

    for name in ("_first_paint", *LATER_STEPS):
        monkeypatch.setattr(SmokeRun, name, step(name))


def test_the_steps_run_in_order_and_the_first_paint_is_the_processs_age(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    called: list[str] = []
    _stand_in_steps(monkeypatch, called, failing=None)
    run = SmokeRun(None, EngineOptions(demo=""))
    try:
        assert run.steps() == 0
    finally:
        run.close()
    assert called == ["_first_paint", *LATER_STEPS]
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "smoke: first paint ok (4321 ms)"  # the process's age, not the step's own time
    assert [line.split(" ok ")[0] for line in lines] == [
        f"smoke: {step}" for step in ("first paint", "samples", "dashboard", "pages", "doctor", "report", "cleanup")
    ]


@pytest.mark.parametrize("failing", ["_first_paint", "_doctor"])
def test_the_first_failed_step_ends_the_run_with_status_1(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], failing: str
) -> None:
    called: list[str] = []
    _stand_in_steps(monkeypatch, called, failing=failing)
    run = SmokeRun(None, EngineOptions(demo=""))
    try:
        assert run.steps() == 1
    finally:
        run.close()
    order = ["_first_paint", *LATER_STEPS]
    assert called == order[: order.index(failing) + 1]  # nothing after the failed step runs
    last = capsys.readouterr().out.splitlines()[-1]
    assert last.endswith(f"FAILED: planted failure of {failing}")


@pytest.fixture
def window_run(qapp: QApplication) -> Iterator[SmokeRun]:
    """A smoke run with its real window open (simulated GPUs) and sampled, as the child has it after its
    first two steps; closed afterwards."""
    run = SmokeRun(None, EngineOptions(demo=""))
    try:
        run._first_paint()
        run._samples()
        yield run
    finally:
        run.close()


@pytest.mark.slow
def test_each_step_checks_the_real_window(window_run: SmokeRun, monkeypatch: pytest.MonkeyPatch) -> None:
    window = window_run._window()
    assert fewest_gpu_samples(window) >= 2  # the samples step waited for two samples of every GPU
    checked: list[str] = []
    real_check = smoke.check_painted

    def recording_check(widget: object, what: str) -> None:
        checked.append(what)
        real_check(widget, what)  # type: ignore[arg-type]

    monkeypatch.setattr(smoke, "check_painted", recording_check)
    window_run._pages()
    assert checked == [f"the {page.title} page" for page in window.page_list]
    window_run._dashboard()
    window_run._doctor()
    window_run._report()


@pytest.mark.slow
def test_a_dashboard_without_a_simulated_label_fails(window_run: SmokeRun, monkeypatch: pytest.MonkeyPatch) -> None:
    window = window_run._window()
    monkeypatch.setattr(window, "redraw_now", lambda: None)  # the labels stay as this test leaves them
    labels = [label for label in window.dashboard.findChildren(QLabel) if "SIMULATED" in label.text()]
    assert labels
    for label in labels:
        label.setText(label.text().replace("SIMULATED", "simulated"))
    with pytest.raises(SmokeFailure, match="no GPU on the dashboard is labelled SIMULATED"):
        window_run._dashboard()


@pytest.mark.slow
def test_a_report_format_that_was_not_written_fails(window_run: SmokeRun, monkeypatch: pytest.MonkeyPatch) -> None:
    real_write = app.report.build.write_report

    def no_pdf(document: dict[str, object], fmt: str, path: Path, *rest: object) -> None:
        if fmt != "pdf":
            real_write(document, fmt, path, *rest)  # type: ignore[arg-type]

    monkeypatch.setattr(app.report.build, "write_report", no_pdf)
    window_run._doctor()
    with pytest.raises(SmokeFailure, match="the pdf report was not written"):
        window_run._report()
