"""The Reports page: the user's choices reach the builder; Save writes where the dialog said; failures are one line."""

from __future__ import annotations

from pathlib import Path

from app.core.sampling.history import History
from app.report.build import ReportOptions
from app.ui.report_pdf import render_page_images
from tests.ui.pages.reports.conftest import FakeBuild, FakeWrite, Picks, wait_until_idle


def test_ticked_sections_redaction_and_period_reach_the_builder_with_the_windows_history(qtbot, make_page) -> None:
    build, history = FakeBuild(), History()
    page = make_page(build=build, history=history)
    controls = page.controls
    controls.section_boxes["plans"].setChecked(False)
    controls.section_boxes["history"].setChecked(False)
    controls.redact.setChecked(True)
    controls.period.setCurrentIndex(controls.period.findText("Last hour"))
    controls.preview_button.click()
    wait_until_idle(qtbot, page)
    options, given = build.calls[-1]
    assert options == ReportOptions(
        sections=("summary", "machine", "gpus", "software", "tests"), redact=True, since_s=3600.0
    )
    assert given is history


def test_all_history_and_every_section_by_default_reach_the_builder(qtbot, make_page) -> None:
    build = FakeBuild()
    page = make_page(build=build)
    page.controls.period.setCurrentIndex(page.controls.period.findText("All of the window's history"))
    page.controls.preview_button.click()
    wait_until_idle(qtbot, page)
    options, _ = build.calls[-1]
    assert options.sections == ("summary", "machine", "gpus", "software", "tests", "history", "plans")
    assert options.since_s is None and options.redact is False


def test_the_preview_shows_the_reports_pages(qtbot, make_page) -> None:
    page = make_page(preview=render_page_images)
    page.controls.preview_button.click()
    wait_until_idle(qtbot, page)
    assert len(page.page_labels) >= 2
    assert all(not label.pixmap().isNull() for label in page.page_labels)
    assert page.hint.isHidden()


def test_save_writes_through_write_report_to_the_chosen_path_then_offers_open_folder(
    qtbot, make_page, tmp_path
) -> None:
    write, picks = FakeWrite(), Picks((tmp_path / "machine.html", False))
    page = make_page(write=write, picks=picks)
    page.controls.format.setCurrentIndex(page.controls.format.findText("HTML"))
    assert not page.controls.open_folder_button.isVisibleTo(page)
    page.controls.save_button.click()
    wait_until_idle(qtbot, page)
    assert write.calls == [("System report: workstation-7", "html", tmp_path / "machine.html")]
    assert (tmp_path / "machine.html").read_text() == "html:System report: workstation-7"
    assert picks.asked[0][1] == "Web pages (*.html)" and picks.asked[0][0].endswith(".html")
    assert page.controls.open_folder_button.isVisibleTo(page)
    assert str(tmp_path / "machine.html") in page.controls.status_line.text()
    page.controls.open_folder_button.click()
    assert picks.opened == [tmp_path]


def test_a_name_typed_without_extension_gets_the_formats(qtbot, make_page, tmp_path) -> None:
    write = FakeWrite()
    page = make_page(write=write, picks=Picks((tmp_path / "report", False)))
    page.controls.format.setCurrentIndex(page.controls.format.findText("JSON"))
    page.controls.save_button.click()
    wait_until_idle(qtbot, page)
    assert write.calls[0][1:] == ("json", tmp_path / "report.json")


def test_a_cancelled_dialog_builds_and_writes_nothing(qtbot, make_page) -> None:
    build, write = FakeBuild(), FakeWrite()
    page = make_page(build=build, write=write, picks=Picks(None))
    page.controls.save_button.click()
    assert not page.busy and build.calls == [] and write.calls == []


