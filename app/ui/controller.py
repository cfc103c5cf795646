"""The composer session (``app/service/session.py``) for the window: its events as Qt signals,
delivered on the GUI thread; its long work (sends, checks of many line items) on worker threads;
and the preview rebuilt once per pause in typing rather than once per keystroke.

Widgets read and edit ``controller.session`` and listen to the controller's signals; neither owns
a widget."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QTimer, Signal, SignalInstance

from app.history import HistoryStore
from app.profiles import ProfileStore
from app.service.sender import Sender
from app.service.session import EVENTS, ComposerSession
from app.ui.workers import run_in_background

__all__ = ["PREVIEW_DEBOUNCE_MS", "ComposerController"]

# Edits within this many milliseconds share one preview rebuild.
PREVIEW_DEBOUNCE_MS = 50


class ComposerController(QObject):
    # One signal per event of the session (see service/session.py Event for what each carries).
    document_replaced = Signal()
    payload_changed = Signal()
    validation_changed = Signal(object)
    preview_changed = Signal(str)
    dirty_changed = Signal(bool)
    path_changed = Signal(object)
    profile_changed = Signal(object)
    send_started = Signal()
    send_finished = Signal(object)
    send_failed = Signal(str)
    payload_replaced = Signal()
    undo_changed = Signal()
    history_changed = Signal(int)
    notice = Signal(str)
    status = Signal(str)
    remote_cart_changed = Signal(str)
    cart_state_changed = Signal(object)
    several_finished = Signal(object)
    raw_changed = Signal()

    def __init__(
        self,
        profiles: ProfileStore,
        sender: Sender,
        provider: str | None = None,  # default: the first registered
        parent: QObject | None = None,
        history: HistoryStore | None = None,
    ) -> None:
        super().__init__(parent)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(PREVIEW_DEBOUNCE_MS)
        self._signals: dict[str, SignalInstance] = {}
        self.session = ComposerSession(
            profiles, sender, provider, history=history, runner=self._run_on_worker
        )
        self._timer.timeout.connect(self.session.refresh)
        for event in EVENTS:
            signal = getattr(self, event, None)
            if isinstance(signal, SignalInstance):
                self._signals[event] = signal
        self.session.subscribe(self._on_event)

    def _on_event(self, event: str, *args: object) -> None:
        # A signal emitted on a worker (a history row written) reaches its receivers queued, on
        # the GUI thread.
        if event == "stale":
            self._timer.start()
        elif event == "fresh":
            self._timer.stop()
        else:
            self._signals[event].emit(*args)

    def _run_on_worker(
        self,
        job: Callable[[], Any],
        on_success: Callable[[Any], None],
        on_failure: Callable[[BaseException], None],
    ) -> None:
        # Answered on the GUI thread while this controller lives; not after (a closed window).
        run_in_background(job, on_success, on_failure, owner=self)
