"""Klaviyo Create Event: the reference example byte for byte, the rules with their paths and
words, the request, and the sandbox's answers over loopback."""

from __future__ import annotations

from collections import deque
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import httpx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.domain import jsonfmt
from app.domain.errors import PayloadError
from app.paths import sample_cart
from app.profiles import BUILTIN_PROFILES, ProfileError, new_profile
from app.providers import CartDocument, Target, get_provider, load_cart
from app.providers.klaviyo import emulator as klaviyo_sandbox
from app.providers.klaviyo.models import KlaviyoItem
from app.providers.paths import set_in, without_at
from app.providers.render import CartRenderer
from app.providers.schema import form_paths
from app.sandbox import SandboxConfig, SandboxServer
from app.sandbox.config import SandboxMode
from app.sandbox.emulator import Sandbox
from app.sandbox.runtime import EmbeddedSandbox
from app.secrets import MemorySecretStore
from app.service.sender import Overrides, Sender
from tests.providers.test_properties import junk
from tests.sandbox.conftest import FakeClock

GOLDEN = Path(__file__).resolve().parents[1] / "golden"
KLAVIYO = get_provider("klaviyo")
SHOPPER = "data.attributes.profile.data.attributes"


def example() -> dict[str, Any]:
    """The request shared/reference/klaviyo-events.md §3.2 writes for this app."""
    data = jsonfmt.loads((GOLDEN / "klaviyo-reference-example.json").read_text())
    assert isinstance(data, dict)
    return data


def test_the_reference_example_is_written_in_the_specs_order_numbers_as_typed() -> None:
    body = KLAVIYO.body(example())
    assert body == (GOLDEN / "klaviyo-reference-example.expected.json").read_bytes()
    assert jsonfmt.loads(body) == example()  # the same JSON, only in the spec's order
    text = body.decode()
    for number in ('"$value": 54.5', '"ItemPrice": 19.75', '"ItemPrice": 15.0', '"value": 54.5'):
        assert number in text
    assert text.index('"properties"') < text.index('"time"') < text.index('"metric"')
    assert KLAVIYO.validate(example()).issues == ()
    # The shipped sample is that example, as a cart file.
    assert load_cart(sample_cart("klaviyo")).document.payload == example()


@pytest.mark.parametrize(
    ("change", "path", "message"),
    [
        (
            lambda p: without_at(without_at(p, f"{SHOPPER}.email"), f"{SHOPPER}.external_id"),
            f"{SHOPPER}.email",
            "Email or a phone number or an external ID is required: Klaviyo needs one to know "
            "whose event it is.",
        ),
        (
            lambda p: _set(p, f"{SHOPPER}.phone_number", "5005550006"),
            f"{SHOPPER}.phone_number",
            "Phone number must be in E.164 form: a + and the country code, like +15005550006.",
        ),
        (
            lambda p: _set(p, "data.attributes.metric.data.attributes.name", "x" * 128),
            "data.attributes.metric.data.attributes.name",
            "Event must be less than 128 characters (it has 128).",
        ),
        (
            lambda p: _set(p, "data.attributes.time", "1989-12-31T23:59:59Z"),
            "data.attributes.time",
            "Time must be after the year 1990.",
        ),
        (
            lambda p: _set(p, "data.attributes.value", "54.5"),
            "data.attributes.value",
            "Value must be a number, not text (remove the quotes).",
        ),
        (
            lambda p: _set(p, "data.attributes.properties.$value", "54.5"),
            "data.attributes.properties.$value",
            "Value ($value) must be a number, not text (remove the quotes).",
        ),
        (
            lambda p: _set(p, "data.attributes.properties.Items", [{"ItemPrice": "19.75"}]),
            "data.attributes.properties.Items[0].ItemPrice",
            "Item 1: Price must be a number, not text (remove the quotes).",
        ),
        (
            lambda p: _set(p, "data.type", "events"),
            "data.type",
            "Type must be event.",
        ),
    ],
)
def test_the_rules_name_the_field_and_say_what_to_fix(change: Any, path: str, message: str) -> None:
    validation = KLAVIYO.validate(change(example()))
    assert validation.errors == {path: message}


def _set(payload: dict[str, Any], path: str, value: Any) -> dict[str, Any]:
    set_in(payload, path, value)
    return payload