def test_an_existing_file_is_replaced_only_after_the_dialogs_confirmation_and_only_when_complete(
    qtbot, make_page, tmp_path
) -> None:
    target = tmp_path / "report.pdf"
    target.write_text("the user's old report")
    failing = make_page(write=FakeWrite(OSError(28, "No space left on device")), picks=Picks((target, True)))
    failing.controls.save_button.click()
    wait_until_idle(qtbot, failing)
    assert target.read_text() == "the user's old report", "a failed write leaves the old file whole"
    assert [p.name for p in tmp_path.iterdir()] == ["report.pdf"], "no half-written file left beside it"
    page = make_page(picks=Picks((target, True)))
    page.controls.save_button.click()
    wait_until_idle(qtbot, page)
    assert target.read_text() == "pdf:System report: workstation-7"
    assert [p.name for p in tmp_path.iterdir()] == ["report.pdf"]


def test_a_file_that_appeared_after_the_dialog_is_not_overwritten(qtbot, make_page, tmp_path) -> None:
    target = tmp_path / "report.pdf"
    target.write_text("someone else's")
    page = make_page(picks=Picks((target, False)))
    page.controls.save_button.click()
    wait_until_idle(qtbot, page)
    assert target.read_text() == "someone else's"
    assert page.controls.error_line.isVisibleTo(page)
    assert not page.controls.open_folder_button.isVisibleTo(page)


def test_a_failing_build_shows_one_line_and_the_page_stays_usable(qtbot, make_page) -> None:
    page = make_page(build=FakeBuild(RuntimeError("NVML vanished\nwhile reading GPU 0")))
    page.controls.preview_button.click()
    wait_until_idle(qtbot, page)
    line = page.controls.error_line.text()
    assert page.controls.error_line.isVisibleTo(page)
    assert "NVML vanished while reading GPU 0" in line and "\n" not in line
    assert page.controls.preview_button.isEnabled() and page.controls.save_button.isEnabled()


def test_the_error_line_is_cleared_by_the_next_attempt(qtbot, make_page, tmp_path: Path) -> None:
    build = FakeBuild(RuntimeError("boom"))
    page = make_page(build=build)
    page.controls.preview_button.click()
    wait_until_idle(qtbot, page)
    build.error = None
    page.controls.preview_button.click()
    wait_until_idle(qtbot, page)
    assert not page.controls.error_line.isVisibleTo(page)


def test_a_preview_is_marked_out_of_date_when_a_choice_changes_until_it_is_rebuilt(qtbot, make_page) -> None:
    """T11 point 11: ticking Redact after a preview left the real hostname on screen with no hint."""
    page = make_page()
    page.controls.preview_button.click()
    wait_until_idle(qtbot, page)
    assert not page.stale_line.isVisibleTo(page) and all(label.isEnabled() for label in page.page_labels)

    page.controls.redact.setChecked(True)
    assert page.stale_line.isVisibleTo(page), "redaction changed: the pages shown are not what Save writes"
    assert "Out of date" in page.stale_line.text()
    assert not any(label.isEnabled() for label in page.page_labels), "the old pages are greyed"

    page.controls.redact.setChecked(False)  # back to the choices the pages were built with
    assert not page.stale_line.isVisibleTo(page)
    page.controls.section_boxes["machine"].setChecked(False)
    assert page.stale_line.isVisibleTo(page)
    page.controls.section_boxes["machine"].setChecked(True)
    page.controls.period.setCurrentIndex(page.controls.period.findText("Last hour"))
    assert page.stale_line.isVisibleTo(page)

    page.controls.preview_button.click()
    wait_until_idle(qtbot, page)
    assert not page.stale_line.isVisibleTo(page) and all(label.isEnabled() for label in page.page_labels)
    page.controls.format.setCurrentIndex(page.controls.format.findText("HTML"))
    assert not page.stale_line.isVisibleTo(page), "the format does not change the report's content"


def test_a_choice_changed_while_the_preview_was_being_built_marks_it_out_of_date(qtbot, make_page) -> None:
    page = make_page()
    page.controls.preview_button.click()
    page.controls.redact.setChecked(True)  # the build already has the old choices
    wait_until_idle(qtbot, page)
    assert page.stale_line.isVisibleTo(page)


def test_before_any_preview_nothing_is_out_of_date(qtbot, make_page) -> None:
    page = make_page()
    page.controls.redact.setChecked(True)
    assert not page.stale_line.isVisibleTo(page)
