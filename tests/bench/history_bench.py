"""History benchmark: opening the history panel's data and a first filter, 1k vs 100k rows.

    .venv/bin/python tests/bench/history_bench.py [--runs 15]

Builds two throwaway stores (1,000 and 100,000 completed rows with ~400-byte bodies), then,
interleaved, times what the panel does before it shows rows: open the store and load the first
page (`HistoryTableModel.reload`), and a first filter's first page by provider, by outcome (both
stores fill a page) and by free text (one matching row in both, found through the index). The
total count the panel shows is worked out separately, off the GUI thread; its cost is printed
last.
Prints medians and the 100k / 1k ratios. Not part of the test run.
"""

from __future__ import annotations

import argparse
import os
import sqlite3
import statistics
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from PySide6.QtWidgets import QApplication

from app.domain import jsonfmt
from app.history import HistoryFilter, HistoryStore
from app.ui.history_model import HistoryTableModel


def build(path: Path, rows: int) -> None:
    HistoryStore(path).close()  # the schema
    db = sqlite3.connect(path)
    batch = []
    for n in range(rows):
        provider = "drip" if n % 2 else "bronto"
        body = jsonfmt.dumps(
            {
                "cart_id": f"c-{n}",
                "email": f"shopper{n}@example.com",
                "items": [{"name": "Mug", "price": 14.5, "sku": f"S{n}"}] * 3,
            }
        )
        stamp = f"2026-{1 + n % 12:02d}-{1 + n % 28:02d}T{n % 24:02d}:00:{n % 60:02d}.000Z"
        batch.append(
            (
                stamp,
                12.5,
                "succeeded" if n % 4 else "http_error",  # a full first page of each, even in 1k
                "bench",
                f"sandbox-{provider}",
                provider,
                "x",
                "POST",
                "http://127.0.0.1/x",
                "[]",
                body.encode(),
                202,
                "Accepted",
                "[]",
                b'{"request_id":"r"}',
                18,
                f"r-{n}",
                f"shopper{n}@example.com",
                f"c-{n}",
            )
        )
    db.executemany(
        "INSERT INTO requests (sent_at, elapsed_ms, state, source, profile, provider, operation,"
        " method, url, request_headers, request_body, status, reason, response_headers,"
        " response_body, response_size, provider_id, email, cart_id)"
        " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
        batch,
    )
    db.commit()
    db.close()


def timed(action) -> float:  # type: ignore[no-untyped-def]
    started = time.perf_counter()
    action()
    return (time.perf_counter() - started) * 1000


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    app = QApplication.instance() or QApplication([])
    assert app is not None
    folder = Path(tempfile.mkdtemp(prefix="cc-bench-"))
    sizes = {"1k": 1_000, "100k": 100_000}
    for name, rows in sizes.items():
        started = time.perf_counter()
        build(folder / f"{name}.sqlite3", rows)
        print(f"built {name}: {rows} rows in {time.perf_counter() - started:.1f} s")
    cases = {
        "open (store + first page)": None,
        "filter: provider": HistoryFilter(provider="drip"),
        "filter: outcome": HistoryFilter(outcome="http_error"),
        # One row matches in both stores (the index finds it; the scan used to read every body).
        "filter: text (an email, any body)": HistoryFilter(text="shopper777@"),
        # A header click: a column without an index of its own, every row ordered.
        "sort: elapsed, first page": HistoryFilter(sort="elapsed", ascending=True),
        "sort: profile, first page": HistoryFilter(sort="profile"),
    }
    results: dict[tuple[str, str], list[float]] = {}
    for _ in range(args.runs):
        for name in sizes:  # interleaved, so both sizes see the same machine noise
            path = folder / f"{name}.sqlite3"
            model = HistoryTableModel(None)

            def open_panel(model: HistoryTableModel = model, path: Path = path) -> None:
                model.store = HistoryStore(path)
                model.reload()

            results.setdefault(("open (store + first page)", name), []).append(timed(open_panel))
            for case, filters in cases.items():
                if filters is None:
                    continue
                results.setdefault((case, name), []).append(
                    timed(lambda f=filters, m=model: m.store.query(f, limit=200))
                )
            results.setdefault(("count (off the GUI thread)", name), []).append(
                timed(lambda m=model: m.store.count(HistoryFilter()))
            )
            model.store.close()
    print(f"\nmedian of {args.runs} runs (ms)")
    print(f"{'':38}{'1k':>9}{'100k':>9}{'ratio':>8}")
    for case in [*cases, "count (off the GUI thread)"]:
        small = statistics.median(results[(case, "1k")])
        large = statistics.median(results[(case, "100k")])
        print(f"{case:38}{small:9.2f}{large:9.2f}{large / small:8.2f}")


if __name__ == "__main__":
    main()
