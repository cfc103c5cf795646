"""The history of every send: the SQLite store and its exports — storage only (recording
around a send is the service layer's: app/service/recording.py). No Qt."""

from __future__ import annotations

from app.history.store import (
    OUTCOMES,
    SORTS,
    HistoryEntry,
    HistoryError,
    HistoryFilter,
    HistoryStore,
)

__all__ = ["OUTCOMES", "SORTS", "HistoryEntry", "HistoryError", "HistoryFilter", "HistoryStore"]
