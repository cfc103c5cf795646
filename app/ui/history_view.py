"""The history panel: filter, browse, inspect, reopen, re-send, compare, delete, export."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QDate, QSignalBlocker, Qt, QTimer, Signal, SignalInstance
from PySide6.QtGui import QFontDatabase, QGuiApplication
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDateEdit,
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMenu,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app.domain import jsonfmt
from app.history import OUTCOMES, HistoryEntry, HistoryFilter, HistoryStore
from app.history.export import write_har, write_jsonl
from app.providers import providers
from app.providers.registry import provider_title
from app.ui.compare import DARK, LIGHT, compare_html, entry_exchange, preview_exchange
from app.ui.history_model import PAGE, HistoryTableModel, operation_words, source_text
from app.ui.theme import is_dark
from app.ui.widgets import browser_dialog, rows_follow_font
from app.ui.workers import run_in_background

__all__ = ["HistoryView"]


def _describe(entry: HistoryEntry, response: bool) -> str:
    if not response:
        head = [f"{entry.method} {entry.url}"]
        head += [f"{name}: {value}" for name, value in entry.request_headers]
        return "\n".join([*head, "", jsonfmt.pretty(entry.request_body)])
    if entry.status is None:
        return f"No response: {entry.error_kind or entry.state}\n{entry.error_message or ''}"
    head = [f"{entry.status} {entry.reason or ''}"]
    head += [f"{name}: {value}" for name, value in entry.response_headers]
    return "\n".join([*head, "", jsonfmt.pretty(entry.response_body)])


def _operation_label(pair: str) -> str:
    """``bronto/abandon`` as the table says it: "Bronto: Abandon"."""
    provider, _, operation = pair.partition("/")
    return f"{provider_title(provider)}: {operation_words(provider, operation)}"


class HistoryView(QWidget):
    open_requested = Signal(object)  # HistoryEntry: open it in the composer
    resend_requested = Signal(object)  # HistoryEntry: open and send again
    exported = Signal(int, str)  # how many entries, to which file (after an export finished)

    def __init__(
        self,
        store: HistoryStore | None,
        parent: QWidget | None = None,
        *,
        curl_for: Callable[[HistoryEntry], str] | None = None,
        current_request: Callable[[], str] | None = None,
        postman_for: Callable[[list[HistoryEntry]], dict[str, Any]] | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("historyView")
        self.store = store
        # How an entry becomes a cURL command (the window knows the profiles and their auth).
        self._curl_for = curl_for
        # ... and entries a Postman collection, their secrets as {{variables}}.
        self._postman_for = postman_for
        # The composer's request as its preview shows it, to compare an entry with.
        self._current_request = current_request
        self.model = HistoryTableModel(store)
        self._generation = 0
        # The rows of the latest query are in; a count that arrives before them waits for them.
        self._rows_in = False
        self._early_count: int | None = None

        self.provider = QComboBox()
        self.provider.setObjectName("historyProvider")
        self.provider.addItem("All providers", None)
        for provider in providers().values():
            self.provider.addItem(provider.title, provider.key)
        # What the history holds, filled from it: (provider, operation) pairs and sources.
        self.operation = QComboBox()
        self.operation.setObjectName("historyOperation")
        self.operation.addItem("Any operation", None)
        self.source = QComboBox()
        self.source.setObjectName("historySource")
        self.source.addItem("Any source", None)
        self._choices: dict[str, list[str]] = {}
        self.outcome = QComboBox()
        self.outcome.setObjectName("historyOutcome")
        self.outcome.addItem("Any outcome", None)
        for outcome in OUTCOMES:
            self.outcome.addItem(outcome.replace("_", " "), outcome)
        self.profile = QComboBox()
        self.profile.setObjectName("historyProfile")
        self.profile.addItem("All profiles", None)
        self.period = QComboBox()
        self.period.setObjectName("historyPeriod")
        for label, days in (
            ("Any time", None),
            ("Last 24 hours", 1),
            ("Last 7 days", 7),
            ("Last 30 days", 30),
            ("Between…", "range"),
        ):
            self.period.addItem(label, days)
        today = QDate.currentDate()
        self.date_from = QDateEdit(today.addDays(-7))
        self.date_from.setObjectName("historyFrom")
        self.date_to = QDateEdit(today)
        self.date_to.setObjectName("historyTo")
        for edit in (self.date_from, self.date_to):
            edit.setCalendarPopup(True)
            edit.setDisplayFormat("yyyy-MM-dd")
            edit.setToolTip("Days in UTC; both ends included")
            edit.hide()
        self.search = QLineEdit()
        self.search.setObjectName("historySearch")
        self.search.setPlaceholderText("Search email, cart id, request id, body…")
        self.search.setMinimumWidth(120)
        self.search.setClearButtonEnabled(True)
        self.count_label = QLabel()
        self.count_label.setObjectName("historyCount")
        # The lists (and a range's dates) on a row; the actions, search and the count on the
        # next: in one row they would make the window wider than a 1024-pixel screen.
        filters = QHBoxLayout()
        # The profiles and operations come from the history, so their lists are sized to a
        # usual name (a long profile name must not widen the window).
        for combo, letters in ((self.profile, 14), (self.operation, 16)):
            combo.setSizeAdjustPolicy(
                QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
            )
            combo.setMinimumContentsLength(letters)
        # The lists that narrow the rows, in the order they stand.
        self._lists = (
            self.provider,
            self.operation,
            self.source,
            self.profile,
            self.outcome,
            self.period,
        )
        for widget in (*self._lists, self.date_from, self.date_to):
            filters.addWidget(widget)
        filters.addStretch(1)

        self.table = QTableView()
        self.table.setObjectName("historyTable")
        self.table.setTabKeyNavigation(False)  # Tab leaves the table; arrows move in it
        self.table.setModel(self.model)
        # Sorted by a header click, newest first until then; the store does the ordering.
        self.table.horizontalHeader().setSortIndicator(0, Qt.SortOrder.DescendingOrder)
        self.table.setSortingEnabled(True)
        self.model.sort_changed.connect(self.refresh)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setWordWrap(False)
        rows_follow_font(self.table, 6)
        self.table.horizontalHeader().setDefaultSectionSize(96)
        self.table.setColumnWidth(0, 140)
        self._sized = False  # a column sized by hand: no more sizing to the contents
        self._sizing = False
        self.table.horizontalHeader().sectionResized.connect(self._on_section_resized)
        # Small minimums: the tab shares a 700-pixel-high window with the request preview.
        self.table.setMinimumHeight(48)

        fixed = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
        self.request_text = QPlainTextEdit(readOnly=True)
        self.request_text.setObjectName("historyRequest")
        self.response_text = QPlainTextEdit(readOnly=True)
        self.response_text.setObjectName("historyResponse")
        self.request_text.setPlaceholderText("Choose a row to see the request it sent.")
        self.response_text.setPlaceholderText("…and here what came back.")
        for pane in (self.request_text, self.response_text):
            pane.setMinimumHeight(40)
            pane.setFont(fixed)
            pane.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        # Beside the table, what the chosen row sent above what came back: the table keeps
        # the panel's whole height (at 1280 x 800, twenty rows and more).
        detail = QSplitter(Qt.Orientation.Vertical)
        detail.setObjectName("historyDetail")
        detail.addWidget(self.request_text)
        detail.addWidget(self.response_text)

        self.buttons: dict[str, QPushButton] = {}
        actions = QHBoxLayout()
        actions.setSpacing(4)
        for key, label, tip in (
            ("open", "Open in composer", "Put this cart back in the form"),
            ("resend", "Re-send", "Send this cart again with its profile"),
            ("curl", "Copy as cURL", "The request as a cURL command (secrets as variables)"),
            (
                "compare",
                "Compare",
                "Two selected entries side by side (status, headers, bodies); one selected: "
                "it beside the cart in the composer",
            ),
            ("delete", "Delete", "Delete the selected entries"),
            ("export", "Export", "The selected entries (or all shown) as HAR 1.2 or JSON lines"),
            ("clear", "Clear…", "Delete the whole history, or entries older than 30 days"),
        ):
            button = QPushButton(label)
            button.setObjectName(f"history_{key}")
            button.setToolTip(tip)
            actions.addWidget(button)
            self.buttons[key] = button
        export_menu = QMenu(self.buttons["export"])
        self.export_actions = {
            "har": export_menu.addAction("HAR 1.2…"),
            "jsonl": export_menu.addAction("JSON lines…"),
            "postman": export_menu.addAction("Postman collection…"),
        }
        self.buttons["export"].setMenu(export_menu)
        actions.addSpacing(8)
        actions.addWidget(self.search, 1)
        actions.addWidget(self.count_label)

        split = QSplitter(Qt.Orientation.Horizontal)
        split.setObjectName("historySplitter")
        split.addWidget(self.table)
        split.addWidget(detail)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 2)
        split.setSizes([650, 350])
        self.splitter = split
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(filters)
        layout.addLayout(actions)
        layout.addWidget(split, 1)

        self._search_timer = QTimer(self)
        self._search_timer.setSingleShot(True)
        self._search_timer.setInterval(200)
        self._search_timer.timeout.connect(self.refresh)
        self.search.textChanged.connect(self._search_timer.start)
        # A provider's operations are listed for it before its query starts.
        self.provider.currentIndexChanged.connect(lambda _: self._fill_operations())
        for combo in self._lists:
            combo.currentIndexChanged.connect(lambda _: self.refresh())
        self.period.currentIndexChanged.connect(lambda _: self._show_range())
        self.date_from.dateChanged.connect(lambda _: self.refresh())
        self.date_to.dateChanged.connect(lambda _: self.refresh())
        self.table.selectionModel().selectionChanged.connect(lambda *_: self._show_detail())
        self.buttons["open"].clicked.connect(lambda: self._emit_selected(self.open_requested))
        self.buttons["resend"].clicked.connect(lambda: self._emit_selected(self.resend_requested))
        self.buttons["curl"].clicked.connect(self.copy_curl)
        self.buttons["compare"].clicked.connect(self.compare)
        self.buttons["delete"].clicked.connect(self.delete_selected)
        self.export_actions["har"].triggered.connect(lambda: self.export("har"))
        self.export_actions["jsonl"].triggered.connect(lambda: self.export("jsonl"))
        self.export_actions["postman"].triggered.connect(lambda: self.export("postman"))
        self.buttons["clear"].clicked.connect(self.clear)
        self.setEnabled(store is not None)
        self.refresh()

    # --- querying --------------------------------------------------------------------------

    def _show_range(self) -> None:
        custom = self.period.currentData() == "range"
        self.date_from.setVisible(custom)
        self.date_to.setVisible(custom)

    def _fill(self, choices: dict[str, list[str]]) -> None:
        """The lists that come from the history (profiles, operations, sources), keeping
        what is chosen in each."""
        if choices == self._choices:
            return
        self._choices = choices
        self._refill(self.profile, choices.get("profile", []), str)
        sources = sorted(choices.get("source", []), key=source_text)  # as they read
        self._refill(self.source, sources, source_text)
        self._fill_operations()

    def _fill_operations(self) -> None:
        """The operations of the chosen provider (of all, with "All providers")."""
        provider = self.provider.currentData()
        pairs = [
            pair
            for pair in self._choices.get("operation", [])
            if not provider or pair.startswith(f"{provider}/")
        ]
        self._refill(self.operation, pairs, _operation_label)

    @staticmethod
    def _refill(combo: QComboBox, values: list[str], label: Callable[[str], str]) -> None:
        current = combo.currentData()
        with QSignalBlocker(combo):
            while combo.count() > 1:
                combo.removeItem(1)
            for value in values:
                combo.addItem(label(value), value)
            combo.setCurrentIndex(max(combo.findData(current), 0))

    def current_filter(self) -> HistoryFilter:
        from datetime import UTC, datetime, timedelta

        period = self.period.currentData()
        since = until = None
        if period == "range":
            since = self.date_from.date().toString("yyyy-MM-dd")
            until = self.date_to.date().addDays(1).toString("yyyy-MM-dd")
        elif period:
            since = (datetime.now(UTC) - timedelta(days=int(period))).strftime("%Y-%m-%dT%H:%M:%S")
        provider = self.provider.currentData()
        operation = None
        pair = self.operation.currentData()
        if pair:
            # An operation is one provider's: it narrows to that provider as well.
            provider, _, operation = str(pair).partition("/")
        order = self.model.filters
        return HistoryFilter(
            provider=provider,
            operation=operation,
            source=self.source.currentData(),
            sort=order.sort,
            ascending=order.ascending,
            profile=self.profile.currentData(),
            outcome=self.outcome.currentData(),
            since=since,
            until=until,
            text=self.search.text().strip() or None,
        )

    def refresh(self) -> None:
        """Re-run the query off the GUI thread (a text search reads every body)."""
        store = self.store
        if store is None:
            return
        filters = self.current_filter()
        self.count_label.setText("Searching…")
        self._generation += 1
        generation = self._generation
        self._rows_in, self._early_count = False, None

        # Everything the store is asked runs here, off the GUI thread: a send's worker may be
        # writing a large body (and indexing it) at this moment, and the store takes one call
        # at a time.
        def query() -> tuple[list[HistoryEntry], HistoryFilter, int, dict[str, list[str]]]:
            return store.query(filters, limit=PAGE), filters, generation, store.choices()

        def count() -> tuple[int, int]:
            return store.count(filters), generation

        # The rows first; the count (a scan) follows, so the table never waits for it.
        run_in_background(query, self._on_loaded, self._on_failed)
        run_in_background(count, self._on_counted, self._on_failed)

    def _on_loaded(self, result: object) -> None:
        assert isinstance(result, tuple)
        rows: list[HistoryEntry] = result[0]
        filters: HistoryFilter = result[1]
        if result[2] != self._generation:
            return  # an older query finished after a newer one started
        self._fill(result[3])
        self.model.load(rows, filters)
        self._rows_in = True
        if self._early_count is not None:
            self._show_count(self._early_count)
        if rows and not self._sized:
            # Columns as wide as what they hold (204 No Content, connection refused), each
            # time rows come, until the person sizes one: then they stay as left.
            self._sizing = True
            self.table.resizeColumnsToContents()
            self._sizing = False

    def _on_section_resized(self, column: int, *_: object) -> None:
        # The last column stretches with the table: only a hand on another one counts.
        if not self._sizing and column != self.model.columnCount() - 1:
            self._sized = True

    def _on_counted(self, result: object) -> None:
        assert isinstance(result, tuple)
        total: int = result[0]
        if result[1] != self._generation:
            return
        if self._rows_in:
            self._show_count(total)
        else:
            # The count (a scan) usually comes after the rows; when it comes first, it waits, so
            # that "6 entries" never shows beside the rows of the query before.
            self._early_count = total

    def _show_count(self, total: int) -> None:
        self.count_label.setText(f"{total} entr{'y' if total == 1 else 'ies'}")

    def _on_failed(self, error: BaseException) -> None:
        self.count_label.setText(f"Search failed: {error}")

    # --- selection -------------------------------------------------------------------------

    def selected(self) -> list[HistoryEntry]:
        rows = sorted({index.row() for index in self.table.selectionModel().selectedRows()})
        entries = []
        for row in rows:
            listed = self.model.entry(row)
            full = self.store.get(listed.id) if (listed and self.store) else None
            if full is not None:
                entries.append(full)
        return entries

    def _show_detail(self) -> None:
        entries = self.selected()
        if not entries:
            self.request_text.setPlainText("")
            self.response_text.setPlainText("")
            return
        entry = entries[0]
        self.request_text.setPlainText(_describe(entry, response=False))
        self.response_text.setPlainText(_describe(entry, response=True))

    def _emit_selected(self, signal: SignalInstance) -> None:
        entries = self.selected()
        if entries:
            signal.emit(entries[0])

    # --- actions ---------------------------------------------------------------------------

    def copy_curl(self) -> None:
        entries = self.selected()
        if not entries or self._curl_for is None:
            return
        QGuiApplication.clipboard().setText(self._curl_for(entries[0]))

    def compare(self) -> QDialog | None:
        """Two selected entries side by side, the older on the left; one selected entry on
        the left and the cart in the composer on the right."""
        entries = self.selected()
        if len(entries) == 2:
            older, newer = sorted(entries, key=lambda entry: (entry.sent_at, entry.id))
            left, right = entry_exchange(older), entry_exchange(newer)
            title = f"Compare #{older.id} and #{newer.id}"
        elif len(entries) == 1 and self._current_request is not None:
            left, right = entry_exchange(entries[0]), preview_exchange(self._current_request())
            title = f"Compare #{entries[0].id} with the cart in the composer"
        else:
            self.count_label.setText(
                "Select two entries to compare, or one to compare with the cart."
            )
            return None
        dialog, browser = browser_dialog(self, "compare", title, (1000, 640))
        browser.setObjectName("compareView")
        browser.setHtml(compare_html(left, right, DARK if is_dark(browser.palette()) else LIGHT))
        dialog.show()
        return dialog

    def delete_selected(self) -> int:
        entries = self.selected()
        if not entries or self.store is None:
            return 0
        count = self.store.delete([e.id for e in entries])
        self.refresh()
        return count

    def export(self, kind: str, path: Path | None = None) -> bool:
        """Write the selected entries (or all that the filters show) as HAR or JSON lines, on a
        worker: reading every body of a long history takes a while. ``exported`` says when."""
        store = self.store
        if store is None:
            return False
        rows = sorted({index.row() for index in self.table.selectionModel().selectedRows()})
        listed = (self.model.entry(row) for row in rows)
        ids = [entry.id for entry in listed if entry is not None]
        filters = self.current_filter()
        if path is None:
            suffix = {"har": "har", "jsonl": "jsonl", "postman": "postman_collection.json"}[kind]
            from app.ui.asking import documents_folder

            suggested = documents_folder() / f"cart-composer-history.{suffix}"
            name, _ = QFileDialog.getSaveFileName(self, "Export history", str(suggested))
            if not name:
                return False
            path = Path(name)
        target = path

        def job() -> int:
            chosen = ids or [x.id for x in store.query(filters, limit=100_000)]
            entries = [e for e in (store.get(i) for i in chosen) if e is not None]
            if kind == "postman" and self._postman_for is not None:
                made = self._postman_for(sorted(entries, key=lambda e: (e.sent_at, e.id)))
                target.write_text(jsonfmt.dumps(made) + "\n", encoding="utf-8")
                return len(entries)
            return write_har(entries, target) if kind == "har" else write_jsonl(entries, target)

        def done(count: object) -> None:
            self.count_label.setText(f"Exported {count} entries to {target.name}.")
            self.exported.emit(int(str(count)), str(target))

        def failed(error: BaseException) -> None:
            self.count_label.setText(f"Export failed: {error}")
            self.exported.emit(0, "")

        self.count_label.setText(f"Exporting to {target.name}…")
        run_in_background(job, done, failed)
        return True

    def clear(self) -> None:
        if self.store is None:
            return
        box = QMessageBox(self)
        box.setWindowTitle("Clear history")
        box.setText("Delete the whole history, or only entries older than 30 days?")
        everything = box.addButton("Delete all", QMessageBox.ButtonRole.DestructiveRole)
        older = box.addButton("Older than 30 days", QMessageBox.ButtonRole.AcceptRole)
        box.addButton(QMessageBox.StandardButton.Cancel)
        box.exec()
        if box.clickedButton() is everything:
            self.store.clear()
        elif box.clickedButton() is older:
            from datetime import UTC, datetime, timedelta

            moment = datetime.now(UTC) - timedelta(days=30)
            self.store.delete_older_than(moment.strftime("%Y-%m-%dT%H:%M:%S"))
        self.refresh()
