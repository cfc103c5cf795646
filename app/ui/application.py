"""Composition root of the window: builds the collaborators and runs the Qt event loop.

Start-up paints the window's frame first and only then loads the heavy half of the app
(pydantic models, httpx, sqlite, the sample cart's first validation) on a worker thread; the
composer is attached on the GUI thread when that is done. Nothing heavy is imported here.
"""

from __future__ import annotations

import gc
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QEvent, QObject, QSettings, QThreadPool, QTimer
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication

from app.ui.asking import Asker, ScriptedAsker
from app.ui.main_window import MainWindow

if TYPE_CHECKING:
    from app.service.sender import Sender

__all__ = ["create_main_window", "run"]


def create_main_window(
    open_path: Path | None = None,
    profile: str | None = None,
    asker: Asker | None = None,
    sender: Sender | None = None,
) -> MainWindow:
    """A complete window, built at once (tests and embedding use this)."""
    window = MainWindow(asker=asker, settings=_settings())
    attach_composer(window, open_path, profile, sender)
    return window


def preload() -> None:
    """The heavy imports and first-use work the composer needs, done off the GUI thread.

    Only modules and pure-Python warm-up: no widget is created here."""
    import app.ui.cart_form
    import app.ui.controller
    import app.ui.custom_attributes
    import app.ui.history_view
    import app.ui.items_model
    import app.ui.items_panel
    import app.ui.problems_panel
    import app.ui.recent_files
    import app.ui.request_panel
    import app.ui.response_view
    import app.ui.toolbar
    from app.paths import sample_cart
    from app.providers import get_provider, loads_cart, provider_keys

    # The first validation and body build the models' validators and serializers: do them
    # here, not on the GUI thread (for the cart a first run opens: the first provider's).
    document = loads_cart(sample_cart(provider_keys()[0]).read_bytes()).document
    provider = get_provider(document.provider)
    provider.validate(document.payload)
    provider.body(document.payload)
    app.ui.cart_form.currency_codes()


def attach_composer(
    window: MainWindow,
    open_path: Path | None = None,
    profile: str | None = None,
    sender: Sender | None = None,
) -> None:
    """Give the window its controller, the history, the profiles and a first cart."""
    from app.history import HistoryError, HistoryStore
    from app.paths import sample_cart
    from app.profiles import ProfileStore
    from app.providers import provider_keys
    from app.sandbox.runtime import EmbeddedSandbox
    from app.service.sender import Sender
    from app.ui.controller import ComposerController

    # Workers (checks of big carts, sends) hold the GIL in turns of this many seconds; the
    # window's paint makes many short calls into Python, each waiting up to one turn. 5 ms
    # (Python's default) adds up to visible pauses; 1 ms keeps them short.
    sys.setswitchinterval(0.001)
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
    # The built-in sandbox is wired in here, the window's composition root.
    sender = sender or Sender(sandbox=EmbeddedSandbox())
    controller = ComposerController(profiles, sender, history=history)
    window.attach(controller, sender=sender, profiles=profiles, history=history)
    if notice:
        window.show_notice(notice)
    # A first run opens the vendor's own example, so there is something real to send at once.
    window.open_cart(open_path or sample_cart(provider_keys()[0]))
    if profile:
        chosen = profiles.get(profile)
        window.choose_provider(chosen.provider)
        controller.session.set_profile(profile)


def _warm_tls(window: MainWindow) -> None:
    from app.transport.network import shared_ssl_context
    from app.ui.workers import run_in_background

    run_in_background(shared_ssl_context, lambda _: None, lambda _: None, owner=window)


# The AppStream id and the desktop file's name (resources/packaging/): reverse-DNS, as both
# specifications ask, and never to change once published.
DESKTOP_ID = "org.cartcomposer.CartComposer"


def app_icon() -> QIcon:
    """The app's icon at every size it is drawn (app/resources/icons, rendered from its SVG):
    the window's title bar, the task switcher, the dock."""
    from app.paths import resource

    icon = QIcon()
    for path in sorted(resource("icons").glob("cart-composer-*.png")):
        icon.addFile(str(path))
    return icon


def _said(exc: BaseException) -> str:
    """A start-up failure in words that name what is wrong: the app's own errors say it
    already; a missing or unreadable file (a dependency's data left out of a bundle) is named
    by its path; anything else is shown with its type."""
    from app.domain.errors import CartComposerError

    if isinstance(exc, CartComposerError):
        return str(exc)
    if isinstance(exc, OSError) and exc.filename:
        return f"{exc.strerror or type(exc).__name__}: {exc.filename}"
    return repr(exc)


