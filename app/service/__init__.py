"""Between the core and the two front ends: what a composing session is, without Qt.

``UndoHistory``: the cart's states, for Undo and Redo.
"""

from __future__ import annotations

from app.service.undo import UndoHistory, UndoStep

__all__ = ["UndoHistory", "UndoStep"]
