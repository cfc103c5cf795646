"""The app's icon: the PNGs the window uses are the SVG's rendering at each size, the window
carries them, and the packaging files name the same desktop id."""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path

from PySide6.QtCore import QSize
from PySide6.QtGui import QImage
from PySide6.QtSvg import QSvgRenderer
from pytestqt.qtbot import QtBot

from app.paths import resource
from app.ui.application import DESKTOP_ID, app_icon

ROOT = Path(__file__).resolve().parents[2]
PACKAGING = ROOT / "resources" / "packaging"


def _make_icons() -> object:
    spec = importlib.util.spec_from_file_location("make_icons", PACKAGING / "make_icons.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _pixels(image: QImage) -> bytes:
    converted = image.convertToFormat(QImage.Format.Format_ARGB32)
    return bytes(converted.constBits())[: converted.sizeInBytes()]


def test_every_png_is_the_svg_drawn_at_its_size(qtbot: QtBot) -> None:
    """Fails when the SVG changed and `make_icons.py` was not run again."""
    make = _make_icons()
    renderer = QSvgRenderer(str(resource("icons", "cart-composer.svg")))
    assert renderer.isValid()
    for size in make.WINDOW_SIZES:  # type: ignore[attr-defined]
        shipped = QImage(str(resource("icons", f"cart-composer-{size}.png")))
        assert shipped.size() == QSize(size, size)
        drawn = QImage.fromData(make.render(renderer, size))  # type: ignore[attr-defined]
        # Within 3/255 a channel: Qt's antialiasing may round differently on another CPU's
        # vector unit; a changed drawing differs by far more.
        a, b = _pixels(shipped), _pixels(drawn)
        assert len(a) == len(b) == size * size * 4
        worst = max(abs(x - y) for x, y in zip(a, b, strict=True))
        assert worst <= 3, f"cart-composer-{size}.png is not the SVG's drawing: run make_icons.py"


def test_the_icon_has_every_size_from_16_to_512(qtbot: QtBot) -> None:
    sizes = {s.width() for s in app_icon().availableSizes()}
    assert sizes == {16, 24, 32, 48, 64, 128, 256, 512}


def test_the_ico_and_icns_hold_the_pngs() -> None:
    ico = (PACKAGING / "icons" / "cart-composer.ico").read_bytes()
    assert ico[:6] == b"\0\0\1\0\7\0"  # an icon resource of 7 images
    assert ico.count(b"\x89PNG") == 7
    icns = (PACKAGING / "icons" / "cart-composer.icns").read_bytes()
    assert icns[:4] == b"icns" and int.from_bytes(icns[4:8], "big") == len(icns)
    assert icns.count(b"\x89PNG") == 11


def test_the_desktop_entry_and_metainfo_name_the_apps_id() -> None:
    desktop = (PACKAGING / f"{DESKTOP_ID}.desktop").read_text(encoding="utf-8")
    assert f"\nIcon={DESKTOP_ID}\n" in desktop
    assert "\nExec=cart-composer-gui\n" in desktop
    metainfo = (PACKAGING / f"{DESKTOP_ID}.metainfo.xml").read_text(encoding="utf-8")
    assert f"<id>{DESKTOP_ID}</id>" in metainfo
    assert f'<launchable type="desktop-id">{DESKTOP_ID}.desktop</launchable>' in metainfo
    import app

    assert re.search(rf'<release version="{re.escape(app.__version__)}" date="', metainfo)
    spec = (PACKAGING / "cart-composer.spec").read_text(encoding="utf-8")
    assert f'DESKTOP_ID = "{DESKTOP_ID}"' in spec
