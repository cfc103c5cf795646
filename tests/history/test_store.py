"""The history store: rows before and after a send, interruption, recovery, migration, export."""

from __future__ import annotations

import base64
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from app.domain import jsonfmt
from app.history import HistoryFilter, HistoryStore
from app.history.export import to_har, write_har
from app.history.store import _MIGRATIONS, _V1, SCHEMA_VERSION
from app.paths import sample_cart
from app.providers.drip import emulator as drip_sandbox
from app.sandbox import Fault, SandboxServer


def pending(store: HistoryStore, **overrides: object) -> int:
    values: dict[str, object] = {
        "method": "POST",
        "url": "http://127.0.0.1:1/v3/9999999/shopper_activity/cart",
        "headers": [("Content-Type", "application/json"), ("Authorization", "Basic c2VjcmV0Og==")],
        "body": b'{"email": "a@example.com"}',
        "profile": "sandbox-drip",
        "provider": "drip",
        "operation": "cart_activity",
        "source": "cli",
        "email": "a@example.com",
        "cart_id": "c-1",
    }
    values.update(overrides)
    return store.record_pending(**values)  # type: ignore[arg-type]


def test_a_row_is_pending_then_completed(tmp_path: Path) -> None:
    store = HistoryStore(tmp_path / "h.sqlite3")
    row = pending(store)
    assert store.get(row).state == "pending"  # type: ignore[union-attr]
    store.complete(
        row,
        state="succeeded",
        elapsed_ms=12.5,
        status=202,
        reason="Accepted",
        response_headers=[("content-type", "application/json")],
        response_body=b'{"request_id":"r-1"}',
        provider_id="r-1",
    )
    entry = store.get(row)
    assert entry is not None
    assert (entry.state, entry.status, entry.provider_id, entry.elapsed_ms) == (
        "succeeded",
        202,
        "r-1",
        12.5,
    )
    assert entry.request_headers[1] == ("Authorization", "Basic ••••••••")
    assert entry.response_body == b'{"request_id":"r-1"}'
    assert entry.sent_at.endswith("Z")


def test_query_filters_and_orders_newest_first(tmp_path: Path) -> None:
    store = HistoryStore(tmp_path / "h.sqlite3")
    first = pending(store, email="one@example.com")
    second = pending(store, provider="bronto", profile="sandbox-bronto", cart_id="abc-123")
    store.complete(first, state="http_error", elapsed_ms=1, status=422)
    assert [e.id for e in store.query()] == [second, first]
    assert [e.id for e in store.query(HistoryFilter(provider="bronto"))] == [second]
    assert [e.id for e in store.query(HistoryFilter(outcome="http_error"))] == [first]
    assert [e.id for e in store.query(HistoryFilter(text="abc-123"))] == [second]
    assert [e.id for e in store.query(HistoryFilter(text="one@"))] == [first]
    assert store.count(HistoryFilter(profile="sandbox-drip")) == 1
    assert store.delete([first]) == 1 and store.count() == 1


def test_free_text_finds_any_substring_in_the_searched_fields(tmp_path: Path) -> None:
    store = HistoryStore(tmp_path / "h.sqlite3")
    a = pending(
        store,
        email="Ann.Shopper@Example.com",
        cart_id="cart-AAA-1",
        body=b'{"items": [{"name": "Blue \\"Delft\\" mug"}]}',
    )
    b = pending(store, email="bob@example.com", cart_id="cart-bbb-2")
    store.complete(
        b,
        state="succeeded",
        elapsed_ms=1,
        status=201,
        response_body=b'{"cartId": "7f3a-cafe"}',
        provider_id="7f3a-cafe",
    )

    def found(text: str) -> list[int]:
        return [e.id for e in store.query(HistoryFilter(text=text))]

    assert found("shopper@example") == [a]  # case-insensitive, inside the address
    assert found("AAA-1") == [a] and found("aaa-1") == [a]
    assert found('"name": "Blue') == [a]  # quotes are searched for, not query syntax
    assert found("cafe") == [b]  # the response body, indexed once the row is complete
    assert found("7f3a") == [b]  # the provider's id
    assert found("example.com") == [b, a]
    assert found("zz") == [] and found("b@") == [b]  # under 3 characters: a plain scan
    assert found("nowhere") == []
    store.delete([b])
    assert found("cafe") == [] and found("example.com") == [a]


