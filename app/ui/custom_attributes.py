"""Custom attributes (Drip): name/value rows for the cart or one item, with a value type.

Rows are written to the payload in their order, after the documented fields. A row whose name
is empty or taken by a documented field, or whose value does not fit its type, is kept in the
table with its error and left out of the payload until fixed.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from PySide6.QtCore import QSignalBlocker
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.domain import jsonfmt
from app.providers.paths import get_at, set_in
from app.providers.schema import PayloadModel, child_model_at, custom_key_problem, wire_fields
from app.ui.controller import ComposerController
from app.ui.theme import set_tone

__all__ = ["TYPES", "CustomAttributesEditor", "parse_custom"]

TYPES = ("text", "number", "boolean", "JSON")
_ERROR = QBrush(QColor(229, 57, 53, 60))


def type_of(value: Any) -> str:
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int | float | Decimal):
        return "number"
    if isinstance(value, str):
        return "text"
    return "JSON"


def show(value: Any, kind: str) -> str:
    if kind == "text" and isinstance(value, str):
        return value
    return jsonfmt.dumps(value, indent=None)


def parse_custom(kind: str, text: str) -> tuple[Any, str | None]:
    """(value, None) or (None, why the text does not fit ``kind``)."""
    if kind == "text":
        return text, None
    if kind == "number":
        try:
            number = Decimal(text.strip())
        except InvalidOperation:
            return None, "is not a number"
        return (number, None) if number.is_finite() else (None, "is not a finite number")
    if kind == "boolean":
        lowered = text.strip().lower()
        if lowered in ("true", "false"):
            return lowered == "true", None
        return None, "must be true or false"
    try:
        return jsonfmt.loads(text), None
    except jsonfmt.JsonSyntaxError as exc:
        return None, f"is not valid JSON: {exc}"


class CustomAttributesEditor(QWidget):
    def __init__(self, controller: ComposerController, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("customAttributes")
        self._session = controller.session
        self._filling = False
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 4, 0, 0)
        head = QHBoxLayout()
        head.addWidget(QLabel("<b>Custom attributes</b> for"))
        self.scope = QComboBox()
        self.scope.setObjectName("customScope")
        head.addWidget(self.scope)
        head.addStretch(1)
        self.add_button = QPushButton("Add attribute")
        self.add_button.setObjectName("addCustomButton")
        self.remove_button = QPushButton("Remove")
        self.remove_button.setObjectName("removeCustomButton")
        head.addWidget(self.add_button)
        head.addWidget(self.remove_button)
        layout.addLayout(head)
        self.table = QTableWidget(0, 3)
        self.table.setObjectName("customTable")
        self.table.setTabKeyNavigation(False)  # Tab leaves the table; arrows move in it
        self.table.setHorizontalHeaderLabels(["Name", "Type", "Value"])
        self.table.horizontalHeader().setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.table.verticalHeader().hide()
        layout.addWidget(self.table, 1)
        self.note = QLabel()
        self.note.setObjectName("customNote")
        self.note.setWordWrap(True)
        layout.addWidget(self.note)
        self.add_button.clicked.connect(self.add_row)
        self.remove_button.clicked.connect(self.remove_row)
        self.scope.activated.connect(lambda _: self.reload())
        self.table.itemChanged.connect(lambda _: self.commit())
        controller.document_replaced.connect(self.reload_scopes)
        controller.payload_replaced.connect(self.reload_scopes)
        controller.payload_changed.connect(self._on_payload_changed)
        self.reload_scopes()

    # --- where the attributes live ---------------------------------------------------------

    def _model(self) -> type[PayloadModel] | None:
        provider = self._session.provider
        if self.scope.currentData() == "cart":
            return child_model_at(provider.model, provider.custom_path)
        return child_model_at(provider.model, provider.items_key)

    def _target(self) -> dict[str, Any] | None:
        data = self.scope.currentData()
        if data == "cart":
            path = self._session.provider.custom_path
            if not path:
                return self._session.payload_object()
            found = get_at(self._session.payload_object(), path)
            return found if isinstance(found, dict) else {}
        items = self._session.items()
        if isinstance(data, int) and 0 <= data < len(items) and isinstance(items[data], dict):
            item = items[data]
            assert isinstance(item, dict)
            return item
        return None

    def reload_scopes(self) -> None:
        provider = self._session.provider
        cart = child_model_at(provider.model, provider.custom_path)
        allowed = cart is not None and cart.model_config.get("extra") == "allow"
        self.setEnabled(allowed)
        # A provider without custom attributes (Bronto, Mailchimp) has no use for the panel:
        # hidden, it leaves its room to the line items.
        self.setVisible(allowed)
        current = self.scope.currentData()
        with QSignalBlocker(self.scope):
            self.scope.clear()
            self.scope.addItem("the cart", "cart")
            for row in range(len(self._session.items())):
                self.scope.addItem(f"item {row + 1}", row)
            index = self.scope.findData(current)
            self.scope.setCurrentIndex(max(index, 0))
        if not allowed:
            self.note.setText(f"{self._session.provider.title} takes no custom attributes.")
        self.reload()

    def select_item(self, row: int) -> None:
        """Follow the item selected in the table, unless the cart's attributes are shown."""
        if self.scope.currentData() == "cart":
            return
        index = self.scope.findData(row)
        if index >= 0 and index != self.scope.currentIndex():
            self.scope.setCurrentIndex(index)
            self.reload()

    def _on_payload_changed(self) -> None:
        if self.scope.count() - 1 != len(self._session.items()):
            self.reload_scopes()

    # --- rows ------------------------------------------------------------------------------

    def reload(self) -> None:
        model, target = self._model(), self._target()
        self._filling = True
        self.table.setRowCount(0)
        if model is not None and target is not None:
            for key, value in target.items():
                if key not in wire_fields(model):
                    kind = type_of(value)
                    self._append(key, kind, show(value, kind))
        self._filling = False
        self._mark()

    def _append(self, key: str, kind: str, text: str) -> None:
        row = self.table.rowCount()
        self.table.insertRow(row)
        self.table.setItem(row, 0, QTableWidgetItem(key))
        combo = QComboBox()
        combo.addItems(TYPES)
        combo.setCurrentText(kind)
        combo.currentTextChanged.connect(lambda _: self.commit())
        self.table.setCellWidget(row, 1, combo)
        self.table.setItem(row, 2, QTableWidgetItem(text))

    def add_row(self) -> None:
        self._filling = True
        self._append("", "text", "")
        self._filling = False
        row = self.table.rowCount() - 1
        self.table.setCurrentCell(row, 0)
        item = self.table.item(row, 0)
        if item is not None:
            self.table.editItem(item)
        self._mark()

    def remove_row(self) -> None:
        row = self.table.currentRow()
        if row >= 0:
            self.table.removeRow(row)
            self.commit()

    def rows(self) -> list[tuple[str, str, str]]:
        out = []
        for row in range(self.table.rowCount()):
            key_item, value_item = self.table.item(row, 0), self.table.item(row, 2)
            combo = self.table.cellWidget(row, 1)
            kind = combo.currentText() if isinstance(combo, QComboBox) else "text"
            out.append(
                (key_item.text() if key_item else "", kind, value_item.text() if value_item else "")
            )
        return out

    def _problems(self) -> list[str | None]:
        model = self._model()
        seen: set[str] = set()
        problems: list[str | None] = []
        for key, kind, text in self.rows():
            problem = custom_key_problem(model, key) if model is not None else None
            if problem is None and key in seen:
                problem = "is used twice"
            if problem is None:
                problem = parse_custom(kind, text)[1]
            seen.add(key)
            problems.append(problem)
        return problems

    def commit(self) -> None:
        """Write the valid rows to the payload, in order, replacing the old attributes."""
        if self._filling:
            return
        model, target = self._model(), self._target()
        if model is None or target is None:
            return
        updated = {k: v for k, v in target.items() if k in wire_fields(model)}
        for (key, kind, text), problem in zip(self.rows(), self._problems(), strict=True):
            if problem is None:
                updated[key] = parse_custom(kind, text)[0]
        row = self.scope.currentData()
        path = self._session.provider.custom_path
        if row == "cart" and path:
            # A nested object is replaced along its path, never changed in place (undo's
            # snapshots share it).
            set_in(self._session.payload_object(), path, updated)
        elif row == "cart":
            target.clear()
            target.update(updated)
        else:
            # An item is replaced, never changed in place (the preview caches items by identity).
            self._session.items()[row] = updated
        self._mark()
        self._session.changed("Edit custom attributes", group="custom")

    def _mark(self) -> None:
        messages = []
        with QSignalBlocker(self.table):
            for row, problem in enumerate(self._problems()):
                for column in (0, 2):
                    item = self.table.item(row, column)
                    if item is not None:
                        item.setBackground(_ERROR if problem else QBrush())
                        item.setToolTip(problem or "")
                if problem:
                    name = self.rows()[row][0] or f"row {row + 1}"
                    messages.append(f"“{name}” {problem} (not sent until fixed).")
        if self.isEnabled():
            self.note.setText(" ".join(messages))
            set_tone(self.note, "error" if messages else None)
