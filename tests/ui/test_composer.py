"""The composer in use: typing, cells, validation, sending, cancelling, files, switching."""

from __future__ import annotations

import gc
import itertools
import os
import time
import uuid
from decimal import Decimal
from pathlib import Path

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QLineEdit
from pytestqt.qtbot import QtBot

from app.domain import jsonfmt
from app.domain.sandbox_marks import REAL, SandboxMode
from app.providers import dumps_cart, load_cart
from app.sandbox import Fault
from app.sandbox.runtime import embedded_server
from app.transport.network import shared_ssl_context
from app.ui.application import create_main_window
from app.ui.asking import documents_folder
from app.ui.main_window import MainWindow
from tests.conftest import golden_text
from tests.ui.conftest import FakeAsker

GOLDEN = golden_text("drip-doc-example.expected.json")


def body_of(window: MainWindow) -> str:
    return window.preview.toPlainText().partition("\n\n")[2]


def line_edit(window: MainWindow, name: str) -> QLineEdit:
    editor = window.form.editors[name].editor()
    assert isinstance(editor, QLineEdit)
    return editor


def wait_preview(qtbot: QtBot, window: MainWindow, text: str) -> None:
    qtbot.waitUntil(lambda: text in window.preview.toPlainText(), timeout=3000)


# --- editing -> preview --------------------------------------------------------------------


def test_typing_in_the_form_changes_the_preview_to_the_exact_json(
    qtbot: QtBot, window: MainWindow
) -> None:
    editor = line_edit(window, "cart_id")
    editor.selectAll()
    qtbot.keyClicks(editor, "cart-42")
    wait_preview(qtbot, window, '"cart_id": "cart-42"')
    assert body_of(window) == GOLDEN.replace('"456445746",', '"cart-42",')
    assert window.windowTitle() == "drip-example.cart.json (sample copy)* — Cart Composer"


def test_money_is_sent_exactly_as_typed(qtbot: QtBot, window: MainWindow) -> None:
    editor = line_edit(window, "grand_total")
    editor.selectAll()
    qtbot.keyClicks(editor, "16.990")
    wait_preview(qtbot, window, '"grand_total": 16.990,')
    assert window.session.value("grand_total") == Decimal("16.990")


def test_clearing_an_optional_field_leaves_it_out(qtbot: QtBot, window: MainWindow) -> None:
    editor = line_edit(window, "cart_public_id")
    editor.selectAll()
    qtbot.keyClick(editor, Qt.Key.Key_Delete)
    qtbot.waitUntil(lambda: "cart_public_id" not in body_of(window), timeout=3000)
    assert body_of(window) == GOLDEN.replace('  "cart_public_id": "#5",\n', "")


def test_editing_a_cell_changes_the_preview(qtbot: QtBot, window: MainWindow) -> None:
    table = window.items_table
    index = window.table_index(0, "price")
    table.setCurrentIndex(index)
    table.edit(index)
    editor = QApplication.focusWidget()
    assert isinstance(editor, QLineEdit)
    editor.selectAll()
    qtbot.keyClicks(editor, "12.50")
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    wait_preview(qtbot, window, '"price": 12.50,')
    assert body_of(window) == GOLDEN.replace('"price": 11.16,', '"price": 12.50,')


def test_the_items_model_passes_qtmodeltester(qtmodeltester: object, window: MainWindow) -> None:
    window.items_model.insert_item(1, {"name": "Mug", "price": Decimal("3.99")})
    qtmodeltester.check(window.items_model)  # type: ignore[attr-defined]


def test_add_duplicate_move_remove_keep_the_preview_right(qtbot: QtBot, window: MainWindow) -> None:
    model = window.items_model

    def names() -> list[str | None]:
        window.session.refresh_now()
        items = jsonfmt.loads(body_of(window))["items"]
        return [item.get("name") for item in items]

    model.duplicate_item(0)
    model.setData(window.table_index(1, "name"), "Second")
    model.insert_item(2, {"name": "Third"})
    assert names() == ["The Coolest Water Bottle", "Second", "Third"]
    assert model.move_item(2, -1) == 1
    assert names() == ["The Coolest Water Bottle", "Third", "Second"]
    model.remove_item(0)
    assert names() == ["Third", "Second"]
    model.remove_item(0)
    model.remove_item(0)
    window.session.refresh_now()
    assert '"items"' not in body_of(window)  # no items: the key is left out, not []


