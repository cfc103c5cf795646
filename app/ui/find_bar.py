"""A find bar for a text pane (Edit → Find, Ctrl+F): the next or previous match, how many
there are, and Esc to close it and go back to the text."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QKeyEvent, QTextCursor, QTextDocument
from PySide6.QtWidgets import QHBoxLayout, QLabel, QLineEdit, QPlainTextEdit, QWidget

from app.ui.theme import set_tone
from app.ui.widgets import button

__all__ = ["FindBar"]


class FindBar(QWidget):
    def __init__(self, target: Callable[[], QPlainTextEdit], parent: QWidget | None = None) -> None:
        """``target`` gives the pane searched now (the preview, or the raw editor in raw
        mode)."""
        super().__init__(parent)
        self.setObjectName("findBar")
        self._target = target
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 2, 0, 2)
        self.field = QLineEdit()
        self.field.setObjectName("findField")
        self.field.setPlaceholderText("Find in the request")
        self.field.setAccessibleName("Find in the request")
        self.field.setClearButtonEnabled(True)
        self.previous_button = button("↑", "findPrevious", "Previous match (Shift+Enter)")
        self.previous_button.setAccessibleName("Previous match")
        self.next_button = button("↓", "findNext", "Next match (Enter)")
        self.next_button.setAccessibleName("Next match")
        self.close_button = button("✕", "findClose", "Close (Esc)")
        self.close_button.setAccessibleName("Close the find bar")
        for small in (self.previous_button, self.next_button, self.close_button):
            small.setFixedWidth(small.fontMetrics().horizontalAdvance("↑") + 24)
        self.result = QLabel()
        self.result.setObjectName("findResult")
        row.addWidget(self.field, 1)
        row.addWidget(self.result)
        row.addWidget(self.previous_button)
        row.addWidget(self.next_button)
        row.addWidget(self.close_button)
        self.field.textChanged.connect(lambda _: self.find_text(from_start=True))
        self.next_button.clicked.connect(lambda: self.find_text())
        self.previous_button.clicked.connect(lambda: self.find_text(backward=True))
        self.close_button.clicked.connect(self.close_bar)
        self.field.installEventFilter(self)
        self.hide()

    def open(self) -> None:
        """Show the bar with the pane's selected text (if any) to find, the field focused."""
        selected = self._target().textCursor().selectedText()
        if selected and "\u2029" not in selected:  # one line of it, not a paragraph break
            self.field.setText(selected)
        self.show()
        self.field.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.field.selectAll()

    def close_bar(self) -> None:
        self.hide()
        self._target().setFocus(Qt.FocusReason.OtherFocusReason)

    def find_text(self, *, backward: bool = False, from_start: bool = False) -> bool:
        """The next (or previous) match, wrapping round at the end; says how many there are."""
        text = self.field.text()
        pane = self._target()
        if not text:
            self.result.setText("")
            return False
        if from_start:
            cursor = pane.textCursor()
            cursor.setPosition(cursor.selectionStart())  # type on: the match grows in place
            pane.setTextCursor(cursor)
        flags = QTextDocument.FindFlag.FindBackward if backward else QTextDocument.FindFlag(0)
        found = pane.find(text, flags)
        if not found:  # round again from the other end
            cursor = pane.textCursor()
            cursor.movePosition(
                QTextCursor.MoveOperation.End if backward else QTextCursor.MoveOperation.Start
            )
            pane.setTextCursor(cursor)
            found = pane.find(text, flags)
        count = pane.toPlainText().lower().count(text.lower())
        if found:
            self.result.setText(f"{count} match{'es' * (count != 1)}")
            set_tone(self.result, None)
        else:
            self.result.setText("Not found")
            set_tone(self.result, "error")
        return found

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.field and event.type() == QEvent.Type.KeyPress:
            assert isinstance(event, QKeyEvent)
            key, shift = event.key(), event.modifiers() & Qt.KeyboardModifier.ShiftModifier
            if key == Qt.Key.Key_Escape:
                self.close_bar()
                return True
            if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
                self.find_text(backward=bool(shift))
                return True
        return False
