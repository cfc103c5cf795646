"""The Request pane: the live preview of exactly what Send puts on the wire, the raw JSON editor
the form follows, and Copy JSON / Copy as cURL. Given what it works with: the session (to read
and edit), the controller (to listen), the asker (leaving raw JSON that does not parse) and
``say(text, ms)`` for the status bar."""

from __future__ import annotations

from collections.abc import Callable
from html import escape
from typing import TYPE_CHECKING, Protocol

from PySide6.QtCore import QSignalBlocker, QTimer
from PySide6.QtGui import QFontDatabase, QGuiApplication
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QSizePolicy,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from app.domain.errors import CartComposerError
from app.ui.json_preview import JsonHighlighter, PreviewView
from app.ui.theme import set_tone
from app.ui.widgets import FittingLabel, button

if TYPE_CHECKING:
    from app.providers import OutgoingRequest
    from app.service.session import ComposerSession
    from app.ui.controller import ComposerController

__all__ = ["PREVIEW_TITLE", "RAW_PAUSE_MS", "RequestPanel"]

PREVIEW_TITLE = "<b>Request</b> — exactly what Send puts on the wire"
SHORT_TITLE = "<b>Request</b>"  # where the whole does not fit (its tooltip has it)
RAW_PAUSE_MS = 200  # raw JSON is parsed once typing pauses this long


class _LeavesRaw(Protocol):
    """What the panel asks of the asker (main_window.Asker has it)."""

    def leave_invalid_raw(self, error: str) -> bool: ...


