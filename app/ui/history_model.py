"""The history table: a lazy model over the history store, newest first, a page at a time."""

from __future__ import annotations

import dataclasses
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QBrush, QColor

from app.domain.errors import UnknownAction, UnknownProvider
from app.history import HistoryEntry, HistoryFilter, HistoryStore
from app.providers.registry import get_provider, provider_title
from app.ui.theme import tone

__all__ = ["COLUMNS", "PAGE", "SOURCES", "HistoryTableModel", "operation_words", "source_text"]

AnyIndex = QModelIndex | QPersistentModelIndex
PAGE = 200
COLUMNS = (
    "Time (UTC)",
    "Provider",
    "Operation",
    "Source",
    "Profile",
    "Status",
    "Email",
    "Cart ID",
    "Elapsed",
)
(
    COL_TIME,
    COL_PROVIDER,
    COL_OPERATION,
    COL_SOURCE,
    COL_PROFILE,
    COL_STATUS,
    COL_EMAIL,
    COL_CART,
    COL_ELAPSED,
) = range(len(COLUMNS))
# What each column orders the rows by (the history store's SORTS).
_SORT_KEYS = (
    "time",
    "provider",
    "operation",
    "source",
    "profile",
    "status",
    "email",
    "cart",
    "elapsed",
)
# Where a send came from, in words.
SOURCES = {
    "gui": "window",
    "cli": "command line",
    "bulk": "bulk",
    "scenario": "journey",
    "unknown": "not recorded",
}
# What each outcome's status reads in (app/ui/theme.py: a shade for light and for dark).
_TONES = {
    "succeeded": "ok",
    "http_error": "warn",
    "network_error": "neutral",
    "cancelled": "muted",
    "interrupted": "error",
    "pending": "info",
}


def operation_words(provider: str, operation: str) -> str:
    """What a row did, in the provider's words: a cart action's title (Abandon, Delete), else
    the operation's name (cart activity, add cart, create event)."""
    try:
        return get_provider(provider).action(operation).title
    except (UnknownAction, UnknownProvider):
        return operation.replace("_", " ")


def operation_text(entry: HistoryEntry) -> str:
    return operation_words(entry.provider, entry.operation)


def source_text(source: str) -> str:
    return SOURCES.get(source, source)


def status_text(entry: HistoryEntry) -> str:
    if entry.state == "pending":
        return "sending…"
    if entry.status is not None:
        return f"{entry.status} {entry.reason or ''}".strip()
    return (entry.error_kind or entry.state).replace("_", " ")


# Each column's text, worked out only for the cell asked (a paint asks for every visible one).
_CELLS = (
    lambda entry: entry.sent_at[:19].replace("T", " "),
    lambda entry: provider_title(entry.provider),
    operation_text,
    lambda entry: source_text(entry.source),
    lambda entry: entry.profile,
    status_text,
    lambda entry: entry.email or "",
    lambda entry: entry.cart_id or "",
    lambda entry: "" if entry.elapsed_ms is None else f"{entry.elapsed_ms:.0f} ms",
)


class HistoryTableModel(QAbstractTableModel):
    # The order asked for changed (a header click): the rows must be queried again.
    sort_changed = Signal()

    def __init__(self, store: HistoryStore | None) -> None:
        super().__init__()
        self.store = store
        self.filters = HistoryFilter()
        self._rows: list[HistoryEntry] = []
        self._more = False

    # --- loading ---------------------------------------------------------------------------
    # No count(*) on the way to the first rows: a page is one indexed query, whatever the size
    # of the history; a full page means there may be more.

    def load(self, rows: list[HistoryEntry], filters: HistoryFilter) -> None:
        """Show the first page of a (re)query; further pages come through ``fetchMore``."""
        self.beginResetModel()
        self.filters, self._rows, self._more = filters, rows, len(rows) >= PAGE
        self.endResetModel()

    def reload(self) -> None:
        if self.store is None:
            return
        self.load(self.store.query(self.filters, limit=PAGE), self.filters)

    def canFetchMore(self, parent: AnyIndex = QModelIndex()) -> bool:  # noqa: B008
        return not parent.isValid() and self._more

    def fetchMore(self, parent: AnyIndex = QModelIndex()) -> None:  # noqa: B008
        if parent.isValid() or self.store is None:
            return
        more = self.store.query(self.filters, limit=PAGE, offset=len(self._rows))
        self._more = len(more) >= PAGE
        if not more:
            return
        self.beginInsertRows(QModelIndex(), len(self._rows), len(self._rows) + len(more) - 1)
        self._rows.extend(more)
        self.endInsertRows()

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """A header click: the rows in the column's order, asked of the store (the rows
        shown are one page of them, so the order must be the query's)."""
        if not 0 <= column < len(_SORT_KEYS):
            return
        ascending = order == Qt.SortOrder.AscendingOrder
        wanted = dataclasses.replace(self.filters, sort=_SORT_KEYS[column], ascending=ascending)
        if wanted != self.filters:
            self.filters = wanted
            self.sort_changed.emit()

    def entry(self, row: int) -> HistoryEntry | None:
        return self._rows[row] if 0 <= row < len(self._rows) else None

    # --- Qt model --------------------------------------------------------------------------

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return COLUMNS[section] if 0 <= section < len(COLUMNS) else None
        return None

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        entry = self.entry(index.row()) if index.isValid() else None
        if entry is None:
            return None
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return _CELLS[column](entry) if 0 <= column < len(_CELLS) else None
        if role == Qt.ItemDataRole.ForegroundRole and column == COL_STATUS:
            colour = _TONES.get(entry.state)
            return QBrush(QColor(tone(colour))) if colour else None
        if role == Qt.ItemDataRole.ToolTipRole and column == COL_STATUS:
            return entry.error_message or entry.state
        if role == Qt.ItemDataRole.UserRole:
            return entry.id
        return None
