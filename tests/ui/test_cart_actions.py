"""Bronto's cart lifecycle from the window, against the embedded sandbox: Add Cart remembers the
cartId, the cart actions use it, the response pane shows what each answer means and the cart's
status and phase, and every call is a history row."""

from __future__ import annotations

import httpx
from pytestqt.qtbot import QtBot

from app.domain import jsonfmt
from app.paths import sample_cart
from app.providers.bronto.lifecycle import CartOperation
from app.ui.main_window import MainWindow
from tests.ui.conftest import FakeAsker

Op = CartOperation


def to_bronto(window: MainWindow) -> None:
    assert window.open_cart(sample_cart("bronto"))  # the vendor's example (createContact on)
    window.new_cart_id()  # the embedded sandbox lives as long as the process: a fresh id


def act(qtbot: QtBot, window: MainWindow, op: Op) -> int | None:
    with qtbot.waitSignal(window.controller.send_finished, timeout=15_000) as blocker:
        window.cart_actions[op].trigger()
    status: int | None = blocker.args[0].status
    return status


def test_a_bronto_cart_from_add_to_abandon_to_delete(
    qtbot: QtBot, window: MainWindow, asker: FakeAsker
) -> None:
    assert not window.cart_actions_button.isVisible()  # Drip: no cart actions
    to_bronto(window)
    qtbot.waitUntil(window.cart_actions_button.isVisible, timeout=2000)
    assert not window.cart_actions[Op.ABANDON].isEnabled()  # no cartId yet
    assert window.cart_actions[Op.SEARCH].isEnabled()
    with qtbot.waitSignal(window.controller.send_finished, timeout=15_000) as sent:
        window.send()
    assert sent.args[0].status == 201
    cart_id = window.session.remote_cart_id
    assert cart_id and cart_id == sent.args[0].provider_id
    assert window.cart_actions_button.cart_id_item.text() == f"cartId: {cart_id}"
    assert window.cart_actions[Op.ABANDON].isEnabled()
    assert "status ACTIVE · phase SHOPPING" in window.response.cart_state.text()

    assert act(qtbot, window, Op.ABANDON) == 204
    shown = window.response.cart_state.text()
    assert shown.startswith("Abandon: Abandoned: the cart is ABANDONED")
    assert "status ABANDONED · phase SHOPPING" in shown  # from the Get that follows

    assert act(qtbot, window, Op.FIDDLE) == 204
    assert "status ACTIVE" in window.response.cart_state.text()

    base = window.session.cart_sender.destination(window.session.profile).target.base_url
    httpx.put(f"{base}/_sandbox/bronto/carts/{cart_id}", json={"status": "EXPIRED"})
    assert act(qtbot, window, Op.UPDATE) == 409
    assert window.response.badge.text() == "409"
    assert "Update: The cart is EXPIRED or COMPLETE" in window.response.cart_state.text()

    assert act(qtbot, window, Op.DELETE) == 204
    assert window.session.remote_cart_id == ""
    assert not window.cart_actions[Op.GET].isEnabled()
    assert act(qtbot, window, Op.SEARCH) == 204
    assert "No cart has this customerCartId" in window.response.cart_state.text()

    history = window.session.history
    assert history is not None
    operations = [e.operation for e in reversed(history.query())]
    assert operations == [
        "add_cart",
        "abandon",
        "get",
        "fiddle",
        "get",
        "update",
        "delete",
        "search",
    ]

    asker.cart_id_answer = "  1234-known-elsewhere "
    window.cart_actions_button.ask_cart_id()
    assert window.session.remote_cart_id == "1234-known-elsewhere"
    assert window.cart_actions[Op.GET].isEnabled()
    assert act(qtbot, window, Op.GET) == 404
    assert "Get: Bronto has no cart with that cartId." in window.response.cart_state.text()


