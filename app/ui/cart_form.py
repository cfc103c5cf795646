"""The cart form, generated from the provider's model: one typed editor per documented field,
grouped as the provider says, with the API key name, the doc text as tooltip and the error
right under the field."""

from __future__ import annotations

import functools
from typing import Any

from PySide6.QtCore import QRegularExpression, QSignalBlocker, Qt, Signal
from PySide6.QtGui import QRegularExpressionValidator
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.domain.fieldtext import NUMBER_PATTERN, WHOLE_PATTERN, display_value, parse_value
from app.domain.fieldtypes import Kind
from app.domain.validation import Validation
from app.providers import Provider
from app.providers.paths import get_at
from app.providers.samples import utc_now
from app.providers.schema import FieldSpec, field_spec_at, form_paths
from app.ui.theme import set_invalid

__all__ = ["CartForm", "FieldEditor"]

_NUMBER = QRegularExpression(NUMBER_PATTERN)
_WHOLE = QRegularExpression(WHOLE_PATTERN)
# What an empty list shows: the field is left out of the request.
NOT_SENT = "not sent"
_PLACEHOLDERS = {
    Kind.EMAIL: "name@example.com",
    Kind.URL: "https://…",
    Kind.DATETIME: "2019-01-17T20:50:00Z",
    Kind.DATE_OR_DATETIME: "2015-01-02",
    Kind.IP_ADDRESS: "203.0.113.7",
}


