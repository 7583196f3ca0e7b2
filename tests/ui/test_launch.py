"""Starting the window: which displays count as reachable (checked with real sockets), and screenshots."""

from __future__ import annotations

import contextlib
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from app.core.errors import UserError
from app.ui.launch import check_screenshot_path, display_problem, save_screenshot


@pytest.fixture
def wayland_socket(tmp_path: Path) -> Iterator[Path]:
    """A listening Unix socket where a Wayland compositor would be."""
    path = tmp_path / "wayland-test"
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as server:
        server.bind(str(path))
        server.listen()
        yield path


def _answer_one_setup(server: socket.socket, reply: bytes) -> None:
    """Accept one connection, read the 12-byte connection setup, answer `reply` (b"" = say nothing)."""
    with contextlib.suppress(OSError):
        connection, _ = server.accept()
        with connection:
            connection.recv(12)
            if reply:
                connection.sendall(reply)
            else:
                time.sleep(3)  # longer than the probe waits


@contextlib.contextmanager
def _x_like_server(reply: bytes) -> Iterator[int]:
    """A TCP port 6000 + N (DISPLAY=127.0.0.1:N) that answers an X connection setup with `reply`."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as server:
        server.bind(("127.0.0.1", 0))
        server.listen()
        answering = threading.Thread(target=_answer_one_setup, args=(server, reply), daemon=True)
        answering.start()
        yield server.getsockname()[1]
    answering.join(5)


@pytest.fixture
def x_server_port() -> Iterator[int]:
    """An X server that answers "Failed: no authorisation" (byte 0), as a cookie-protected one does."""
    with _x_like_server(b"\x00\x15\x0b\x00\x00\x00\x06\x00") as port:
        yield port


def test_a_server_that_accepts_but_never_answers_the_x_setup_is_a_problem() -> None:
    with _x_like_server(b"") as port:
        started = time.monotonic()
        problem = display_problem({"DISPLAY": f"127.0.0.1:{port - 6000}"})
        assert time.monotonic() - started < 2.9, "the probe gives up after its 2 s timeout"
    assert problem is not None and "did not answer within 2 s" in problem


def _free_display_number() -> int:
    return next(n for n in range(77, 200) if not Path(f"/tmp/.X11-unix/X{n}").exists())


def test_no_display_variable_is_a_problem() -> None:
    problem = display_problem({})
    assert problem is not None and "DISPLAY is not set" in problem and "QT_QPA_PLATFORM=offscreen" in problem


def test_offscreen_and_other_chosen_platforms_need_no_display() -> None:
    for platform in ("offscreen", "minimal", "vnc:size=800x600"):
        assert display_problem({"QT_QPA_PLATFORM": platform, "DISPLAY": f":{_free_display_number()}"}) is None


def test_a_display_with_no_server_behind_it_is_a_problem() -> None:
    number = _free_display_number()
    problem = display_problem({"DISPLAY": f":{number}"})
    assert problem is not None and f"DISPLAY=:{number}: no X server answers at /tmp/.X11-unix/X{number}" in problem


def test_an_x_server_that_accepts_connections_is_a_display(x_server_port: int) -> None:
    assert display_problem({"DISPLAY": f"127.0.0.1:{x_server_port - 6000}"}) is None


def test_a_wayland_compositor_that_accepts_connections_is_a_display(wayland_socket: Path) -> None:
    environ = {"WAYLAND_DISPLAY": wayland_socket.name, "XDG_RUNTIME_DIR": str(wayland_socket.parent)}
    assert display_problem(environ) is None
    assert display_problem({"WAYLAND_DISPLAY": str(wayland_socket)}) is None, "an absolute path works too"


def test_either_display_answering_is_enough_unless_a_platform_is_chosen(wayland_socket: Path) -> None:
    stale_x = f":{_free_display_number()}"
    assert display_problem({"DISPLAY": stale_x, "WAYLAND_DISPLAY": str(wayland_socket)}) is None
    problem = display_problem({"DISPLAY": stale_x, "WAYLAND_DISPLAY": str(wayland_socket), "QT_QPA_PLATFORM": "xcb"})
    assert problem is not None and f"DISPLAY={stale_x}" in problem


def test_a_bad_wayland_display_is_a_problem(tmp_path: Path) -> None:
    problem = display_problem({"WAYLAND_DISPLAY": "wayland-9", "XDG_RUNTIME_DIR": str(tmp_path)})
    assert problem is not None
    assert f"WAYLAND_DISPLAY=wayland-9: no Wayland compositor answers at {tmp_path / 'wayland-9'}" in problem
    assert "DISPLAY is not set" in problem


@pytest.mark.parametrize(
    ("name", "message"),
    [("shot.jpg", "must end in .png"), ("shot", "must end in .png"), ("missing/shot.png", "does not exist")],
)
def test_unusable_screenshot_names_are_refused(tmp_path: Path, name: str, message: str) -> None:
    with pytest.raises(UserError, match=message):
        check_screenshot_path(tmp_path / name)


def test_a_screenshot_never_overwrites_a_file(qtbot, tmp_path: Path) -> None:
    from PySide6.QtWidgets import QLabel

    label = QLabel("window")
    qtbot.addWidget(label)
    label.resize(200, 100)
    target = tmp_path / "shot.png"
    target.write_bytes(b"mine")
    assert save_screenshot(label, target) == "the file already exists (nothing was overwritten)"
    assert target.read_bytes() == b"mine"
    assert save_screenshot(label, tmp_path / "gone" / "shot.png") == "No such file or directory"
    assert save_screenshot(label, tmp_path / "new.png") is None
    assert (tmp_path / "new.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