def _index_matches_the_rows(path: Path) -> None:
    """FTS5's own check that the free-text index holds exactly what the rows do."""
    db = sqlite3.connect(path)
    db.execute("INSERT INTO requests_text (requests_text, rank) VALUES ('integrity-check', 1)")
    db.close()


def test_a_send_is_indexed_for_free_text_once_when_it_ends(tmp_path: Path) -> None:
    path = tmp_path / "h.sqlite3"
    store = HistoryStore(path)
    row = pending(store, body=b'{"items": [{"name": "Teal teapot"}]}')

    def indexed() -> int:
        db = sqlite3.connect(path)
        try:
            sql = "SELECT count(*) FROM requests_text_docsize WHERE id = ?"
            return int(db.execute(sql, (row,)).fetchone()[0])
        finally:
            db.close()

    def found(text: str) -> list[int]:
        return [e.id for e in store.query(HistoryFilter(text=text))]

    # In flight: not in the index (its body is tokenized once, below), yet found.
    assert indexed() == 0
    assert found("teapot") == [row] and found("c-1") == [row]
    store.complete(
        row, state="succeeded", elapsed_ms=1, status=202, response_body=b'{"request_id": "r-77"}'
    )
    assert indexed() == 1
    assert found("teapot") == [row] and found("r-77") == [row]
    _index_matches_the_rows(path)
    store.delete([row])
    assert found("teapot") == [] and indexed() == 0
    _index_matches_the_rows(path)


def test_a_version_5_history_with_a_send_in_flight_migrates_to_a_consistent_index(
    tmp_path: Path,
) -> None:
    path = tmp_path / "h.sqlite3"
    db = sqlite3.connect(path)
    for version in range(1, 6):
        db.executescript(_MIGRATIONS[version] + f"PRAGMA user_version={version};")
    for state, email in (("succeeded", "done@example.com"), ("pending", "flight@example.com")):
        db.execute(
            "INSERT INTO requests (sent_at, state, profile, provider, operation, method, url, "
            "request_headers, request_body, email) VALUES ('2026-01-01T00:00:00.000Z', ?, 'p', "
            "'drip', 'cart_activity', 'POST', 'http://x', '[]', x'7b7d', ?)",
            (state, email),
        )
    db.commit()
    db.close()
    store = HistoryStore(path)  # migrates; the row in flight is interrupted (its app is gone)
    assert [e.state for e in store.query(HistoryFilter(text="flight@"))] == ["interrupted"]
    assert [e.state for e in store.query(HistoryFilter(text="done@"))] == ["succeeded"]
    assert len(store.query(HistoryFilter(text="example.com"))) == 2
    _index_matches_the_rows(path)


def test_version_2_rows_are_searchable_after_the_migration(tmp_path: Path) -> None:
    path = tmp_path / "h.sqlite3"
    db = sqlite3.connect(path)
    db.executescript(_V1 + "PRAGMA user_version=1;")
    db.executescript(_MIGRATIONS[2] + "PRAGMA user_version=2;")
    db.execute(
        "INSERT INTO requests (sent_at, state, profile, provider, operation, method, url, "
        "request_headers, request_body, email) VALUES ('2026-01-01T00:00:00.000Z', 'succeeded', "
        "'p', 'drip', 'cart_activity', 'POST', 'http://x', '[]', x'7b7d', 'old@example.com')"
    )
    db.commit()
    db.close()
    store = HistoryStore(path)
    assert [e.email for e in store.query(HistoryFilter(text="old@exam"))] == ["old@example.com"]