class _AtFirstPaint(QObject):
    """Calls ``then`` once, just after the watched widget's first paint."""

    def __init__(self, then: Any, parent: QObject) -> None:
        super().__init__(parent)
        self._then = then

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint:
            watched.removeEventFilter(self)
            QTimer.singleShot(0, self._then)
        return False


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
    """``window.ini`` in the config folder, the user's alone (0600; Qt keeps the mode of the
    file it rewrites). Where it cannot be kept so — a symlink in its place, a read-only
    folder — this session's window state goes to a private temporary folder instead."""
    import tempfile

    from app.files import private_dir, private_file
    from app.paths import config_dir

    path = config_dir() / "window.ini"
    try:
        private_dir(path.parent)
        private_file(path)
    except OSError as exc:
        print(f"The window's size and layout will not be kept: {exc}", file=sys.stderr)
        path = Path(tempfile.mkdtemp(prefix="cart-composer-")) / "window.ini"
    return QSettings(str(path), QSettings.Format.IniFormat)


def run(
    screenshot: Path | None = None,
    open_path: Path | None = None,
    profile: str | None = None,
    *,
    console: bool = True,
) -> int:
    """The window, until it is closed. Without a ``console`` (``cart-composer-gui``) a start
    that fails is said in a message box too, since nobody reads standard error there."""
    from app.ui.workers import run_in_background

    app = QApplication.instance() or QApplication(sys.argv[:1])
    assert isinstance(app, QApplication)
    app.setApplicationName("Cart Composer")
    app.setOrganizationName("Cart Composer")
    # The desktop file's name (without .desktop): a Wayland compositor matches the window to
    # it, and so to its icon.
    app.setDesktopFileName(DESKTOP_ID)
    app.setWindowIcon(app_icon())
    settings = _settings()
    # With --screenshot nobody is there to answer a question: every one gets its safe answer
    # at once, and a warning (a cart that cannot be opened) ends the run with exit 2.
    scripted = ScriptedAsker() if screenshot is not None else None
    window = MainWindow(settings=settings, asker=scripted)
    if screenshot is None:
        window.restore_state(settings)
    # For the start-up benchmark: quit at the frame's first paint, or once the composer is in.
    quit_after = os.environ.get("CART_COMPOSER_QUIT_AFTER_PAINT", "")
    status: dict[str, Any] = {"code": 0}

    def fail(message: str) -> None:
        print(message, file=sys.stderr)
        status["code"] = 2
        if not console and scripted is None:
            from PySide6.QtWidgets import QMessageBox

            QMessageBox.critical(window, "Cart Composer", message)
        app.exit(2)

    def loaded(_: object) -> None:
        try:
            attach_composer(window, open_path, profile)
        except Exception as exc:  # a bad --open or --profile: say so, do not hang
            fail(f"Cannot start: {_said(exc)}")
            return
        if scripted is not None and scripted.warnings:
            fail("No screenshot taken.")  # the warning itself is on stderr already
            return
        if screenshot is None:
            window.restore_state(settings)  # the splitters exist now
            # The tabs left open last time (they take the first cart's place unless a file
            # was asked for with --open).
            window.restore_tabs(settings, replace_first=open_path is None)
        window.statusBar().showMessage("Ready", 3000)
        # Everything loaded so far lives as long as the app: keep it out of the garbage
        # collector's full passes, which otherwise re-scan it and pause every thread.
        gc.freeze()
        if screenshot is None and not quit_after:
            # The TLS trust store is parsed with the GIL held for tens of milliseconds: now,
            # while nobody is typing yet, rather than during the first Send.
            QTimer.singleShot(1000, lambda: _warm_tls(window))
        if quit_after == "ready":
            window.installEventFilter(_QuitAtFirstPaint(app))
            window.update()
        if screenshot is not None:
            QTimer.singleShot(400, save_and_quit)

    def save_and_quit() -> None:
        assert screenshot is not None
        if window.session.checking:  # a big cart: picture it once it is checked
            QTimer.singleShot(100, save_and_quit)
            return
        ok = window.grab().save(str(screenshot))
        if not ok:
            print(f"Could not save a screenshot to {screenshot}", file=sys.stderr)
        app.exit(0 if ok else 1)

    def start_loading() -> None:
        run_in_background(preload, loaded, lambda exc: fail(f"Cannot start: {_said(exc)}"))

    if quit_after and quit_after != "ready":
        window.installEventFilter(_QuitAtFirstPaint(app))
    else:
        window.installEventFilter(_AtFirstPaint(start_loading, app))
    window.show()
    code = app.exec()
    if screenshot is None and window.attached:
        window.save_state(settings)
    QThreadPool.globalInstance().waitForDone(5000)
    if window.attached and window.history is not None:
        window.history.close()  # its owner lock goes, its -wal is checkpointed
    return int(status["code"] or code)