def test_the_worked_out_total_is_applied_only_on_request(qtbot: QtBot, window: MainWindow) -> None:
    model = window.items_model
    computed = model.index(0, model.computed_column)
    assert model.data(computed) == "16.98"  # 2 x 11.16 - 5.34; the document says 16.99
    assert window.session.items()[0]["total"] == Decimal("16.99")
    window.items_table.setCurrentIndex(window.table_index(0, "name"))
    window.items.apply_line_button.click()
    assert window.session.items()[0]["total"] == Decimal("16.98")
    window.items.apply_cart_button.click()
    assert window.session.value("grand_total") == Decimal("16.98")
    assert window.session.value("total_discounts") == Decimal("5.34")


# --- validation ----------------------------------------------------------------------------


def test_a_rule_shows_its_message_on_the_field_and_the_summary_focuses_it(
    qtbot: QtBot, window: MainWindow
) -> None:
    editor = line_edit(window, "email")
    editor.selectAll()
    qtbot.keyClicks(editor, "user.gmail.com")
    message = (
        "Email must be a valid address like name@example.com. An email address must have an @-sign."
    )
    error = window.form.editors["email"].error
    qtbot.waitUntil(lambda: error.text() == message, timeout=3000)
    assert error.isVisible()
    assert [window.summary.item(i).text() for i in range(window.summary.count())] == [
        f"✖ {message}"
    ]
    window.cart_id_focus = line_edit(window, "cart_id")
    window.cart_id_focus.setFocus()
    window.summary.itemClicked.emit(window.summary.item(0))
    assert QApplication.focusWidget() is editor


def test_a_cell_error_is_highlighted_and_the_summary_selects_the_cell(
    qtbot: QtBot, window: MainWindow
) -> None:
    model = window.items_model
    model.setData(window.table_index(0, "price"), "-1")
    window.session.refresh_now()
    index = window.table_index(0, "price")
    assert model.data(index, 3) == "Item 1: Price can't be negative."  # ToolTipRole
    assert model.data(index, 8) is not None  # BackgroundRole
    window.summary.itemClicked.emit(window.summary.item(0))
    assert window.items_table.currentIndex() == index


# --- sending -------------------------------------------------------------------------------


def wait_for_result(qtbot: QtBot, window: MainWindow, timeout: int = 10_000) -> None:
    qtbot.waitUntil(lambda: not window.session.sending, timeout=timeout)


def test_send_drip_shows_202_and_the_request_id(qtbot: QtBot, window: MainWindow) -> None:
    with qtbot.waitSignal(window.controller.send_finished, timeout=10_000) as blocker:
        qtbot.mouseClick(window.send_button, Qt.MouseButton.LeftButton)
    result = blocker.args[0]
    assert result.status == 202
    assert window.response.badge.text() == "202"
    assert result.provider_id in window.response.summary.text()
    uuid.UUID(result.provider_id)
    assert '"request_id"' in window.response.body.toPlainText()


def test_send_bronto_shows_201_and_the_cart_id_then_409(
    qtbot: QtBot, window: MainWindow, tmp_path: Path
) -> None:
    from app.paths import sample_cart

    window.open_cart(sample_cart("bronto"))
    payload = window.session.document().payload
    window.session.set_field("customerCartId", f"ui-{uuid.uuid4()}")
    assert payload["customerCartId"] == "abc-123"
    with qtbot.waitSignal(window.controller.send_finished, timeout=10_000) as first:
        window.send()
    assert first.args[0].status == 201
    assert window.response.badge.text() == "201"
    assert first.args[0].provider_id in window.response.summary.text()
    with qtbot.waitSignal(window.controller.send_finished, timeout=10_000) as second:
        window.send()
    assert second.args[0].status == 409
    assert window.response.badge.text() == "409"
    problem = window.response.problems.item(0).text()
    assert problem.startswith("A cart with customerCartId ui-") and problem.endswith(
        "already exists"
    )