def test_pending_rows_become_interrupted_on_the_next_open(tmp_path: Path) -> None:
    path = tmp_path / "h.sqlite3"
    store = HistoryStore(path)
    row = pending(store)
    store.close()
    again = HistoryStore(path)
    assert again.interrupted == 1
    entry = again.get(row)
    assert entry is not None and entry.state == "interrupted"
    assert entry.error_message is not None and "may or may not have arrived" in entry.error_message


@pytest.mark.parametrize("kind", ["garbage", "foreign"])
def test_a_corrupt_or_foreign_file_is_moved_aside(tmp_path: Path, kind: str) -> None:
    path = tmp_path / "h.sqlite3"
    if kind == "garbage":
        path.write_bytes(b"this is not a database" * 100)
    else:
        db = sqlite3.connect(path)
        db.execute("CREATE TABLE notes (x TEXT)")
        db.commit()
        db.close()
    store = HistoryStore(path)
    assert store.recovered_from is not None
    assert store.recovered_from.name.startswith("h.sqlite3.corrupt-")
    assert store.recovered_from.exists()
    assert store.count() == 0
    pending(store)
    assert store.count() == 1


def test_version_1_is_migrated_to_the_current_version(tmp_path: Path) -> None:
    path = tmp_path / "h.sqlite3"
    db = sqlite3.connect(path)
    db.executescript(_V1 + "PRAGMA user_version=1;")
    db.execute(
        "INSERT INTO requests (sent_at, state, profile, provider, operation, method, url, "
        "request_headers, request_body) VALUES ('2026-01-01T00:00:00.000Z', 'succeeded', "
        "'p', 'drip', 'cart_activity', 'POST', 'http://x', '[]', x'7b7d')"
    )
    db.commit()
    db.close()
    store = HistoryStore(path)
    (entry,) = store.query()
    assert entry.source == "unknown" and entry.request_headers == []
    check = sqlite3.connect(path)
    assert check.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION == 6
    indexes = {r[0] for r in check.execute("SELECT name FROM sqlite_master WHERE type='index'")}
    assert {"requests_provider", "requests_state", "requests_email"} <= indexes
    assert {"requests_operation", "requests_status"} <= indexes
    # The row's own words, for free text, from the rows the older history already had.
    words = set(check.execute("SELECT kind, value FROM row_words").fetchall())
    assert words == {("provider", "drip"), ("profile", "p"), ("operation", "cart_activity")}
    assert check.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_har_export_has_the_1_2_structure_and_round_trips_bodies(tmp_path: Path) -> None:
    store = HistoryStore(tmp_path / "h.sqlite3")
    body = '{"email": "café@example.com", "grand_total": 16.99}'
    row = pending(store, body=body.encode(), url="http://h/carts?createContact=true")
    store.complete(
        row,
        state="succeeded",
        elapsed_ms=5,
        status=201,
        reason="Created",
        response_headers=[("Content-Type", "application/json")],
        response_body=b'{"cartId":"x"}',
    )
    failed = pending(store)
    store.complete(
        failed,
        state="network_error",
        elapsed_ms=1,
        error_kind="dns",
        error_message="Could not find the host",
    )
    path = tmp_path / "out.har"
    entries = [store.get(i) for i in (row, failed)]
    assert write_har([e for e in entries if e], path) == 2
    har = jsonfmt.loads(path.read_bytes())
    log = har["log"]
    assert log["version"] == "1.2" and log["creator"]["name"] == "Cart Composer"
    first, second = log["entries"]
    for entry in log["entries"]:
        assert set(entry) >= {"startedDateTime", "time", "request", "response", "cache", "timings"}
        assert set(entry["request"]) >= {
            "method",
            "url",
            "httpVersion",
            "cookies",
            "headers",
            "queryString",
            "headersSize",
            "bodySize",
        }
        assert set(entry["response"]) >= {
            "status",
            "statusText",
            "httpVersion",
            "cookies",
            "headers",
            "content",
            "redirectURL",
            "headersSize",
            "bodySize",
        }
        assert set(entry["timings"]) >= {"send", "wait", "receive"}
    assert first["request"]["postData"]["text"] == body
    assert first["request"]["queryString"] == [{"name": "createContact", "value": "true"}]
    assert first["response"]["content"]["text"] == '{"cartId":"x"}'
    assert second["response"]["status"] == 0 and second["_error"]["kind"] == "dns"
    assert to_har([])["log"]["entries"] == []


