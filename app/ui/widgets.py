"""Small widget helpers the window's panels share."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject
from PySide6.QtGui import QResizeEvent, QTextDocument
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QPushButton,
    QTableView,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

__all__ = ["FittingLabel", "browser_dialog", "button", "rows_follow_font"]


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


class FittingLabel(QLabel):
    """A one-line rich-text title that gives way to its short form where the whole does not
    fit (a narrow window): the whole then reads in its tooltip."""

    def __init__(self, text: str, short: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._whole, self._short, self._tip = text, short, ""
        self.set_texts(text, short)

    def set_texts(self, text: str, short: str, tip: str = "") -> None:
        self._whole, self._short, self._tip = text, short, tip
        self._fit()

    def whole_width(self) -> float:
        document = QTextDocument()
        document.setDefaultFont(self.font())
        document.setDocumentMargin(0)
        document.setHtml(self._whole)
        return document.idealWidth()

    def _fit(self) -> None:
        fits = self.whole_width() <= max(self.width(), 1)
        shown = self._whole if fits else self._short
        if self.text() != shown:
            self.setText(shown)
        if fits:
            self.setToolTip(self._tip)
        else:
            plain = QTextDocument()
            plain.setHtml(self._whole)
            self.setToolTip("\n".join(part for part in (plain.toPlainText(), self._tip) if part))

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._fit()


def browser_dialog(
    parent: QWidget, name: str, title: str, size: tuple[int, int]
) -> tuple[QDialog, QTextBrowser]:
    """A window of its own holding a text browser and Close, at ``size`` or as much of the
    parent's screen as there is; shown by the caller once filled."""
    dialog = QDialog(parent)
    dialog.setObjectName(f"{name}Dialog")
    dialog.setWindowTitle(title)
    width, height = size
    screen = parent.screen()
    if screen is not None:
        area = screen.availableGeometry()
        width, height = min(width, area.width() - 40), min(height, area.height() - 60)
    dialog.resize(width, height)
    browser = QTextBrowser()
    browser.setAccessibleName(title)
    buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
    buttons.rejected.connect(dialog.reject)
    layout = QVBoxLayout(dialog)
    layout.addWidget(browser)
    layout.addWidget(buttons)
    return dialog, browser