class FieldEditor(QWidget):
    """One field: its editor, a "now" button for date-times, and the error line below."""

    edited = Signal(str, object)  # field name, payload value (None = leave out)

    def __init__(self, spec: FieldSpec, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.spec = spec
        self.setObjectName(f"field_{spec.name}")
        column = QVBoxLayout(self)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(2)
        row = QHBoxLayout()
        row.setSpacing(4)
        self.combo: QComboBox | None = None
        self.line: QLineEdit | None = None
        if spec.kind in (Kind.CHOICE, Kind.CURRENCY, Kind.BOOL) or spec.suggestions:
            combo = QComboBox()
            combo.setObjectName(f"edit_{spec.name}")
            if spec.kind is Kind.CURRENCY or spec.suggestions:
                # A list to pick from, and any text typed (a metric of your own).
                combo.setEditable(True)
                combo.addItems(["", *(spec.suggestions or currency_codes())])
                combo.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
            elif spec.kind is Kind.BOOL:
                combo.addItems(([] if spec.required else [""]) + ["true", "false"])
            else:
                combo.addItems(([] if spec.required else [""]) + list(spec.choices))
            # An empty choice reads "not sent" (the field is left out of the request).
            typed = combo.lineEdit()
            if typed is not None:
                typed.setPlaceholderText(NOT_SENT)
            else:
                combo.setPlaceholderText(NOT_SENT)
            combo.currentTextChanged.connect(self._emit)
            combo.activated.connect(lambda _: self._show_placeholder())  # the blank again
            self.combo = combo
            row.addWidget(combo, 1)
        else:
            line = QLineEdit()
            line.setObjectName(f"edit_{spec.name}")
            line.setPlaceholderText(_PLACEHOLDERS.get(spec.kind, ""))
            line.setClearButtonEnabled(True)
            if spec.kind in (Kind.MONEY, Kind.NUMBER):
                line.setValidator(QRegularExpressionValidator(_NUMBER, line))
                line.setAlignment(Qt.AlignmentFlag.AlignRight)
            elif spec.kind is Kind.INTEGER:
                line.setValidator(QRegularExpressionValidator(_WHOLE, line))
            line.textEdited.connect(self._emit)
            self.line = line
            row.addWidget(line, 1)
            if spec.kind in (Kind.DATETIME, Kind.DATE_OR_DATETIME):
                now = QPushButton("Now")
                now.setObjectName(f"now_{spec.name}")
                now.setToolTip("Set the current time (UTC)")
                now.setAccessibleName(f"Set {spec.label} to now")
                now.clicked.connect(self._set_now)
                row.addWidget(now)
        column.addLayout(row)
        # Read by its field (a combo box otherwise by its value: "created", "USD").
        self.editor().setAccessibleName(spec.label)
        self.editor().setAccessibleDescription(spec.description)
        self.error = QLabel()
        self.error.setObjectName(f"error_{spec.name}")
        self.error.setWordWrap(True)
        self.error.setProperty("tone", "error")
        self.error.hide()
        column.addWidget(self.error)
        self.setToolTip(spec.description)

    def editor(self) -> QWidget:
        return self.combo if self.combo is not None else self.line  # type: ignore[return-value]

    def text(self) -> str:
        if self.combo is not None:
            return self.combo.currentText()
        assert self.line is not None
        return self.line.text()

    def set_value(self, value: Any) -> None:
        text = display_value(value)
        editor = self.editor()
        with QSignalBlocker(editor):
            if self.combo is not None:
                if self.combo.findText(text) < 0:
                    self.combo.addItem(text)  # a pasted value outside the list stays visible
                self.combo.setCurrentText(text)
                self._show_placeholder()
            elif self.line is not None and self.line.text() != text:
                self.line.setText(text)

    def set_error(self, message: str | None) -> None:
        # Every check calls this for every field; only a change is shown. Re-polishing an
        # editor has Qt work out its style sheet again: ~1.5 ms an edit over the form's fields.
        if (message or "") == self.error.text():
            return
        self.error.setText(message or "")
        self.error.setVisible(bool(message))
        set_invalid(self.editor(), bool(message))

    def _set_now(self) -> None:
        assert self.line is not None
        self.line.setText(utc_now())
        self._emit()

    def _show_placeholder(self) -> None:
        """A list's empty choice shows as "not sent" (no choice, to Qt), not as a blank."""
        combo = self.combo
        if combo is not None and not combo.isEditable() and combo.currentText() == "":
            with QSignalBlocker(combo):
                combo.setCurrentIndex(-1)

    def _emit(self, *_: object) -> None:
        self._show_placeholder()
        self.edited.emit(self.spec.name, parse_value(self.spec.kind, self.text()))


@functools.cache
def currency_codes() -> list[str]:
    """ISO 4217 codes, read once (iso4217 parses its XML table on import)."""
    from iso4217 import Currency

    return sorted({member.code for member in Currency})


def _label(spec: FieldSpec) -> QLabel:
    star = ' <span style="color:#c62828">*</span>' if spec.required else ""
    label = QLabel(
        f'{spec.label}{star}<br><span style="color:#757575; font-size:small">{spec.name}</span>'
    )
    label.setToolTip(spec.description)
    label.setTextFormat(Qt.TextFormat.RichText)
    return label


class CartForm(QWidget):
    """All the cart-level fields of one provider, rebuilt when the provider changes."""

    field_edited = Signal(str, object)
    option_toggled = Signal(str, bool)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("cartForm")
        self.editors: dict[str, FieldEditor] = {}
        self.options: dict[str, QCheckBox] = {}
        self._layout = QVBoxLayout(self)
        self._layout.setContentsMargins(0, 0, 0, 0)
        self.provider_key = ""

    def rebuild(self, provider: Provider) -> None:
        while self._layout.count():
            item = self._layout.takeAt(0)
            widget = item.widget() if item is not None else None
            if widget is not None:
                # Out of the form now, not when the event loop next deletes it: the old
                # provider's editors must not stay in the Tab order (or a screenshot).
                widget.hide()
                widget.setParent(None)
                widget.deleteLater()
        self.editors.clear()
        self.options.clear()
        self.provider_key = provider.key
        # Every field by its dotted path (a nested object's fields too: ``customer.email``).
        specs = {
            path: spec
            for path in form_paths(provider.model)
            if (spec := field_spec_at(provider.model, path)) is not None
        }
        if provider.form_hint:
            hint = QLabel(provider.form_hint)
            hint.setObjectName("formHint")
            hint.setWordWrap(True)
            hint.setStyleSheet("font-style: italic; padding: 2px 4px;")
            self._layout.addWidget(hint)
        # The provider's groups, then whatever field they leave out (a provider that declares
        # none gets one group of every field): no field of the model is out of reach.
        grouped = {name for _, names in provider.form_groups for name in names}
        rest = tuple(name for name in specs if name not in grouped)
        groups = list(provider.form_groups)
        if rest:
            groups.append(("Cart" if not groups else "More fields", rest))
        labels: list[QLabel] = []
        for title, names in groups:
            group = QGroupBox(title)
            form = QFormLayout(group)
            form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
            for name in names:
                editor = FieldEditor(specs[name])
                editor.edited.connect(self.field_edited)
                self.editors[name] = editor
                label = _label(specs[name])
                label.setBuddy(editor.editor())
                form.addRow(label, editor)
                labels.append(label)
            self._layout.addWidget(group)
        # One label column for every group, so the editors line up down the form (each
        # group's own layout would otherwise size its column to its own longest label).
        widest = max((label.sizeHint().width() for label in labels), default=0)
        for label in labels:
            label.setMinimumWidth(widest)
        if provider.options_model is not None:
            group = QGroupBox("Request options")
            column = QVBoxLayout(group)
            for name, info in provider.options_model.model_fields.items():
                box = QCheckBox(f"{info.title}  ({name})")
                box.setObjectName(f"option_{name}")
                box.setToolTip(info.description or "")
                box.toggled.connect(lambda on, n=name: self.option_toggled.emit(n, on))
                self.options[name] = box
                column.addWidget(box)
            self._layout.addWidget(group)
        self._layout.addStretch(1)

    def fill(self, values: dict[str, Any], options: dict[str, Any]) -> None:
        for name, editor in self.editors.items():
            editor.set_value(get_at(values, name))
        for name, box in self.options.items():
            with QSignalBlocker(box):
                box.setChecked(bool(options.get(name, False)))

    def show_errors(self, validation: Validation) -> None:
        for name, editor in self.editors.items():
            editor.set_error(validation.errors.get(name) or validation.warnings.get(name))

    def focus_field(self, name: str) -> bool:
        editor = self.editors.get(name)
        if editor is None:
            return False
        editor.editor().setFocus(Qt.FocusReason.OtherFocusReason)
        return True
