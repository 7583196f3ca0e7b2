"""The application icon: one SVG, the committed PNG sizes and .ico made from it, and the window's copy."""

from __future__ import annotations

import os
import struct
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")  # no display needed, as in tests/ui
from PySide6.QtGui import QImage, QImageReader
from pytestqt.qtbot import QtBot

from app.ui.launch import DESKTOP_ID, set_app_identity

ROOT = Path(__file__).resolve().parents[2]
ICONS = ROOT / "packaging" / "icons"
# The sizes the hicolor theme and Windows need (freedesktop Icon Theme Specification; Windows' icon sizes).
PNG_SIZES = (16, 24, 32, 48, 64, 128, 256, 512)
ICO_SIZES = (16, 24, 32, 48, 64, 128, 256)


def _image(path: Path) -> QImage:
    image = QImage(str(path))
    assert not image.isNull(), f"{path} is not a readable image"
    return image.convertToFormat(QImage.Format.Format_ARGB32)


@pytest.mark.parametrize("size", PNG_SIZES)
def test_each_png_size_is_committed_square_and_of_its_size(size: int) -> None:
    image = _image(ICONS / f"aiwm-{size}.png")
    assert (image.width(), image.height()) == (size, size)


@pytest.mark.parametrize("size", PNG_SIZES)
def test_each_png_has_a_transparent_corner_and_an_opaque_middle(size: int) -> None:
    """Drawn on transparency (no white square behind it on a dark panel), and not empty."""
    image = _image(ICONS / f"aiwm-{size}.png")
    assert image.pixelColor(0, 0).alpha() == 0
    assert image.pixelColor(size // 2, size // 2).alpha() == 255


def test_the_16_px_icon_shows_the_green_pulse_on_the_dark_chip() -> None:
    """Legible at 16 px: the pulse line's green and the chip's dark body are both still there, as pixels
    of clearly different brightness (a blurred grey blob would fail)."""
    image = _image(ICONS / "aiwm-16.png")
    colours = [image.pixelColor(x, y) for x in range(16) for y in range(16)]
    opaque = [c for c in colours if c.alpha() == 255]
    greens = [c for c in opaque if c.green() > 150 and c.red() < 120]
    darks = [c for c in opaque if c.lightness() < 60]
    assert len(greens) >= 8, "the pulse line is lost at 16 px"
    assert len(darks) >= 40, "the chip's body is lost at 16 px"


def _ico_directory(data: bytes) -> list[tuple[int, int, int, int]]:
    """(width, height, bytes, offset) per image, read by hand from the ICONDIR / ICONDIRENTRY layout
    (Microsoft, "Icons" in the Win32 documentation): reserved 0, type 1, count; 16 bytes per entry."""
    reserved, kind, count = struct.unpack_from("<HHH", data, 0)
    assert (reserved, kind) == (0, 1), "not an icon file"
    entries = []
    for index in range(count):
        width, height, _colours, _zero, _planes, _bits, size, offset = struct.unpack_from(
            "<BBBBHHII", data, 6 + 16 * index
        )
        entries.append((width or 256, height or 256, size, offset))
    return entries


def test_the_ico_holds_every_windows_size_from_16_to_256() -> None:
    data = (ICONS / "aiwm.ico").read_bytes()
    entries = _ico_directory(data)
    assert sorted((w, h) for w, h, _, _ in entries) == [(s, s) for s in ICO_SIZES]
    for _, _, size, offset in entries:
        assert offset + size <= len(data), "an image runs past the end of the file"


def test_qt_reads_every_ico_image_and_each_matches_its_png() -> None:
    """Qt's own ICO reader (an independent decoder) gets the same pixels as the PNG of that size."""
    reader = QImageReader(str(ICONS / "aiwm.ico"))
    assert reader.imageCount() == len(ICO_SIZES)
    decoded: dict[int, QImage] = {}
    for index in range(reader.imageCount()):
        assert reader.jumpToImage(index)
        image = reader.read().convertToFormat(QImage.Format.Format_ARGB32)
        assert not image.isNull(), reader.errorString()
        decoded[image.width()] = image
    assert sorted(decoded) == list(ICO_SIZES)
    for size, image in decoded.items():
        png = _image(ICONS / f"aiwm-{size}.png")
        for x, y in ((0, 0), (size // 2, size // 2), (size // 4, size // 3), (size - 1, size // 2)):
            assert image.pixelColor(x, y).rgba() == png.pixelColor(x, y).rgba(), (size, x, y)


def test_the_window_icon_files_are_the_committed_icon() -> None:
    window = ROOT / "resources" / "icons"
    assert (window / "aiwm.svg").read_bytes() == (ICONS / "aiwm.svg").read_bytes()
    assert (window / "aiwm.png").read_bytes() == (ICONS / "aiwm-256.png").read_bytes()


def test_the_svg_is_our_own_drawing_with_no_embedded_bitmap_or_link() -> None:
    text = (ICONS / "aiwm.svg").read_text()
    assert 'viewBox="0 0 64 64"' in text
    for outside in ("<image", "xlink:href", "data:image", "<script"):
        assert outside not in text


def test_the_application_gets_the_icon_and_the_desktop_entry_name(qtbot: QtBot) -> None:
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance()
    assert isinstance(app, QApplication)
    set_app_identity(app)
    sizes = [(s.width(), s.height()) for s in app.windowIcon().availableSizes()]
    assert (256, 256) in sizes
    assert app.desktopFileName() == DESKTOP_ID
    assert (ROOT / "packaging" / "linux" / f"{DESKTOP_ID}.desktop").is_file()
