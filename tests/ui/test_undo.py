"""Edit → Undo and Redo in the window, for every kind of edit the issue names: a field, a cell,
add/remove/move/duplicate an item, a custom attribute, fill with a sample, new cart id, apply
totals, a raw-JSON apply, a provider switch; undoing back to the saved cart is not unsaved."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from app.domain import jsonfmt
from app.providers import CartDocument
from app.ui.main_window import MainWindow


def _undo_redo(window: MainWindow, edit: Callable[[], object], label: str) -> None:
    """``edit`` is one step called ``label``: Undo puts the cart back, Redo does it again."""
    session = window.session
    before = session.document()
    edit()
    after = session.document()
    assert after != before
    assert window.undo_action.isEnabled() and window.undo_action.text() == f"&Undo {label}"
    window.undo_action.trigger()
    assert session.document() == before
    assert window.redo_action.text() == f"&Redo {label}"
    window.redo_action.trigger()
    assert session.document() == after
    window.undo_action.trigger()  # leave the cart as it was for the next edit
    assert session.document() == before


def _choose(window: MainWindow, key: str) -> None:
    selector = window.provider_selector
    selector.setCurrentIndex(selector.findData(key))
    selector.activated.emit(selector.currentIndex())


EDITS: list[tuple[str, Callable[[MainWindow], object], str]] = [
    ("field", lambda w: w.session.set_field("email", "someone@example.com"), "Edit Email"),
    (
        "cell",
        lambda w: w.items_model.setData(
            w.items_model.index(0, w.items_model.column_of("quantity")), "5"
        ),
        "Edit item 1: Quantity",
    ),
    ("add item", lambda w: w.add_item(), "Add item"),
    ("duplicate item", lambda w: w.items_model.duplicate_item(0), "Add item"),
    ("remove item", lambda w: w.items_model.remove_item(0), "Remove item"),
    ("fill with a sample", lambda w: w.fill_sample(), "Fill with a sample cart"),
    ("new cart id", lambda w: w.new_cart_id(), "New cart id"),
    ("apply totals", lambda w: w.apply_cart_totals(), "Apply cart totals"),
    (
        "raw JSON",
        lambda w: w.session.apply_raw(
            jsonfmt.dumps({**w.session.document().payload, "cart_id": "raw-1"})
        ),
        "Apply the JSON",
    ),
    ("provider switch", lambda w: _choose(w, "bronto"), "Switch to Bronto"),
]


@pytest.mark.parametrize(
    ("edit", "label"), [(e, label) for _, e, label in EDITS], ids=[name for name, _, _ in EDITS]
)
def test_each_kind_of_edit_is_undone_and_redone(
    qtbot: QtBot, window: MainWindow, edit: Callable[[MainWindow], object], label: str
) -> None:
    if label == "Apply cart totals":
        window.session.set_field("grand_total", Decimal("1"))  # so the totals change it
    _undo_redo(window, lambda: edit(window), label)


def test_moving_an_item_and_a_custom_attribute(qtbot: QtBot, window: MainWindow) -> None:
    window.add_item()
    window.session.set_field("email", "x@example.com")  # not the last step: move is
    _undo_redo(window, lambda: window.items_model.move_item(1, -1), "Move item")
    custom = window.custom
    custom.scope.setCurrentIndex(custom.scope.findData("cart"))
    custom.reload()

    def add_attribute() -> None:
        custom.add_row()
        key = custom.table.item(custom.table.rowCount() - 1, 0)
        value = custom.table.item(custom.table.rowCount() - 1, 2)
        assert key is not None and value is not None
        key.setText("vip")
        value.setText("yes")

    before = window.session.document()
    add_attribute()
    assert window.session.document().payload.get("vip") == "yes"
    assert window.undo_action.text() == "&Undo Edit custom attributes"
    window.undo_action.trigger()
    assert "vip" not in window.session.document().payload
    assert window.session.document() == before
    assert custom.rows() == []  # the editor follows


def test_typing_in_a_field_is_one_step_and_the_form_follows(
    qtbot: QtBot, window: MainWindow
) -> None:
    editor = window.form.editors["email"]
    before = window.session.document()
    for text in ("a", "ab", "ab@example.com"):
        window.session.set_field("email", text)
    window.undo_action.trigger()
    assert window.session.document() == before
    assert editor.text() == "user@gmail.com"


def test_undoing_a_switch_gives_back_the_drip_cart_whole(qtbot: QtBot, window: MainWindow) -> None:
    before = window.session.document()
    _choose(window, "bronto")
    window.session.set_field("phase", "PAYMENT")
    window.undo_action.trigger()
    window.undo_action.trigger()
    assert window.session.provider.key == "drip"
    assert window.session.document() == before
    assert window.provider_selector.currentData() == "drip"
    window.redo_action.trigger()
    window.redo_action.trigger()
    assert window.session.value("phase") == "PAYMENT"


def test_undoing_back_to_the_saved_cart_is_not_unsaved(
    qtbot: QtBot, window: MainWindow, tmp_path: Path
) -> None:
    session = window.session
    path = tmp_path / "saved.cart.json"
    session.save(path)
    assert not session.dirty
    session.set_field("cart_id", "changed")
    assert session.dirty
    window.undo_action.trigger()
    qtbot.waitUntil(lambda: not session.dirty, timeout=3000)
    assert isinstance(session.document(), CartDocument)
    assert not window.undo_action.isEnabled()  # opening the file was the start
