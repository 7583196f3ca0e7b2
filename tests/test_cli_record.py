"""`aiwm record` end to end, in real subprocesses: Ctrl+C, time scales, what the session holds."""

from __future__ import annotations

import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from app.core.sessions.reader import Session


def _aiwm(*args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "app", *args], capture_output=True, text=True, timeout=timeout, check=False
    )


@pytest.mark.parametrize(("signum", "status"), [(signal.SIGINT, 130), (signal.SIGTERM, 143), (signal.SIGHUP, 129)])
def test_ctrl_c_term_or_hangup_stop_the_recording_cleanly_and_exit_128_plus_the_signal(
    tmp_path: Path, signum: int, status: int
) -> None:
    """Ctrl+C (SIGINT) exits 130, SIGTERM 143, an SSH disconnect (SIGHUP) 129: 128 + the signal's number."""
    session, table = tmp_path / "early.aiwm", tmp_path / "early.csv"
    with subprocess.Popen(
        [sys.executable, "-m", "app", "record", "--out", str(session), "--duration", "600", "--demo"],
        stderr=subprocess.PIPE,
        text=True,
    ) as process:
        assert process.stderr is not None
        first_line = process.stderr.readline()  # printed just before sampling starts
        assert "recording SIMULATED GPUs" in first_line
        time.sleep(2.5)
        process.send_signal(signum)
        rest = process.stderr.read()
        assert process.wait(30) == status
    lines = rest.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in rest, rest
    found = re.fullmatch(
        rf"aiwm: stopped early after (\d+\.\d) s of 600 s; wrote (\d+) readings \((\d+) sources\)"
        rf" to {re.escape(str(session))}",
        lines[0],
    )
    assert found, lines[0]
    assert 1.5 <= float(found.group(1)) <= 30
    with Session(session) as stored:
        stored_samples = list(stored.samples())
    rows = len(stored_samples)
    assert rows == int(found.group(2)) and rows > 0, "every reading counted is in the file"
    assert int(found.group(3)) == len({s.source for s in stored_samples})
    done = _aiwm("export", str(session), "--csv", str(table))
    assert done.returncode == 0, done.stderr
    assert table.read_text().startswith("time,simulated,")


def test_a_fast_time_scale_accounts_for_every_tick_and_records_only_simulated_sources(tmp_path: Path) -> None:
    session = tmp_path / "scaled.aiwm"
    done = _aiwm("record", "--out", str(session), "--duration", "1800", "--demo", "--time-scale", "600")
    assert done.returncode == 0, done.stderr
    assert "recording the simulated GPUs only" in done.stderr
    skipped = re.search(r"aiwm: gpu: (\d+) of 1800 ticks skipped", done.stderr)
    with Session(session) as stored:
        sources = [s.source for s in stored.samples()]
        notes = [message for _, kind, message in stored.events() if kind == "ticks_skipped"]
        meta = stored.meta
    # 1800 s at one tick a second: ticks 0 .. 1799, each one a row or counted as skipped.
    skipped_count = int(skipped.group(1)) if skipped else 0
    assert sources.count("gpu") + skipped_count == 1800
    if skipped_count:
        assert any(note.startswith(f"gpu: {skipped_count} of 1800 ticks skipped") for note in notes)
    assert set(sources) == {"gpu", "gpu_pcie"}, "real host readings are not put on the simulated clock"
    assert meta["sources"] == "simulated only"


def _gui_env(tmp_path: Path, **extra: str) -> dict[str, str]:
    """A desktop-less environment: no DISPLAY, no WAYLAND_DISPLAY, no Qt platform, unless given."""
    return {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "AIWM_HOME": str(tmp_path / "aiwm"), **extra}


def _free_x_display() -> str:
    number = next(n for n in range(77, 200) if not Path(f"/tmp/.X11-unix/X{n}").exists())
    return f":{number}"


def _gui(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "app", "gui", "--demo", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_a_stale_display_is_one_line_and_exit_2_not_a_qt_abort(tmp_path: Path) -> None:
    display = _free_x_display()
    done = _gui(_gui_env(tmp_path, DISPLAY=display))
    assert done.returncode == 2, done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr
    assert f"DISPLAY={display}: no X server answers" in lines[0] and "QT_QPA_PLATFORM=offscreen" in lines[0]


def test_a_wayland_display_without_a_compositor_is_one_line_and_exit_2(tmp_path: Path) -> None:
    done = _gui(_gui_env(tmp_path, WAYLAND_DISPLAY="wayland-aiwm-none", XDG_RUNTIME_DIR=str(tmp_path)))
    assert done.returncode == 2, done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and "WAYLAND_DISPLAY=wayland-aiwm-none: no Wayland compositor answers" in lines[0]


def test_the_offscreen_platform_needs_no_display(tmp_path: Path) -> None:
    shot = tmp_path / "offscreen.png"
    done = _gui(
        _gui_env(tmp_path, QT_QPA_PLATFORM="offscreen", DISPLAY=_free_x_display()),
        "--screenshot",
        str(shot),
        "--after",
        "0.5",
    )
    assert done.returncode == 0, done.stderr
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_an_existing_screenshot_file_is_refused_before_the_window_opens(tmp_path: Path) -> None:
    shot = tmp_path / "mine.png"
    shot.write_bytes(b"the user's picture")
    done = _gui(_gui_env(tmp_path, QT_QPA_PLATFORM="offscreen"), "--screenshot", str(shot), "--after", "0.5")
    assert done.returncode == 2
    [line] = done.stderr.strip().splitlines()
    assert line.startswith(f"aiwm: error: {shot}") and "already exists" in line and "nothing was overwritten" in line
    assert shot.read_bytes() == b"the user's picture"


def test_a_screenshot_name_not_ending_in_png_is_refused(tmp_path: Path) -> None:
    shot = tmp_path / "window.jpg"
    done = _gui(_gui_env(tmp_path, QT_QPA_PLATFORM="offscreen"), "--screenshot", str(shot), "--after", "0.5")
    assert done.returncode == 2
    assert done.stderr.strip().splitlines() == [
        f"aiwm: error: --screenshot {shot}: the file name must end in .png (the window is saved as PNG)"
    ]
    assert not shot.exists()


def _qt_loaded(pid: int) -> bool:
    try:
        return "libQt6Core" in Path(f"/proc/{pid}/maps").read_text()
    except OSError:
        return False


def test_a_failed_screenshot_save_exits_2_with_the_reason(tmp_path: Path) -> None:
    # The file appears after the start-up check (Qt is loaded only after it) and before the
    # save, 3 s after the window shows: the save must fail, say why and leave the file alone.
    shot = tmp_path / "raced.png"
    with subprocess.Popen(
        [sys.executable, "-m", "app", "gui", "--demo", "--screenshot", str(shot), "--after", "3"],
        env=_gui_env(tmp_path, QT_QPA_PLATFORM="offscreen"),
        stderr=subprocess.PIPE,
        text=True,
    ) as process:
        deadline = time.monotonic() + 60
        while not _qt_loaded(process.pid) and process.poll() is None and time.monotonic() < deadline:
            time.sleep(0.01)
        shot.write_bytes(b"written meanwhile")
        _, stderr = process.communicate(timeout=120)
    assert process.returncode == 2, stderr
    assert f"aiwm: error: could not save screenshot {shot}: the file already exists" in stderr
    assert shot.read_bytes() == b"written meanwhile"
