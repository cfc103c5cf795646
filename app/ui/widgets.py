"""Small widget helpers the window's panels share."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, QSize, Qt
from PySide6.QtGui import QResizeEvent, QTextDocument
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QPushButton,
    QSizePolicy,
    QTableView,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

__all__ = [
    "FittingLabel",
    "Insulated",
    "browser_dialog",
    "button",
    "fix_to_content",
    "rows_follow_font",
]


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


def fix_to_content(widget: QWidget, minimum_width: int = 0) -> None:
    """``widget`` fixed at the size its content needs (at least ``minimum_width`` wide). A
    widget fixed in both width and height does not lay out the window again when its text or
    style changes (Qt's updateGeometry stops there); the size is set again only when the new
    content needs another, which is the one change that lays out its neighbours."""
    widget.ensurePolished()
    hint = widget.sizeHint()
    size = QSize(max(hint.width(), minimum_width), hint.height())
    if widget.minimumSize() != size or widget.maximumSize() != size:
        widget.setFixedSize(size)
    if widget.findChild(_Refit, options=Qt.FindChildOption.FindDirectChildrenOnly) is None:
        widget.installEventFilter(_Refit(widget, minimum_width))  # and after a zoom


class _Refit(QObject):
    def __init__(self, widget: QWidget, minimum_width: int) -> None:
        super().__init__(widget)
        self._minimum_width = minimum_width

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.FontChange and isinstance(watched, QWidget):
            fix_to_content(watched, self._minimum_width)
        return False


class Insulated(QWidget):
    """A row whose child's changes do not lay out the window again: a label's new text asks
    every layout up to the window for a new layout (Qt's updateGeometry), unless the label is
    fixed in width and height. Inside this row it is, sized to the row; the row's own height
    changes only when the child's text needs more or fewer lines (``refit`` after a change)."""

    def __init__(self, child: QWidget) -> None:
        super().__init__()
        self.child = child
        child.setParent(self)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.refit()

    def _needed(self) -> int:
        child = self.child
        child.ensurePolished()
        if child.hasHeightForWidth():
            return max(child.heightForWidth(max(self.width(), 1)), child.minimumSizeHint().height())
        return child.sizeHint().height()

    def refit(self) -> None:
        height = self._needed()
        if self.minimumHeight() != height or self.maximumHeight() != height:
            self.setFixedHeight(height)
        self.child.setFixedSize(self.width(), height)

    def sizeHint(self) -> QSize:
        return QSize(self.child.sizeHint().width(), self.maximumHeight())

    def minimumSizeHint(self) -> QSize:
        return QSize(0, self.maximumHeight())  # a long text wraps, never widens the window

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self.refit()

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() in (QEvent.Type.FontChange, QEvent.Type.StyleChange):
            self.refit()