def test_explain_mode_shows_a_422_linked_to_its_field_and_whose_words_they_are(
    qtbot: QtBot, window: MainWindow
) -> None:
    window.explain_action.trigger()  # Sandbox → Explain refusals
    assert window.sandbox_mode_label.text() == "Sandbox: explain"
    assert window.sandbox_mode_label.isVisibleTo(window)
    window.session.set_field("email", "user.gmail.com")
    with qtbot.waitSignal(window.controller.send_finished, timeout=10_000):
        window.send()
    assert window.response.badge.text() == "422"
    item = window.response.problems.item(0)
    assert item.text() == (
        "email: Email must be a valid address like name@example.com. "
        "An email address must have an @-sign."
    )
    assert window.response.summary.text().endswith(
        "\nExplain mode: sandbox explanation, not Drip's wording."
    )
    window.response.problems.itemClicked.emit(item)
    assert QApplication.focusWidget() is line_edit(window, "email")


def test_the_sandbox_answers_as_drip_does_unless_asked_to_explain(
    qtbot: QtBot, window: MainWindow
) -> None:
    window.session.set_field("email", "user.gmail.com")
    with qtbot.waitSignal(window.controller.send_finished, timeout=10_000) as blocker:
        window.send()
    # Drip queues what its schema cannot refuse: 202, and the sandbox's log says why it would
    # not be processed.
    assert (blocker.args[0].status, window.response.badge.text()) == (202, "202")
    assert not window.sandbox_mode_label.isVisibleTo(window)
    sent = embedded_server().sandbox.requests()[-1]
    assert sent.mode == "real" and sent.notes[0].startswith("email: Email must be")
    # The real answer cannot say it; the result shows what the sandbox's log says of it.
    assert window.response.summary.text().endswith(
        "\nThe sandbox's request log: email: Email must be a valid address like "
        "name@example.com. An email address must have an @-sign. Drip answers 202 before it "
        "checks this; the sandbox assumes the cart is dropped when Drip processes it."
    )
    window.session.set_field("cart_id", None)
    with qtbot.waitSignal(window.controller.send_finished, timeout=10_000) as blocker:
        window.session.send()
    assert blocker.args[0].status == 400
    assert window.response.problems.item(0).text() == (
        '[object has missing required properties (["cart_id"])]'
    )
    assert window.response.summary.text().endswith(
        "\nSandbox assumption: Drip's schema errors show no status in any source; the sandbox "
        "answers 400."
    )


def test_missing_required_fields_ask_before_sending(
    qtbot: QtBot, window: MainWindow, asker: FakeAsker
) -> None:
    window.session.set_field("cart_id", None)
    asker.send_anyway = False
    window.send()
    assert asker.asked == ["send_incomplete Cart ID is required."]
    assert not window.session.sending
    asker.send_anyway = True
    with qtbot.waitSignal(window.controller.send_finished, timeout=10_000) as blocker:
        window.send()
    assert blocker.args[0].status == 400  # Drip's schema: cart_id is a required property


def test_cancel_during_a_slow_send_returns_at_once(qtbot: QtBot, window: MainWindow) -> None:
    embedded_server().sandbox.add_fault(Fault(latency_ms=5000, path_prefix="/v3/"))
    window.send()
    qtbot.waitUntil(lambda: window.cancel_button.isEnabled(), timeout=2000)
    qtbot.wait(200)
    started = time.perf_counter()
    with qtbot.waitSignal(window.controller.send_finished, timeout=2000) as blocker:
        window.cancel_button.click()
    assert time.perf_counter() - started < 1.0
    assert str(blocker.args[0].error_kind) == "cancelled"
    assert window.response.badge.text() == "cancelled"
    assert window.send_button.isEnabled()


# Measures pauses of the GUI thread: never beside another such test (pyproject: "timing").
@pytest.mark.xdist_group("timing")
def test_the_gui_thread_keeps_ticking_during_a_slow_send(qtbot: QtBot, window: MainWindow) -> None:
    embedded_server().sandbox.add_fault(Fault(latency_ms=1000, path_prefix="/v3/"))
    # As the app does a second after start-up (application._warm_tls): the TLS trust store is
    # parsed once per process, holding the GIL for tens of milliseconds. On two workers this
    # could be the first test of its worker to need it, and that pause was counted (102 ms).
    shared_ssl_context()
    # As the app does after start-up (application.run), what exists now is frozen out of the
    # garbage collector's full passes: late in a run, a pass over every earlier test's objects
    # (started on the send's worker, holding the GIL) paused this loop for 131 ms on CI.
    gc.collect()
    gc.freeze()
    ticks: list[float] = []
    timer = QTimer()
    timer.setInterval(20)
    timer.timeout.connect(lambda: ticks.append(time.perf_counter()))
    timer.start()
    try:
        with qtbot.waitSignal(window.controller.send_finished, timeout=10_000):
            window.send()
    finally:
        timer.stop()
        gc.unfreeze()
    gaps = [b - a for a, b in itertools.pairwise(ticks)]
    assert len(ticks) >= 30
    assert max(gaps) < 0.1


