"""build_request: the URL, headers and body Send will use; secrets only where asked for."""

from __future__ import annotations

import base64
from typing import Any

import pytest

from app.domain.errors import PayloadError, TargetError
from app.providers import CartDocument, Credentials, Target, build_request
from app.providers.base import USER_AGENT

SECRET = "abc123-very-secret-api-key"


def drip_doc(payload: dict[str, Any]) -> CartDocument:
    return CartDocument(provider="drip", payload=payload)


def test_drip_request_line_headers_and_body(drip_payload: dict[str, Any]) -> None:
    request = build_request(
        drip_doc(drip_payload), Target("https://api.getdrip.com", "9999999"), Credentials(SECRET)
    )
    assert request.method == "POST"
    assert request.url == "https://api.getdrip.com/v3/9999999/shopper_activity/cart"
    assert request.headers == (
        ("Content-Type", "application/json"),
        ("Accept", "application/json"),
        ("User-Agent", USER_AGENT),
        ("Authorization", "Basic ••••••••"),
    )
    expected = "Basic " + base64.b64encode(f"{SECRET}:".encode()).decode()
    assert dict(request.wire_headers())["Authorization"] == expected
    assert request.body.startswith(b'{\n  "provider": "my_custom_platform",')
    assert USER_AGENT == "CartComposer/0.1.0"


def test_drip_basic_auth_is_the_key_with_an_empty_password() -> None:
    request = build_request(
        drip_doc({}), Target("https://api.getdrip.com", "1"), Credentials(drip_api_key="abc123")
    )
    # base64("abc123:"): the trailing colon is Drip's documented empty password.
    assert dict(request.wire_headers())["Authorization"] == "Basic YWJjMTIzOg=="


def test_drip_oauth_token_is_sent_as_bearer() -> None:
    request = build_request(
        drip_doc({}),
        Target("https://api.getdrip.com", "1"),
        Credentials(drip_api_key="key", drip_access_token="tok-123"),
    )
    assert dict(request.wire_headers())["Authorization"] == "Bearer tok-123"
    assert request.header("authorization") == "Bearer ••••••••"


def test_bronto_request_carries_the_bearer_token(bronto_payload: dict[str, Any]) -> None:
    request = build_request(
        CartDocument(provider="bronto", payload=bronto_payload),
        Target("http://127.0.0.1:8765/bronto"),
        Credentials(bronto_access_token="596d469a-a65b-4e22-b18e-4f3de5b8ccb8"),
    )
    assert request.url == (
        "http://127.0.0.1:8765/bronto/carts?createContact=false&ignoreInvalidTid=false"
    )
    wire = dict(request.wire_headers())
    assert wire["Authorization"] == "Bearer 596d469a-a65b-4e22-b18e-4f3de5b8ccb8"
    assert wire["Content-Type"] == "application/json"


def test_secrets_never_show_in_repr_or_display_headers(drip_payload: dict[str, Any]) -> None:
    creds = Credentials(drip_api_key=SECRET, bronto_access_token=SECRET + "-token")
    request = build_request(drip_doc(drip_payload), Target("https://api.getdrip.com", "5"), creds)
    encoded = base64.b64encode(f"{SECRET}:".encode()).decode()
    for shown in (repr(creds), str(creds), repr(request), str(request), repr(request.headers)):
        assert SECRET not in shown
        assert encoded not in shown


def test_the_preview_without_credentials_masks_a_placeholder(drip_payload: dict[str, Any]) -> None:
    request = build_request(drip_doc(drip_payload), Target("https://api.getdrip.com", "5"))
    assert request.header("Authorization") == "Basic ••••••••"


def test_an_invalid_cart_still_builds_so_qa_can_send_it() -> None:
    request = build_request(drip_doc({"price": "abc"}), Target("https://api.getdrip.com", "5"))
    assert request.body == b'{\n  "price": "abc"\n}'


@pytest.mark.parametrize(
    ("target", "message"),
    [
        (
            Target("api.getdrip.com", "5"),
            "The base URL “api.getdrip.com” must be a full address starting with http:// or "
            "https://, like https://api.getdrip.com.",
        ),
        (
            Target("https://api.getdrip.com?x=1", "5"),
            "The base URL “https://api.getdrip.com?x=1” must not have a ?query or #fragment.",
        ),
        (
            Target("https://api.getdrip.com", ""),
            "Enter the Drip account ID: the number in your Drip account's URL.",
        ),
        (
            Target("https://api.getdrip.com", "12/../34"),
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
        build_request(drip_doc({"x": object()}), Target("https://api.getdrip.com", "5"))


def test_the_same_input_gives_the_same_bytes(drip_payload: dict[str, Any]) -> None:
    target = Target("https://api.getdrip.com", "5")
    first = build_request(drip_doc(drip_payload), target)
    reordered = dict(reversed(list(drip_payload.items())))
    second = build_request(drip_doc(reordered), target)
    assert first.body == second.body
