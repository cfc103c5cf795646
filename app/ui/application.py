"""Composition root of the window: builds the collaborators and runs the Qt event loop."""

from __future__ import annotations

import os
import sys
from pathlib import Path

from PySide6.QtCore import QEvent, QObject, QSettings, QThreadPool, QTimer
from PySide6.QtWidgets import QApplication

from app.transport import Sender
from app.ui.controller import ComposerController
from app.ui.main_window import Asker, MainWindow

__all__ = ["create_main_window", "run"]


def create_main_window(
    open_path: Path | None = None,
    profile: str | None = None,
    asker: Asker | None = None,
    sender: Sender | None = None,
) -> MainWindow:
    from app.history import HistoryError, HistoryStore
    from app.paths import sample_cart
    from app.profiles import ProfileStore
    from app.transport import Sender

    profiles = ProfileStore()
    notice = ""
    try:
        history: HistoryStore | None = HistoryStore()
    except HistoryError as exc:
        history, notice = None, f"The history is unavailable, so sends are not recorded: {exc}"
    if history is not None and history.recovered_from is not None:
        notice = (
            f"The history file was damaged; it was moved to {history.recovered_from} and a "
            "new one was started."
        )
    controller = ComposerController(profiles, sender or Sender(), history=history)
    window = MainWindow(controller, asker, settings=_settings())
    if notice:
        window.banner.setText(notice)
        window.banner.show()
    # A first run opens the vendor's own example, so there is something real to send at once.
    window.open_cart(open_path or sample_cart("drip"))
    if profile:
        chosen = profiles.get(profile)
        if chosen.provider != controller.provider.key:
            window.provider_selector.setCurrentIndex(
                window.provider_selector.findData(chosen.provider)
            )
            window._on_provider_selected(window.provider_selector.currentIndex())
        controller.set_profile(profile)
    return window


class _QuitAtFirstPaint(QObject):
    def __init__(self, app: QApplication) -> None:
        super().__init__(app)
        self._app = app

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint:
            watched.removeEventFilter(self)
            QTimer.singleShot(0, self._app.quit)
        return False


def _settings() -> QSettings:
    from app.paths import config_dir

    return QSettings(str(config_dir() / "window.ini"), QSettings.Format.IniFormat)


def run(
    screenshot: Path | None = None, open_path: Path | None = None, profile: str | None = None
) -> int:
    app = QApplication.instance() or QApplication(sys.argv[:1])
    assert isinstance(app, QApplication)
    app.setApplicationName("Cart Composer")
    app.setOrganizationName("Cart Composer")
    window = create_main_window(open_path, profile)
    settings = _settings()
    if screenshot is None:
        window.restore_state(settings)
    if os.environ.get("CART_COMPOSER_QUIT_AFTER_PAINT"):
        # For the start-up benchmark: stop at the first paint of the window.
        window.installEventFilter(_QuitAtFirstPaint(app))
    window.show()
    if screenshot is not None:
        # After the event loop starts, so the window has been laid out and painted once.
        def save_and_quit() -> None:
            ok = window.grab().save(str(screenshot))
            if not ok:
                print(f"Could not save a screenshot to {screenshot}", file=sys.stderr)
            app.exit(0 if ok else 1)

        QTimer.singleShot(400, save_and_quit)
    status = app.exec()
    if screenshot is None:
        window.save_state(settings)
    QThreadPool.globalInstance().waitForDone(5000)
    return status
