"""The history of every send: SQLite store, recording around a send, exports. No Qt."""

from __future__ import annotations

from app.history.store import (
    OUTCOMES,
    HistoryEntry,
    HistoryError,
    HistoryFilter,
    HistoryStore,
)

__all__ = ["OUTCOMES", "HistoryEntry", "HistoryError", "HistoryFilter", "HistoryStore"]
