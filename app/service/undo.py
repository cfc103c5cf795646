"""Undo and Redo over a cart's states: every edit records the state it left, so undoing is
going back one state and redoing forward one. States are immutable cart documents, cheap to
keep (the values inside are shared, never changed in place)."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

from app.providers.document import CartDocument

__all__ = ["UndoHistory", "UndoStep"]

# Edits of the same kind (typing in one field, one cell) this close together are one step.
MERGE_SECONDS = 2.0
LIMIT = 200  # steps kept: an hour of editing, not a memory leak


@dataclass(frozen=True)
class UndoStep:
    """A state, and the edit that led to it ("Edit Email", "Add item")."""

    document: CartDocument
    label: str
    group: str | None = None
    at: float = 0.0


class UndoHistory:
    """The states since the cart was opened; ``undo()``/``redo()`` give the one to restore."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._steps: list[UndoStep] = []
        self._index = -1  # the current state's position
        self._sealed = False  # after an undo or redo, the next edit starts a step of its own

    def reset(self, document: CartDocument) -> None:
        """A new start (New, Open): ``document`` is the only state, nothing to undo."""
        self._steps = [UndoStep(document, "Open")]
        self._index = 0

    def record(self, document: CartDocument, label: str, group: str | None = None) -> None:
        """The state an edit left. An edit of the same ``group`` as the last, soon after it,
        joins that step (typing a word is one step); anything redoable is dropped."""
        if self._index < 0:
            self.reset(document)
            return
        if document == self._steps[self._index].document:
            return  # nothing changed (an edit put back what was there)
        now = self._clock()
        del self._steps[self._index + 1 :]
        last = self._steps[self._index]
        sealed, self._sealed = self._sealed, False
        merge = group is not None and last.group == group and now - last.at < MERGE_SECONDS
        if merge and not sealed:
            self._steps[self._index] = UndoStep(document, label, group, now)
            return
        self._steps.append(UndoStep(document, label, group, now))
        if len(self._steps) > LIMIT:
            del self._steps[0]
        self._index = len(self._steps) - 1

    @property
    def can_undo(self) -> bool:
        return self._index > 0

    @property
    def can_redo(self) -> bool:
        return 0 <= self._index < len(self._steps) - 1

    @property
    def undo_label(self) -> str:
        """What Undo would take back ("Edit Email"), or "" when nothing."""
        return self._steps[self._index].label if self.can_undo else ""

    @property
    def redo_label(self) -> str:
        return self._steps[self._index + 1].label if self.can_redo else ""

    def undo(self) -> CartDocument | None:
        """The state before the last edit (and it becomes the current one), or None."""
        if not self.can_undo:
            return None
        self._index -= 1
        self._sealed = True
        return self._steps[self._index].document

    def redo(self) -> CartDocument | None:
        if not self.can_redo:
            return None
        self._index += 1
        self._sealed = True
        return self._steps[self._index].document