# --- through the command line ---------------------------------------------------------------


def cli(
    home: Path, *args: str, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("CART_COMPOSER_")}
    clean.pop("DBUS_SESSION_BUS_ADDRESS", None)
    return subprocess.run(
        [sys.executable, "-m", "app", *args],
        capture_output=True,
        text=True,
        timeout=60,
        env={**clean, "CART_COMPOSER_HOME": str(home), **(env or {})},
    )


def test_a_cli_send_leaves_one_completed_row_and_no_secret_in_the_file(tmp_path: Path) -> None:
    home = tmp_path / "home"
    with SandboxServer() as server:
        url = server.url
        assert (
            cli(
                home,
                "profiles",
                "add",
                "mine",
                "--provider",
                "drip",
                "--base-url",
                server.url,
                "--account-id",
                drip_sandbox.ACCOUNT_ID,
            ).returncode
            == 0
        )
        env = {"CART_COMPOSER_DRIP_API_KEY": drip_sandbox.API_KEY}
        done = cli(home, "send", str(sample_cart("drip")), "--profile", "mine", env=env)
        assert done.returncode == 0, done.stderr
    store = HistoryStore(home / "history.sqlite3")
    (entry,) = store.query()
    full = store.get(entry.id)
    assert full is not None
    assert (full.state, full.status, full.source, full.profile, full.provider) == (
        "succeeded",
        202,
        "cli",
        "mine",
        "drip",
    )
    assert (full.email, full.cart_id, full.operation) == (
        "user@gmail.com",
        "456445746",
        "cart_activity",
    )
    assert full.provider_id and full.provider_id in done.stdout
    assert full.url == f"{url}/v3/9999999/shopper_activity/cart"
    assert dict(full.request_headers)["Authorization"] == "Basic ••••••••"
    store.close()
    raw = b"".join(p.read_bytes() for p in home.rglob("history*") if p.is_file())
    encoded = base64.b64encode(f"{drip_sandbox.API_KEY}:".encode())
    assert drip_sandbox.API_KEY.encode() not in raw and encoded not in raw

    listed = cli(home, "history", "--json")
    assert jsonfmt.loads(listed.stdout.splitlines()[0])["provider_id"] == full.provider_id
    shown = cli(home, "history", "show", str(entry.id))
    assert shown.stdout.splitlines()[0].startswith(f"#{entry.id}  ")
    exported = cli(home, "history", "export", "--har", str(tmp_path / "h.har"))
    assert exported.stdout.strip() == f"Wrote 1 entries to {tmp_path / 'h.har'} (HAR 1.2)."


def test_a_search_that_finds_nothing_is_not_told_as_an_empty_history(tmp_path: Path) -> None:
    home = tmp_path / "home"
    store = HistoryStore(home / "history.sqlite3")
    for cart in ("c-1", "c-2"):
        pending(store, cart_id=cart)
    store.close()
    assert cli(home, "history", "--search", "c-2").stdout.count("sandbox-drip") == 1
    nothing = cli(home, "history", "--search", "no-such-cart")
    assert nothing.stdout.splitlines()[1:] == ["(none of the 2 entries in the history match)"]
    other = cli(home, "history", "--provider", "bronto")
    assert other.stdout.splitlines()[1:] == ["(none of the 2 entries in the history match)"]
    fresh = cli(tmp_path / "fresh", "history", "--search", "no-such-cart")
    assert fresh.stdout.splitlines()[1:] == ["(nothing sent yet)"]


