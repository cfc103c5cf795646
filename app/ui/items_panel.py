"""The line items: their table (one column per item field of the provider's model, typed
editors), and Add / Duplicate / Remove / ↑ / ↓ / Apply line total. Given the controller (the
table's model reads and edits its session); "Apply cart totals" is the window's, which also
refills the form."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app.ui.items_model import ItemsTableModel, TypedDelegate
from app.ui.widgets import button, rows_follow_font

if TYPE_CHECKING:
    from app.ui.controller import ComposerController

__all__ = ["ItemsPanel"]


class ItemsPanel(QWidget):
    def __init__(self, controller: ComposerController, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._session = controller.session
        self.model = ItemsTableModel(controller)
        self.table = QTableView()
        self.table.setObjectName("itemsTable")
        self.table.setModel(self.model)
        self._delegate = TypedDelegate(self.model)
        self.table.setItemDelegate(self._delegate)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectItems)
        self.table.setEditTriggers(
            QAbstractItemView.EditTrigger.DoubleClicked
            | QAbstractItemView.EditTrigger.EditKeyPressed
            | QAbstractItemView.EditTrigger.AnyKeyPressed
        )
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.table.horizontalHeader().setDefaultSectionSize(110)
        # One line a row (a long value is elided; its tooltip has it whole), so at 1280 x 800
        # the table shows eight rows or more.
        self.table.setWordWrap(False)
        # Tab leaves the table (arrows move between cells), as it leaves every other control.
        self.table.setTabKeyNavigation(False)
        self.table.setTextElideMode(Qt.TextElideMode.ElideRight)
        rows_follow_font(self.table, 10)
        self.add_button = button("Add", "addItemButton", "Add a line item (Ctrl+I)")
        self.duplicate_button = button("Duplicate", "duplicateItemButton", "Copy this item")
        self.remove_button = button("Remove", "removeItemButton", "Remove this item")
        self.up_button = button("↑", "moveItemUpButton", "Move up")
        self.down_button = button("↓", "moveItemDownButton", "Move down")
        for narrow in (self.up_button, self.down_button):
            narrow.setMaximumWidth(36)
        self.apply_line_button = button(
            "Apply line total", "applyLineTotalButton", "Put the worked-out total in this item"
        )
        self.apply_cart_button = button(
            "Apply cart totals", "applyCartTotalsButton", "Put the items' totals in the cart"
        )
        buttons = QHBoxLayout()
        for each in (
            self.add_button,
            self.duplicate_button,
            self.remove_button,
            self.up_button,
            self.down_button,
        ):
            buttons.addWidget(each)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 4, 0, 0)
        self.title = QLabel("<b>Line items</b>")
        self.title.setWordWrap(True)
        # The totals beside the title, the item buttons below: two short rows fit a narrow
        # window where one long one did not.
        head = QHBoxLayout()
        head.addWidget(self.title, 1)  # all the room there is: it wraps only when it must
        head.addWidget(self.apply_line_button)
        head.addWidget(self.apply_cart_button)
        layout.addLayout(head)
        layout.addLayout(buttons)
        layout.addWidget(self.table, 1)

        self.add_button.clicked.connect(self.add_item)
        self.duplicate_button.clicked.connect(self.duplicate_item)
        self.remove_button.clicked.connect(self.remove_item)
        self.up_button.clicked.connect(self.move_up)
        self.down_button.clicked.connect(self.move_down)
        self.apply_line_button.clicked.connect(self.apply_line_total)
        controller.document_replaced.connect(self.show_cart)

    def show_cart(self) -> None:
        """The title names where the provider keeps its items (``items``, ``lineItems``)."""
        provider = self._session.provider
        # A deep key (Klaviyo's data.attributes.properties.Items) may wrap after a dot, so the
        # title row never makes the window wider than a small laptop's screen.
        key = provider.items_key.replace(".", ".\u200b")
        self.title.setText(f"<b>Line items</b> <small>({key})</small>")
        # A provider whose items have no line total (Mailchimp's lines) has nothing to apply.
        self.apply_line_button.setVisible(bool(provider.line_total_field))
        # Another cart starts at its first item's first column, not where the last one was.
        self.table.horizontalScrollBar().setValue(0)
        self.table.scrollToTop()

    def current_row(self) -> int:
        """The row the person is on; the last one when none is chosen."""
        index = self.table.currentIndex()
        return index.row() if index.isValid() else self.model.rowCount() - 1

    def add_item(self) -> None:
        row = self.model.rowCount()
        self.model.insert_item(row)
        self.table.setCurrentIndex(self.model.index(row, 0))
        self.table.setFocus()

    def duplicate_item(self) -> None:
        self.model.duplicate_item(self.current_row())

    def remove_item(self) -> None:
        self.model.remove_item(self.current_row())

    def apply_line_total(self) -> None:
        self.model.apply_line_total(self.current_row())

    def move_up(self) -> None:
        self._move(-1)

    def move_down(self) -> None:
        self._move(1)

    def _move(self, delta: int) -> None:
        current = self.table.currentIndex()
        row = self.model.move_item(self.current_row(), delta)
        column = current.column() if current.isValid() else 0
        self.table.setCurrentIndex(self.model.index(row, column))

    def index(self, row: int, name: str) -> QModelIndex:
        """The cell of field ``name`` in item ``row``."""
        return self.model.index(row, self.model.column_of(name))

    def focus_cell(self, row: int, name: str) -> bool:
        """Go to a cell (a problem's path named it); False when there is no such row."""
        index = self.model.index(row, max(self.model.column_of(name), 0))
        if not index.isValid():
            return False
        self.table.setCurrentIndex(index)
        self.table.scrollTo(index)
        self.table.setFocus()
        return True