def test_the_request_has_the_revision_the_media_type_and_klaviyos_auth_scheme() -> None:
    profile = new_profile("k", "klaviyo", revision="2025-10-15")
    sender = Sender(MemorySecretStore(), environ={})
    request = sender.preview(CartDocument(provider="klaviyo", payload=example()), profile)
    assert (request.method, request.url) == ("POST", "https://a.klaviyo.com/api/events")
    assert request.headers == (
        ("Content-Type", "application/vnd.api+json"),
        ("Accept", "application/vnd.api+json"),
        ("revision", "2025-10-15"),
        ("User-Agent", "CartComposer/0.1.0"),
        ("Authorization", "Klaviyo-API-Key ••••••••"),
    )
    assert request.body == KLAVIYO.body(example())
    with pytest.raises(ProfileError) as refused:
        new_profile("k", "klaviyo", revision="July")
    assert str(refused.value).endswith(
        "The setting “revision”: “July” is not a revision: write it YYYY-MM-DD, like 2026-07-15."
    )


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def server(clock: FakeClock) -> Iterator[SandboxServer]:
    config = SandboxConfig(clock=clock, settings={"klaviyo": {"burst_limit": 3}})
    with SandboxServer(Sandbox(config)) as up:
        yield up


def post(
    server: SandboxServer,
    payload: Any,
    *,
    auth: str = f"Klaviyo-API-Key {klaviyo_sandbox.API_KEY}",
    revision: str = "2026-07-15",
    path: str = "/api/events",
    mode: str = "",
) -> httpx.Response:
    headers = {"Authorization": auth, "revision": revision, "Content-Type": "application/json"}
    body = payload if isinstance(payload, bytes) else KLAVIYO.body(payload)
    return httpx.post(f"{server.url}{path}", content=body, headers=headers, timeout=10)


def test_the_sandbox_accepts_an_event_with_202_and_nothing_in_the_body(
    server: SandboxServer,
) -> None:
    answer = post(server, example())
    assert (answer.status_code, answer.content) == (202, b"")
    assert answer.headers["RateLimit-Limit"] == "3500"
    assert answer.headers["RateLimit-Remaining"] == "3499"
    assert post(server, without_at(example(), "data.attributes.unique_id"), path="/api/events/")
    events = server.sandbox.emulators["klaviyo"].events  # type: ignore[attr-defined]
    assert [(e["metric"], e["profile"]) for e in events] == [
        ("Started Checkout", "qa.shopper+cart17@example.com"),
        ("Started Checkout", "qa.shopper+cart17@example.com"),
    ]
    assert events[0]["value"] == Decimal("54.5")


def test_a_repeated_unique_id_is_accepted_and_not_recorded(server: SandboxServer) -> None:
    assert post(server, example()).status_code == 202
    again = post(server, example())
    assert again.status_code == 202
    assert again.headers["X-Sandbox-Assumption"].endswith(
        "Klaviyo records only the first, so this one was not"
    )
    assert len(server.sandbox.emulators["klaviyo"].events) == 1  # type: ignore[attr-defined]
    (logged,) = [r for r in server.sandbox.requests() if r.status == 202][1:]
    assert "Klaviyo records only the first, so this one was not" in " ".join(logged.notes)


def test_refusals_are_json_api_errors_with_klaviyos_codes(server: SandboxServer) -> None:
    bearer = post(server, example(), auth=f"Bearer {klaviyo_sandbox.API_KEY}")
    assert bearer.status_code == 401
    assert bearer.headers["content-type"] == "application/vnd.api+json"
    (error,) = bearer.json()["errors"]
    assert (error["code"], error["detail"]) == (
        "not_authenticated",
        "Missing or invalid authorization scheme. Please use Klaviyo-API-Key.",
    )
    wrong = post(server, example(), auth="Klaviyo-API-Key pk_wrong")
    assert (wrong.status_code, wrong.json()["errors"][0]["code"]) == (401, "authentication_failed")
    read_only = post(server, example(), auth=f"Klaviyo-API-Key {klaviyo_sandbox.READ_ONLY_KEY}")
    assert (read_only.status_code, read_only.json()["errors"][0]["code"]) == (
        403,
        "permission_denied",
    )
    _, problems = KLAVIYO.read_response(403, dict(read_only.headers), read_only.content)
    assert problems == (
        ("", "You do not have permission to perform this action."),
        (
            "",
            "The private key lacks the events:write scope: give it Full or Custom access with "
            "Events write in Klaviyo (Settings → API keys).",
        ),
    )
    no_revision = post(server, example(), revision="")
    assert no_revision.status_code == 400
    assert no_revision.json()["errors"][0]["source"] == {"parameter": "revision"}
    assert "X-Sandbox-Assumption" in no_revision.headers
    bad = example()
    set_in(bad, f"{SHOPPER}.phone_number", "12345")
    refused = post(server, bad)
    assert refused.status_code == 400
    (error,) = refused.json()["errors"]
    assert error["source"] == {"pointer": "/data/attributes/profile/data/attributes/phone_number"}
    # The app reads it back as a problem at the field, which the response pane clicks through.
    _, problems = KLAVIYO.read_response(400, dict(refused.headers), refused.content)
    assert problems == (
        (
            f"{SHOPPER}.phone_number",
            "Phone number must be in E.164 form: a + and the country code, like +15005550006.",
        ),
    )


