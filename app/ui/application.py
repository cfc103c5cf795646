"""Composition root of the window: builds the collaborators and runs the Qt event loop."""

from __future__ import annotations

import sys
from pathlib import Path

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

from app.ui.main_window import MainWindow

__all__ = ["create_main_window", "run"]


def sample_request_text() -> tuple[str, str]:
    """The sample Drip cart's request as the preview shows it, and a caption naming its file."""
    from app.domain.errors import CartComposerError
    from app.paths import sample_cart
    from app.providers import Target, build_request, load_cart
    from app.providers.drip.provider import DEFAULT_BASE_URL

    path = sample_cart("drip")
    try:
        document = load_cart(path).document
        request = build_request(document, Target(DEFAULT_BASE_URL, "9999999"))
    except CartComposerError as exc:
        return str(exc), "The sample cart could not be loaded"
    lines = [f"{request.method} {request.url}"]
    lines += [f"{name}: {value}" for name, value in request.headers]
    return "\n".join([*lines, "", request.body_text]), f"Sample cart: {path.name}"


def create_main_window() -> MainWindow:
    text, caption = sample_request_text()
    return MainWindow(text, caption)


def run(screenshot: Path | None = None) -> int:
    app = QApplication.instance() or QApplication(sys.argv[:1])
    assert isinstance(app, QApplication)
    app.setApplicationName("Cart Composer")
    app.setOrganizationName("Cart Composer")
    window = create_main_window()
    window.show()
    if screenshot is not None:
        # After the event loop starts, so the window has been laid out and painted once.
        def save_and_quit() -> None:
            ok = window.grab().save(str(screenshot))
            if not ok:
                print(f"Could not save a screenshot to {screenshot}", file=sys.stderr)
            app.exit(0 if ok else 1)

        QTimer.singleShot(300, save_and_quit)
    return app.exec()
