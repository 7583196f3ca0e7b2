"""Writing the report when the disk or the folder fails: one line, exit 2 (a `UserError`), no file.

Qt's PDF writer does not report a failed write: on a full disk it leaves a file cut short, which
the trial's `aiwm report --format pdf` called written. The builder checks the PDF is whole (it ends
with the trailer's %%EOF) before giving it the user's name.
"""

from __future__ import annotations

import errno
import tempfile
from pathlib import Path
from typing import Any

import pytest

from app.core.errors import UserError
from app.report import build
from app.report.build import write_report


def _pdf_writing(data: bytes) -> Any:
    def writer(document: dict[str, Any], path: Path) -> None:
        path.write_bytes(data)

    return writer


WHOLE = b"%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


@pytest.mark.parametrize(
    "data",
    [
        WHOLE[:30],  # cut short by a full disk: no trailer, no %%EOF
        b"",  # nothing written at all
        b"<html>not a pdf</html>\n%%EOF\n",  # not a PDF
    ],
    ids=["cut short", "empty", "not a pdf"],
)
def test_an_incomplete_pdf_is_one_line_and_leaves_no_file(tmp_path: Path, data: bytes) -> None:
    out = tmp_path / "r.pdf"
    with pytest.raises(UserError, match="the PDF came out incomplete") as refused:
        write_report({"title": "x"}, "pdf", out, _pdf_writing(data))
    assert str(refused.value).startswith(f"cannot write {out}: ") and "\n" not in str(refused.value)
    assert list(tmp_path.iterdir()) == []  # neither the report nor its temporary name


def test_a_whole_pdf_is_written_and_flushed_to_disk(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    flushed: list[int] = []
    real_fsync = build.os.fsync
    monkeypatch.setattr(build.os, "fsync", lambda fd: (flushed.append(fd), real_fsync(fd))[-1])
    write_report({"title": "x"}, "pdf", tmp_path / "r.pdf", _pdf_writing(WHOLE))
    assert (tmp_path / "r.pdf").read_bytes() == WHOLE
    assert flushed, "the PDF is fsync'ed before it gets the user's name"


def test_a_pdf_whose_flush_fails_is_one_line_and_leaves_no_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def no_space(fd: int) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(build.os, "fsync", no_space)
    out = tmp_path / "r.pdf"
    with pytest.raises(UserError) as refused:
        write_report({"title": "x"}, "pdf", out, _pdf_writing(WHOLE))
    assert str(refused.value) == f"cannot write {out}: No space left on device (no report was written)"
    assert list(tmp_path.iterdir()) == []


def test_a_folder_that_refuses_the_temporary_pdf_is_one_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The trial's `--out /sys/x.pdf`: the folder looks writable to root, then refuses the file."""

    def refused(*args: object, **kwargs: object) -> tuple[int, str]:
        raise PermissionError(errno.EACCES, "Permission denied")

    monkeypatch.setattr(tempfile, "mkstemp", refused)
    out = tmp_path / "x.pdf"
    with pytest.raises(UserError) as failed:
        write_report({"title": "x"}, "pdf", out, _pdf_writing(WHOLE))
    assert str(failed.value) == f"cannot write {out}: Permission denied (no report was written)"


@pytest.mark.parametrize("fmt", ["json", "html"])
def test_a_full_disk_during_json_or_html_is_one_line_and_leaves_no_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fmt: str
) -> None:
    """The trial's traceback: OSError [Errno 28] from the writer's write."""
    monkeypatch.setattr(build, "_html", lambda document: "<html>" + "x" * 100 + "</html>")

    def full(fd: int) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(build.os, "fsync", full)
    out = tmp_path / f"r.{fmt}"
    with pytest.raises(UserError) as failed:
        write_report({"title": "x"}, fmt, out)
    assert str(failed.value) == f"cannot write {out}: No space left on device (no report was written)"
    assert list(tmp_path.iterdir()) == []
