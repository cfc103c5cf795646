"""The window opens on the vendor's example and `gui --screenshot` works as a user runs it."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from PySide6.QtCore import QRect, QSize
from PySide6.QtWidgets import QPlainTextEdit
from pytestqt.qtbot import QtBot

from app.ui.main_window import MainWindow
from tests.conftest import golden_text


def test_a_first_run_shows_the_example_cart_and_its_request(window: MainWindow) -> None:
    assert window.windowTitle() == "drip-example.cart.json (sample copy) — Cart Composer"
    preview = window.findChild(QPlainTextEdit, "payloadPreview")
    assert preview is not None and preview.isReadOnly()
    head, _, body = preview.toPlainText().partition("\n\n")
    first = head.splitlines()[0]
    assert first.startswith("POST http://127.0.0.1:")
    assert first.endswith("/v3/9999999/shopper_activity/cart")
    assert "Authorization: Basic ••••••••" in head.splitlines()
    assert body == golden_text("drip-doc-example.expected.json")
    for name in (
        "providerSelector",
        "profileSelector",
        "cartForm",
        "itemsTable",
        "payloadPreview",
        "validationSummary",
        "sendButton",
        "cancelButton",
        "responseView",
    ):
        assert window.findChild(object, name) is not None, name  # type: ignore[arg-type]


def test_gui_command_saves_a_screenshot(tmp_path: Path) -> None:
    shot = tmp_path / "shot.png"
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "CART_COMPOSER_HOME": str(tmp_path)}
    done = subprocess.run(
        [sys.executable, "-m", "app", "gui", "--screenshot", str(shot)],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert shot.stat().st_size > 20_000


def test_the_window_fits_a_1024_by_700_laptop(qtbot: QtBot, window: MainWindow) -> None:
    # Nothing may force the window wider or taller than a 1024x700 screen less a window
    # manager's frame (openbox: 8 x 32): a control past the edge cannot be reached.
    from app.paths import sample_cart
    from app.providers import providers

    for key in providers():  # each provider's form, deep keys and long labels included
        assert window.open_cart(sample_cart(key))
        hint = window.minimumSizeHint()
        assert hint.width() <= 1016 and hint.height() <= 668, (key, hint)
    # Each tab of the answers, History with the profiles a history brings. (Under xcb the
    # fonts are wider than offscreen: History's one row of filters made 1048 there, 994 here.)
    for name in ("sandbox-mailchimp", "staging-store-for-the-spring-campaign-rehearsal"):
        window.history_view.profile.addItem(name, name)
    for tabs in (window.bottom_tabs, window.pages):
        for page in range(tabs.count()):
            tabs.setCurrentIndex(page)
            qtbot.wait(10)  # laid out as shown
            hint = window.minimumSizeHint()
            assert hint.width() <= 1016 and hint.height() <= 668, (tabs.tabText(page), hint)
        tabs.setCurrentIndex(0)
    window.resize(1016, 668)
    qtbot.waitUntil(lambda: window.size().toTuple() == (1016, 668))
    assert window.send_button.isVisible()
    right_edge = window.send_button.mapTo(window, window.send_button.rect().topRight()).x()
    assert right_edge < 1016  # Send is on the screen, not behind the toolbar's overflow
    # A first start sizes the window to the screen it opens on.
    assert window.first_size(QRect(0, 0, 1024, 700)) == QSize(1016, 668)
    assert window.first_size(QRect(0, 0, 1920, 1080)) == QSize(1280, 800)


def test_at_1280_by_800_the_items_table_shows_eight_rows(qtbot: QtBot, window: MainWindow) -> None:
    window.resize(1272, 768)  # a 1280x800 screen less openbox's frame
    qtbot.waitUntil(lambda: window.size().toTuple() == (1272, 768))
    table = window.items_table
    rows = table.viewport().height() / table.verticalHeader().defaultSectionSize()
    assert rows >= 8, rows


def test_help_lists_the_shortcuts_and_says_the_versions(qtbot: QtBot, window: MainWindow) -> None:
    import platform

    from PySide6.QtCore import qVersion

    from app import __version__

    shortcuts = window.shortcuts_text().splitlines()
    assert "Ctrl+Return\tCart → Send" in shortcuts
    assert "Ctrl+I\tCart → Add item" in shortcuts
    assert "F1\tHelp → Keyboard shortcuts" in shortcuts
    window.shortcuts_action.trigger()
    told = window.asker.told  # type: ignore[attr-defined]
    # A table, so a long key (Ctrl+Shift+Return) does not push its command out of line.
    assert told.startswith("<table>") and (
        "<td style='padding-right:16px'><b>Ctrl+Return</b></td><td>Cart → Send</td>" in told
    )
    window.about_action.trigger()
    asker = window.asker
    assert asker.asked[-2:] == [  # type: ignore[attr-defined]
        "inform Keyboard shortcuts",
        "inform About Cart Composer",
    ]
    # The guide, in a window of its own (read off the GUI thread).
    window.guide_action.trigger()
    qtbot.waitUntil(lambda: getattr(window, "guide_dialog", None) is not None, timeout=5000)
    from PySide6.QtWidgets import QTextBrowser

    guide = window.guide_dialog.findChild(QTextBrowser, "guideText")
    assert guide is not None
    text = guide.toPlainText()
    assert text.startswith("Cart Composer guide") and "Journeys" in text and "Ctrl+T" in text
    window.guide_dialog.close()
    about = window.about_text()
    assert about.startswith(f"Cart Composer {__version__}")
    assert f"Qt {qVersion()}" in about and f"Python {platform.python_version()}" in about
