"""Render the app icon (app/resources/icons/cart-composer.svg) to the PNG sizes the window and the
desktop use, and pack the Windows .ico and the macOS .icns from those PNGs.

    QT_QPA_PLATFORM=offscreen .venv/bin/python resources/packaging/make_icons.py

Run it after changing the SVG; the outputs are committed (the build does not need Qt's SVG
renderer to find them). ICO and ICNS are both a short header and a list of PNG images, written
here byte by byte: no image library needed.
"""

from __future__ import annotations

import struct
import sys
from pathlib import Path

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, Qt
from PySide6.QtGui import QGuiApplication, QImage, QPainter
from PySide6.QtSvg import QSvgRenderer

ROOT = Path(__file__).resolve().parents[2]
SVG = ROOT / "app" / "resources" / "icons" / "cart-composer.svg"
PNG_DIR = ROOT / "app" / "resources" / "icons"
PACKAGING = ROOT / "resources" / "packaging" / "icons"
WINDOW_SIZES = (16, 24, 32, 48, 64, 128, 256, 512)
ICO_SIZES = (16, 24, 32, 48, 64, 128, 256)
# The ICNS types that hold a PNG: (type, pixels).
ICNS_TYPES = (
    (b"icp4", 16),
    (b"icp5", 32),
    (b"ic11", 32),
    (b"icp6", 64),
    (b"ic12", 64),
    (b"ic07", 128),
    (b"ic13", 256),
    (b"ic08", 256),
    (b"ic14", 512),
    (b"ic09", 512),
    (b"ic10", 1024),
)


def render(renderer: QSvgRenderer, size: int) -> bytes:
    image = QImage(size, size, QImage.Format.Format_ARGB32)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    renderer.render(painter)
    painter.end()
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    assert image.save(buffer, "PNG")
    return bytes(data.data())


def ico(pngs: dict[int, bytes]) -> bytes:
    sizes = sorted(pngs)
    header = struct.pack("<HHH", 0, 1, len(sizes))
    offset = len(header) + 16 * len(sizes)
    directory, images = b"", b""
    for size in sizes:
        data = pngs[size]
        side = 0 if size >= 256 else size  # 0 means 256 in an ICO directory entry
        directory += struct.pack("<BBBBHHII", side, side, 0, 0, 1, 32, len(data), offset)
        images += data
        offset += len(data)
    return header + directory + images


def icns(pngs: dict[int, bytes]) -> bytes:
    body = b"".join(
        kind + struct.pack(">I", 8 + len(pngs[size])) + pngs[size] for kind, size in ICNS_TYPES
    )
    return b"icns" + struct.pack(">I", 8 + len(body)) + body


def main() -> int:
    QGuiApplication(sys.argv[:1])
    renderer = QSvgRenderer(str(SVG))
    if not renderer.isValid():
        print(f"{SVG} is not an SVG Qt can draw", file=sys.stderr)
        return 2
    sizes = sorted({*WINDOW_SIZES, *ICO_SIZES, *(s for _, s in ICNS_TYPES)})
    pngs = {size: render(renderer, size) for size in sizes}
    for size in WINDOW_SIZES:
        (PNG_DIR / f"cart-composer-{size}.png").write_bytes(pngs[size])
    PACKAGING.mkdir(parents=True, exist_ok=True)
    (PACKAGING / "cart-composer.ico").write_bytes(ico({s: pngs[s] for s in ICO_SIZES}))
    (PACKAGING / "cart-composer.icns").write_bytes(icns(pngs))
    print(f"wrote {len(WINDOW_SIZES)} PNGs to {PNG_DIR}, and the .ico and .icns to {PACKAGING}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