class RequestPanel(QWidget):
    def __init__(
        self,
        session: ComposerSession,
        controller: ComposerController,
        asker: _LeavesRaw,
        say: Callable[[str, int], None],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._session = session
        self._asker = asker
        self._say = say
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        head = QHBoxLayout()
        self.title = FittingLabel(PREVIEW_TITLE, SHORT_TITLE)
        self.title.setObjectName("previewTitle")
        # Its text changes (a cart action's request): it must never widen the window.
        self.title.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        head.addWidget(self.title, 1)  # it takes the room a stretch would
        self.copy_json_button = button("Copy JSON", "copyJsonButton", "Copy the body")
        self.copy_curl_button = button(
            "Copy as cURL", "copyCurlButton", "A cURL command; secrets as $CART_COMPOSER_* names"
        )
        self.raw_button = button(
            "Raw JSON", "rawModeButton", "Paste or hand-edit the JSON body; the form follows it"
        )
        self.raw_button.setCheckable(True)
        head.addWidget(self.raw_button)
        head.addWidget(self.copy_json_button)
        head.addWidget(self.copy_curl_button)
        layout.addLayout(head)
        from app.ui.find_bar import FindBar

        self.find_bar = FindBar(self._searched)
        layout.addWidget(self.find_bar)
        self.preview = PreviewView()
        self.raw_editor = QPlainTextEdit()
        self.raw_editor.setObjectName("rawEditor")
        self.raw_editor.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.raw_editor.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        # Tab moves on, as everywhere else in the window (JSON needs no tab characters).
        self.raw_editor.setTabChangesFocus(True)
        self._highlighter = JsonHighlighter(self.raw_editor.document())
        self.raw_status = QLabel()
        self.raw_status.setObjectName("rawStatus")
        self.raw_status.setWordWrap(True)
        raw_page = QWidget()
        raw_layout = QVBoxLayout(raw_page)
        raw_layout.setContentsMargins(0, 0, 0, 0)
        raw_layout.addWidget(self.raw_status)
        raw_layout.addWidget(self.raw_editor, 1)
        self.stack = QStackedWidget()
        self.stack.addWidget(self.preview)
        self.stack.addWidget(raw_page)
        layout.addWidget(self.stack, 1)
        self._raw_seen = ""  # the raw editor's text when last set or typed
        self._raw_timer = QTimer(self)
        self._raw_timer.setSingleShot(True)
        self._raw_timer.setInterval(RAW_PAUSE_MS)

        self.raw_button.toggled.connect(self.set_raw_mode)
        self.raw_editor.textChanged.connect(self._on_raw_text_changed)
        self._raw_timer.timeout.connect(self.apply_raw)
        self.copy_json_button.clicked.connect(self.copy_json)
        self.copy_curl_button.clicked.connect(self.copy_curl)
        # Bound methods: Qt drops them with this panel (see main_window._connect).
        controller.preview_changed.connect(self.show_preview)
        controller.preview_changed.connect(self._follow_in_raw_editor)
        self.preview.show_text(session.preview_text)

    # --- the preview -----------------------------------------------------------------------

    def show_preview(self, text: str) -> None:
        """The cart's request (again, after a cart action's was shown)."""
        self.title.set_texts(PREVIEW_TITLE, SHORT_TITLE)
        self.preview.show_text(text)

    def restore_preview(self) -> None:
        self.show_preview(self._session.preview_text)

    def show_request(self, title: str, request: OutgoingRequest) -> None:
        """Another request than the cart's (a cart action's) before it leaves."""
        from app.service.session import request_text

        self.title.set_texts(
            f"<b>Request</b> — {escape(title, quote=False)}, as it goes out",
            f"<b>Request</b> — {escape(title, quote=False)}",
            "A cart action's request; an edit or Send shows the cart's own again.",
        )
        self.preview.show_text(request_text(request))

    def _searched(self) -> QPlainTextEdit:
        """The pane Find searches: the raw editor in raw mode, else the preview."""
        return self.raw_editor if self.raw_mode else self.preview

    # --- raw mode --------------------------------------------------------------------------

    @property
    def raw_mode(self) -> bool:
        return self.raw_button.isChecked()

    def set_raw_mode(self, on: bool) -> None:
        if self.raw_button.isChecked() != on:
            self.raw_button.setChecked(on)  # toggled() calls back here
            return
        if on:
            with QSignalBlocker(self.raw_editor):
                self.raw_editor.setPlainText(self._session.body_text())
            self._raw_seen = self.raw_editor.toPlainText()
            self._show_raw_status(None)
            self.stack.setCurrentIndex(1)
            self.raw_editor.setFocus()
            return
        if self._raw_timer.isActive():
            self.apply_raw()  # what was typed in the last moments counts too
        error = self._session.raw_error
        if error and not self._asker.leave_invalid_raw(error):
            # Keep editing: the text stays, and so does the mode.
            with QSignalBlocker(self.raw_button):
                self.raw_button.setChecked(True)
            self.raw_editor.setFocus()
            return
        if error:
            self._say(
                "The raw JSON that did not parse was discarded; the form keeps the last cart "
                "that did.",
                10000,
            )
        self._session.clear_raw()
        self.stack.setCurrentIndex(0)

    def _on_raw_text_changed(self) -> None:
        # Typed text only: a repaint of its colours (a theme change) signals a change too,
        # and a hidden editor's text must not replace the cart.
        if self.raw_mode and self.raw_editor.toPlainText() != self._raw_seen:
            self._raw_seen = self.raw_editor.toPlainText()
            self._raw_timer.start()

    def apply_raw(self) -> None:
        """Take the raw text now (it is taken by itself when typing pauses)."""
        self._raw_timer.stop()
        error, notes = self._session.apply_raw(self.raw_editor.toPlainText())
        self._show_raw_status(error)
        if notes:
            self._say(" ".join(notes), 10000)

    def _show_raw_status(self, error: str | None) -> None:
        if error and self.raw_editor.toPlainText().lstrip()[:5].lower() == "curl ":
            # A cURL command pasted where the body goes: say where it is taken whole.
            self.raw_status.setText(
                "✖ This is a cURL command, not the JSON body: Edit → Paste a request as the "
                "cart (Ctrl+Shift+V) imports it, body, URL and all."
            )
            set_tone(self.raw_status, "error")
        elif error:
            self.raw_status.setText(f"✖ {error}. Send asks before sending this text as is.")
            set_tone(self.raw_status, "error")
        else:
            self.raw_status.setText("✔ Valid JSON: the form follows what you type here.")
            set_tone(self.raw_status, "ok")

    def _follow_in_raw_editor(self, _: str) -> None:
        # Form edits show up in the raw text, unless the user is typing there.
        if (
            self.stack.currentIndex() == 1
            and not self.raw_editor.hasFocus()
            and not self._session.raw_error
            and not self._session.checking  # the body is being worked out on a worker
        ):
            text = self._session.body_text()
            if text != self.raw_editor.toPlainText():
                with QSignalBlocker(self.raw_editor):
                    self.raw_editor.setPlainText(text)
                self._raw_seen = text

    # --- copying ---------------------------------------------------------------------------

    def copy_json(self) -> None:
        session = self._session
        document = session.document()
        try:
            body = session.provider.body(document.payload).decode("utf-8")
        except CartComposerError as exc:
            self._say(str(exc), 8000)
            return
        QGuiApplication.clipboard().setText(body)
        self._say("Copied the JSON body.", 4000)

    def copy_curl(self) -> None:
        try:
            command = self._session.curl_text()
        except CartComposerError as exc:
            self._say(str(exc), 8000)
            return
        QGuiApplication.clipboard().setText(command)
        self._say("Copied a cURL command; it reads secrets from $CART_COMPOSER_* variables.", 6000)
