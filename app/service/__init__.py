"""Between the core and the two front ends, without Qt: what the window, the command line,
scenarios and bulk share.

``sender``: a profile resolved into a target, its secrets and its auth, and sent (``Sender``,
``Overrides``); ``recording``: the one "record around a send" (a pending history row before
the request leaves, completed after); ``bulk``: many carts, by the provider's capabilities;
``undo``: the cart's states, for Undo and Redo. The heavier modules are imported by name
(``from app.service.sender import Sender``), so importing this package stays cheap.
"""

from __future__ import annotations

from app.service.undo import UndoHistory, UndoStep

__all__ = ["UndoHistory", "UndoStep"]
