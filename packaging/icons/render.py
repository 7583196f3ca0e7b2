"""Make the icon's PNG sizes and the Windows .ico from aiwm.svg, with PySide6's QtSvg (in the project's venv).

The outputs are committed, so a build needs no drawing tool; run this again after changing the SVG:

    .venv/bin/python packaging/icons/render.py

It writes packaging/icons/aiwm-<N>.png for each size in PNG_SIZES, packaging/icons/aiwm.ico (ICO_SIZES)
and the window's copies resources/icons/aiwm.svg and resources/icons/aiwm.png (256 px).
"""

from __future__ import annotations

import os
import shutil
import struct
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
SVG = HERE / "aiwm.svg"
PNG_SIZES = (16, 24, 32, 48, 64, 128, 256, 512)
ICO_SIZES = (16, 24, 32, 48, 64, 128, 256)
WINDOW_ICON_SIZE = 256


def render_png(svg: Path, size: int) -> bytes:
    """The SVG drawn into a transparent size × size square, as PNG bytes."""
    from PySide6.QtCore import QBuffer, QByteArray, QIODevice
    from PySide6.QtGui import QImage, QPainter
    from PySide6.QtSvg import QSvgRenderer

    renderer = QSvgRenderer(str(svg))
    if not renderer.isValid():
        raise SystemExit(f"render: {svg} is not a valid SVG")
    image = QImage(size, size, QImage.Format.Format_ARGB32)
    image.fill(0)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    renderer.render(painter)
    painter.end()
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "PNG")
    buffer.close()
    return bytes(data.data())


def bgra_rows(png: bytes) -> tuple[int, list[bytes]]:
    """The PNG's size and its rows as 32-bit BGRA (un-premultiplied), top row first."""
    from PySide6.QtGui import QImage

    image = QImage.fromData(png, "PNG").convertToFormat(QImage.Format.Format_ARGB32)
    size = image.width()
    # Format_ARGB32 is stored as one native-endian 32-bit word per pixel: B, G, R, A bytes on x86.
    pixels, stride = bytes(image.constBits()), image.bytesPerLine()
    rows = [pixels[y * stride : y * stride + 4 * size] for y in range(size)]
    if sys.byteorder != "little":
        rows = [b"".join(row[i : i + 4][::-1] for i in range(0, len(row), 4)) for row in rows]
    return size, rows


def dib_entry(png: bytes) -> bytes:
    """One icon image as a 32-bit DIB: BITMAPINFOHEADER (height doubled for the mask), BGRA rows bottom-up,
    then the 1-bit AND mask (all zero: the alpha channel decides), each mask row padded to 4 bytes.

    Small sizes are stored this way rather than as PNG because older Windows icon loaders read only DIBs
    below 256 px (Microsoft, "Icons" in the Win32 UI guidelines)."""
    size, rows = bgra_rows(png)
    header = struct.pack("<IiiHHIIiiII", 40, size, 2 * size, 1, 32, 0, 0, 0, 0, 0, 0)
    mask_row = bytes(((size + 31) // 32) * 4)
    return header + b"".join(reversed(rows)) + mask_row * size


def ico_bytes(pngs: dict[int, bytes]) -> bytes:
    """An .ico file holding every size in `pngs`: ICONDIR, one ICONDIRENTRY per image, then the images.

    256 px is stored as PNG (Windows Vista and later read it; a DIB of that size is 256 KiB), the rest as DIBs.
    A width or height of 256 is written as 0 in the one-byte field, as the format requires."""
    sizes = sorted(pngs)
    images = [pngs[size] if size >= 256 else dib_entry(pngs[size]) for size in sizes]
    offset = 6 + 16 * len(sizes)
    directory = struct.pack("<HHH", 0, 1, len(sizes))
    for size, image in zip(sizes, images, strict=True):
        side = 0 if size >= 256 else size
        directory += struct.pack("<BBBBHHII", side, side, 0, 0, 1, 32, len(image), offset)
        offset += len(image)
    return directory + b"".join(images)


def main() -> int:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtGui import QGuiApplication

    app = QGuiApplication.instance() or QGuiApplication(sys.argv[:1])
    pngs = {size: render_png(SVG, size) for size in PNG_SIZES}
    for size, png in pngs.items():
        (HERE / f"aiwm-{size}.png").write_bytes(png)
    (HERE / "aiwm.ico").write_bytes(ico_bytes({size: pngs[size] for size in ICO_SIZES}))
    window_icons = ROOT / "resources" / "icons"
    window_icons.mkdir(exist_ok=True)
    shutil.copyfile(SVG, window_icons / "aiwm.svg")
    (window_icons / "aiwm.png").write_bytes(pngs[WINDOW_ICON_SIZE])
    del app
    print(f"render: wrote {len(pngs)} PNGs, aiwm.ico ({len(ICO_SIZES)} sizes) and resources/icons/")
    return 0


if __name__ == "__main__":
    sys.exit(main())
