"""The history panel: lazy rows, filters, detail, reopen, compare, export, delete."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

from PySide6.QtWidgets import QTextBrowser
from pytestqt.qtbot import QtBot

from app.domain import jsonfmt
from app.history import HistoryStore
from app.ui.compare import Exchange
from app.ui.history_model import COL_CART, COL_STATUS, PAGE, HistoryTableModel
from app.ui.history_view import HistoryView
from app.ui.main_window import MainWindow


def fill(store: HistoryStore, count: int) -> list[int]:
    ids = []
    for n in range(count):
        provider = "drip" if n % 2 == 0 else "bronto"
        body = jsonfmt.dumps({"cart_id": f"c-{n}", "email": f"u{n}@example.com", "n": n})
        row = store.record_pending(
            method="POST",
            url="http://127.0.0.1:1/x",
            headers=[],
            body=body.encode(),
            profile=f"sandbox-{provider}",
            provider=provider,
            operation="x",
            source="test",
            email=f"u{n}@example.com",
            cart_id=f"c-{n}",
        )
        state = "succeeded" if n % 3 else "http_error"
        store.complete(
            row,
            state=state,
            elapsed_ms=n,
            status=202 if n % 3 else 422,
            response_body=b'{"request_id":"r-%d"}' % n,
        )
        ids.append(row)
    return ids


def test_the_model_is_lazy_and_passes_qtmodeltester(qtmodeltester: object, tmp_path: Path) -> None:
    store = HistoryStore(tmp_path / "h.sqlite3")
    fill(store, 450)
    model = HistoryTableModel(store)
    model.reload()
    assert model.rowCount() == PAGE
    assert model.canFetchMore()
    model.fetchMore()
    assert model.rowCount() == 2 * PAGE
    model.fetchMore()
    assert model.rowCount() == 450 and not model.canFetchMore()
    qtmodeltester.check(model)  # type: ignore[attr-defined]
    assert model.data(model.index(0, COL_CART)) == "c-449"  # newest first


def shown(qtbot: QtBot, tmp_path: Path, count: int) -> tuple[HistoryStore, HistoryView]:
    """A history of ``count`` rows (``fill``) and its view, once the view shows them all."""
    store = HistoryStore(tmp_path / "h.sqlite3")
    fill(store, count)
    view = HistoryView(store)
    qtbot.addWidget(view)
    qtbot.waitUntil(lambda: view.count_label.text() == f"{count} entries", timeout=5000)
    return store, view


def test_filters_run_off_the_gui_thread_and_narrow_the_rows(qtbot: QtBot, tmp_path: Path) -> None:
    _, view = shown(qtbot, tmp_path, 30)
    view.provider.setCurrentIndex(view.provider.findData("bronto"))
    qtbot.waitUntil(lambda: view.count_label.text() == "15 entries", timeout=5000)
    view.outcome.setCurrentIndex(view.outcome.findData("http_error"))
    qtbot.waitUntil(lambda: view.count_label.text() == "5 entries", timeout=5000)
    view.provider.setCurrentIndex(0)
    view.outcome.setCurrentIndex(0)
    view.search.setText("u17@example.com")
    qtbot.waitUntil(lambda: view.count_label.text() == "1 entry", timeout=5000)
    view.search.setText("r-21")  # the response body
    qtbot.waitUntil(
        lambda: (
            view.model.rowCount() == 1 and view.model.data(view.model.index(0, COL_CART)) == "c-21"
        ),
        timeout=5000,
    )


def test_detail_compare_export_and_delete(qtbot: QtBot, tmp_path: Path) -> None:
    store = HistoryStore(tmp_path / "h.sqlite3")
    fill(store, 3)
    view = HistoryView(store)
    qtbot.addWidget(view)
    qtbot.waitUntil(lambda: view.model.rowCount() == 3, timeout=5000)
    view.table.selectRow(0)
    assert view.request_text.toPlainText().startswith("POST http://127.0.0.1:1/x")
    assert '"cart_id": "c-2"' in view.request_text.toPlainText()
    assert view.response_text.toPlainText().startswith("202")
    view.table.selectAll()
    assert view.compare() is None  # three selected: needs exactly two
    assert view.count_label.text() == (
        "Select two entries to compare, or one to compare with the cart."
    )
    view.table.clearSelection()
    view.table.selectRow(0)
    view.table.selectionModel().select(
        view.model.index(1, 0),
        view.table.selectionModel().SelectionFlag.Select
        | view.table.selectionModel().SelectionFlag.Rows,
    )
    dialog = view.compare()
    assert dialog is not None
    assert dialog.windowTitle() == "Compare #2 and #3"  # the older on the left
    browser = dialog.findChild(QTextBrowser, "compareView")
    assert browser is not None
    text = browser.toPlainText()
    assert "Status · the same" in text  # both 202
    assert "Request body · 3 lines differ" in text  # the cart id, the email, n
    assert "Response body · 1 line differs" in text
    assert "c-1" in text and "c-2" in text
    dialog.close()
    har = tmp_path / "two.har"
    with qtbot.waitSignal(view.exported, timeout=10_000) as exported:
        assert view.export("har", har)
    assert exported.args == [2, str(har)]
    assert len(jsonfmt.loads(har.read_bytes())["log"]["entries"]) == 2
    assert view.delete_selected() == 2
    qtbot.waitUntil(lambda: view.model.rowCount() == 1, timeout=5000)
    assert store.count() == 1


def test_a_send_appears_at_the_top_and_reopens_in_the_composer(
    qtbot: QtBot, window: MainWindow
) -> None:
    from app.paths import sample_cart

    window.open_cart(sample_cart("bronto"))
    window.session.set_field("customerCartId", "history-1")
    with qtbot.waitSignal(window.controller.send_finished, timeout=10_000):
        window.send()
    view = window.history_view
    qtbot.waitUntil(
        lambda: (
            view.model.rowCount() >= 1
            and view.model.data(view.model.index(0, COL_STATUS)) == "201 Created"
        ),
        timeout=5000,
    )
    assert view.model.data(view.model.index(0, COL_CART)) == "history-1"
    window.new_cart()
    window.provider_selector.setCurrentIndex(window.provider_selector.findData("drip"))
    window.provider_selector.activated.emit(window.provider_selector.currentIndex())
    assert window.session.provider.key == "drip"
    view.table.selectRow(0)
    view.buttons["open"].click()
    session = window.session
    assert session.provider.key == "bronto"
    assert session.profile.name == "sandbox-bronto"
    assert session.value("customerCartId") == "history-1"
    assert session.option("createContact") is True


def test_a_count_that_comes_before_the_rows_waits_for_them(qtbot: QtBot, tmp_path: Path) -> None:
    store, view = shown(qtbot, tmp_path, 6)
    gate, counted = threading.Event(), threading.Event()
    query, count = store.query, store.count

    def held_query(*args: Any, **kwargs: Any) -> Any:
        gate.wait(10)  # this query's rows come only when the test lets them
        return query(*args, **kwargs)

    def noted_count(*args: Any, **kwargs: Any) -> int:
        try:
            return count(*args, **kwargs)
        finally:
            counted.set()

    store.query = held_query  # type: ignore[method-assign]
    store.count = noted_count  # type: ignore[method-assign]
    view.profile.setCurrentIndex(view.profile.findData("sandbox-bronto"))  # a new query
    assert counted.wait(10)
    qtbot.wait(200)  # the count's answer has reached the GUI thread by now
    # The table still shows the six rows of the query before: no "3 entries" beside them.
    assert view.count_label.text() == "Searching…" and view.model.rowCount() == 6
    gate.set()
    qtbot.waitUntil(lambda: view.count_label.text() == "3 entries", timeout=5000)
    assert view.model.rowCount() == 3


def test_profile_and_date_range_filters(qtbot: QtBot, tmp_path: Path) -> None:
    _, view = shown(qtbot, tmp_path, 6)
    assert [view.profile.itemData(i) for i in range(view.profile.count())] == [
        None,
        "sandbox-bronto",
        "sandbox-drip",
    ]
    view.profile.setCurrentIndex(view.profile.findData("sandbox-bronto"))
    qtbot.waitUntil(lambda: view.count_label.text() == "3 entries", timeout=5000)
    view.profile.setCurrentIndex(0)
    view.period.setCurrentIndex(view.period.findData("range"))
    assert view.date_from.isVisibleTo(view) and view.date_to.isVisibleTo(view)
    qtbot.waitUntil(lambda: view.count_label.text() == "6 entries", timeout=5000)  # today
    view.date_to.setDate(view.date_to.date().addDays(-3))
    view.date_from.setDate(view.date_to.date().addDays(-3))
    qtbot.waitUntil(lambda: view.count_label.text() == "0 entries", timeout=5000)


def test_rows_say_their_operation_and_source_and_search_finds_them_by_those(
    tmp_path: Path,
) -> None:
    from app.history import HistoryFilter
    from app.ui.history_model import COL_OPERATION, COL_SOURCE, COLUMNS

    store = HistoryStore(tmp_path / "h.sqlite3")
    for provider, operation, source, status in (
        ("bronto", "abandon", "gui", 204),
        ("bronto", "add_cart", "bulk", 201),
        ("drip", "cart_activity", "cli", 202),
        ("mailchimp", "delete", "scenario", 404),
    ):
        row = store.record_pending(
            method="POST",
            url="http://127.0.0.1:1/x",
            headers=[],
            body=b"{}",
            profile=f"sandbox-{provider}",
            provider=provider,
            operation=operation,
            source=source,
            email=None,
            cart_id=None,
        )
        store.complete(row, state="succeeded", elapsed_ms=1.0, status=status)
    model = HistoryTableModel(store)
    model.reload()
    assert COLUMNS[COL_OPERATION] == "Operation" and COLUMNS[COL_SOURCE] == "Source"
    shown = [
        (model.data(model.index(r, COL_OPERATION)), model.data(model.index(r, COL_SOURCE)))
        for r in range(model.rowCount())
    ]
    assert shown == [  # newest first; a cart action by its title, the rest by their name
        ("Delete", "journey"),
        ("cart activity", "command line"),
        ("add cart", "bulk"),
        ("Abandon", "window"),
    ]

    def found(text: str) -> list[str]:
        return [row.operation for row in store.query(HistoryFilter(text=text))]

    assert found("bronto") == ["add_cart", "abandon"]  # the provider (was: none)
    assert found("Bronto") == ["add_cart", "abandon"]
    assert found("cart activity") == ["cart_activity"]  # the operation as the table says it
    assert found("404") == ["delete"]  # the status
    assert found("sandbox-mailchimp") == ["delete"]  # the profile


def _exchange(status: str, body: dict[str, object], header: str) -> Exchange:
    return Exchange(
        title=status,
        status=status,
        request_head=("POST http://127.0.0.1:1/x", header),
        request_body=tuple(jsonfmt.pretty(jsonfmt.dumps(body).encode()).splitlines()),
    )


def test_compare_tints_the_lines_and_marks_the_words_that_differ() -> None:
    from app.ui.compare import DARK, LIGHT, compare_html

    old = _exchange("201 Created", {"cart_id": "c-12", "email": "a@example.com"}, "X-A: 1")
    new = _exchange("409 Conflict", {"cart_id": "c-13", "email": "a@example.com"}, "X-A: 1")
    html = compare_html(old, new, LIGHT)
    # The changed line on each side, and in it only the word that changed.
    cell = '<td width="50%" style="background-color:{}; white-space:pre-wrap">'
    removed, added = cell.format(LIGHT.removed_line), cell.format(LIGHT.added_line)
    assert (
        f'{removed}  &quot;cart_id&quot;: &quot;c-<span style="background-color:'
        f'{LIGHT.removed_word}">12</span>&quot;,</td>'
    ) in html
    assert f'<span style="background-color:{LIGHT.added_word}">13</span>' in html
    assert f'{added}<span style="background-color:{LIGHT.added_word}">409</span> ' in html
    # What is the same is not tinted, and the headings say so in words.
    assert '<td width="50%" style="white-space:pre-wrap">  &quot;email&quot;' in html
    assert "Request <span" in html and "· the same</span>" in html
    assert "Status <span" in html and "· 1 line differs</span>" in html
    # A dark palette has its own tints (light text stays readable on them).
    dark = compare_html(old, new, DARK)
    assert LIGHT.added_word not in dark and f"background-color:{DARK.added_word}" in dark
    assert f'<body style="color:{DARK.text}">' in dark


def test_compare_one_entry_with_the_cart_in_the_composer(qtbot: QtBot, tmp_path: Path) -> None:
    store = HistoryStore(tmp_path / "h.sqlite3")
    fill(store, 2)
    preview = 'POST http://127.0.0.1:1/x\nContent-Type: application/json\n\n{"cart_id":"c-1"}'
    view = HistoryView(store, current_request=lambda: preview)
    qtbot.addWidget(view)
    qtbot.waitUntil(lambda: view.model.rowCount() == 2, timeout=5000)
    view.table.selectRow(1)  # c-0
    dialog = view.compare()
    assert dialog is not None
    assert dialog.windowTitle() == "Compare #1 with the cart in the composer"
    browser = dialog.findChild(QTextBrowser, "compareView")
    assert browser is not None
    text = browser.toPlainText()
    assert "The cart in the composer" in text and "not sent" in text
    assert "Request · 1 line differs" in text  # the composer's request has a header more
    assert '"cart_id": "c-0"' in text and '"cart_id": "c-1"' in text
    dialog.close()


def test_a_header_click_sorts_every_row_in_the_store_and_filters_by_operation_and_source(
    qtbot: QtBot, tmp_path: Path
) -> None:
    from PySide6.QtCore import Qt

    from app.ui.history_model import COL_ELAPSED, COL_SOURCE

    store = HistoryStore(tmp_path / "h.sqlite3")
    for n, (provider, operation, source) in enumerate(
        [
            ("bronto", "abandon", "gui"),
            ("bronto", "add_cart", "bulk"),
            ("drip", "cart_activity", "cli"),
            ("bronto", "abandon", "scenario"),
        ]
    ):
        row = store.record_pending(
            method="POST",
            url="http://127.0.0.1:1/x",
            headers=[],
            body=b"{}",
            profile=f"sandbox-{provider}",
            provider=provider,
            operation=operation,
            source=source,
            email=None,
            cart_id=f"c-{n}",
        )
        store.complete(row, state="succeeded", elapsed_ms=[30, 10, 40, 20][n], status=200)
    view = HistoryView(store)
    qtbot.addWidget(view)
    qtbot.waitUntil(lambda: view.count_label.text() == "4 entries", timeout=5000)

    def column(number: int) -> list[str]:
        model = view.model
        return [model.data(model.index(r, number)) for r in range(model.rowCount())]

    assert column(COL_CART) == ["c-3", "c-2", "c-1", "c-0"]  # newest first
    view.table.horizontalHeader().setSortIndicator(COL_ELAPSED, Qt.SortOrder.AscendingOrder)
    qtbot.waitUntil(lambda: column(COL_CART) == ["c-1", "c-3", "c-0", "c-2"], timeout=5000)
    assert column(COL_ELAPSED) == ["10 ms", "20 ms", "30 ms", "40 ms"]
    view.table.horizontalHeader().setSortIndicator(COL_ELAPSED, Qt.SortOrder.DescendingOrder)
    qtbot.waitUntil(lambda: column(COL_CART) == ["c-2", "c-0", "c-3", "c-1"], timeout=5000)
    # The sources in words; the operations by provider, as the table names them.
    sources = [view.source.itemText(i) for i in range(view.source.count())]
    assert sources == ["Any source", "bulk", "command line", "journey", "window"]
    operations = [view.operation.itemText(i) for i in range(view.operation.count())]
    assert operations == [
        "Any operation",
        "Bronto: Abandon",
        "Bronto: add cart",
        "Drip: cart activity",
    ]
    view.operation.setCurrentIndex(view.operation.findData("bronto/abandon"))
    qtbot.waitUntil(lambda: view.count_label.text() == "2 entries", timeout=5000)
    assert column(COL_SOURCE) == ["window", "journey"]  # still by elapsed, longest first
    view.source.setCurrentIndex(view.source.findData("gui"))
    qtbot.waitUntil(lambda: view.count_label.text() == "1 entry", timeout=5000)
    # A provider lists only its own operations, keeping the choice where it is one of them.
    view.source.setCurrentIndex(0)
    view.provider.setCurrentIndex(view.provider.findData("drip"))
    assert [view.operation.itemData(i) for i in range(view.operation.count())] == [
        None,
        "drip/cart_activity",
    ]
    qtbot.waitUntil(lambda: view.count_label.text() == "1 entry", timeout=5000)
    assert column(COL_CART) == ["c-2"]


def test_columns_fit_what_they_hold_until_a_person_sizes_one(qtbot: QtBot, tmp_path: Path) -> None:
    from app.ui.history_model import COL_PROFILE

    store = HistoryStore(tmp_path / "h.sqlite3")
    fill(store, 2)
    view = HistoryView(store)
    qtbot.addWidget(view)
    view.resize(1200, 600)
    view.show()
    qtbot.waitUntil(lambda: view.model.rowCount() == 2, timeout=5000)
    narrow = view.table.columnWidth(COL_PROFILE)
    row = store.record_pending(
        method="POST",
        url="http://127.0.0.1:1/x",
        headers=[],
        body=b"{}",
        profile="staging-store-for-the-spring-campaign",
        provider="drip",
        operation="x",
        source="test",
        email=None,
        cart_id=None,
    )
    store.complete(row, state="succeeded", elapsed_ms=1.0, status=202)
    view.refresh()
    qtbot.waitUntil(lambda: view.model.rowCount() == 3, timeout=5000)
    wide = view.table.columnWidth(COL_PROFILE)
    needed = view.table.fontMetrics().horizontalAdvance("staging-store-for-the-spring-campaign")
    assert wide > narrow and wide >= needed  # the new, longer profile is not cut
    view.table.setColumnWidth(COL_PROFILE, 60)  # a person makes it narrow: it stays so
    view.refresh()
    qtbot.waitUntil(lambda: view.count_label.text() == "3 entries", timeout=5000)
    qtbot.wait(50)
    assert view.table.columnWidth(COL_PROFILE) == 60