def test_the_burst_limit_gives_a_throttled_429_with_retry_after(
    server: SandboxServer, clock: FakeClock
) -> None:
    event = without_at(example(), "data.attributes.unique_id")
    assert [post(server, event).status_code for _ in range(3)] == [202, 202, 202]
    throttled = post(server, event)  # the fourth in the same second (the limit is 3 here)
    assert (throttled.status_code, throttled.headers["Retry-After"]) == (429, "1")
    (error,) = throttled.json()["errors"]
    assert (error["code"], error["detail"]) == (
        "throttled",
        "Request was throttled. Expected available in 1 second.",
    )
    _, problems = KLAVIYO.read_response(429, dict(throttled.headers), throttled.content)
    assert problems[-1] == ("", "Klaviyo's rate limit: try again in 1 s (Retry-After).")
    clock.advance(1.0)
    assert post(server, event).status_code == 202


def test_explain_mode_lists_every_problem_at_its_pointer() -> None:
    with SandboxServer(mode=SandboxMode(explain=True)) as explaining:
        bad = without_at(example(), f"{SHOPPER}.email")
        bad = without_at(bad, f"{SHOPPER}.external_id")
        set_in(bad, "data.attributes.value", "54.5")
        answer = post(explaining, bad)
    assert answer.status_code == 400
    pointers = [e["source"]["pointer"] for e in answer.json()["errors"]]
    assert pointers == [
        "/data/attributes/value",
        "/data/attributes/profile/data/attributes/email",
    ]
    assert answer.headers["X-Sandbox-Explain"] == "sandbox explanation, not Klaviyo's wording"


def test_the_built_in_profile_sends_the_sample_with_no_setup() -> None:
    sender = Sender(MemorySecretStore(), environ={}, sandbox=EmbeddedSandbox())
    result = sender.send(
        load_cart(sample_cart("klaviyo")).document, BUILTIN_PROFILES["sandbox-klaviyo"]
    )
    assert (result.status, result.ok, result.message) == (202, True, "202 Accepted")


PATHS = form_paths(KLAVIYO.model)
ITEM_FIELDS = sorted(KlaviyoItem.model_fields)


@settings(max_examples=200, deadline=None)
@given(junk)
def test_junk_as_the_event_yields_errors_never_an_exception(value: Any) -> None:
    result = KLAVIYO.validate(value)
    assert all(isinstance(k, str) and isinstance(m, str) and m for k, m in result.errors.items())
    if not isinstance(value, dict):
        assert not result.ok


@settings(max_examples=200, deadline=None)
@given(
    st.dictionaries(st.sampled_from(PATHS), junk, min_size=1, max_size=6),
    st.dictionaries(st.sampled_from(ITEM_FIELDS), junk, max_size=4),
)
def test_junk_in_any_nested_field_yields_errors_and_the_preview_agrees(
    fields: dict[str, Any], item: dict[str, Any]
) -> None:
    payload = example()
    for path, value in fields.items():
        set_in(payload, path, value)
    set_in(payload, KLAVIYO.items_key, [item, {"ProductName": "Kite", "Quantity": 1}])
    result = KLAVIYO.validate(payload)
    assert all(message.endswith((".", "!", "?")) for message in result.errors.values())
    rendered = CartRenderer(KLAVIYO).render(payload)
    assert rendered.validation.issues == result.issues
    try:
        body: bytes | None = KLAVIYO.body(payload)
    except PayloadError:
        body = None
    assert rendered.body == body


# --- Bulk Create Events ----------------------------------------------------------------------


def _event(n: int) -> dict[str, Any]:
    event = example()
    set_in(event, "data.attributes.unique_id", f"cart-{n}")
    set_in(event, f"{SHOPPER}.email", f"shopper.{n}@example.com")
    return event


def test_a_bulk_job_over_klaviyos_5_mb_is_refused_with_its_size() -> None:
    target = Target("https://a.klaviyo.com", {"revision": "2026-07-15"})
    big = _event(1)
    set_in(big, "data.attributes.properties.note", "x" * (6 * 1024 * 1024))
    with pytest.raises(PayloadError) as caught:
        KLAVIYO.build_batch_request([big], target)
    assert str(caught.value) == (
        "The bulk job is 6 MB; Klaviyo takes at most 5 MB a request: send fewer events at once."
    )


