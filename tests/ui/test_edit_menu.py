"""The Edit menu: cut, copy, paste and select all where the keyboard is; find in the request."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from app.ui.main_window import MainWindow


def test_cut_copy_and_paste_work_on_the_focused_field(qtbot: QtBot, window: MainWindow) -> None:
    window.activateWindow()
    line = window.form.editors["email"].line
    assert line is not None
    line.setFocus()
    qtbot.waitUntil(line.hasFocus)
    window.clipboard_actions["selectAll"].trigger()
    assert line.selectedText() == "user@gmail.com"
    window.clipboard_actions["copy"].trigger()
    assert QApplication.clipboard().text() == "user@gmail.com"
    window.clipboard_actions["cut"].trigger()
    assert line.text() == ""
    window.clipboard_actions["paste"].trigger()
    assert line.text() == "user@gmail.com"
    # The menu shows the platform's keys; the field's own handling of them is untouched.
    assert window.clipboard_actions["copy"].shortcut().toString() == "Ctrl+C"
    assert window.clipboard_actions["copy"].shortcutContext() == Qt.ShortcutContext.WidgetShortcut


def test_find_in_the_request_goes_match_to_match_and_says_how_many(
    qtbot: QtBot, window: MainWindow
) -> None:
    window.activateWindow()
    bar = window.request_panel.find_bar
    assert not bar.isVisible()
    window.find_action.trigger()
    assert bar.isVisible()
    qtbot.waitUntil(bar.field.hasFocus)
    qtbot.keyClicks(bar.field, "product")  # "provider" once, "product_id" per item
    preview = window.preview
    expected = preview.toPlainText().lower().count("product")
    assert expected >= 2
    assert bar.result.text() == f"{expected} matches"
    first = preview.textCursor().selectionStart()
    assert preview.textCursor().selectedText().lower() == "product"
    qtbot.keyClick(bar.field, Qt.Key.Key_Return)
    second = preview.textCursor().selectionStart()
    assert second > first
    qtbot.keyClick(bar.field, Qt.Key.Key_Return, Qt.KeyboardModifier.ShiftModifier)
    assert preview.textCursor().selectionStart() == first
    window.find_previous_action.trigger()  # before the first: round to the last
    assert preview.textCursor().selectionStart() > second or expected == 2
    bar.field.setText("no such text anywhere")
    assert bar.result.text() == "Not found" and bar.result.property("tone") == "error"
    qtbot.keyClick(bar.field, Qt.Key.Key_Escape)
    assert not bar.isVisible()
    qtbot.waitUntil(preview.hasFocus)


def test_find_searches_the_raw_editor_in_raw_mode(qtbot: QtBot, window: MainWindow) -> None:
    window.raw_button.click()
    window.find_action.trigger()
    window.request_panel.find_bar.field.setText('"cart_id"')
    cursor = window.raw_editor.textCursor()
    assert cursor.selectedText() == '"cart_id"'
    assert window.session.raw_error is None  # finding selects; it changes nothing
