"""The line-item table: a QAbstractTableModel over the draft's items, one column per documented
item field plus the worked-out line total (a suggestion, never applied silently)."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    QRegularExpression,
    Qt,
)
from PySide6.QtGui import QBrush, QColor, QRegularExpressionValidator
from PySide6.QtWidgets import QLineEdit, QStyledItemDelegate, QStyleOptionViewItem, QWidget

from app.domain import jsonfmt
from app.domain.fieldtext import display_value, parse_value
from app.domain.fieldtypes import Kind
from app.domain.validation import Validation
from app.providers.schema import FieldSpec, child_model_at, field_specs
from app.ui.controller import ComposerController

__all__ = ["ItemsTableModel", "TypedDelegate"]

AnyIndex = QModelIndex | QPersistentModelIndex
_ERROR_BRUSH = QBrush(QColor(229, 57, 53, 60))
_NUMBER = QRegularExpression(r"-?[0-9]*\.?[0-9]*")
_WHOLE = QRegularExpression(r"-?[0-9]*")


class TypedDelegate(QStyledItemDelegate):
    """Cell editors that only take what the column's type can hold: digits and a point for
    amounts, digits for whole numbers; URLs and text as typed."""

    def __init__(self, model: ItemsTableModel) -> None:
        super().__init__()
        self._model = model

    def createEditor(
        self, parent: QWidget, option: QStyleOptionViewItem, index: AnyIndex
    ) -> QWidget:
        editor = super().createEditor(parent, option, index)
        spec = self._model.spec(index.column())
        if isinstance(editor, QLineEdit) and spec is not None:
            pattern = {
                Kind.MONEY: _NUMBER,
                Kind.NUMBER: _NUMBER,
                Kind.INTEGER: _WHOLE,
            }.get(spec.kind)
            if pattern is not None:
                editor.setValidator(QRegularExpressionValidator(pattern, editor))
            if spec.kind is Kind.TEXT_LIST:
                editor.setPlaceholderText("comma, separated")
            elif spec.kind is Kind.URL:
                editor.setPlaceholderText("https://…")
        return editor

    def setEditorData(self, editor: QWidget, index: AnyIndex) -> None:
        # Qt refills every open editor in a range that changes (dataChanged over the table,
        # as a finished check retints the cells). An editor the person has typed into keeps
        # what they typed: refilling it lost the first keys typed after a Tab.
        if isinstance(editor, QLineEdit) and editor.isModified():
            return
        super().setEditorData(editor, index)


class ItemsTableModel(QAbstractTableModel):
    def __init__(self, controller: ComposerController) -> None:
        super().__init__()
        self._session = controller.session
        self._specs: list[FieldSpec] = []
        self._errors: dict[str, str] = {}
        self.reset_columns()
        controller.validation_changed.connect(self._on_validation_changed)
        controller.document_replaced.connect(self.reset_columns)

    # --- columns ---------------------------------------------------------------------------

    def reset_columns(self) -> None:
        self.beginResetModel()
        provider = self._session.provider
        element = child_model_at(provider.model, provider.items_key)
        self._specs = field_specs(element) if element is not None else []
        self.endResetModel()

    def refresh(self) -> None:
        """The items were replaced wholesale (raw JSON): show them afresh."""
        self.beginResetModel()
        self.endResetModel()

    @property
    def computed_column(self) -> int:
        return len(self._specs)

    def column_of(self, name: str) -> int:
        for column, spec in enumerate(self._specs):
            if spec.name == name:
                return column
        return -1

    def spec(self, column: int) -> FieldSpec | None:
        return self._specs[column] if 0 <= column < len(self._specs) else None

    # --- Qt model --------------------------------------------------------------------------

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008 - Qt's default
        return 0 if parent.isValid() else len(self._session.items())

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._specs) + 1

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Vertical:
            return str(section + 1) if role == Qt.ItemDataRole.DisplayRole else None
        spec = self.spec(section)
        if role == Qt.ItemDataRole.DisplayRole:
            if spec is None:
                return "Worked out"
            return f"{spec.label} *" if spec.required else spec.label
        if role == Qt.ItemDataRole.ToolTipRole:
            if spec is None:
                return "The line total worked out from price, quantity and discount. "
            return f"{spec.name}: {spec.description}"
        return None

    def flags(self, index: AnyIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        base = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        if index.column() < len(self._specs):
            base |= Qt.ItemFlag.ItemIsEditable
        return base

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.row() >= len(self._session.items()):
            return None
        raw = self._session.items()[index.row()]
        item = raw if isinstance(raw, dict) else {}
        spec = self.spec(index.column())
        if spec is None:
            if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole):
                total = self._session.provider.suggested_line_total(item)
                return "" if total is None else jsonfmt.format_decimal(total)
            if role == Qt.ItemDataRole.TextAlignmentRole:
                return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            return None
        path = f"{self._session.provider.items_key}[{index.row()}].{spec.name}"
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole):
            return display_value(item.get(spec.name))
        if role == Qt.ItemDataRole.ToolTipRole:
            if path in self._errors:
                return self._errors[path]
            # A value too long for its cell reads in full here, above what the field is.
            shown = display_value(item.get(spec.name))
            return f"{shown}\n\n{spec.description}" if shown else spec.description
        if role == Qt.ItemDataRole.BackgroundRole and path in self._errors:
            return _ERROR_BRUSH
        if role == Qt.ItemDataRole.TextAlignmentRole and spec.kind in (
            Kind.MONEY,
            Kind.NUMBER,
            Kind.INTEGER,
        ):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def setData(self, index: AnyIndex, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        spec = self.spec(index.column())
        if role != Qt.ItemDataRole.EditRole or spec is None or not index.isValid():
            return False
        items = self._session.items()
        item = items[index.row()]
        if not isinstance(item, dict):
            return False
        parsed = parse_value(spec.kind, str(value))
        # A new dict, never a change in place: the preview keeps each unchanged item's
        # rendering by identity (see app/providers/render.py).
        if parsed is None:
            items[index.row()] = {k: v for k, v in item.items() if k != spec.name}
        else:
            items[index.row()] = {**item, spec.name: parsed}
        self.dataChanged.emit(index, self.index(index.row(), self.computed_column))
        self._session.changed(
            f"Edit item {index.row() + 1}: {spec.label}", group=f"cell:{index.row()}:{spec.name}"
        )
        return True

    # --- row operations --------------------------------------------------------------------

    def insert_item(self, row: int, item: dict[str, Any] | None = None) -> None:
        items = self._session.items()
        row = max(0, min(row, len(items)))
        self.beginInsertRows(QModelIndex(), row, row)
        items.insert(row, dict(item or {}))
        self.endInsertRows()
        self._session.changed("Add item")

    def duplicate_item(self, row: int) -> None:
        items = self._session.items()
        if 0 <= row < len(items):
            self.insert_item(row + 1, jsonfmt.loads(jsonfmt.dumps(items[row])))

    def remove_item(self, row: int) -> None:
        items = self._session.items()
        if not 0 <= row < len(items):
            return
        self.beginRemoveRows(QModelIndex(), row, row)
        del items[row]
        self.endRemoveRows()
        self._session.changed("Remove item")

    def move_item(self, row: int, delta: int) -> int:
        """Move a row up (-1) or down (+1); returns its new row."""
        items = self._session.items()
        target = row + delta
        if not (0 <= row < len(items) and 0 <= target < len(items)):
            return row
        destination = target + 1 if delta > 0 else target
        self.beginMoveRows(QModelIndex(), row, row, QModelIndex(), destination)
        items.insert(target, items.pop(row))
        self.endMoveRows()
        self._session.changed("Move item")
        return target

    def apply_line_total(self, row: int) -> bool:
        """Put the worked-out total into the item's line-total field (on request only)."""
        items = self._session.items()
        if not 0 <= row < len(items):
            return False
        provider = self._session.provider
        total = provider.suggested_line_total(items[row])
        if total is None:
            return False
        column = self.column_of(provider.line_total_field)
        return self.setData(self.index(row, column), jsonfmt.format_decimal(total))

    def _on_validation_changed(self, validation: Validation) -> None:
        errors = dict(validation.errors)
        if errors != self._errors:
            self._errors = errors
            if self.rowCount():
                self.dataChanged.emit(
                    self.index(0, 0), self.index(self.rowCount() - 1, self.columnCount() - 1)
                )