def wait_for_pending(path: Path, seconds: float = 20) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if path.exists():
            try:
                db = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=1)
                found = db.execute("SELECT count(*) FROM requests WHERE state='pending'")
                if found.fetchone()[0]:
                    db.close()
                    return True
                db.close()
            except sqlite3.DatabaseError:
                pass  # not created yet
        time.sleep(0.05)
    return False


def test_a_send_killed_mid_flight_leaves_an_interrupted_row(tmp_path: Path) -> None:
    home = tmp_path / "home"
    with SandboxServer() as server:
        server.sandbox.add_fault(Fault(latency_ms=15_000))
        clean = {k: v for k, v in os.environ.items() if not k.startswith("CART_COMPOSER_")}
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "app",
                "send",
                str(sample_cart("drip")),
                "--base-url",
                server.url,
            ],
            env={**clean, "CART_COMPOSER_HOME": str(home)},
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            assert wait_for_pending(home / "history.sqlite3"), "no pending row appeared"
            time.sleep(0.5)  # the request is on its way, the sandbox is sitting on it
        finally:
            process.send_signal(signal.SIGKILL)
            process.wait(10)
        server.sandbox.clear_faults()
    store = HistoryStore(home / "history.sqlite3")
    assert store.interrupted == 1
    (entry,) = store.query()
    assert entry.state == "interrupted" and entry.cart_id == "456445746"
    listed = cli(home, "history")
    assert "interrupted" in listed.stdout


def test_every_write_runs_on_the_stores_one_writer_thread(tmp_path: Path) -> None:
    import threading

    store = HistoryStore(tmp_path / "one-writer.sqlite3")
    writers: set[str] = set()

    def traced(statement: str) -> None:
        if statement.split(" ", 1)[0] in ("INSERT", "UPDATE", "DELETE", "BEGIN", "COMMIT"):
            writers.add(threading.current_thread().name)

    store._db.set_trace_callback(traced)

    def record(n: int) -> None:
        for i in range(20):
            row = pending(store, cart_id=f"c-{n}-{i}")
            store.complete(row, state="succeeded", elapsed_ms=1.0, status=202)

    threads = [threading.Thread(target=record, args=(n,), name=f"bulk-{n}") for n in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    # Six threads recorded; one thread wrote, the store's own.
    assert writers == {"cart-composer-history-one-writer.sqlite3"}
    assert store.count() == 120
    assert {e.state for e in store.query(limit=200)} == {"succeeded"}
    store.close()
    assert "cart-composer-history-one-writer.sqlite3" not in {t.name for t in threading.enumerate()}


def test_free_text_finds_a_rows_words_through_the_word_list_even_for_new_words(
    tmp_path: Path,
) -> None:
    store = HistoryStore(tmp_path / "h.sqlite3")
    first = pending(store)
    store.complete(first, state="succeeded", elapsed_ms=1, status=202)
    later = store.record_pending(
        method="PUT",
        url="http://h/carts/c/abandon",
        headers=[],
        body=b"{}",
        profile="staging-bronto",
        provider="bronto",
        operation="abandon",
        source="gui",
        email=None,
        cart_id=None,
    )
    store.complete(later, state="http_error", elapsed_ms=1, status=409)
    # Words that came with the rows written since the history was made, kept by triggers.
    assert [e.id for e in store.query(HistoryFilter(text="staging"))] == [later]
    assert [e.id for e in store.query(HistoryFilter(text="409"))] == [later]
    assert [e.id for e in store.query(HistoryFilter(text="aband"))] == [later]
    assert [e.id for e in store.query(HistoryFilter(text="40"))] == [later]  # short: a scan
    assert store.count(HistoryFilter(text="bronto")) == 1
