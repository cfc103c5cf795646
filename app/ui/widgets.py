"""Small widget helpers the window's panels share."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject
from PySide6.QtWidgets import QPushButton, QTableView

__all__ = ["button", "rows_follow_font"]


def button(text: str, name: str, tip: str) -> QPushButton:
    """A push button with its object name (tests and style sheets find it by that) and tip."""
    made = QPushButton(text)
    made.setObjectName(name)
    made.setToolTip(tip)
    return made


class _RowHeight(QObject):
    """Keeps a table's rows one line of its font high, plus ``padding``, as the font changes
    (View → Zoom)."""

    def __init__(self, table: QTableView, padding: int) -> None:
        super().__init__(table)
        self._padding = padding
        self.fit(table)

    def fit(self, table: QTableView) -> None:
        table.verticalHeader().setDefaultSectionSize(table.fontMetrics().height() + self._padding)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.FontChange and isinstance(watched, QTableView):
            self.fit(watched)
        return False


def rows_follow_font(table: QTableView, padding: int) -> None:
    """Rows one line of the table's font high (and ``padding``), now and after a zoom."""
    table.installEventFilter(_RowHeight(table, padding))
