"""The history panel: filter, browse, inspect, reopen, re-send, compare, delete, export."""

from __future__ import annotations

import difflib
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QDate, QSignalBlocker, Qt, QTimer, Signal, SignalInstance
from PySide6.QtGui import QFontDatabase, QGuiApplication
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QTableView,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from app.domain import jsonfmt
from app.history import OUTCOMES, HistoryEntry, HistoryFilter, HistoryStore
from app.history.export import write_har, write_jsonl
from app.providers import providers
from app.ui.history_model import PAGE, HistoryTableModel
from app.ui.workers import run_in_background

__all__ = ["HistoryView", "compare_html"]


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


def compare_html(left: HistoryEntry, right: HistoryEntry) -> str:
    """Side-by-side diffs of the request bodies and of the response bodies."""
    differ = difflib.HtmlDiff(wrapcolumn=60)
    parts = []
    for title, a, b in (
        ("Request bodies", jsonfmt.pretty(left.request_body), jsonfmt.pretty(right.request_body)),
        (
            "Response bodies",
            jsonfmt.pretty(left.response_body),
            jsonfmt.pretty(right.response_body),
        ),
    ):
        table = differ.make_table(
            a.splitlines(), b.splitlines(), f"#{left.id}", f"#{right.id}", context=False
        )
        parts.append(f"<h3>{title}</h3>{table}")
    return "<html><body>" + "".join(parts) + "</body></html>"


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
    ) -> None:
        super().__init__(parent)
        self.setObjectName("historyView")
        self.store = store
        # How an entry becomes a cURL command (the window knows the profiles and their auth).
        self._curl_for = curl_for
        self.model = HistoryTableModel(store)
        self._generation = 0

        self.provider = QComboBox()
        self.provider.setObjectName("historyProvider")
        self.provider.addItem("All providers", None)
        for provider in providers().values():
            self.provider.addItem(provider.title, provider.key)
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
        # The four lists on a row, the dates, search and count on the next (where the count
        # stood alone): in one row they made the window wider than a 1024-pixel screen.
        filters = QHBoxLayout()
        # The profiles come from the history, so their list is sized to a usual name and
        # takes the room there is (a long profile name must not widen the window).
        self.profile.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self.profile.setMinimumContentsLength(14)
        for widget in (self.provider, self.profile, self.outcome, self.period):
            filters.addWidget(widget, 1 if widget is self.profile else 0)
        second = QHBoxLayout()
        second.addWidget(self.date_from)
        second.addWidget(self.date_to)
        second.addWidget(self.search, 1)
        second.addWidget(self.count_label)

        self.table = QTableView()
        self.table.setObjectName("historyTable")
        self.table.setTabKeyNavigation(False)  # Tab leaves the table; arrows move in it
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setWordWrap(False)
        self.table.verticalHeader().setDefaultSectionSize(22)
        self.table.horizontalHeader().setDefaultSectionSize(96)
        self.table.setColumnWidth(0, 140)
        self._sized = False
        # Small minimums: the tab shares a 700-pixel-high window with the request preview.
        self.table.setMinimumHeight(48)

        fixed = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
        self.request_text = QPlainTextEdit(readOnly=True)
        self.request_text.setObjectName("historyRequest")
        self.response_text = QPlainTextEdit(readOnly=True)
        self.response_text.setObjectName("historyResponse")
        for pane in (self.request_text, self.response_text):
            pane.setMinimumHeight(40)
            pane.setFont(fixed)
            pane.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        detail = QSplitter(Qt.Orientation.Horizontal)
        detail.addWidget(self.request_text)
        detail.addWidget(self.response_text)

        self.buttons: dict[str, QPushButton] = {}
        # Two rows of four, so the panel fits a 1280-pixel-wide window beside the form.
        actions = QGridLayout()
        actions.setHorizontalSpacing(4)
        for key, label, tip in (
            ("open", "Open in composer", "Put this cart back in the form"),
            ("resend", "Re-send", "Send this cart again with its profile"),
            ("curl", "Copy as cURL", "The request as a cURL command (secrets as variables)"),
            ("compare", "Compare", "Diff the bodies of two selected entries"),
            ("delete", "Delete", "Delete the selected entries"),
            ("har", "Export HAR…", "The selected entries (or all shown) as HAR 1.2"),
            ("jsonl", "Export JSON lines…", "The selected entries (or all shown) as JSON lines"),
            ("clear", "Clear…", "Delete the whole history, or entries older than 30 days"),
        ):
            button = QPushButton(label)
            button.setObjectName(f"history_{key}")
            button.setToolTip(tip)
            actions.addWidget(button, len(self.buttons) // 4, len(self.buttons) % 4)
            self.buttons[key] = button

        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(self.table)
        split.addWidget(detail)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 2)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(filters)
        layout.addLayout(actions)
        layout.addLayout(second)
        layout.addWidget(split, 1)

        self._search_timer = QTimer(self)
        self._search_timer.setSingleShot(True)
        self._search_timer.setInterval(200)
        self._search_timer.timeout.connect(self.refresh)
        self.search.textChanged.connect(self._search_timer.start)
        for combo in (self.provider, self.profile, self.outcome, self.period):
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
        self.buttons["har"].clicked.connect(lambda: self.export("har"))
        self.buttons["jsonl"].clicked.connect(lambda: self.export("jsonl"))
        self.buttons["clear"].clicked.connect(self.clear)
        self.setEnabled(store is not None)
        self.refresh()

    # --- querying --------------------------------------------------------------------------

    def _show_range(self) -> None:
        custom = self.period.currentData() == "range"
        self.date_from.setVisible(custom)
        self.date_to.setVisible(custom)

    def _fill_profiles(self, names: list[str]) -> None:
        current = self.profile.currentData()
        if names == [self.profile.itemData(i) for i in range(1, self.profile.count())]:
            return
        with QSignalBlocker(self.profile):
            self.profile.clear()
            self.profile.addItem("All profiles", None)
            for name in names:
                self.profile.addItem(name, name)
            self.profile.setCurrentIndex(max(self.profile.findData(current), 0))

    def current_filter(self) -> HistoryFilter:
        from datetime import UTC, datetime, timedelta

        period = self.period.currentData()
        since = until = None
        if period == "range":
            since = self.date_from.date().toString("yyyy-MM-dd")
            until = self.date_to.date().addDays(1).toString("yyyy-MM-dd")
        elif period:
            since = (datetime.now(UTC) - timedelta(days=int(period))).strftime("%Y-%m-%dT%H:%M:%S")
        return HistoryFilter(
            provider=self.provider.currentData(),
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

        # Everything the store is asked runs here, off the GUI thread: a send's worker may be
        # writing a large body (and indexing it) at this moment, and the store takes one call
        # at a time.
        def query() -> tuple[list[HistoryEntry], HistoryFilter, int, list[str]]:
            return store.query(filters, limit=PAGE), filters, generation, store.profiles()

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
        self._fill_profiles(result[3])
        self.model.load(rows, filters)
        if rows and not self._sized:
            # Columns as wide as what they hold (204 No Content, connection refused), once:
            # after that they stay as the person left them.
            self._sized = True
            self.table.resizeColumnsToContents()

    def _on_counted(self, result: object) -> None:
        assert isinstance(result, tuple)
        total: int = result[0]
        if result[1] == self._generation:
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
        entries = self.selected()
        if len(entries) != 2:
            self.count_label.setText("Select exactly two entries to compare.")
            return None
        dialog = QDialog(self)
        dialog.setObjectName("compareDialog")
        dialog.setWindowTitle(f"Compare #{entries[0].id} and #{entries[1].id}")
        dialog.resize(1000, 600)
        browser = QTextBrowser()
        browser.setObjectName("compareView")
        browser.setHtml(compare_html(entries[0], entries[1]))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(dialog.reject)
        layout = QVBoxLayout(dialog)
        layout.addWidget(browser)
        layout.addWidget(buttons)
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
            suffix = "har" if kind == "har" else "jsonl"
            name, _ = QFileDialog.getSaveFileName(
                self, "Export history", f"cart-composer-history.{suffix}"
            )
            if not name:
                return False
            path = Path(name)
        target = path

        def job() -> int:
            chosen = ids or [x.id for x in store.query(filters, limit=100_000)]
            entries = [e for e in (store.get(i) for i in chosen) if e is not None]
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