# --- files and providers -------------------------------------------------------------------


def test_save_as_writes_the_cart_and_clears_the_unsaved_mark(
    qtbot: QtBot, window: MainWindow, asker: FakeAsker, tmp_path: Path
) -> None:
    window.session.set_field("cart_id", "saved-1")
    assert window.windowTitle().startswith("drip-example.cart.json (sample copy)*")
    asker.save_answer_path = tmp_path / "mine.cart.json"
    assert window.save_cart_as()
    assert window.windowTitle() == "mine.cart.json — Cart Composer"
    saved = load_cart(tmp_path / "mine.cart.json").document
    assert saved.payload["cart_id"] == "saved-1"
    assert (tmp_path / "mine.cart.json").read_text() == dumps_cart(window.session.document())


def test_closing_with_unsaved_changes_asks(
    qtbot: QtBot, window: MainWindow, asker: FakeAsker
) -> None:
    window.session.set_field("cart_id", "unsaved")
    asker.save_answer = "cancel"
    window.close()
    assert window.isVisible()
    assert asker.asked == ["save_changes drip-example.cart.json (sample copy)"]
    asker.save_answer = "discard"
    window.close()
    assert not window.isVisible()


def test_open_replaces_the_cart_and_notes_renamed_keys(
    qtbot: QtBot, window: MainWindow, asker: FakeAsker, tmp_path: Path
) -> None:
    old = tmp_path / "old.cart.json"
    old.write_text('{"provider": "drip", "payload": ' + golden_text("drip-doc-example.json") + "}")
    asker.open_answer = old
    assert window.open_cart()
    assert window.windowTitle() == "old.cart.json — Cart Composer"
    assert "Renamed “discount” to “discounts”" in window.statusBar().currentMessage()
    assert body_of(window) == GOLDEN


def test_open_and_import_start_in_the_carts_folder_or_the_documents_folder(
    qtbot: QtBot, window: MainWindow, asker: FakeAsker, tmp_path: Path
) -> None:
    # Before: the folder the app was started from (a desktop entry's, a terminal's).
    assert window.session.path is None  # the sample copy
    assert not window.open_cart()  # asked, and cancelled
    assert asker.folder == str(documents_folder()) != os.getcwd()
    mine = tmp_path / "carts" / "mine.cart.json"
    mine.parent.mkdir()
    mine.write_text('{"provider": "drip", "payload": ' + golden_text("drip-doc-example.json") + "}")
    assert window.open_cart(mine)
    assert not window.tab.import_file()
    assert asker.asked[-1] == "import_path" and asker.folder == str(mine.parent)


def test_switching_provider_carries_what_both_share(qtbot: QtBot, window: MainWindow) -> None:
    selector = window.provider_selector
    selector.setCurrentIndex(selector.findData("bronto"))
    selector.activated.emit(selector.currentIndex())
    session = window.session
    assert session.provider.key == "bronto"
    assert session.profile.name == "sandbox-bronto"
    assert session.value("emailAddress") == "user@gmail.com"
    assert session.value("customerCartId") == "456445746"
    assert session.items()[0]["unitPrice"] == Decimal("11.16")
    assert "Not carried over to Bronto: provider, action" in window.statusBar().currentMessage()
    assert window.form.editors["customerCartId"].text() == "456445746"
    assert "/carts?createContact=false&ignoreInvalidTid=false" in window.preview.toPlainText()


def _choose_provider(window: MainWindow, key: str) -> None:
    selector = window.provider_selector
    selector.setCurrentIndex(selector.findData(key))
    selector.activated.emit(selector.currentIndex())