def test_a_drip_cart_sent_again_as_an_update(qtbot: QtBot, window: MainWindow) -> None:
    with qtbot.waitSignal(window.controller.send_finished, timeout=15_000) as first:
        window.send()
    assert first.args[0].status == 202
    assert window.send_update_action.isEnabled()
    with qtbot.waitSignal(window.controller.send_finished, timeout=15_000) as second:
        window.send_update_action.trigger()
    assert second.args[0].status == 202
    bodies = [jsonfmt.loads(r.request.body) for r in (first.args[0], second.args[0])]
    assert [b["action"] for b in bodies] == ["created", "updated"]
    assert bodies[0]["cart_id"] == bodies[1]["cart_id"]
    assert bodies[1]["occurred_at"] > bodies[0]["occurred_at"]  # now, not the example's 2019
    to_bronto(window)
    assert not window.send_update_action.isEnabled()


def test_send_to_several_gives_each_answer_side_by_side(qtbot: QtBot, window: MainWindow) -> None:
    window.new_cart_id()  # the embedded sandbox outlives a test: a cart id of its own
    panel = window.several_panel
    assert panel.chosen() == ["drip", "bronto", "klaviyo", "mailchimp"]  # all, to begin with
    assert panel.views["klaviyo"].summary.text() == "Not sent yet."  # not the Send key's words
    with qtbot.waitSignal(window.controller.several_finished, timeout=20_000) as every:
        window.send_several_action.trigger()
    result = every.args[0]
    assert (result.answers["drip"].status, result.answers["bronto"].status) == (202, 201)
    assert panel.views["drip"].badge.text() == "202"
    assert panel.views["bronto"].badge.text() == "201"
    assert panel.titles["bronto"].text() == "<b>Bronto</b> · sandbox-bronto"
    assert window.bottom_tabs.currentWidget() is panel
    sent_bronto = jsonfmt.loads(result.answers["bronto"].request.body)
    sent_drip = jsonfmt.loads(result.answers["drip"].request.body)
    assert sent_bronto["customerCartId"] == sent_drip["cart_id"]
    assert sent_bronto["emailAddress"] == sent_drip["email"]
    assert "createContact=true" in result.answers["bronto"].request.url
    history = window.session.history
    assert history is not None
    assert result.answers["mailchimp"].status == 200  # its cart carried in, lines by SKU
    assert sorted((e.provider, e.operation) for e in history.query()) == [
        ("bronto", "add_cart"),
        ("drip", "cart_activity"),
        ("klaviyo", "create_event"),
        ("mailchimp", "add_cart"),
    ]


def test_expire_from_the_window_after_abandon(qtbot: QtBot, window: MainWindow) -> None:
    to_bronto(window)
    with qtbot.waitSignal(window.controller.send_finished, timeout=15_000):
        window.send()
    assert act(qtbot, window, Op.EXPIRE) == 409  # only from ABANDONED
    assert "Only an ABANDONED cart can be expired" in window.response.cart_state.text()
    assert act(qtbot, window, Op.ABANDON) == 204
    assert act(qtbot, window, Op.EXPIRE) == 204
    assert "status EXPIRED" in window.response.cart_state.text()  # the Get that follows
    assert window.cart_actions[Op.EXPIRE].toolTip().startswith("Expire an ABANDONED cart")


def test_unticked_providers_are_neither_sent_to_nor_shown(qtbot: QtBot, window: MainWindow) -> None:
    window.new_cart_id()
    panel = window.several_panel
    panel.ticks["bronto"].click()
    panel.ticks["klaviyo"].click()
    assert panel.chosen() == ["drip", "mailchimp"]
    assert not panel.columns["bronto"].isVisibleTo(panel)
    assert panel.columns["mailchimp"].isVisibleTo(panel)
    with qtbot.waitSignal(window.controller.several_finished, timeout=20_000) as chosen:
        panel.send_button.click()
    assert list(chosen.args[0].answers) == ["drip", "mailchimp"]
    assert window.statusBar().currentMessage() == "Sent to 2 providers."
    for key in ("drip", "mailchimp"):
        panel.ticks[key].click()
    assert not panel.send_button.isEnabled()  # none ticked: nothing to send to
    window.send_several_action.trigger()
    assert window.statusBar().currentMessage() == "Tick at least one provider to send to."
    assert not window.session.sending
