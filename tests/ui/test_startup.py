"""Start-up in two phases: the window's frame paints before the heavy modules are imported, then
the composer is attached once they are loaded (off the GUI thread)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot

from app.ui.application import attach_composer
from app.ui.main_window import MainWindow
from tests.ui.conftest import FakeAsker

HEAVY = (
    "pydantic",
    "httpx",
    "sqlite3",
    "keyring",
    "email_validator",
    "iso4217",
    "app.sandbox",
    "app.providers",
    "app.transport",
    "app.history",
)


def _env(home: Path, **extra: str) -> dict[str, str]:
    return {**os.environ, "QT_QPA_PLATFORM": "offscreen", "CART_COMPOSER_HOME": str(home), **extra}


def test_the_frame_paints_with_none_of_the_heavy_modules_loaded(tmp_path: Path) -> None:
    code = (
        "import sys\n"
        "import app.cli.main, app.ui.application\n"
        "from PySide6.QtWidgets import QApplication\n"
        "from app.ui.main_window import MainWindow\n"
        "qt = QApplication([])\n"
        "window = MainWindow()\n"
        "window.show()\n"
        "qt.processEvents()\n"
        f"heavy = {HEAVY!r}\n"
        "print(sorted(m for m in sys.modules if m.startswith(heavy)))\n"
        "print(window.centralWidget().objectName(), window.attached)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=_env(tmp_path)
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == ["[]", "startingPlaceholder False"]


def test_a_frame_becomes_the_composer_when_attached(
    qtbot: QtBot, home: Path, asker: FakeAsker
) -> None:
    window = MainWindow(asker=asker)
    qtbot.addWidget(window)
    assert not window.attached
    assert window.windowTitle() == "Cart Composer"
    assert window.statusBar().currentMessage() == "Loading…"
    assert window.close()  # closing while loading needs no controller
    attach_composer(window)
    assert window.attached
    assert window.windowTitle() == "drip-example.cart.json (sample copy) — Cart Composer"
    assert window.findChild(QWidget, "edit_email") is not None
    assert window.session.preview_text.startswith("POST http://127.0.0.1:")


def test_gui_reaches_ready_and_quits(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "app", "gui"],
        capture_output=True,
        text=True,
        env=_env(tmp_path, CART_COMPOSER_QUIT_AFTER_PAINT="ready"),
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert "Cannot start" not in done.stderr


def test_gui_with_an_unknown_profile_says_so_and_exits(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "app", "gui", "--profile", "nope"],
        capture_output=True,
        text=True,
        env=_env(tmp_path),
        timeout=60,
    )
    assert done.returncode == 2
    assert "Cannot start:" in done.stderr and "nope" in done.stderr


def test_the_gui_script_runs_with_no_standard_streams(tmp_path: Path) -> None:
    """``cart-composer-gui`` under pythonw has no stdout or stderr: the window still starts
    (and its arguments need no ``gui`` in front)."""
    shot = tmp_path / "shot.png"
    code = (
        "import sys\n"
        "sys.stdout = sys.stderr = None\n"
        f"sys.argv = ['cart-composer-gui', '--screenshot', {str(shot)!r}]\n"
        "from app.cli.main import gui_main\n"
        "raise SystemExit(gui_main())\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=_env(tmp_path), timeout=60
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout == ""
    assert shot.stat().st_size > 10_000


def test_without_a_console_a_failed_start_is_said_in_a_message_box(tmp_path: Path) -> None:
    code = (
        "import sys\n"
        "from PySide6.QtCore import QTimer\n"
        "from PySide6.QtWidgets import QApplication\n"
        "from app.ui import application\n"
        "qt = QApplication([])\n"
        "def look():\n"
        "    box = QApplication.activeModalWidget()\n"
        "    if box is None:\n"
        "        QTimer.singleShot(20, look)\n"
        "        return\n"
        "    print('box:', box.windowTitle(), '|', box.text(), flush=True)\n"
        "    box.accept()\n"
        "QTimer.singleShot(20, look)\n"
        "raise SystemExit(application.run(profile='nope', console=False))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=_env(tmp_path), timeout=60
    )
    assert done.returncode == 2, done.stderr
    shown = done.stdout.strip()
    assert shown.startswith("box: Cart Composer | Cannot start:"), done.stdout
    assert "nope" in shown
    assert shown.partition(" | ")[2] in done.stderr  # and said on standard error as well