def test_drip_to_bronto_and_back_keeps_every_drip_field(
    qtbot: QtBot, window: MainWindow, tmp_path: Path
) -> None:
    session = window.session
    path = tmp_path / "mine.cart.json"
    session.set_field("occurred_at", "2026-11-30T10:00:00Z")
    session.save(path)
    assert not session.dirty
    before = session.document()
    _choose_provider(window, "bronto")
    assert session.value("emailAddress") == "user@gmail.com"
    session.set_field("phase", "PAYMENT")  # a Bronto-only field
    _choose_provider(window, "drip")
    # Exactly as left: platform, action, product and variant ids, brand, occurred_at; the
    # file and its saved state too.
    assert session.document() == before
    assert session.path == path
    qtbot.waitUntil(lambda: not session.dirty, timeout=3000)
    assert window.statusBar().currentMessage() == (
        "Switched to Drip. Back to your Drip cart, as you left it."
    )
    assert window.form.editors["provider"].text() == "my_custom_platform"
    # A shared field changed on the other side comes back; what only Drip has stays.
    _choose_provider(window, "bronto")
    assert session.value("phase") == "PAYMENT"  # Bronto's draft was kept as well
    session.set_field("emailAddress", "someone@example.com")
    _choose_provider(window, "drip")
    after = session.document()
    assert after.payload["email"] == "someone@example.com"
    assert {k: v for k, v in after.payload.items() if k != "email"} == {
        k: v for k, v in before.payload.items() if k != "email"
    }
    assert session.dirty
    assert "with what you changed on Bronto carried into it" in (
        window.statusBar().currentMessage()
    )


def test_fill_with_a_sample_cart_and_new_cart_id(qtbot: QtBot, window: MainWindow) -> None:
    window.fill_sample()
    session = window.session
    assert session.validation.ok, session.validation.errors
    first = session.value("cart_id")
    assert len(session.items()) >= 2
    window.new_cart_id()
    assert session.value("cart_id") != first
    assert session.value("cart_url").endswith(session.value("cart_id"))


@pytest.mark.parametrize("provider", ["drip", "bronto"])
def test_a_screenshot_with_a_sample_cart_and_a_response(
    qtbot: QtBot, window: MainWindow, tmp_path: Path, provider: str
) -> None:
    if provider == "bronto":
        selector = window.provider_selector
        selector.setCurrentIndex(selector.findData("bronto"))
        selector.activated.emit(selector.currentIndex())
    window.fill_sample()
    with qtbot.waitSignal(window.controller.send_finished, timeout=10_000) as blocker:
        window.send()
    assert blocker.args[0].ok
    shot = tmp_path / f"composer-{provider}.png"
    assert window.grab().save(str(shot))
    assert shot.stat().st_size > 20_000


# --- raw mode ------------------------------------------------------------------------------


def test_raw_mode_round_trip(qtbot: QtBot, window: MainWindow) -> None:
    window.raw_button.click()
    assert window.raw_editor.toPlainText() == GOLDEN
    window.raw_editor.setPlainText(GOLDEN.replace('"#5"', '"#77"'))
    qtbot.waitUntil(lambda: window.form.editors["cart_public_id"].text() == "#77", timeout=3000)
    assert window.request_panel.raw_status.text().startswith("✔ Valid JSON")
    window.raw_button.click()
    window.session.refresh_now()
    assert body_of(window) == GOLDEN.replace('"#5"', '"#77"')


def test_raw_mode_maps_the_old_discount_key_and_says_so(qtbot: QtBot, window: MainWindow) -> None:
    window.raw_button.click()
    window.raw_editor.setPlainText(golden_text("drip-doc-example.json"))
    qtbot.waitUntil(lambda: "Renamed" in window.statusBar().currentMessage(), timeout=3000)
    assert window.session.items()[0]["discounts"] == Decimal("5.34")
    assert "discount" not in window.session.items()[0]


def test_invalid_raw_json_shows_line_and_column_and_is_sent_only_as_is(
    qtbot: QtBot, window: MainWindow, asker: FakeAsker
) -> None:
    window.raw_button.click()
    broken = '{\n  "provider": "shop",\n  "grand_total": 12,,\n}'
    window.raw_editor.setPlainText(broken)
    expected = (
        'Line 3, column 21: a key in double quotes is expected here (a comma before "}" leaves '
        "one out)"
    )
    qtbot.waitUntil(lambda: expected in window.request_panel.raw_status.text(), timeout=10_000)
    assert window.summary.item(0).text() == f"✖ JSON: {expected}"
    asker.send_raw = False
    window.send()
    assert asker.asked == [f"send_as_is {expected}"]
    assert not window.session.sending
    asker.send_raw = True
    with qtbot.waitSignal(window.controller.send_finished, timeout=10_000) as blocker:
        window.send()
    result = blocker.args[0]
    assert result.status == 400
    assert result.request.body == broken.encode()
    assert embedded_server().sandbox.requests()[-1].body == broken


