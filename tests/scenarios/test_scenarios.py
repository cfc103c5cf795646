"""Scenarios: the shipped ones run to completion against the sandbox (over loopback HTTP) with
the expected requests in the sandbox's record and a history row for each; cancelling stops
between steps and keeps what was sent; bad files are explained."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from app.domain import jsonfmt
from app.history import HistoryStore
from app.paths import resources_dir
from app.profiles import ProfileStore
from app.sandbox import SandboxServer
from app.sandbox.runtime import EmbeddedSandbox
from app.scenarios import ScenarioError, ScenarioRunner, StepEvent, load_scenario
from app.scenarios.model import parse_scenario
from app.service.sender import Overrides, Sender

SCENARIOS = resources_dir() / "scenarios"
DRIP = SCENARIOS / "drip-abandoned-after-update.scenario.json"
BRONTO = SCENARIOS / "bronto-abandon-and-recover.scenario.json"


@pytest.fixture
def server() -> Iterator[SandboxServer]:
    with SandboxServer() as running:
        yield running


@pytest.fixture
def history(tmp_path: Path) -> HistoryStore:
    return HistoryStore(tmp_path / "history.sqlite3")


_senders: list[Sender] = []


@pytest.fixture(autouse=True)
def close_senders() -> Iterator[None]:
    yield
    while _senders:
        _senders.pop().close()


def runner_for(
    path: Path, server: SandboxServer, history: HistoryStore, **kwargs: object
) -> ScenarioRunner:
    _senders.append(Sender(sandbox=EmbeddedSandbox()))
    return ScenarioRunner(
        load_scenario(path),
        _senders[-1],
        ProfileStore(),
        history,
        overrides=Overrides(base_url=server.url),
        **kwargs,  # type: ignore[arg-type]
    )


def test_the_drip_journey_sends_created_then_updated_without_an_item(
    server: SandboxServer, history: HistoryStore
) -> None:
    runner = runner_for(DRIP, server, history, speed=100_000)
    assert runner.run()
    sent = server.sandbox.emulators["drip"].accepted
    assert [c["action"] for c in sent] == ["created", "updated"]
    assert sent[0]["cart_id"] == sent[1]["cart_id"] and sent[0]["cart_id"].startswith("cc-")
    assert len(sent[1]["items"]) == len(sent[0]["items"]) - 1
    assert [r.status for r in server.sandbox.requests()] == [202, 202]
    rows = list(reversed(history.query()))
    assert [(r.source, r.operation, r.status) for r in rows] == [
        ("scenario", "cart_activity", 202),
        ("scenario", "cart_activity", 202),
    ]
    assert [e.state for e in runner.events if e.step.kind == "wait"] == [
        "started",
        "waiting",
        "done",
    ] * 2


def test_the_bronto_journey_abandons_recovers_and_completes(
    server: SandboxServer, history: HistoryStore
) -> None:
    runner = runner_for(BRONTO, server, history, speed=100_000)
    assert runner.run(), [e.message for e in runner.events if e.state == "failed"]
    calls = [
        (r.method, r.path.split("/")[-1] if r.path.count("/") > 2 else r.path, r.status)
        for r in server.sandbox.requests()
        if r.path != "/oauth2/token"
    ]
    assert calls == [
        ("POST", "/carts", 201),
        ("PUT", "abandon", 204),
        ("GET", calls[2][1], 200),
        ("PUT", "fiddle", 204),
        ("POST", calls[4][1], 200),
        ("POST", calls[5][1], 200),
        ("GET", calls[6][1], 200),
    ]
    done = [e.message for e in runner.events if e.state == "done" and e.step.kind == "bronto"]
    assert done[1].endswith("cart status ABANDONED, phase SHOPPING")
    assert done[-1].endswith("cart status COMPLETE, phase ORDER_COMPLETE")
    operations = [r.operation for r in reversed(history.query())]
    assert operations == ["add_cart", "abandon", "get", "fiddle", "update", "update", "get"]
    # What the timeline shows of each step, beside the message: the history row it wrote,
    # what the status means for the action, what the answer says of the cart.
    finished = [e for e in runner.events if e.state == "done" and e.step.kind != "note"]
    rows = [e.history_id for e in finished if e.step.kind != "wait"]
    assert rows == runner.history_ids == [r.id for r in reversed(history.query())]
    abandon = finished[2]
    assert (abandon.step.values["action"], abandon.status) == ("abandon", 204)
    assert abandon.meaning == (
        "Abandoned: the cart is ABANDONED, which starts “Cart Is Abandoned” workflows."
    )
    get = finished[3]
    assert get.cart == "status ABANDONED, phase SHOPPING"
    assert finished[-1].cart == "status COMPLETE, phase ORDER_COMPLETE"
    waits = [e for e in runner.events if e.state == "waiting"]
    assert [round(e.wait_seconds * 100_000) for e in waits] == [600, 1800, 120]


def test_cancelling_stops_between_steps_and_keeps_what_was_sent(
    server: SandboxServer, history: HistoryStore
) -> None:
    events: list[StepEvent] = []
    runner = runner_for(DRIP, server, history, speed=1, on_event=events.append)
    worker = threading.Thread(target=runner.run)
    worker.start()
    deadline = time.monotonic() + 10
    while not any(e.state == "waiting" for e in events) and time.monotonic() < deadline:
        time.sleep(0.01)
    started = time.monotonic()
    runner.cancel()  # during the 5-minute wait
    worker.join(5)
    assert not worker.is_alive() and time.monotonic() - started < 1
    assert events[-1].state == "cancelled" and events[-1].index == 1
    assert [r.status for r in server.sandbox.requests()] == [202]
    (row,) = history.query()
    assert row.state == "succeeded"


def test_a_paused_run_waits_between_steps(server: SandboxServer, history: HistoryStore) -> None:
    runner = runner_for(DRIP, server, history, speed=100_000)
    runner.pause()
    worker = threading.Thread(target=runner.run)
    worker.start()
    time.sleep(0.3)
    assert server.sandbox.requests() == [] and runner.paused
    runner.resume()
    worker.join(10)
    assert len(server.sandbox.requests()) == 2


def test_an_unexpected_status_stops_the_run(
    server: SandboxServer, history: HistoryStore, tmp_path: Path
) -> None:
    path = tmp_path / "twice.scenario.json"
    path.write_text(
        '{"name": "twice", "steps": ['
        '{"do": "send", "cart": "bronto-example.cart.json", "expect": 201},'
        '{"do": "send", "expect": 201}, {"do": "note", "text": "never"}]}'
    )
    runner = runner_for(path, server, history, speed=100_000)
    assert not runner.run()
    last = runner.events[-1]
    assert (last.state, last.index, last.status) == ("failed", 1, 409)
    assert last.message.startswith("expected 201, got 409: 409 Conflict")


def test_a_set_whose_path_goes_into_a_list_is_refused_before_sending(
    server: SandboxServer, history: HistoryStore, tmp_path: Path
) -> None:
    # Before: "items.0.price" made the items an object {"0": {"price": 1}}, and Drip's answer
    # (400 Bad Request) was the first a person heard of it.
    path = tmp_path / "price.scenario.json"
    path.write_text(
        '{"name": "price", "steps": [{"do": "send", "cart": "drip-example.cart.json", '
        '"set": {"grand_total": 1, "items.0.price": 1}}]}'
    )
    runner = runner_for(path, server, history, speed=100_000)
    assert not runner.run()
    last = runner.events[-1]
    assert (last.state, last.index) == ("failed", 0)
    assert last.message == (
        "“set” items.0.price: items is a list, which a path does not reach into. Set the whole "
        "list instead (“items”: [ … ]), or edit the cart file."
    )
    assert server.sandbox.requests() == [] and history.query() == []
    # A whole list, and a field of an object, are still set.
    path.write_text(
        '{"name": "price", "steps": [{"do": "send", "cart": "drip-example.cart.json", '
        '"set": {"items": [], "grand_total": 1}, "expect": 202}]}'
    )
    assert runner_for(path, server, history, speed=100_000).run()
    (sent,) = server.sandbox.emulators["drip"].accepted
    assert (sent["items"], sent["grand_total"]) == ([], 1)
    # A cart action's set reads paths the same way (before: a dotted key was sent as a key of
    # that name), and refuses the same.
    path.write_text(
        '{"name": "update", "steps": [{"do": "send", "cart": "bronto-example.cart.json", '
        '"new_cart_id": true, "expect": 201}, {"do": "bronto", "action": "update", "set": '
        '{"phase": "PAYMENT"}, "expect": 200}, {"do": "bronto", '
        '"action": "update", "set": {"lineItems.0.quantity": 2}}]}'
    )
    runner = runner_for(path, server, history, speed=100_000)
    assert not runner.run()
    assert jsonfmt.loads(server.sandbox.requests()[-1].body)["phase"] == "PAYMENT"
    last = runner.events[-1]
    assert (last.state, last.index) == ("failed", 2)
    assert last.message.startswith("“set” lineItems.0.quantity: lineItems is a list")


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"steps": []}, "the scenario has no steps."),
        ({"name": "x"}, 'the scenario must be {"name": …, "steps": [ … ]}.'),
        (
            {"steps": [{"do": "jump"}]},
            "the scenario, step 1: “do” must be one of send, bronto, mailchimp, wait, note.",
        ),
        (
            {"steps": [{"do": "wait", "minutes": -1}]},
            "the scenario, step 1: “minutes” must be a number of 0 or more.",
        ),
        (
            {"steps": [{"do": "bronto", "action": "buy"}]},
            "the scenario, step 1: “action” must be "
            "one of update, get, search, abandon, fiddle, expire, delete.",
        ),
        (
            {"steps": [{"do": "send", "expect": True}]},
            "the scenario, step 1: “expect” must be an HTTP status, like 202.",
        ),
        (
            {"sandbox": "kind", "steps": [{"do": "note"}]},
            "the scenario: “sandbox”: “kind” is not "
            "a sandbox mode: use real, explain, strict or explain+strict.",
        ),
        (
            {"sandbox": True, "steps": [{"do": "note"}]},
            "the scenario: “sandbox”: “true” is not a "
            "sandbox mode: use real, explain, strict or explain+strict.",
        ),
    ],
)
def test_bad_scenarios_are_explained(data: object, message: str) -> None:
    with pytest.raises(ScenarioError) as caught:
        parse_scenario(data)
    assert str(caught.value) == message


def test_run_from_the_command_line_on_a_fresh_install(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CART_COMPOSER_")}
    env["CART_COMPOSER_HOME"] = str(tmp_path)
    done = subprocess.run(
        [sys.executable, "-m", "app", "run", str(BRONTO), "--speed", "100000"],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    lines = done.stdout.splitlines()
    assert lines[0] == "Bronto: abandon and recover (10 steps, speed x100000)"
    assert lines[-1] == "Finished: 10 of 10 steps done."
    assert any("✔ 204 Bronto: abandon" in line for line in lines)


def test_a_scenario_says_how_the_built_in_sandbox_answers_it(tmp_path: Path) -> None:
    """A QA journey that wants the sandbox's explanations says so; --sandbox overrides it."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("CART_COMPOSER_")}
    env["CART_COMPOSER_HOME"] = str(tmp_path)
    path = tmp_path / "bad-email.scenario.json"
    path.write_text(
        '{"name": "bad email", "sandbox": "explain", "steps": ['
        '{"do": "send", "cart": "drip-example.cart.json", '
        '"set": {"email": "nope"}, "expect": 422}]}'
    )

    def run(*extra: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "app", "run", str(path), "--speed", "inf", *extra],
            capture_output=True,
            text=True,
            env=env,
            timeout=120,
        )

    explained = run()
    assert explained.returncode == 0, explained.stdout + explained.stderr
    assert '✔ 422 send with email = "nope"' in explained.stdout
    real = run("--sandbox", "real")  # as Drip: queued, 202, so the expectation fails
    assert real.returncode == 1
    assert '✖ 202 send with email = "nope"' in real.stdout
    assert "expected 422, got 202" in real.stdout


