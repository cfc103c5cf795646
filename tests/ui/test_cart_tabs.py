"""Several carts at once, a tab each: each its own session (provider, profile, file, undo
history, response); Send and the shortcuts act on the tab in front; the unsaved question per
tab; the open tabs come back on the next start."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSettings
from pytestqt.qtbot import QtBot

from app.paths import sample_cart
from app.ui.application import create_main_window
from app.ui.main_window import MainWindow
from tests.ui.conftest import FakeAsker


def test_each_tab_is_a_cart_of_its_own(qtbot: QtBot, window: MainWindow) -> None:
    first = window.tab
    assert [
        window.new_tab_action.shortcut().toString(),
        window.close_tab_action.shortcut().toString(),
    ] == ["Ctrl+T", "Ctrl+W"]
    assert not window.cart_tabs.tabBar().isVisible()  # one cart: no tab bar
    window.new_tab_action.trigger()
    second = window.tab
    assert second is not first and window.cart_tabs.count() == 2
    assert window.cart_tabs.tabBar().isVisible()
    assert window.cart_tabs.tabText(1) == "Untitled cart"
    assert window.windowTitle() == "Untitled cart — Cart Composer"
    # The tab's bar says its cart: the provider of the tab it came from, and its profile.
    assert window.provider_selector.currentData() == "drip"
    assert window.profile_selector.currentData() == "sandbox-drip"
    # Its own provider, fields, dirty mark and undo history.
    window.choose_provider("bronto")
    window.session.set_field("customerCartId", "tab-2")
    assert second.session.provider.key == "bronto" and first.session.provider.key == "drip"
    assert first.session.value("email") == "user@gmail.com"  # the first start's sample
    assert window.cart_tabs.tabText(1) == "Untitled cart*"
    assert window.undo_action.isEnabled()
    window.cart_tabs.setCurrentIndex(0)
    assert window.windowTitle() == "drip-example.cart.json (sample copy) — Cart Composer"
    assert not window.undo_action.isEnabled()  # nothing done in this tab
    window.next_tab_action.trigger()  # Ctrl+Tab
    assert window.tab is second
    window.undo_action.trigger()
    assert second.session.value("customerCartId") != "tab-2"
    window.previous_tab_action.trigger()  # Ctrl+Shift+Tab, round
    assert window.tab is first


def test_send_and_its_answer_are_the_tab_in_fronts(qtbot: QtBot, window: MainWindow) -> None:
    first = window.tab
    second = window.new_tab()
    assert second.open_cart(sample_cart("bronto"))
    second.new_cart_id()  # the embedded sandbox outlives a test: a cart id of its own
    with qtbot.waitSignal(second.controller.send_finished, timeout=15_000) as sent:
        window.send_action.trigger()  # Ctrl+Return
    assert sent.args[0].status == 201
    assert second.response.badge.text() == "201"
    assert first.response.badge.text() == "—"  # nothing sent from the first tab
    assert window.send_action.isEnabled() and not window.cancel_action.isEnabled()


def test_closing_a_tab_asks_about_its_unsaved_cart(
    qtbot: QtBot, window: MainWindow, asker: FakeAsker
) -> None:
    second = window.new_tab()
    second.session.set_field("email", "typed@example.com")
    asker.save_answer = "cancel"
    assert not window.close_tab()
    assert asker.asked[-1] == "save_changes this cart"
    assert window.cart_tabs.count() == 2 and window.tab is second  # kept, with what was typed
    asker.save_answer = "discard"
    assert window.close_tab()
    assert window.cart_tabs.count() == 1 and second not in window.tabs
    # The last tab's cart goes too when closed, and an empty one takes its place.
    assert window.close_tab()
    assert window.cart_tabs.count() == 1 and window.tab.title() == "Untitled cart"


def test_quitting_asks_about_each_unsaved_tab(
    qtbot: QtBot, window: MainWindow, asker: FakeAsker
) -> None:
    window.session.set_field("email", "one@example.com")
    window.new_tab().session.set_field("email", "two@example.com")
    asker.save_answer = "discard"
    window.close()
    assert [q for q in asker.asked if q.startswith("save_changes")] == [
        "save_changes drip-example.cart.json (sample copy)",
        "save_changes this cart",
    ]


def test_the_open_tabs_come_back_on_the_next_start(
    qtbot: QtBot, window: MainWindow, asker: FakeAsker, tmp_path: Path
) -> None:
    saved = tmp_path / "mine.cart.json"
    asker.save_answer_path = saved
    assert window.save_cart()  # the first tab: a file of its own now
    bronto = window.new_tab()
    assert bronto.open_cart(sample_cart("bronto"))  # an unchanged sample copy
    bronto.session.set_profile("sandbox-bronto")
    window.new_tab().session.set_field("email", "x@example.com")  # untitled: asked, not kept
    gone = tmp_path / "gone.cart.json"
    gone.write_bytes(saved.read_bytes())
    gone_tab = window.new_tab()
    assert gone_tab.open_cart(gone)
    window.cart_tabs.setCurrentWidget(bronto)
    settings = QSettings(str(tmp_path / "window.ini"), QSettings.Format.IniFormat)
    window.save_state(settings)
    gone.unlink()
    again = create_main_window(asker=FakeAsker())
    qtbot.addWidget(again)
    problems = again.restore_tabs(settings)
    assert problems == ["gone.cart.json is gone, so its tab was not reopened."]
    assert [tab.title() for tab in again.tabs] == [
        "mine.cart.json",
        "bronto-example.cart.json (sample copy)",
    ]
    assert again.tab.session.provider.key == "bronto"  # the one in front, in front again
    assert again.tab.session.profile.name == "sandbox-bronto"
    assert again.tabs[0].session.path == saved
    # A file asked for with --open stays, the others join it.
    third = create_main_window(asker=FakeAsker())
    qtbot.addWidget(third)
    third.restore_tabs(settings, replace_first=False)
    assert third.cart_tabs.count() == 3
    # A damaged list is no list.
    settings.setValue("tabs/open", "{not json")
    fourth = create_main_window(asker=FakeAsker())
    qtbot.addWidget(fourth)
    assert fourth.restore_tabs(settings) == [] and fourth.cart_tabs.count() == 1


def test_the_tab_keys_work_from_the_keyboard(qtbot: QtBot, window: MainWindow) -> None:
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QApplication

    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    line = window.form.editors["email"].line
    assert line is not None
    line.setFocus()
    qtbot.waitUntil(line.hasFocus)
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_T, Qt.KeyboardModifier.ControlModifier)
    assert window.cart_tabs.count() == 2 and window.cart_tabs.currentIndex() == 1
    focused = QApplication.focusWidget() or window
    qtbot.keyClick(focused, Qt.Key.Key_Tab, Qt.KeyboardModifier.ControlModifier)
    assert window.cart_tabs.currentIndex() == 0  # round to the first
    focused = QApplication.focusWidget() or window
    qtbot.keyClick(focused, Qt.Key.Key_W, Qt.KeyboardModifier.ControlModifier)
    assert window.cart_tabs.count() == 1  # the first, unchanged: closed without a question


def test_a_new_tab_of_a_nested_provider_is_an_empty_cart_of_it(
    qtbot: QtBot, window: MainWindow
) -> None:
    assert window.open_cart(sample_cart("klaviyo"))
    tab = window.new_tab()
    assert window.provider_selector.currentData() == "klaviyo"
    assert window.profile_selector.currentData() == "sandbox-klaviyo"
    assert tab.session.payload_object()["data"]["type"] == "event"  # not a "data.type" key
    tab.session.refresh_now()
    said = [issue.message for issue in tab.session.validation.issues]
    assert not any("is not a field" in message for message in said), said