# --- custom attributes ---------------------------------------------------------------------


def test_custom_attributes_of_an_item_and_of_the_cart(qtbot: QtBot, window: MainWindow) -> None:
    from PySide6.QtWidgets import QComboBox, QTableWidgetItem

    custom = window.custom
    custom.scope.setCurrentIndex(custom.scope.findData(0))
    custom.reload()
    assert custom.rows() == [("product_tag", "text", "Best Seller")]
    value = custom.table.item(0, 2)
    assert value is not None
    value.setText("Top Pick")
    window.session.refresh_now()
    assert body_of(window) == GOLDEN.replace('"Best Seller"', '"Top Pick"')

    custom.scope.setCurrentIndex(custom.scope.findData("cart"))
    custom.reload()
    custom.add_row()
    row = custom.table.rowCount() - 1
    custom.table.setItem(row, 0, QTableWidgetItem("gift"))
    combo = custom.table.cellWidget(row, 1)
    assert isinstance(combo, QComboBox)
    combo.setCurrentText("boolean")
    custom.table.setItem(row, 2, QTableWidgetItem("true"))
    window.session.refresh_now()
    assert body_of(window).endswith('  ],\n  "gift": true\n}')

    custom.table.setItem(row, 0, QTableWidgetItem("email"))
    window.session.refresh_now()
    assert '"gift"' not in body_of(window) and '"email": "user@gmail.com"' in body_of(window)
    assert custom.note.text() == (
        "“email” has the same name as the documented field “email”; use that field instead "
        "(not sent until fixed)."
    )
    custom.table.setItem(row, 0, QTableWidgetItem("size"))
    combo.setCurrentText("number")
    custom.table.setItem(row, 2, QTableWidgetItem("large"))
    assert custom.note.text() == "“size” is not a number (not sent until fixed)."
    custom.table.setItem(row, 2, QTableWidgetItem("42.0"))
    window.session.refresh_now()
    assert body_of(window).endswith('  ],\n  "size": 42.0\n}')


def test_bronto_takes_no_custom_attributes(qtbot: QtBot, window: MainWindow) -> None:
    selector = window.provider_selector
    selector.setCurrentIndex(selector.findData("bronto"))
    selector.activated.emit(selector.currentIndex())
    assert not window.custom.isEnabled()
    assert window.custom.note.text() == "Bronto takes no custom attributes."
    assert not window.custom.isVisibleTo(window)  # hidden, not greyed: its room goes to items
    selector.setCurrentIndex(selector.findData("drip"))
    selector.activated.emit(selector.currentIndex())
    assert window.custom.isVisibleTo(window) and window.custom.isEnabled()


# --- drops and recent files ----------------------------------------------------------------


def test_dropping_a_cart_file_or_a_bare_payload(
    qtbot: QtBot, window: MainWindow, tmp_path: Path
) -> None:
    from PySide6.QtCore import QMimeData, QPoint, QUrl
    from PySide6.QtGui import QDropEvent

    from app.paths import sample_cart

    def drop(path: Path) -> None:
        mime = QMimeData()
        mime.setUrls([QUrl.fromLocalFile(str(path))])
        event = QDropEvent(
            QPoint(10, 10),
            Qt.DropAction.CopyAction,
            mime,
            Qt.MouseButton.LeftButton,
            Qt.KeyboardModifier.NoModifier,
        )
        window.dropEvent(event)

    drop(sample_cart("bronto"))
    assert window.session.provider.key == "bronto"
    assert window.windowTitle() == "bronto-example.cart.json (sample copy) — Cart Composer"
    bare = tmp_path / "paste.json"
    bare.write_text(
        '{"customerCartId": "dropped-1", "lineItems": [{"quantity": 1, "totalPrice": 2}]}'
    )
    drop(bare)
    assert window.session.value("customerCartId") == "dropped-1"
    assert window.form.editors["customerCartId"].text() == "dropped-1"
    assert window.session.dirty
    assert window.recent_files()[0] == sample_cart("bronto").resolve()


