"""What a screen reader hears: every control of the window that takes the focus has a name of its
own — the form's editors their field's label (a combo box not its value), tables and panes what
they hold — with each provider's form open."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractSpinBox,
    QComboBox,
    QLabel,
    QScrollBar,
    QTabBar,
    QWidget,
)
from pytestqt.qtbot import QtBot

from app.paths import sample_cart
from app.providers import providers
from app.ui.main_window import MainWindow


def nameless(window: MainWindow) -> list[str]:
    """The focusable controls with neither an accessible name nor text of their own (a
    spin box's or an editable combo's inner line edit is read through its owner)."""
    found = []
    for widget in window.findChildren(QWidget):
        if widget.window() is not window or widget.focusPolicy() == Qt.FocusPolicy.NoFocus:
            continue
        if isinstance(widget, QTabBar | QScrollBar):
            continue  # read by their tabs' and the page's names
        if isinstance(widget, QAbstractButton) and widget.text().strip():
            continue
        owner = widget.parentWidget()
        if isinstance(owner, QAbstractSpinBox | QComboBox):
            continue
        if not widget.accessibleName().strip():
            found.append(f"{type(widget).__name__} {widget.objectName()!r}")
    return found


def test_every_control_has_a_name_whichever_providers_form_is_open(
    qtbot: QtBot, window: MainWindow
) -> None:
    for key in providers():
        assert window.open_cart(sample_cart(key))
        assert nameless(window) == [], key


def test_a_field_is_read_by_its_label_and_its_label_leads_to_it(
    qtbot: QtBot, window: MainWindow
) -> None:
    assert window.open_cart(sample_cart("drip"))
    action = window.form.editors["action"]
    assert action.combo is not None
    assert action.combo.currentText() == "created"
    assert action.combo.accessibleName() == "Action"  # not "created"
    assert action.combo.accessibleDescription().startswith("Required.")
    labels = [label for label in window.form.findChildren(QLabel) if label.buddy() is action.combo]
    assert len(labels) == 1 and labels[0].text().startswith("Action")
    assert window.provider_selector.accessibleName() == "Provider"
    assert window.items_table.accessibleName() == "Line items"
    assert window.response.body.accessibleName() == "Response body"
    assert window.several_panel.views["klaviyo"].body.accessibleName() == (
        "Klaviyo's response body"
    )


def test_tab_follows_the_screen_and_leaves_every_table(qtbot: QtBot, window: MainWindow) -> None:
    from PySide6.QtWidgets import QApplication

    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    assert window.open_cart(sample_cart("klaviyo"))  # a form rebuilt after the window was made
    first_field = window.form.editors["data.attributes.metric.data.attributes.name"].editor()
    qtbot.waitUntil(first_field.isVisible)  # the new form is shown by the event loop
    window.provider_selector.setFocus()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is window.provider_selector)
    visited: list[QWidget] = []
    for _ in range(80):
        focused = QApplication.focusWidget()
        assert focused is not None
        if visited and focused is visited[0]:
            break  # round the whole window
        visited.append(focused)
        qtbot.keyClick(focused, Qt.Key.Key_Tab)
    stops = [
        window.provider_selector,
        window.send_button,
        first_field,  # the event, an editable list: the combo box has the focus
        window.items_table,
        window.preview,
        window.response.body,
    ]
    where = [visited.index(stop) for stop in stops]  # each is reached by Tab ...
    assert where == sorted(where), [type(visited[i]).__name__ for i in where]  # ... in order
    after_items = visited[visited.index(window.items_table) + 1]
    assert after_items is not window.items_table  # Tab left the table
    assert window.raw_editor.tabChangesFocus()


def test_problems_and_answers_are_announced_to_a_screen_reader(
    qtbot: QtBot, window: MainWindow
) -> None:
    # The sample cart is valid: "No problems" was said once; a broken email says one.
    assert window.summary.property("announced") == "No problems"
    window.session.set_field("email", None)
    window.session.set_field("person_id", None)
    window.session.set_field("visitor_uuid", None)
    window.session.refresh_now()
    qtbot.waitUntil(lambda: window.summary.property("announced") != "No problems", timeout=3000)
    said = window.summary.property("announced")
    assert said.endswith("problem") or said.endswith("problems"), said
    window.session.set_field("email", "user@gmail.com")
    window.session.refresh_now()
    qtbot.waitUntil(lambda: window.summary.property("announced") == "No problems", timeout=3000)
    window.new_cart_id()
    with qtbot.waitSignal(window.controller.send_finished, timeout=15_000) as sent:
        window.send()
    assert window.response.property("announced") == f"Answer: {sent.args[0].message}"
    assert sent.args[0].message.startswith("202")
