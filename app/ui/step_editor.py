"""One journey step as a small form of its own kind — send the cart, a provider's cart action,
wait, note — or, for power users, as the JSON the ``.scenario.json`` file holds.

The form changes only the keys a person edits: a step opened and saved unchanged is written
back exactly as it was read (the same keys, the same numbers)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QSignalBlocker, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QSpinBox,
    QStackedWidget,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.domain import jsonfmt
from app.domain.errors import UnknownProvider
from app.paths import resources_dir
from app.providers import get_provider
from app.scenarios import ScenarioError
from app.scenarios.model import parse_scenario
from app.ui.theme import set_tone
from app.ui.widgets import button, rows_follow_font

__all__ = ["StepEditor", "field_value", "shown_value"]

_SEND, _ACTION, _WAIT, _NOTE, _JSON, _NONE = range(6)


def shown_value(value: Any) -> str:
    """A field's value as the Set table shows it: text as typed, anything else as JSON (and
    text that would read as something else, like "5" or "true", in quotes)."""
    if isinstance(value, str) and field_value(value) == value:
        return value
    return jsonfmt.dumps(value, indent=None)


def field_value(text: str) -> Any:
    """What a Set table cell means: JSON where it is (5, 4.27, true, null, "x", [..]), else
    the text itself (PAYMENT, a@example.com)."""
    stripped = text.strip()
    try:
        return jsonfmt.loads(stripped) if stripped else ""
    except jsonfmt.JsonSyntaxError:
        return text


def _number(value: float) -> int | float:
    return int(value) if float(value).is_integer() else value


class _SetTable(QWidget):
    """Fields to change before the step (``set``): a path and a value a row."""

    edited = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.table = QTableWidget(0, 2)
        self.table.setObjectName("stepSetTable")
        self.table.setHorizontalHeaderLabels(["Field", "Value"])
        self.table.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.table.horizontalHeader().setSectionResizeMode(
            0, QHeaderView.ResizeMode.ResizeToContents
        )
        self.table.verticalHeader().hide()
        self.table.setTabKeyNavigation(False)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setMinimumHeight(60)
        rows_follow_font(self.table, 8)
        self.add_button = button("Add field", "stepSetAdd", "Change one more field first")
        self.remove_button = button("Remove", "stepSetRemove", "Leave this field as it is")
        row = QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.add_button)
        row.addWidget(self.remove_button)
        row.addStretch(1)
        column = QVBoxLayout(self)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(self.table, 1)
        column.addLayout(row)
        self.add_button.clicked.connect(self.add_row)
        self.remove_button.clicked.connect(self.remove_row)
        self.table.itemChanged.connect(lambda _: self.edited.emit())

    def fill(self, values: dict[str, Any]) -> None:
        with QSignalBlocker(self.table):
            self.table.setRowCount(0)
            for name, value in values.items():
                self._append(name, shown_value(value))

    def _append(self, name: str, value: str) -> None:
        row = self.table.rowCount()
        self.table.insertRow(row)
        self.table.setItem(row, 0, QTableWidgetItem(name))
        self.table.setItem(row, 1, QTableWidgetItem(value))

    def add_row(self) -> None:
        with QSignalBlocker(self.table):
            self._append("", "")
        self.table.setCurrentCell(self.table.rowCount() - 1, 0)
        fresh = self.table.item(self.table.rowCount() - 1, 0)
        if fresh is not None:
            self.table.editItem(fresh)

    def remove_row(self) -> None:
        row = self.table.currentRow()
        if row >= 0:
            self.table.removeRow(row)
            self.edited.emit()

    def values(self) -> dict[str, Any]:
        found: dict[str, Any] = {}
        for row in range(self.table.rowCount()):
            name_item, value_item = self.table.item(row, 0), self.table.item(row, 1)
            name = name_item.text().strip() if name_item is not None else ""
            if name:
                found[name] = field_value(value_item.text() if value_item is not None else "")
        return found


class StepEditor(QWidget):
    """The selected step's form. ``changed`` when a person edits it; ``step()`` is what it
    says now."""

    changed = Signal()

    def __init__(
        self, profile_names: Callable[[], list[str]], parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("stepEditor")
        self._profile_names = profile_names
        self._kind = "note"
        self._values: dict[str, Any] = {}
        self.title = QLabel()
        self.title.setObjectName("stepEditorTitle")
        self.json_button = button(
            "JSON", "stepJsonButton", "The step as the .scenario.json file holds it"
        )
        self.json_button.setCheckable(True)
        head = QHBoxLayout()
        head.setContentsMargins(0, 0, 0, 0)
        head.addWidget(self.title, 1)
        head.addWidget(self.json_button)
        self.pages = QStackedWidget()
        self.pages.addWidget(self._send_page())
        self.pages.addWidget(self._action_page())
        self.pages.addWidget(self._wait_page())
        self.pages.addWidget(self._note_page())
        self.pages.addWidget(self._json_page())
        nothing = QLabel("Choose a step to change it here, or add one.")
        nothing.setObjectName("stepEditorEmpty")
        nothing.setAlignment(Qt.AlignmentFlag.AlignCenter)
        set_tone(nothing, "muted")
        self.pages.addWidget(nothing)
        self.problem = QLabel()
        self.problem.setObjectName("stepProblem")
        self.problem.setWordWrap(True)
        set_tone(self.problem, "error")
        self.problem.hide()
        column = QVBoxLayout(self)
        column.setContentsMargins(0, 0, 0, 0)
        column.addLayout(head)
        column.addWidget(self.pages, 1)
        column.addWidget(self.problem)
        self.json_button.toggled.connect(self._show_json)
        self.setEnabled(False)

    # --- the pages ---------------------------------------------------------------------------

    def _profile_combo(self, name: str) -> QComboBox:
        combo = QComboBox()
        combo.setObjectName(name)
        combo.setEditable(True)
        line = combo.lineEdit()
        if line is not None:
            line.setPlaceholderText("the provider's sandbox profile")
        combo.setToolTip("Where the step goes: a profile of the cart's provider")
        combo.currentTextChanged.connect(lambda text: self._set("profile", text.strip() or None))
        return combo

    def _expect_spin(self, name: str) -> QSpinBox:
        spin = QSpinBox()
        spin.setObjectName(name)
        spin.setRange(0, 599)
        spin.setSpecialValueText("any")
        spin.setToolTip("The status the step must get; another stops the run")
        spin.valueChanged.connect(lambda value: self._set("expect", value or None))
        return spin

    def _send_page(self) -> QWidget:
        page = QWidget()
        form = QFormLayout(page)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.send_cart = QComboBox()
        self.send_cart.setObjectName("stepCart")
        self.send_cart.setEditable(True)
        self.send_cart.addItem("")
        for path in sorted((resources_dir() / "samples").glob("*.cart.json")):
            self.send_cart.addItem(path.name)
        line = self.send_cart.lineEdit()
        if line is not None:
            line.setPlaceholderText("the journey's cart so far")
        self.send_cart.setToolTip(
            "A .cart.json next to the scenario, or a shipped sample; empty: the cart the "
            "journey's last send left"
        )
        self.send_cart.currentTextChanged.connect(
            lambda text: self._set("cart", text.strip() or None)
        )
        self.send_profile = self._profile_combo("stepSendProfile")
        self.send_event = QComboBox()
        self.send_event.setObjectName("stepEvent")
        self.send_event.addItems(["", "created", "updated"])
        self.send_event.setPlaceholderText("as it is")
        self.send_event.setToolTip("Send the cart as this event, where the provider has events")
        self.send_event.currentTextChanged.connect(lambda text: self._set("action", text or None))
        self.send_new_id = QCheckBox("A new cart id")
        self.send_new_id.setObjectName("stepNewCartId")
        self.send_new_id.toggled.connect(lambda on: self._set("new_cart_id", True if on else None))
        self.send_remove = QCheckBox("Remove item")
        self.send_remove.setObjectName("stepRemoveItem")
        self.send_remove_number = QSpinBox()
        self.send_remove_number.setObjectName("stepRemoveItemNumber")
        self.send_remove_number.setRange(1, 10_000)
        self.send_remove_number.setAccessibleName("Number of the item to remove")
        self.send_remove.toggled.connect(lambda _: self._set_remove())
        self.send_remove_number.valueChanged.connect(lambda _: self._set_remove())
        remove = QHBoxLayout()
        remove.addWidget(self.send_remove)
        remove.addWidget(self.send_remove_number)
        remove.addStretch(1)
        self.send_set = _SetTable()
        self.send_set.edited.connect(lambda: self._set("set", self.send_set.values() or None))
        self.send_expect = self._expect_spin("stepSendExpect")
        form.addRow("&Cart", self.send_cart)
        form.addRow("&Profile", self.send_profile)
        form.addRow("Send &as", self.send_event)
        form.addRow("", self.send_new_id)
        form.addRow("", remove)
        form.addRow("&Set fields", self.send_set)
        form.addRow("E&xpect", self.send_expect)
        return page

    def _action_page(self) -> QWidget:
        page = QWidget()
        form = QFormLayout(page)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.action_choice = QComboBox()
        self.action_choice.setObjectName("stepAction")
        self.action_choice.currentIndexChanged.connect(
            lambda _: self._set("action", self.action_choice.currentData())
        )
        self.action_profile = self._profile_combo("stepActionProfile")
        self.action_set = _SetTable()
        self.action_set.edited.connect(lambda: self._set("set", self.action_set.values() or None))
        self.action_expect = self._expect_spin("stepActionExpect")
        form.addRow("&Action", self.action_choice)
        form.addRow("&Profile", self.action_profile)
        form.addRow("&Set fields", self.action_set)
        form.addRow("E&xpect", self.action_expect)
        return page

    def _wait_page(self) -> QWidget:
        page = QWidget()
        form = QFormLayout(page)
        self.wait_minutes = QDoubleSpinBox()
        self.wait_minutes.setObjectName("stepMinutes")
        self.wait_minutes.setRange(0, 100_000)
        self.wait_minutes.setDecimals(1)
        self.wait_minutes.setSuffix(" min")
        self.wait_seconds = QDoubleSpinBox()
        self.wait_seconds.setObjectName("stepSeconds")
        self.wait_seconds.setRange(0, 100_000)
        self.wait_seconds.setDecimals(1)
        self.wait_seconds.setSuffix(" s")
        self.wait_minutes.valueChanged.connect(lambda v: self._set_wait("minutes", v))
        self.wait_seconds.valueChanged.connect(lambda v: self._set_wait("seconds", v))
        form.addRow("&Minutes", self.wait_minutes)
        form.addRow("S&econds", self.wait_seconds)
        hint = QLabel("Shortened by the run's speed: at x60 a minute passes in a second.")
        hint.setWordWrap(True)
        set_tone(hint, "muted")
        form.addRow("", hint)
        return page

    def _note_page(self) -> QWidget:
        page = QWidget()
        form = QFormLayout(page)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.note_text = QLineEdit()
        self.note_text.setObjectName("stepNote")
        self.note_text.setPlaceholderText("What the audience should know at this point")
        self.note_text.textEdited.connect(lambda text: self._set("text", text))
        form.addRow("&Note", self.note_text)
        return page

    def _json_page(self) -> QWidget:
        page = QWidget()
        column = QVBoxLayout(page)
        column.setContentsMargins(0, 0, 0, 0)
        self.json_text = QPlainTextEdit()
        self.json_text.setObjectName("stepJson")
        self.json_text.setTabChangesFocus(True)
        self.json_text.setAccessibleName("The step as JSON")
        self.json_text.textChanged.connect(self._apply_json)
        column.addWidget(self.json_text)
        return page

    # --- showing a step ----------------------------------------------------------------------

    def show_step(self, number: int, kind: str, values: dict[str, Any]) -> None:
        """Step ``number`` (from 1) in its form; nothing edited yet."""
        self._kind, self._values = kind, dict(values)
        self.setEnabled(True)
        widgets = self.findChildren(QWidget)
        blockers = [QSignalBlocker(w) for w in widgets]
        try:
            self._fill()
        finally:
            del blockers
        self.title.setText(f"<b>Step {number}</b> · {self._kind_title()}")
        self._check()

    def clear(self) -> None:
        self.setEnabled(False)
        self.title.setText("")
        self.pages.setCurrentIndex(_NONE)
        self.problem.hide()

    def _kind_title(self) -> str:
        if self._kind == "send":
            return "send the cart"
        if self._kind in ("wait", "note"):
            return self._kind
        return f"{get_provider(self._kind).title} cart action"

    def _fill(self) -> None:
        v = self._values
        names = self._profile_names()
        if self.json_button.isChecked():
            self.pages.setCurrentIndex(_JSON)
            self.json_text.setPlainText(jsonfmt.dumps({"do": self._kind, **v}))
            return
        if self._kind == "send":
            self.pages.setCurrentIndex(_SEND)
            self.send_cart.setCurrentText(str(v.get("cart", "")))
            self._fill_profiles(self.send_profile, names, v.get("profile"))
            # No event: the placeholder ("as it is"), not the list's blank.
            self.send_event.setCurrentIndex(self.send_event.findText(str(v.get("action") or "-")))
            self.send_new_id.setChecked(bool(v.get("new_cart_id")))
            removing = isinstance(v.get("remove_item"), int)
            self.send_remove.setChecked(removing)
            self.send_remove_number.setValue(int(v["remove_item"]) + 1 if removing else 1)
            self.send_remove_number.setEnabled(removing)
            self.send_set.fill(dict(v.get("set") or {}))
            self.send_expect.setValue(int(v.get("expect") or 0))
        elif self._kind == "wait":
            self.pages.setCurrentIndex(_WAIT)
            self.wait_minutes.setValue(float(v.get("minutes", 0)))
            self.wait_seconds.setValue(float(v.get("seconds", 0)))
        elif self._kind == "note":
            self.pages.setCurrentIndex(_NOTE)
            self.note_text.setText(str(v.get("text", "")))
        else:
            self.pages.setCurrentIndex(_ACTION)
            self.action_choice.clear()
            for action in get_provider(self._kind).actions:
                self.action_choice.addItem(f"{action.title} ({action.key})", action.key)
            self.action_choice.setCurrentIndex(self.action_choice.findData(v.get("action")))
            self._fill_profiles(self.action_profile, names, v.get("profile"))
            self.action_set.fill(dict(v.get("set") or {}))
            self.action_expect.setValue(int(v.get("expect") or 0))

    @staticmethod
    def _fill_profiles(combo: QComboBox, names: list[str], chosen: object) -> None:
        combo.clear()
        combo.addItems(["", *names])
        combo.setCurrentText(str(chosen or ""))

    # --- editing -----------------------------------------------------------------------------

    def step(self) -> tuple[str, dict[str, Any]]:
        return self._kind, dict(self._values)

    def _set(self, key: str, value: Any) -> None:
        if value is None:
            if key not in self._values:
                return
            del self._values[key]
        elif self._values.get(key) == value and type(self._values.get(key)) is type(value):
            return
        else:
            self._values[key] = value
        self._edited()

    def _set_remove(self) -> None:
        on = self.send_remove.isChecked()
        self.send_remove_number.setEnabled(on)
        self._set("remove_item", self.send_remove_number.value() - 1 if on else None)

    def _set_wait(self, key: str, value: float) -> None:
        other = "seconds" if key == "minutes" else "minutes"
        if value or other not in self._values:
            self._set(key, _number(value))
        else:
            self._set(key, None)  # zero of one, the other says how long

    def _edited(self) -> None:
        self._check()
        self.changed.emit()

    def _check(self) -> None:
        """The step's problem, next to its form (the run would refuse it)."""
        try:
            parse_scenario({"steps": [{"do": self._kind, **self._values}]}, label="This step")
        except ScenarioError as exc:
            self.problem.setText(str(exc).replace("This step, step 1: ", ""))
            self.problem.show()
            return
        self.problem.hide()

    def _show_json(self, on: bool) -> None:
        blockers = [QSignalBlocker(w) for w in self.findChildren(QWidget)]
        try:
            self._fill()
        finally:
            del blockers

    def _apply_json(self) -> None:
        try:
            data = jsonfmt.loads(self.json_text.toPlainText())
        except jsonfmt.JsonSyntaxError as exc:
            self.problem.setText(f"Not JSON yet: {exc}")
            self.problem.show()
            return
        if not isinstance(data, dict) or not isinstance(data.get("do"), str):
            self.problem.setText('A step is {"do": "send" | "wait" | "note" | …, …}.')
            self.problem.show()
            return
        kind = str(data.pop("do"))
        self._kind, self._values = kind, data
        self.title.setText(self.title.text().split(" · ")[0] + f" · {self._kind_title_safe()}")
        self._edited()

    def _kind_title_safe(self) -> str:
        try:
            return self._kind_title()
        except UnknownProvider:  # an unknown kind typed in the JSON: its problem says so
            return self._kind

    def focus_first(self) -> None:
        page = self.pages.currentWidget()
        if page is None:
            return
        for widget in page.findChildren(QWidget):
            if widget.focusPolicy() & Qt.FocusPolicy.TabFocus and widget.isVisibleTo(page):
                widget.setFocus()
                return
