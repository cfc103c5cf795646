"""build_request: the URL, headers and body Send will use; the auth puts the secret on the wire."""

from __future__ import annotations

import base64
from typing import Any

import httpx
import pytest

from app.domain.errors import PayloadError, TargetError
from app.providers import CartDocument, OutgoingRequest, Target, build_request
from app.providers.auth import AuthSpec
from app.providers.base import USER_AGENT
from app.providers.drip.provider import API_KEY_AUTH, OAUTH_AUTH
from app.transport.auth import auth_for
from app.transport.oauth import OAuthTokens
from app.transport.send import CancelToken, Deadline, wire_request

SECRET = "abc123-very-secret-api-key"


def drip_doc(payload: dict[str, Any]) -> CartDocument:
    return CartDocument(provider="drip", payload=payload)


def on_the_wire(request: OutgoingRequest, spec: AuthSpec | None, **secrets: str) -> httpx.Request:
    """The request httpx really sends for ``request`` with ``spec``'s auth and ``secrets``."""
    sent: list[httpx.Request] = []

    def answer(wire: httpx.Request) -> httpx.Response:
        sent.append(wire)
        return httpx.Response(202)

    with httpx.Client(transport=httpx.MockTransport(answer)) as client:
        auth = auth_for(
            spec,
            secrets,
            tokens=OAuthTokens(),
            client=client,
            deadline=Deadline.after(5),
            cancel=CancelToken(),
        )
        client.send(wire_request(client, request), auth=auth)
    return sent[0]


def test_drip_request_line_headers_and_body(drip_payload: dict[str, Any]) -> None:
    request = build_request(
        drip_doc(drip_payload), Target("https://api.getdrip.com", {"account_id": "9999999"})
    )
    assert request.method == "POST"
    assert request.url == "https://api.getdrip.com/v3/9999999/shopper_activity/cart"
    assert request.headers == (
        ("Content-Type", "application/json"),
        ("Accept", "application/json"),
        ("User-Agent", USER_AGENT),
        ("Authorization", "Basic ••••••••"),
    )
    wire = on_the_wire(request, API_KEY_AUTH, drip_api_key=SECRET)
    expected = "Basic " + base64.b64encode(f"{SECRET}:".encode()).decode()
    assert wire.headers["Authorization"] == expected
    # The auth fills in the preview's header where it stands: the same order on the wire.
    shown = [k.lower() for k, _ in request.headers]
    assert [k for k, _ in wire.headers.multi_items() if k in shown] == shown
    assert request.body.startswith(b'{\n  "provider": "my_custom_platform",')
    assert USER_AGENT == "CartComposer/0.1.0"


def test_drip_basic_auth_is_the_key_with_an_empty_password() -> None:
    request = build_request(drip_doc({}), Target("https://api.getdrip.com", {"account_id": "1"}))
    wire = on_the_wire(request, API_KEY_AUTH, drip_api_key="abc123")
    # base64("abc123:"): the trailing colon is Drip's documented empty password.
    assert wire.headers["Authorization"] == "Basic YWJjMTIzOg=="


def test_drip_oauth_token_is_sent_as_bearer() -> None:
    request = build_request(
        drip_doc({}), Target("https://api.getdrip.com", {"account_id": "1"}), {"auth": "oauth"}
    )
    assert request.header("authorization") == "Bearer ••••••••"
    wire = on_the_wire(request, OAUTH_AUTH, drip_api_key="key", drip_access_token="tok-123")
    assert wire.headers["Authorization"] == "Bearer tok-123"


def test_bronto_request_carries_the_bearer_token(bronto_payload: dict[str, Any]) -> None:
    request = build_request(
        CartDocument(provider="bronto", payload=bronto_payload),
        Target("http://127.0.0.1:8765/bronto"),
    )
    assert request.url == (
        "http://127.0.0.1:8765/bronto/carts?createContact=false&ignoreInvalidTid=false"
    )
    assert request.header("Authorization") == "Bearer ••••••••"
    assert dict(request.wire_headers())["Content-Type"] == "application/json"


def test_secrets_never_show_in_a_request_or_its_display(drip_payload: dict[str, Any]) -> None:
    request = build_request(
        drip_doc(drip_payload), Target("https://api.getdrip.com", {"account_id": "5"})
    )
    wire = on_the_wire(request, API_KEY_AUTH, drip_api_key=SECRET)
    encoded = base64.b64encode(f"{SECRET}:".encode()).decode()
    assert wire.headers["Authorization"] == f"Basic {encoded}"
    # The secret goes on the wire only: the OutgoingRequest (preview, history) never holds it.
    shown = (repr(request), str(request), repr(request.headers), repr(request.wire_headers()))
    for text in shown:
        assert SECRET not in text
        assert encoded not in text


def test_the_preview_without_credentials_masks_a_placeholder(drip_payload: dict[str, Any]) -> None:
    request = build_request(
        drip_doc(drip_payload), Target("https://api.getdrip.com", {"account_id": "5"})
    )
    assert request.header("Authorization") == "Basic ••••••••"


def test_an_invalid_cart_still_builds_so_qa_can_send_it() -> None:
    request = build_request(
        drip_doc({"price": "abc"}), Target("https://api.getdrip.com", {"account_id": "5"})
    )
    assert request.body == b'{\n  "price": "abc"\n}'


@pytest.mark.parametrize(
    ("target", "message"),
    [
        (
            Target("api.getdrip.com", {"account_id": "5"}),
            "The base URL “api.getdrip.com” must be a full address starting with http:// or "
            "https://, like https://api.getdrip.com.",
        ),
        (
            Target("https://api.getdrip.com?x=1", {"account_id": "5"}),
            "The base URL “https://api.getdrip.com?x=1” must not have a ?query or #fragment.",
        ),
        (
            Target("https://api.getdrip.com", {"account_id": ""}),
            "Enter the Drip account ID: the number in your Drip account's URL.",
        ),
        (
            Target("https://api.getdrip.com", {"account_id": "12/../34"}),
            "The Drip account ID “12/../34” must be a number, like 9999999.",
        ),
    ],
)
def test_bad_targets_are_explained(target: Target, message: str) -> None:
    with pytest.raises(TargetError) as caught:
        build_request(drip_doc({}), target)
    assert str(caught.value) == message


def test_a_value_with_no_json_form_is_a_payload_error() -> None:
    with pytest.raises(PayloadError, match="cannot be written as JSON"):
        build_request(
            drip_doc({"x": object()}), Target("https://api.getdrip.com", {"account_id": "5"})
        )


def test_the_same_input_gives_the_same_bytes(drip_payload: dict[str, Any]) -> None:
    target = Target("https://api.getdrip.com", {"account_id": "5"})
    first = build_request(drip_doc(drip_payload), target)
    reordered = dict(reversed(list(drip_payload.items())))
    second = build_request(drip_doc(reordered), target)
    assert first.body == second.body


def test_a_bad_base_url_gets_the_providers_own_example_or_a_generic_one() -> None:
    with pytest.raises(TargetError, match=r"like https://rest\.bronto\.com\.$"):
        build_request(CartDocument(provider="bronto"), Target("rest.bronto.com"))
    # One that knows no API of its own (no default base URL) still says what one looks like.
    with pytest.raises(TargetError, match=r"like https://api\.example\.com\.$"):
        Target("localhost:8080").checked_base("")