@pytest.mark.parametrize(
    ("field", "typed", "message"),
    [
        (
            "cart_url",
            "mysuperstore.com/cart",
            "Cart URL must be a full web address starting with http:// or https://.",
        ),
        (
            "occurred_at",
            "2019-01-17",
            "Occurred at must include a time and a time zone, like 2019-01-17T20:50:00Z.",
        ),
        ("provider", "My Shop", "Platform must be lower snake case, like my_custom_platform."),
        ("cart_id", "", "Cart ID is required."),
        ("grand_total", "-3", "Grand total can't be negative."),
    ],
)
def test_each_rule_shows_under_its_own_field(
    qtbot: QtBot, window: MainWindow, field: str, typed: str, message: str
) -> None:
    editor = line_edit(window, field)
    editor.selectAll()
    if typed:
        qtbot.keyClicks(editor, typed)
    else:
        qtbot.keyClick(editor, Qt.Key.Key_Delete)
    error = window.form.editors[field].error
    qtbot.waitUntil(lambda: error.text() == message, timeout=3000)
    others = [n for n, e in window.form.editors.items() if n != field and e.error.text()]
    assert others == []


def test_an_amount_cell_takes_only_a_number(qtbot: QtBot, window: MainWindow) -> None:
    index = window.table_index(0, "quantity")
    window.items_table.setCurrentIndex(index)
    window.items_table.edit(index)
    editor = QApplication.focusWidget()
    assert isinstance(editor, QLineEdit)
    editor.selectAll()
    qtbot.keyClicks(editor, "3x")  # the x is refused by the validator
    assert editor.text() == "3"
    qtbot.keyClick(editor, Qt.Key.Key_Return)  # the delegate commits on the next turn
    qtbot.waitUntil(lambda: window.session.items()[0]["quantity"] == 3, timeout=3000)


def test_a_dark_palette_gets_light_syntax_colours(
    qtbot: QtBot, home: Path, asker: FakeAsker
) -> None:
    from PySide6.QtGui import QColor, QPalette

    from app.ui.application import create_main_window

    app = QApplication.instance()
    assert isinstance(app, QApplication)
    before = app.palette()
    dark = QPalette(before)
    dark.setColor(QPalette.ColorRole.Base, QColor("#1e1e1e"))
    dark.setColor(QPalette.ColorRole.Text, QColor("#eeeeee"))
    app.setPalette(dark)
    try:
        window = create_main_window(asker=asker)
        qtbot.addWidget(window)
        assert window.preview._highlighter.dark
    finally:
        app.setPalette(before)


def test_a_window_send_leaves_one_completed_history_row(qtbot: QtBot, window: MainWindow) -> None:
    history = window.session.history
    assert history is not None
    before = history.count()
    with qtbot.waitSignal(window.controller.send_finished, timeout=10_000) as blocker:
        window.send()
    rows = history.query(limit=10)
    assert history.count() == before + 1
    entry = history.get(rows[0].id)
    assert entry is not None
    assert (entry.state, entry.status, entry.source, entry.provider) == (
        "succeeded",
        202,
        "gui",
        "drip",
    )
    assert entry.provider_id == blocker.args[0].provider_id
    assert entry.request_body == blocker.args[0].request.body


def test_the_sandbox_mode_is_remembered_for_the_next_start(
    qtbot: QtBot, window: MainWindow, asker: FakeAsker
) -> None:
    window.strict_action.trigger()
    window.explain_action.trigger()
    assert window.session.sandbox_mode == SandboxMode(explain=True, strict=True)
    assert window.sandbox_mode_label.text() == "Sandbox: explain+strict"
    assert window.settings is not None
    window.settings.sync()
    again = create_main_window(asker=asker)
    qtbot.addWidget(again)
    assert again.session.sandbox_mode == REAL  # until the window state is restored
    assert again.settings is not None
    again.restore_state(again.settings)
    assert again.explain_action.isChecked() and again.strict_action.isChecked()
    assert again.session.sandbox_mode == SandboxMode(explain=True, strict=True)
    window.explain_action.trigger()
    window.strict_action.trigger()
    assert window.session.sandbox_mode == REAL
    assert not window.sandbox_mode_label.isVisibleTo(window)
