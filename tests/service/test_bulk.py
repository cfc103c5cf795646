"""Bulk sends over loopback HTTP to the sandbox: Drip in batches of up to 1,000 (each a history
row), Bronto one by one with a bounded number in flight, Drip's hourly limit respected, cancel."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from app.domain import jsonfmt
from app.history import HistoryStore
from app.sandbox import Sandbox, SandboxConfig, SandboxServer
from app.sandbox.runtime import EmbeddedSandbox
from app.service.bulk import BulkProgress, BulkRun, sample_carts
from app.service.sender import Sender
from tests.service.test_sender import stocked_store, user_profiles


@pytest.fixture
def server() -> Iterator[SandboxServer]:
    with SandboxServer() as running:
        yield running


@pytest.fixture(autouse=True)
def close_senders() -> Iterator[None]:
    yield
    for made in _made:
        made.close()
    _made.clear()


_made: list[Sender] = []


def sender() -> Sender:
    made = Sender(stocked_store(), environ={}, sandbox=EmbeddedSandbox())
    _made.append(made)
    return made


def test_sample_carts_are_all_different() -> None:
    carts = sample_carts("drip", 300)
    assert len({c.payload["cart_id"] for c in carts}) == 300
    assert len({c.payload["email"] for c in carts}) == 300
    assert all(c.payload["cart_url"].endswith(c.payload["cart_id"]) for c in carts)


def test_2500_drip_carts_go_in_3_batches_with_2500_request_ids(
    server: SandboxServer, tmp_path: Path
) -> None:
    drip, _ = user_profiles(server.url)
    history = HistoryStore(tmp_path / "h.sqlite3")
    seen: list[int] = []
    run = BulkRun(
        sender(),
        drip,
        sample_carts("drip", 2500),
        history=history,
        on_progress=lambda p: seen.append(p.sent),
    )
    progress = run.run()
    assert (progress.accepted, progress.failed, progress.requests) == (2500, 0, 3)
    assert len(set(progress.ids)) == 2500
    requests = server.sandbox.requests()
    assert [r.path.rsplit("/", 1)[1] for r in requests] == ["batch"] * 3
    assert [len(jsonfmt.loads(r.body)["carts"]) for r in requests] == [1000, 1000, 500]
    assert seen[:3] == [1000, 2000, 2500]
    rows = history.query()
    assert [(r.operation, r.source, r.status) for r in rows] == [
        ("cart_activity_batch", "bulk", 202)
    ] * 3
    assert progress.summary().startswith("2,500 carts: 2,500 accepted, 0 failed, 3 requests")


def test_drips_hourly_batch_limit_stops_the_run_before_a_429(tmp_path: Path) -> None:
    sandbox = Sandbox(SandboxConfig(settings={"drip": {"batch_hourly_limit": 2}}))
    with SandboxServer(sandbox) as server:
        drip, _ = user_profiles(server.url)
        progress = BulkRun(sender(), drip, sample_carts("drip", 2500)).run()
    assert (progress.accepted, progress.requests, progress.sent) == (2000, 2, 2000)
    assert "hourly limit for batch requests is used up" in progress.stopped
    assert progress.summary().endswith(progress.stopped)
    assert "500 not sent" in progress.summary()


def test_bronto_carts_go_one_by_one_a_few_at_a_time(server: SandboxServer, tmp_path: Path) -> None:
    _, bronto = user_profiles(server.url)
    history = HistoryStore(tmp_path / "h.sqlite3")
    in_flight = [0]
    most = [0]
    lock = threading.Lock()
    original = server.sandbox.handle

    def counting(request, mode=None):  # type: ignore[no-untyped-def]
        if request.url.path != "/carts":
            return original(request, mode)
        with lock:
            in_flight[0] += 1
            most[0] = max(most[0], in_flight[0])
        try:
            import time

            time.sleep(0.02)
            return original(request, mode)
        finally:
            with lock:
                in_flight[0] -= 1

    server.sandbox.handle = counting  # type: ignore[method-assign]
    progress = BulkRun(
        sender(), bronto, sample_carts("bronto", 40), history=history, in_flight=4
    ).run()
    assert (progress.accepted, progress.failed, progress.requests) == (40, 0, 40)
    assert len(set(progress.ids)) == 40
    assert 1 < most[0] <= 4
    assert len(history.query(limit=100)) == 40


def test_cancel_stops_between_requests(server: SandboxServer) -> None:
    drip, _ = user_profiles(server.url)
    holder: list[BulkRun] = []

    def stop_after_first(progress: BulkProgress) -> None:
        if progress.requests == 1:
            holder[0].cancel()

    run = BulkRun(sender(), drip, sample_carts("drip", 30), chunk=10, on_progress=stop_after_first)
    holder.append(run)
    progress = run.run()
    assert (progress.requests, progress.accepted, progress.stopped) == (1, 10, "Cancelled.")
