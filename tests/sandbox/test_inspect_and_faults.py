"""The request log and injected faults, over both doors."""

from __future__ import annotations

import json
import time

import httpx
import pytest

from app.providers.bronto import emulator as bronto_sandbox
from app.providers.drip import emulator as drip_sandbox
from app.sandbox import Fault, FaultError
from app.sandbox.emulator import TRICKLE_CHUNK
from tests.conftest import golden_text
from tests.sandbox.conftest import Door, drip_basic

EXAMPLE = golden_text("drip-doc-example.expected.json").encode()


def test_every_request_is_recorded_with_secrets_masked(door: Door) -> None:
    door.drip_post(EXAMPLE)
    door.bronto_token()
    log = door.client.get("/_sandbox/requests").json()["requests"]
    assert [(r["id"], r["method"], r["path"], r["status"]) for r in log] == [
        (1, "POST", f"/v3/{drip_sandbox.ACCOUNT_ID}/shopper_activity/cart", 202),
        (2, "POST", "/oauth2/token", 200),
    ]
    headers = {name.lower(): value for name, value in log[0]["headers"]}
    assert headers["authorization"] == "Basic ••••••••"
    assert log[0]["body"] == EXAMPLE.decode()
    assert log[1]["body"] == (
        "grant_type=client_credentials&client_id=sandbox-bronto-client&client_secret=••••••••"
    )
    text = door.client.get("/_sandbox/requests").text
    assert drip_sandbox.API_KEY not in text and bronto_sandbox.CLIENT_SECRET not in text


def test_the_log_can_be_cleared_and_control_calls_are_not_logged(door: Door) -> None:
    door.drip_post(EXAMPLE)
    assert door.client.delete("/_sandbox/requests").status_code == 204
    assert door.client.get("/_sandbox/requests").json() == {"requests": []}
    assert door.client.get("/_sandbox").status_code == 200
    assert door.sandbox.requests() == []


def test_a_forced_503_with_retry_after_hits_the_next_n_requests(door: Door) -> None:
    response = door.client.post(
        "/_sandbox/faults", json={"status": 503, "retry_after": 2, "count": 2}
    )
    assert response.status_code == 201
    for _ in range(2):
        hit = door.drip_post(EXAMPLE)
        assert hit.status_code == 503
        assert hit.headers["Retry-After"] == "2"
        assert hit.headers["Content-Type"] == "text/html"
    assert door.drip_post(EXAMPLE).status_code == 202
    statuses = [r.status for r in door.sandbox.requests()]
    assert statuses == [503, 503, 202]


def test_a_forced_429_speaks_each_apis_language(door: Door) -> None:
    door.sandbox.add_fault(Fault(status=429, retry_after=30, count=2))
    drip = door.drip_post(EXAMPLE)
    assert drip.status_code == 429
    assert drip.json()["message"] == "API rate limit exceeded. Please try again in an hour."
    assert drip.headers["Retry-After"] == "30"
    bronto = door.client.get("/carts?customerCartId=x")
    assert bronto.status_code == 429
    assert bronto.headers["X-Reason"].endswith("statusCode=429, reason=Too many requests}")


@pytest.mark.parametrize("status", [500, 502])
def test_forced_server_errors(door: Door, status: int) -> None:
    door.sandbox.add_fault(Fault(status=status))
    assert door.drip_post(EXAMPLE).status_code == status


def test_a_fault_can_target_one_path(door: Door) -> None:
    door.sandbox.add_fault(Fault(status=500, path_prefix="/carts"))
    assert door.drip_post(EXAMPLE).status_code == 202
    assert door.client.get("/carts/x").status_code == 500
    assert door.client.get("/carts/x").status_code == 403


def test_added_latency(door: Door) -> None:
    door.sandbox.add_fault(Fault(latency_ms=300))
    started = time.perf_counter()
    assert door.drip_post(EXAMPLE).status_code == 202
    assert time.perf_counter() - started >= 0.3


def test_a_dropped_connection(door: Door) -> None:
    door.client.post("/_sandbox/faults", json={"drop": True})
    with pytest.raises(httpx.RemoteProtocolError):
        door.drip_post(EXAMPLE)
    assert door.drip_post(EXAMPLE).status_code == 202
    assert [r.status for r in door.sandbox.requests()] == [None, 202]


def test_a_malformed_body_keeps_the_status(door: Door) -> None:
    door.sandbox.add_fault(Fault(malformed=True))
    response = door.drip_post(EXAMPLE)
    assert response.status_code == 202
    assert response.headers["Content-Type"].startswith("application/json")
    with pytest.raises(ValueError):
        response.json()


def test_an_oversized_body_is_still_json(door: Door) -> None:
    door.client.post("/_sandbox/faults", json={"body_bytes": 10 * 1024 * 1024})
    response = door.drip_post(EXAMPLE)
    assert response.status_code == 202
    assert len(response.content) == 10 * 1024 * 1024
    assert response.json()["request_id"]


