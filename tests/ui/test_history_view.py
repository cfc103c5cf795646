"""The history panel: lazy rows, filters, detail, reopen, compare, export, delete."""

from __future__ import annotations

from pathlib import Path

from pytestqt.qtbot import QtBot

from app.domain import jsonfmt
from app.history import HistoryStore
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


def test_filters_run_off_the_gui_thread_and_narrow_the_rows(qtbot: QtBot, tmp_path: Path) -> None:
    store = HistoryStore(tmp_path / "h.sqlite3")
    fill(store, 30)
    view = HistoryView(store)
    qtbot.addWidget(view)
    qtbot.waitUntil(lambda: view.count_label.text() == "30 entries", timeout=5000)
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
    assert view.count_label.text() == "Select exactly two entries to compare."
    view.table.clearSelection()
    view.table.selectRow(0)
    view.table.selectionModel().select(
        view.model.index(1, 0),
        view.table.selectionModel().SelectionFlag.Select
        | view.table.selectionModel().SelectionFlag.Rows,
    )
    dialog = view.compare()
    assert dialog is not None
    html = dialog.findChild(object, "compareView").toHtml()  # type: ignore[union-attr]
    assert "Request bodies" in html and "Response bodies" in html
    assert "c-1" in html and "c-2" in html
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


def test_profile_and_date_range_filters(qtbot: QtBot, tmp_path: Path) -> None:
    store = HistoryStore(tmp_path / "h.sqlite3")
    fill(store, 6)
    view = HistoryView(store)
    qtbot.addWidget(view)
    qtbot.waitUntil(lambda: view.count_label.text() == "6 entries", timeout=5000)
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
        ("Delete", "scenario"),
        ("cart activity", "cli"),
        ("add cart", "bulk"),
        ("Abandon", "gui"),
    ]

    def found(text: str) -> list[str]:
        return [row.operation for row in store.query(HistoryFilter(text=text))]

    assert found("bronto") == ["add_cart", "abandon"]  # the provider (was: none)
    assert found("Bronto") == ["add_cart", "abandon"]
    assert found("cart activity") == ["cart_activity"]  # the operation as the table says it
    assert found("404") == ["delete"]  # the status
    assert found("sandbox-mailchimp") == ["delete"]  # the profile
