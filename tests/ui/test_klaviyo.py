"""Klaviyo in the window, which has no code of its own for it: its nested form, its items deep
in the body, a custom property, a send to the sandbox."""

from __future__ import annotations

from PySide6.QtWidgets import QTableWidgetItem
from pytestqt.qtbot import QtBot

from app.domain import jsonfmt
from app.paths import sample_cart
from app.ui.main_window import MainWindow

PROPERTIES = "data.attributes.properties"


def body(window: MainWindow) -> dict[str, object]:
    data = jsonfmt.loads(window.preview.toPlainText().partition("\n\n")[2])
    assert isinstance(data, dict)
    return data


def test_a_custom_property_goes_among_the_events_properties_and_undo_takes_it_back(
    qtbot: QtBot, window: MainWindow
) -> None:
    assert window.open_cart(sample_cart("klaviyo"))
    custom = window.custom
    assert custom.isEnabled()
    custom.scope.setCurrentIndex(custom.scope.findData("cart"))
    custom.reload()
    assert custom.rows() == []  # the conventional properties are fields, not custom ones
    custom.add_row()
    custom.table.setItem(0, 0, QTableWidgetItem("Coupon"))
    custom.table.setItem(0, 2, QTableWidgetItem("SPRING"))
    window.session.refresh_now()
    properties = body(window)["data"]["attributes"]["properties"]  # type: ignore[index]
    assert list(properties)[-2:] == ["Items", "Coupon"] and properties["Coupon"] == "SPRING"
    assert window.session.undo_label == "Edit custom attributes"
    window.undo()
    window.session.refresh_now()
    assert "Coupon" not in body(window)["data"]["attributes"]["properties"]  # type: ignore[index]


def test_a_klaviyo_event_is_sent_from_the_window(qtbot: QtBot, window: MainWindow) -> None:
    assert window.open_cart(sample_cart("klaviyo"))
    assert window.form.editors[f"{PROPERTIES}.$event_id"].spec.label == "Event ID"
    assert window.items_model.rowCount() == 2
    window.session.set_field("data.attributes.profile.data.attributes.phone_number", "555")
    window.session.refresh_now()
    assert window.summary.item(0).text() == (
        "✖ Phone number must be in E.164 form: a + and the country code, like +15005550006."
    )
    window.session.set_field("data.attributes.profile.data.attributes.phone_number", None)
    with qtbot.waitSignal(window.controller.send_finished, timeout=15_000) as sent:
        window.send()
    assert (sent.args[0].status, sent.args[0].message) == (202, "202 Accepted")
    # Klaviyo's 202 has no body, and the Body tab says so rather than stay blank.
    assert window.response.body.toPlainText() == ""
    assert window.response.body.placeholderText() == (
        "No body: the answer was 202 Accepted, with nothing in it."
    )
    history = window.history
    assert history is not None
    (row,) = history.query()
    assert (row.provider, row.operation, row.status) == ("klaviyo", "create_event", 202)
    assert row.email == "qa.shopper+cart17@example.com"


def test_the_event_is_picked_from_klaviyos_metrics_or_typed(
    qtbot: QtBot, window: MainWindow
) -> None:
    assert window.open_cart(sample_cart("klaviyo"))
    name = "data.attributes.metric.data.attributes.name"
    combo = window.form.editors[name].combo
    assert combo is not None and combo.isEditable()
    assert [combo.itemText(i) for i in range(combo.count())] == [
        "",
        "Started Checkout",
        "Added to Cart",
        "Placed Order",
    ]
    assert combo.currentText() == "Started Checkout"
    combo.setCurrentIndex(combo.findText("Placed Order"))
    metric = window.session.document().payload["data"]["attributes"]["metric"]
    assert metric["data"]["attributes"]["name"] == "Placed Order"
    combo.setFocus()
    combo.lineEdit().selectAll()
    qtbot.keyClicks(combo.lineEdit(), "Viewed Cart")  # a metric of one's own, typed
    metric = window.session.document().payload["data"]["attributes"]["metric"]
    assert metric["data"]["attributes"]["name"] == "Viewed Cart"
