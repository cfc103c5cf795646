"""The (placeholder) window opens and shows the sample cart's exact request."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from PySide6.QtWidgets import QPlainTextEdit
from pytestqt.qtbot import QtBot

from app.ui.application import create_main_window
from tests.conftest import golden_text


def test_window_shows_the_sample_request(qtbot: QtBot) -> None:
    window = create_main_window()
    qtbot.addWidget(window)
    with qtbot.waitExposed(window):
        window.show()
    assert window.windowTitle() == "Cart Composer"
    preview = window.findChild(QPlainTextEdit, "payloadPreview")
    assert preview is not None and preview.isReadOnly()
    text = preview.toPlainText()
    head, _, body = text.partition("\n\n")
    assert head.splitlines()[0] == "POST https://api.getdrip.com/v3/9999999/shopper_activity/cart"
    assert "Authorization: Basic ••••••••" in head.splitlines()
    assert body == golden_text("drip-doc-example.expected.json")


def test_gui_command_saves_a_screenshot(tmp_path: Path) -> None:
    shot = tmp_path / "shot.png"
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    done = subprocess.run(
        [sys.executable, "-m", "app", "gui", "--screenshot", str(shot)],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert shot.stat().st_size > 5000