def test_a_bulk_job_puts_each_events_profile_beside_it_as_the_bulk_schema_has_it() -> None:
    target = Target("https://a.klaviyo.com", {"revision": "2026-07-15"})
    request = KLAVIYO.build_batch_request([_event(1), _event(2)], target)
    assert (request.method, request.url) == (
        "POST",
        "https://a.klaviyo.com/api/event-bulk-create-jobs",
    )
    assert dict(request.headers)["revision"] == "2026-07-15"
    job = jsonfmt.loads(request.body)
    assert job["data"]["type"] == "event-bulk-create-job"
    first, second = job["data"]["attributes"]["events-bulk-create"]["data"]
    assert first["type"] == "event-bulk-create"
    profile = first["attributes"]["profile"]["data"]
    assert profile["type"] == "profile"
    assert profile["attributes"]["email"] == "shopper.1@example.com"
    (event,) = first["attributes"]["events"]["data"]
    assert event["type"] == "event" and "profile" not in event["attributes"]
    assert list(event["attributes"]) == [
        "properties",
        "time",
        "value",
        "value_currency",
        "unique_id",
        "metric",
    ]
    assert second["attributes"]["events"]["data"][0]["attributes"]["unique_id"] == "cart-2"
    assert '"value": 54.5' in request.body_text  # numbers as typed
    with pytest.raises(PayloadError, match="A Klaviyo bulk job holds 1 to 1,000 events, not 1,001"):
        KLAVIYO.build_batch_request([_event(1)] * 1001, target)


def bulk(server: SandboxServer, events: list[dict[str, Any]]) -> httpx.Response:
    request = KLAVIYO.build_batch_request(events, Target(server.url))
    headers = {
        "Authorization": f"Klaviyo-API-Key {klaviyo_sandbox.API_KEY}",
        "revision": "2026-07-15",
        "Content-Type": "application/vnd.api+json",
    }
    return httpx.post(request.url, content=request.body, headers=headers, timeout=10)


def test_the_sandbox_takes_a_bulk_job_with_202_and_records_each_event(
    server: SandboxServer,
) -> None:
    answer = bulk(server, [_event(1), _event(2), _event(3)])
    assert (answer.status_code, answer.content) == (202, b"")
    assert answer.headers["RateLimit-Limit"] == "150"  # the bulk endpoint's own window
    events = server.sandbox.emulators["klaviyo"].events  # type: ignore[attr-defined]
    assert [e["profile"] for e in events] == [f"shopper.{n}@example.com" for n in (1, 2, 3)]


def test_a_bulk_job_with_a_bad_event_or_a_repeated_unique_id_is_refused_whole(
    server: SandboxServer,
) -> None:
    bad = _event(2)
    set_in(bad, f"{SHOPPER}.phone_number", "12345")
    refused = bulk(server, [_event(1), bad])
    assert refused.status_code == 400
    (error,) = refused.json()["errors"]
    assert error["source"]["pointer"] == (
        "/data/attributes/events-bulk-create/data/1/attributes/profile/data/attributes/phone_number"
    )
    twice = bulk(server, [_event(1), _event(1)])
    assert twice.status_code == 400
    assert twice.json()["errors"][0]["detail"] == (
        "The unique_id cart-1 is used twice for shopper.1@example.com's Started Checkout "
        "events: no event of the job was processed."
    )
    assert server.sandbox.emulators["klaviyo"].events == deque()  # type: ignore[attr-defined]


def test_bulk_jobs_have_their_own_rate_limit(clock: FakeClock) -> None:
    config = SandboxConfig(clock=clock, settings={"klaviyo": {"bulk_burst_limit": 2}})
    with SandboxServer(Sandbox(config)) as server:
        assert [bulk(server, [_event(n)]).status_code for n in range(3)] == [202, 202, 429]
        assert post(server, _event(9)).status_code == 202  # Create Event's window is apart
        clock.advance(1.0)
        assert bulk(server, [_event(4)]).status_code == 202


def test_bulk_sends_klaviyo_carts_in_jobs_of_a_thousand(tmp_path: Path) -> None:
    from app.history import HistoryStore
    from app.service.bulk import BulkRun, sample_carts

    history = HistoryStore(tmp_path / "history.db")
    with SandboxServer() as server:
        run = BulkRun(
            Sender(MemorySecretStore(), environ={}),
            BUILTIN_PROFILES["sandbox-klaviyo"],
            sample_carts("klaviyo", 1500),
            overrides=Overrides(base_url=server.url),
            history=history,
        )
        progress = run.run()
        recorded = len(server.sandbox.emulators["klaviyo"].events)  # type: ignore[attr-defined]
    assert (progress.requests, progress.accepted, progress.failed) == (2, 1500, 0)
    assert recorded == 1000  # the sandbox keeps the newest thousand
    assert [(r.operation, r.status) for r in history.query()] == [
        ("bulk_create_events", 202),
        ("bulk_create_events", 202),
    ]
