"""Mailchimp in the window, which has no code of its own for it: the customer as a form group with
a true/false field, the lines in the table, Add cart to the sandbox's store, its Get / Update /
Delete from the declared actions, and Mailchimp's refusal of a product the store has not."""

from __future__ import annotations

from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from app.paths import sample_cart
from app.ui.main_window import MainWindow
from tests.ui.conftest import FakeAsker


def test_a_mailchimp_cart_is_added_got_and_deleted_from_the_window(
    qtbot: QtBot, window: MainWindow, asker: FakeAsker
) -> None:
    assert window.open_cart(sample_cart("mailchimp"))
    window.new_cart_id()  # the embedded sandbox lives as long as the process: a fresh id
    opted = window.form.editors["customer.opt_in_status"]
    assert opted.combo is not None
    assert [opted.combo.itemText(i) for i in range(opted.combo.count())] == ["", "true", "false"]
    assert opted.combo.currentText() == "false"
    opted.combo.setCurrentText("true")
    assert window.session.document().payload["customer"]["opt_in_status"] is True
    assert window.items_model.rowCount() == 2
    assert not window.cart_actions["get"].isEnabled()  # no cart at Mailchimp yet
    with qtbot.waitSignal(window.controller.send_finished, timeout=15_000) as sent:
        window.send()
    result = sent.args[0]
    assert (result.status, result.provider_id) == (200, window.session.document().payload["id"])
    assert window.response.badge.text() == "200"
    assert window.cart_actions["get"].isEnabled()
    with qtbot.waitSignal(window.controller.send_finished, timeout=15_000) as got:
        window.cart_actions["get"].trigger()
    assert got.args[0].status == 200 and got.args[0].request.method == "GET"
    asker.delete_answer = True
    with qtbot.waitSignal(window.controller.send_finished, timeout=15_000) as gone:
        window.cart_actions["delete"].trigger()
    assert gone.args[0].status == 204
    assert asker.asked[-1] == f"confirm_delete {result.provider_id}"
    history = window.history
    assert history is not None
    assert [(r.provider, r.operation, r.status) for r in reversed(history.query())] == [
        ("mailchimp", "add_cart", 200),
        ("mailchimp", "get", 200),
        ("mailchimp", "delete", 204),
    ]


def test_a_product_the_store_has_not_is_explained_in_the_response_pane(
    qtbot: QtBot, window: MainWindow
) -> None:
    assert window.open_cart(sample_cart("mailchimp"))
    window.new_cart_id()
    lines = [dict(line) for line in window.session.document().payload["lines"]]
    lines[1] = {**lines[1], "product_id": "NOT-IN-STORE"}
    window.session.set_field("lines", lines)
    window.session.refresh_now()
    assert window.session.validation.ok  # nothing the app can know: only the store knows
    with qtbot.waitSignal(window.controller.send_finished, timeout=15_000):
        window.send()
    assert window.response.badge.text() == "400"
    problems = [window.response.problems.item(i).text() for i in range(2)]
    assert problems == [
        "A product with the provided ID does not exist in the account for this list.",
        "Create the product and its variant in the Mailchimp store first (POST "
        "/ecommerce/stores/{store_id}/products), or use one the store has.",
    ]


def test_a_field_mailchimp_refuses_is_clicked_through_to_its_editor(
    qtbot: QtBot, window: MainWindow
) -> None:
    assert window.open_cart(sample_cart("mailchimp"))
    window.new_cart_id()
    # QA sends a deliberately invalid cart (the form says so first).
    window.session.set_field("customer.id", "c" * 51)
    window.session.refresh_now()
    assert window.summary.item(0).text() == (
        "✖ Customer ID may have at most 50 characters (it has 51)."
    )
    with qtbot.waitSignal(window.controller.send_finished, timeout=15_000):
        window.send()
    assert window.response.badge.text() == "400"
    item = window.response.problems.item(0)
    assert item.text() == "customer.id: Customer ID may have at most 50 characters (it has 51)."
    window.response.problems.itemClicked.emit(item)
    editor = window.form.editors["customer.id"]
    assert QApplication.focusWidget() is editor.line
