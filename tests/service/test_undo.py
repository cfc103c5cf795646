"""The undo history: one step per edit, typing in one place is one step, redo is dropped by a new
edit, and undoing never merges into the next edit."""

from __future__ import annotations

from app.providers import CartDocument
from app.service import UndoHistory


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def doc(**payload: object) -> CartDocument:
    return CartDocument(provider="drip", payload=payload)


def test_each_edit_is_a_step_and_typing_in_one_field_is_one() -> None:
    clock = Clock()
    history = UndoHistory(clock)
    history.reset(doc())
    assert not history.can_undo and history.undo_label == ""
    for text in ("a", "ab", "abc"):
        clock.now += 0.3
        history.record(doc(email=text), "Edit Email", "field:email")
    clock.now += 0.3
    history.record(doc(email="abc", cart_id="1"), "Edit Cart ID", "field:cart_id")
    assert history.undo_label == "Edit Cart ID"
    assert history.undo() == doc(email="abc")
    assert history.undo_label == "Edit Email"
    assert history.undo() == doc()
    assert history.undo() is None
    assert history.redo() == doc(email="abc")
    assert history.redo_label == "Edit Cart ID"


def test_a_pause_splits_typing_and_an_edit_after_undo_drops_the_redo() -> None:
    clock = Clock()
    history = UndoHistory(clock)
    history.reset(doc())
    history.record(doc(email="a"), "Edit Email", "field:email")
    clock.now += 5
    history.record(doc(email="ab"), "Edit Email", "field:email")
    assert history.undo() == doc(email="a")
    history.record(doc(email="ax"), "Edit Email", "field:email")  # its own step after an undo
    assert not history.can_redo
    assert history.undo() == doc(email="a")
    assert history.undo() == doc()


def test_an_edit_that_changes_nothing_is_no_step() -> None:
    history = UndoHistory()
    history.reset(doc(email="a"))
    history.record(doc(email="a"), "Edit Email")
    assert not history.can_undo