def test_bulk_from_the_command_line(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CART_COMPOSER_")}
    env["CART_COMPOSER_HOME"] = str(tmp_path)
    done = subprocess.run(
        [sys.executable, "-m", "app", "bulk", "1200"],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    lines = done.stdout.splitlines()
    assert lines[0] == "Sending 1,200 sample drip carts to sandbox-drip…"
    assert lines[-1].startswith("1,200 carts: 1,200 accepted, 0 failed, 2 requests in ")
    bronto = subprocess.run(
        [sys.executable, "-m", "app", "bulk", "12", "--provider", "bronto"],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert bronto.returncode == 0, bronto.stdout + bronto.stderr
    assert bronto.stdout.splitlines()[-1].startswith("12 carts: 12 accepted, 0 failed, 12 requests")


def test_the_klaviyo_journey_dedupes_the_second_checkout_and_ends_with_the_order(
    server: SandboxServer, history: HistoryStore
) -> None:
    runner = runner_for(
        SCENARIOS / "klaviyo-checkout-abandoned-then-recovered.scenario.json",
        server,
        history,
        speed=100_000,
    )
    assert runner.run(), [e.message for e in runner.events]
    assert [r.status for r in runner.results] == [202, 202, 202]
    events = server.sandbox.emulators["klaviyo"].events  # type: ignore[attr-defined]
    # Three sends, two events: the second Started Checkout repeated the first's unique_id.
    assert [(e["metric"], e["unique_id"]) for e in events] == [
        ("Started Checkout", events[0]["unique_id"]),
        ("Placed Order", "order-1042"),
    ]
    assert events[0]["unique_id"].startswith("cc-")  # New cart id made a fresh one
    assert [(r.operation, r.status) for r in reversed(history.query())] == [
        ("create_event", 202),
        ("create_event", 202),
        ("create_event", 202),
    ]


def test_the_mailchimp_journey_adds_changes_and_deletes_the_cart(
    server: SandboxServer, history: HistoryStore
) -> None:
    runner = runner_for(
        SCENARIOS / "mailchimp-abandoned-cart.scenario.json", server, history, speed=100_000
    )
    assert runner.run(), [e.message for e in runner.events]
    assert [r.status for r in runner.results] == [200, 200, 200, 204, 404]
    added, _, got = runner.results[:3]
    assert added.provider_id is not None and added.provider_id.startswith("cc-")
    cart = jsonfmt.loads(got.body)
    assert (cart["id"], cart["order_total"], len(cart["lines"])) == (added.provider_id, 39.5, 1)
    assert server.sandbox.emulators["mailchimp"].carts == {}  # type: ignore[attr-defined]
    assert [(r.operation, r.method, r.status) for r in reversed(history.query())] == [
        ("add_cart", "POST", 200),
        ("update", "PATCH", 200),
        ("get", "GET", 200),
        ("delete", "DELETE", 204),
        ("get", "GET", 404),
    ]
