"""The window never loses what was typed, never waits for a person nobody is, never passes an
old answer off as the new cart's, and never sends a destructive call unseen: no display, the
screenshot run, bundled samples, raw JSON that does not parse, focus after Send, the response
pane after New, Bronto's Delete, a cell's editor refilled while typed into."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

from PySide6.QtWidgets import QApplication, QLineEdit
from pytestqt.qtbot import QtBot

from app.cli.main import display_problem
from app.paths import sample_cart
from app.providers.bronto.lifecycle import CartOperation
from app.sandbox.runtime import embedded_server
from app.ui.main_window import MainWindow
from app.ui.response_view import PREVIOUS
from tests.ui.conftest import FakeAsker


def gui(home: Path, *args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("CART_COMPOSER_")}
    clean.pop("DISPLAY", None)
    clean.pop("WAYLAND_DISPLAY", None)
    clean.pop("QT_QPA_PLATFORM", None)
    return subprocess.run(
        [sys.executable, "-m", "app", *args],
        capture_output=True,
        text=True,
        timeout=60,
        env={**clean, "CART_COMPOSER_HOME": str(home), **env},
    )


# --- no display, and the screenshot run ----------------------------------------------------


def test_no_display_is_said_before_qt_aborts(tmp_path: Path) -> None:
    if not sys.platform.startswith("linux"):
        return
    done = gui(tmp_path, env={})
    # Before: SIGABRT (exit -6) and Qt's "xcb-cursor0 is needed".
    assert done.returncode == 2, done.stderr
    assert done.stderr.strip() == (
        "No display found: the window needs a desktop session. Set DISPLAY (X11) or "
        "WAYLAND_DISPLAY (Wayland), or use the command line: cart-composer --help."
    )
    assert display_problem({"QT_QPA_PLATFORM": "offscreen"}) is None


def test_a_screenshot_run_never_waits_for_a_person(tmp_path: Path) -> None:
    bad = tmp_path / "bad.cart.json"
    bad.write_text("{not json")
    for target, said in (
        (tmp_path / "nonexistent.cart.json", "There is no cart file at"),
        (bad, "not valid JSON"),
    ):
        started = time.monotonic()
        done = gui(
            tmp_path,
            "gui",
            "--open",
            str(target),
            "--screenshot",
            str(tmp_path / "x.png"),
            env={"QT_QPA_PLATFORM": "offscreen"},
        )
        # Before: a modal nobody could close, past 90 s.
        assert time.monotonic() - started < 45
        assert done.returncode == 2, done.stderr
        assert "Cannot open the cart" in done.stderr and said in done.stderr
        assert not (tmp_path / "x.png").exists()


# --- bundled samples -----------------------------------------------------------------------


def test_a_bundled_sample_opens_as_an_untitled_copy_and_saves_elsewhere(
    qtbot: QtBot, window: MainWindow, asker: FakeAsker, tmp_path: Path
) -> None:
    shipped = sample_cart("drip")
    before = shipped.read_bytes()
    # The first run opened it: a copy, not the file.
    assert window.session.path is None
    assert window.session.copy_of == "drip-example.cart.json"
    assert window.windowTitle() == "drip-example.cart.json (sample copy) — Cart Composer"
    window.session.set_field("email", "changed@example.com")
    asker.save_answer_path = tmp_path / "mine.cart.json"
    assert window.save_cart()  # Save on a copy is Save As
    assert asker.asked == ["save_path"]
    assert shipped.read_bytes() == before  # before: the sample itself was overwritten
    assert window.session.path == tmp_path / "mine.cart.json"
    assert "changed@example.com" in (tmp_path / "mine.cart.json").read_text()


def test_save_as_for_a_sample_copy_suggests_the_documents_folder(
    qtbot: QtBot, window: MainWindow, asker: FakeAsker
) -> None:
    from app.ui.asking import documents_folder

    suggested: list[str] = []
    asker.save_path = lambda s: suggested.append(s)  # type: ignore[method-assign,assignment,func-returns-value]
    window.save_cart()
    assert suggested == [str(documents_folder() / "drip-example.cart.json")]
    assert "resources" not in suggested[0]


def test_a_shipped_scenario_opens_as_a_copy(qtbot: QtBot, window: MainWindow) -> None:
    shipped = next((sample_cart("drip").parents[1] / "scenarios").glob("*.scenario.json"))
    journeys = window.journeys
    assert journeys.open_path(shipped)
    assert journeys.path is None
    assert "resources" not in journeys.suggested_save_path()
    assert journeys.suggested_save_path().endswith(shipped.name)


# --- raw JSON ------------------------------------------------------------------------------


def test_leaving_raw_json_that_does_not_parse_asks_and_can_keep_the_text(
    qtbot: QtBot, window: MainWindow, asker: FakeAsker
) -> None:
    window.request_panel.set_raw_mode(True)
    window.raw_editor.setPlainText('{"email": "half typed')
    window.request_panel.apply_raw()
    asker.discard_raw = False  # "Keep editing"
    window.raw_button.click()
    assert asker.asked and asker.asked[-1].startswith("leave_invalid_raw Line 1")
    assert window.raw_button.isChecked() and window.request_panel.stack.currentIndex() == 1
    assert window.raw_editor.toPlainText() == '{"email": "half typed'  # before: thrown away
    asker.discard_raw = True
    window.raw_button.click()
    assert not window.raw_button.isChecked() and window.request_panel.stack.currentIndex() == 0
    assert window.session.raw_error is None


# --- focus -----------------------------------------------------------------------------------


def test_the_bulk_send_keeps_focus_out_of_the_form(qtbot: QtBot, window: MainWindow) -> None:
    window.activateWindow()
    window.show_page(window.journeys.bulk_panel)
    button = window.journeys.bulk_button
    window.journeys.bulk_count.setValue(20)
    button.setFocus()
    qtbot.waitUntil(button.hasFocus, timeout=5_000)
    button.click()
    focused = QApplication.focusWidget()
    # Before: the form's Email field, its text selected, took the next keystroke.
    assert focused is window.journeys.bulk_cancel
    assert not isinstance(focused, QLineEdit)
    qtbot.waitUntil(lambda: window.journeys.bulk_run is None, timeout=20_000)
    assert QApplication.focusWidget() is button


def test_send_hands_focus_to_cancel_and_back(qtbot: QtBot, window: MainWindow) -> None:
    window.activateWindow()
    window.send_button.setFocus()
    qtbot.waitUntil(window.send_button.hasFocus, timeout=5_000)
    with qtbot.waitSignal(window.controller.send_finished, timeout=10_000):
        window.send_button.click()
        assert QApplication.focusWidget() is window.cancel_button
    assert QApplication.focusWidget() is window.send_button


# --- the response pane after another cart ----------------------------------------------------


def test_the_previous_carts_answer_is_marked_after_new_or_a_provider_switch(
    qtbot: QtBot, window: MainWindow
) -> None:
    with qtbot.waitSignal(window.controller.send_finished, timeout=10_000):
        window.send()
    assert window.response.badge.text() == "202"
    assert not window.response.summary.text().startswith(PREVIOUS)
    window.new_cart()
    assert window.response.summary.text().startswith(PREVIOUS)
    assert "#9e9e9e" in window.response.badge.styleSheet()  # greyed
    window.provider_selector.setCurrentIndex(window.provider_selector.findData("bronto"))
    window.provider_selector.activated.emit(window.provider_selector.currentIndex())
    assert window.response.summary.text().count(PREVIOUS) == 1
    with qtbot.waitSignal(window.controller.send_finished, timeout=10_000):
        window.fill_sample()
        window.send()
    assert not window.response.summary.text().startswith(PREVIOUS)


# --- Bronto's Delete -----------------------------------------------------------------------


def test_a_cart_action_shows_its_request_first_and_delete_asks(
    qtbot: QtBot, window: MainWindow, asker: FakeAsker
) -> None:
    assert window.open_cart(sample_cart("bronto"))
    window.new_cart_id()
    with qtbot.waitSignal(window.controller.send_finished, timeout=15_000):
        window.send()
    cart_id = window.session.remote_cart_id
    seen: list[str] = []

    def confirm(provider: object, action: object, asked_for: str) -> bool:
        seen.append(window.preview.toPlainText())
        asker.asked.append(f"confirm_{getattr(action, 'key', action)} {asked_for}")
        return False

    asker.confirm_action = confirm  # type: ignore[method-assign]
    sandbox = embedded_server().sandbox
    deletes = len([r for r in sandbox.requests() if r.method == "DELETE"])
    window.cart_actions[CartOperation.DELETE].trigger()
    assert asker.asked[-1] == f"confirm_delete {cart_id}"
    # While asked, the Request pane showed the Delete, not the Add Cart request.
    assert seen[0].startswith("DELETE http://127.0.0.1:") and f"/carts/{cart_id}" in seen[0]
    assert "Authorization: Bearer ••••••••" in seen[0]
    assert len([r for r in sandbox.requests() if r.method == "DELETE"]) == deletes  # not sent
    assert window.preview.toPlainText().startswith("POST ")  # the cart's request again
    assert not window.session.sending

    asker.confirm_action = lambda provider, action, asked_for: True  # type: ignore[method-assign]
    with qtbot.waitSignal(window.controller.send_finished, timeout=15_000) as blocker:
        window.cart_actions[CartOperation.GET].trigger()
        assert window.preview.toPlainText().startswith("GET http://127.0.0.1:")
    assert blocker.args[0].status == 200
    assert "GET" in window.request_panel.title.text() or "Get" in window.request_panel.title.text()
    window.session.set_field("emailAddress", "edited@example.com")
    window.session.refresh_now()
    assert window.preview.toPlainText().startswith("POST ")  # an edit: the cart's again


# --- a cell's editor refilled while typed into -----------------------------------------------


def test_an_editor_typed_into_is_not_refilled_by_a_retint(qtbot: QtBot, window: MainWindow) -> None:
    """What xdotool showed under a real X server (tests/ui/test_real_typing.py), here without
    one: the whole-table dataChanged of a finished check refilled the open editor."""
    window.add_item()
    model, table = window.items_model, window.items_table
    row = model.rowCount() - 1
    index = model.index(row, model.column_of("sku"))
    table.setCurrentIndex(index)
    table.edit(index)
    (editor,) = table.viewport().findChildren(QLineEdit)  # the delegate's open editor
    qtbot.keyClicks(editor, "SK")
    model.dataChanged.emit(model.index(0, 0), model.index(row, model.columnCount() - 1))
    qtbot.keyClicks(editor, "U2")
    assert editor.text() == "SKU2"
    table.commitData(editor)  # what the view does when the editor closes
    assert model.data(index) == "SKU2"