def test_a_trickled_body_arrives_in_pieces_over_time(door: Door) -> None:
    door.sandbox.add_fault(Fault(trickle_ms=20))
    started = time.perf_counter()
    arrivals: list[float] = []
    with door.client.stream(
        "POST",
        f"/v3/{drip_sandbox.ACCOUNT_ID}/shopper_activity/cart",
        content=EXAMPLE,
        headers={"Authorization": drip_basic(), "Content-Type": "application/json"},
    ) as r:
        body = b""
        for piece in r.iter_raw():
            body += piece
            arrivals.append(time.perf_counter() - started)
    assert r.status_code == 202 and b"request_id" in body
    pieces = -(-len(body) // TRICKLE_CHUNK)
    assert arrivals[-1] >= 0.02 * pieces * 0.9  # one delay per piece
    assert len(arrivals) >= 2


def test_faults_are_listed_and_cleared(door: Door) -> None:
    door.client.post("/_sandbox/faults", json=[{"status": 500}, {"latency_ms": 10, "count": 3}])
    listed = door.client.get("/_sandbox/faults").json()["faults"]
    assert listed == [
        {"count": 1, "latency_ms": 0, "status": 500, "drop": False, "malformed": False},
        {"count": 3, "latency_ms": 10, "drop": False, "malformed": False},
    ]
    assert door.client.delete("/_sandbox/faults").status_code == 204
    assert door.client.get("/_sandbox/faults").json() == {"faults": []}


@pytest.mark.parametrize(
    ("fault", "message"),
    [
        ({"status": 404}, "“status” must be one of 429, 500, 502, 503."),
        ({"count": 0}, "“count” must be a whole number from 1 to 1000000."),
        ({"drop": True, "status": 500}, "A dropped connection sends nothing: use “drop” alone."),
        ({"colour": "red"}, "Unknown fault fields: colour."),
        ({"retry_after": 5}, "“retry_after” needs a “status” and must be 0 or more seconds."),
    ],
)
def test_bad_faults_are_explained(door: Door, fault: dict[str, object], message: str) -> None:
    response = door.client.post("/_sandbox/faults", json=fault)
    assert response.status_code == 400
    assert response.json() == {"error": message}
    with pytest.raises(FaultError):
        Fault.from_json(fault)


def test_reset_forgets_everything(door: Door) -> None:
    door.drip_post(EXAMPLE)
    door.sandbox.add_fault(Fault(status=500, count=5))
    # A form or a text/plain POST (what a web page can send without asking) changes nothing.
    for content_type in ("text/plain", "application/x-www-form-urlencoded", None):
        headers = {"Content-Type": content_type} if content_type else {}
        refused = door.client.post("/_sandbox/reset", content=b"{}", headers=headers)
        assert refused.status_code == 415, content_type
        assert "needs Content-Type: application/json" in refused.json()["error"]
    assert door.sandbox.faults() != []
    assert door.client.post("/_sandbox/reset", json={}).status_code == 204
    assert door.sandbox.requests() == [] and door.sandbox.faults() == []
    assert not door.sandbox.emulators["drip"].accepted
    assert (
        door.client.get("/v2/accounts", headers={"Authorization": drip_basic()}).status_code == 200
    )


def test_the_log_keeps_the_newest_requests_only(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from app.sandbox import Sandbox, emulator

    monkeypatch.setattr(emulator, "LOG_LIMIT", 3)
    sandbox = Sandbox()
    with httpx.Client(transport=sandbox.transport(), base_url="http://sandbox") as client:
        for _ in range(5):
            client.post(
                f"/v3/{drip_sandbox.ACCOUNT_ID}/shopper_activity/cart",
                content=EXAMPLE,
                headers={"Authorization": drip_basic()},
            )
    assert [r.id for r in sandbox.requests()] == [3, 4, 5]


def test_drip_keeps_the_newest_accepted_carts_only() -> None:
    from app.sandbox import Sandbox

    sandbox = Sandbox()
    limit = drip_sandbox.ACCEPTED_LIMIT
    with httpx.Client(transport=sandbox.transport(), base_url="http://sandbox") as client:
        for n in range(limit + 3):
            cart = {**json.loads(EXAMPLE), "cart_id": str(n)}
            client.post(
                f"/v3/{drip_sandbox.ACCOUNT_ID}/shopper_activity/cart",
                content=json.dumps(cart),
                headers={"Authorization": drip_basic()},
            )
    accepted = sandbox.emulators["drip"].accepted
    assert [a["cart_id"] for a in accepted] == [str(n) for n in range(3, limit + 3)]


def test_the_log_keeps_a_bounded_share_of_each_body_and_of_all_of_them(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from app.sandbox import Sandbox, emulator

    monkeypatch.setattr(emulator, "LOG_BODY_CAP", 1000)
    monkeypatch.setattr(emulator, "LOG_BYTES", 2500)
    sandbox = Sandbox()
    with httpx.Client(transport=sandbox.transport(), base_url="http://sandbox") as client:
        for _ in range(4):
            client.post("/v3/nowhere", content=b"x" * 5000)
    log = sandbox.requests()
    # Each body cut at the cap, its size kept; only as many as the budget holds.
    assert [(len(r.body), r.body_size, r.body_cut) for r in log] == [(1000, 5000, True)] * 2
    assert [r.id for r in log] == [3, 4]
