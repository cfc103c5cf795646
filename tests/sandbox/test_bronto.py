"""The sandbox's Bronto over both doors: tokens, 403s, Add Cart and the cart lifecycle."""

from __future__ import annotations

import uuid
from typing import Any

import pytest

from app.domain import jsonfmt
from app.providers.bronto import emulator as bronto_sandbox
from tests.conftest import golden_text
from tests.sandbox.conftest import EXPLAIN, STRICT, Door, DoorFactory

EXAMPLE = golden_text("bronto-java-example.expected.json").encode()
ADD = "/carts?createContact=false&ignoreInvalidTid=false"
EXPLAINED = "sandbox explanation, not Bronto's wording"
POSITIONS = "line items' position counts from 0 (Bronto's documents do not say)"


def cart(**changes: Any) -> bytes:
    payload = jsonfmt.loads(EXAMPLE)
    for key, value in changes.items():
        if value is None:
            payload.pop(key, None)
        else:
            payload[key] = value
    return jsonfmt.dumps(payload).encode()


def reason(status: int, text: str, site: str = bronto_sandbox.SITE_ID) -> str:
    return f"ServiceExceptionMessage{{siteId={site}, statusCode={status}, reason={text}}}"


# --- OAuth2 ---------------------------------------------------------------------------------


def test_client_credentials_give_the_three_documented_fields(door: Door) -> None:
    response = door.client.post(
        "/oauth2/token",
        data={
            "grant_type": "client_credentials",
            "client_id": bronto_sandbox.CLIENT_ID,
            "client_secret": bronto_sandbox.CLIENT_SECRET,
        },
    )
    assert response.status_code == 200
    body = response.json()
    assert list(body) == ["access_token", "refresh_token", "expires_in"]
    assert body["expires_in"] == 3600
    uuid.UUID(body["access_token"])


def test_a_refresh_token_gives_a_new_access_token(door: Door) -> None:
    first = door.client.post(
        "/oauth2/token",
        data={
            "grant_type": "client_credentials",
            "client_id": bronto_sandbox.CLIENT_ID,
            "client_secret": bronto_sandbox.CLIENT_SECRET,
        },
    ).json()
    again = door.client.post(
        "/oauth2/token",
        data={
            "grant_type": "refresh_token",
            "refresh_token": first["refresh_token"],
            "client_id": bronto_sandbox.CLIENT_ID,
            "client_secret": bronto_sandbox.CLIENT_SECRET,
        },
    )
    assert again.status_code == 200
    assert again.json()["access_token"] != first["access_token"]
    assert (
        door.bronto("POST", ADD, token=again.json()["access_token"], body=EXAMPLE).status_code
        == 201
    )


@pytest.mark.parametrize(
    ("form", "status", "error"),
    [
        (
            {
                "grant_type": "client_credentials",
                "client_id": bronto_sandbox.CLIENT_ID,
                "client_secret": "x",
            },
            401,
            "invalid_client",
        ),
        (
            {"grant_type": "password", "username": "a", "password": "b"},
            400,
            "unsupported_grant_type",
        ),
        ({"grant_type": "refresh_token", "refresh_token": "nope"}, 400, "invalid_grant"),
    ],
)
def test_token_errors(door: Door, form: dict[str, str], status: int, error: str) -> None:
    response = door.client.post("/oauth2/token", data=form)
    assert response.status_code == status
    assert response.json()["error"] == error
    assert response.headers["X-Reason"].startswith("ServiceExceptionMessage{siteId=null")


def test_a_json_token_request_is_refused(door: Door) -> None:
    response = door.client.post(
        "/oauth2/token",
        json={
            "grant_type": "client_credentials",
            "client_id": bronto_sandbox.CLIENT_ID,
            "client_secret": bronto_sandbox.CLIENT_SECRET,
        },
    )
    assert response.status_code == 400
    assert response.json()["error_description"] == "The token request must be form-encoded"


TOKEN_PROBLEMS = [
    (None, "No authorization header was provided", "null"),
    ("Basic c2FuZGJveDo=", "Authorization scheme Basic is not supported; use Bearer", "null"),
    ("Bearer 596d469a-a65b-4e22-b18e-4f3de5b8ccb8", "The access token is unknown", "null"),
]


@pytest.mark.parametrize("explain", [False, True], ids=["real", "explain"])
@pytest.mark.parametrize(("authorization", "text", "site"), TOKEN_PROBLEMS)
def test_missing_wrong_or_unknown_tokens_get_a_bare_403_unless_explained(
    make_door: DoorFactory, explain: bool, authorization: str | None, text: str, site: str
) -> None:
    # No reason text for 403 is documented anywhere (reference decision 8): the real answer is
    # bare; Explain mode says why, and that the words are the sandbox's.
    door = make_door(mode=EXPLAIN) if explain else make_door()
    headers = {"Content-Type": "application/json"}
    if authorization:
        headers["Authorization"] = authorization
    response = door.client.post(ADD, content=EXAMPLE, headers=headers)
    assert response.status_code == 403
    assert response.content == b""
    assert response.headers.get("X-Reason") == (reason(403, text, site) if explain else None)
    assert response.headers.get("X-Sandbox-Explain") == (EXPLAINED if explain else None)


@pytest.mark.parametrize("mode", [None, EXPLAIN], ids=["real", "explain"])
def test_an_expired_token_gets_403_and_a_new_one_works(make_door: DoorFactory, mode: Any) -> None:
    door = make_door(settings={"bronto": {"token_lifetime": 2}}, **({"mode": mode} if mode else {}))
    token = door.bronto_token()
    door.clock.advance(2.5)
    response = door.bronto("POST", ADD, token=token, body=EXAMPLE)
    assert response.status_code == 403
    said = reason(403, "The access token has expired") if mode else None
    assert response.headers.get("X-Reason") == said
    assert door.bronto("POST", ADD, body=EXAMPLE).status_code == 201


@pytest.mark.parametrize("mode", [None, EXPLAIN], ids=["real", "explain"])
def test_a_read_only_token_cannot_add_a_cart(make_door: DoorFactory, mode: Any) -> None:
    door = make_door(**({"mode": mode} if mode else {}))
    token = door.bronto_token(
        bronto_sandbox.READONLY_CLIENT_ID, bronto_sandbox.READONLY_CLIENT_SECRET
    )
    response = door.bronto("POST", ADD, token=token, body=EXAMPLE)
    assert response.status_code == 403
    said = reason(403, "The access token lacks the scope orders/carts-write") if mode else None
    assert response.headers.get("X-Reason") == said
    assert door.bronto("GET", "/carts?customerCartId=abc-123", token=token).status_code == 204


# --- Add Cart -------------------------------------------------------------------------------


def test_the_java_example_is_created_with_201_and_the_full_cart(door: Door) -> None:
    response = door.bronto("POST", ADD, body=EXAMPLE)
    assert response.status_code == 201
    body = response.json()
    uuid.UUID(body["cartId"])
    assert body["status"] == "ACTIVE"
    assert body["phase"] == "SHOPPING"
    assert body["hasTracking"] is True
    assert body["customerCartId"] == "abc-123"
    assert body["createdDate"].endswith("Z") and body["updatedDate"] == body["createdDate"]
    assert [item["position"] for item in body["lineItems"]] == [0]
    assert "contactId" in body
    # The documented response order, and numbers exactly as sent.
    assert list(body)[:7] == [
        "url",
        "emailAddress",
        "contactId",
        "status",
        "phase",
        "hasTracking",
        "customerCartId",
    ]
    assert '"grandTotal":4.27,' in response.text
    assert '"taxAmount":0.28,' in response.text


def test_phase_defaults_to_shopping(door: Door) -> None:
    response = door.bronto("POST", ADD, body=cart(phase=None, customerCartId="no-phase"))
    assert response.json()["phase"] == "SHOPPING"


def test_a_duplicate_customer_cart_id_gets_409(door: Door) -> None:
    token = door.bronto_token()
    assert door.bronto("POST", ADD, token=token, body=EXAMPLE).status_code == 201
    response = door.bronto("POST", ADD, token=token, body=EXAMPLE)
    assert response.status_code == 409
    assert response.headers["X-Reason"] == reason(
        409, "A cart with customerCartId abc-123 already exists"
    )


def test_an_unknown_contact_needs_create_contact(door: Door) -> None:
    token = door.bronto_token()
    new = cart(emailAddress="new.shopper@example.org", customerCartId="c-1")
    refused = door.bronto("POST", ADD, token=token, body=new)
    assert refused.status_code == 409
    assert refused.headers["X-Reason"] == reason(
        409,
        "No contact exists with the email address new.shopper@example.org; send "
        "createContact=true to create a transactional contact",
    )
    created = door.bronto("POST", "/carts?createContact=true", token=token, body=new)
    assert created.status_code == 201
    # The contact now exists, so another cart for it needs no createContact.
    again = cart(emailAddress="new.shopper@example.org", customerCartId="c-2")
    second = door.bronto("POST", ADD, token=token, body=again)
    assert second.status_code == 201
    assert second.json()["contactId"] == created.json()["contactId"]


@pytest.mark.parametrize(
    ("body", "text"),
    [
        (cart(customerCartId=None), "customerCartId: Your cart ID is required."),
        (
            cart(currency="usd"),
            "currency: Currency must be written in capitals with no spaces: USD.",
        ),
        (
            cart(lineItems=[{"name": "Mug"}]),
            "lineItems[0].quantity: Line item 1: Quantity is required.; lineItems[0].totalPrice: "
            "Line item 1: Line total is required.",
        ),
        (
            b"not json",
            'The request body is not valid JSON: it begins with "n", which JSON cannot begin '
            "with (line 1, column 1)",
        ),
        (b"[]", "The request body must be a JSON object (a Cart)"),
    ],
)
def test_invalid_data_gets_400_with_the_reason(door: Door, body: bytes, text: str) -> None:
    response = door.bronto("POST", ADD, body=body)
    assert response.status_code == 400
    assert response.headers["X-Reason"] == reason(400, text)


def test_an_invalid_tid_gets_400_unless_ignored(door: Door) -> None:
    token = door.bronto_token()
    bad = cart(tid="not a tid!", customerCartId="t-1")
    refused = door.bronto("POST", ADD, token=token, body=bad)
    assert refused.status_code == 400
    assert refused.headers["X-Reason"] == reason(
        400, "Invalid tracking: Tracking ID (tid) may hold only letters, digits and dashes."
    )
    accepted = door.bronto("POST", "/carts?ignoreInvalidTid=true", token=token, body=bad)
    assert accepted.status_code == 201
    body = accepted.json()
    assert body["hasTracking"] is False
    assert "trackingCookieName" not in body and "tid" not in body


def test_an_unpaired_tracking_cookie_is_invalid_tracking(door: Door) -> None:
    response = door.bronto("POST", ADD, body=cart(trackingCookieValue=None))
    assert response.status_code == 400
    assert response.headers["X-Reason"] == reason(
        400,
        "Invalid tracking: Tracking cookie value is required when a tracking cookie name is set.",
    )


def test_strict_mode_refuses_bad_query_booleans_numeric_strings_and_unknown_keys(
    make_door: DoorFactory,
) -> None:
    door = make_door(mode=STRICT)
    response = door.bronto("POST", "/carts?createContact=yes", body=EXAMPLE)
    assert response.status_code == 400
    assert response.headers["X-Reason"] == reason(
        400, "The query parameter createContact must be true or false"
    )
    unknown = door.bronto("POST", ADD, body=cart(status="ACTIVE"))
    assert unknown.headers["X-Reason"] == reason(
        400, 'status: "status" is not a field this API accepts (check the spelling).'
    )
    numeric = door.bronto("POST", ADD, body=cart(grandTotal="16.99"))
    assert numeric.headers["X-Reason"] == reason(
        400, "grandTotal: Grand total must be a number, not text (remove the quotes)."
    )


def test_a_java_service_reads_odd_booleans_as_false_and_says_so(door: Door) -> None:
    response = door.bronto("POST", "/carts?createContact=yes", body=EXAMPLE)
    assert response.status_code == 201
    assert response.headers.get_list("X-Sandbox-Assumption") == [
        "createContact=yes read as false, as Java's Boolean.valueOf does (strict mode refuses it)",
        POSITIONS,
    ]


def test_numeric_strings_are_numbers_and_unknown_keys_are_ignored(door: Door) -> None:
    payload = jsonfmt.loads(EXAMPLE)
    payload["grandTotal"] = "16.99"
    payload["lineItems"][0]["quantity"] = "2"
    payload["lineItems"][0]["giftWrap"] = True
    payload["status"] = "ACTIVE"
    response = door.bronto("POST", ADD, body=jsonfmt.dumps(payload).encode())
    assert response.status_code == 201, response.headers.get("X-Reason")
    answer = response.json()
    assert answer["grandTotal"] == 16.99 and answer["lineItems"][0]["quantity"] == 2
    assert b'"grandTotal":16.99' in response.content
    assert "giftWrap" not in answer["lineItems"][0]
    assert response.headers.get_list("X-Sandbox-Assumption") == [
        'grandTotal sent as the string "16.99" was read as a number, as Jackson coerces scalars '
        "(strict mode refuses it)",
        'lineItems[0].quantity sent as the string "2" was read as a number, as Jackson coerces '
        "scalars (strict mode refuses it)",
        "lineItems[0].giftWrap is not a Bronto field and was ignored, as Jackson ignores unknown "
        "properties when so configured (strict mode refuses it)",
        "status is not a Bronto field and was ignored, as Jackson ignores unknown properties "
        "when so configured (strict mode refuses it)",
        POSITIONS,
    ]
    # A string that is no number is still refused.
    refused = door.bronto("POST", ADD, body=cart(grandTotal="lots", customerCartId="n-2"))
    assert refused.status_code == 400


# --- the lifecycle --------------------------------------------------------------------------


def created(door: Door, token: str, **changes: Any) -> str:
    response = door.bronto("POST", ADD, token=token, body=cart(**changes))
    assert response.status_code == 201, response.headers.get("X-Reason")
    cart_id = response.json()["cartId"]
    assert isinstance(cart_id, str)
    return cart_id


def test_get_and_search(door: Door) -> None:
    token = door.bronto_token()
    cart_id = created(door, token)
    got = door.bronto("GET", f"/carts/{cart_id}", token=token)
    assert got.status_code == 200 and got.json()["cartId"] == cart_id
    found = door.bronto("GET", "/carts?customerCartId=abc-123", token=token)
    assert found.status_code == 200
    assert [c["cartId"] for c in found.json()] == [cart_id]
    none = door.bronto("GET", "/carts?customerCartId=nothing-here", token=token)
    assert none.status_code == 204 and none.content == b""
    missing = door.bronto("GET", "/carts", token=token)
    assert missing.status_code == 400
    unknown = door.bronto("GET", f"/carts/{uuid.uuid4()}", token=token)
    assert unknown.status_code == 404


def test_update_is_partial(door: Door) -> None:
    token = door.bronto_token()
    cart_id = created(door, token)
    response = door.bronto(
        "POST", f"/carts/{cart_id}", token=token, body=b'{"grandTotal": 9.50, "phase": "PAYMENT"}'
    )
    assert response.status_code == 200
    body = response.json()
    assert body["phase"] == "PAYMENT"
    assert body["customerCartId"] == "abc-123"  # not sent, unchanged
    assert body["emailAddress"] == "example@email.com"
    assert '"grandTotal":9.50,' in response.text
    assert door.bronto("GET", f"/carts/{cart_id}", token=token).json()["phase"] == "PAYMENT"


def test_update_with_invalid_data_gets_400(door: Door) -> None:
    token = door.bronto_token()
    cart_id = created(door, token)
    response = door.bronto("POST", f"/carts/{cart_id}", token=token, body=b'{"phase": "LATER"}')
    assert response.status_code == 400
    assert "phase: Checkout phase must be SHOPPING" in response.headers["X-Reason"]


def test_abandon_then_fiddle(door: Door) -> None:
    token = door.bronto_token()
    cart_id = created(door, token)
    assert door.bronto("PUT", f"/carts/{cart_id}/abandon", token=token).status_code == 204
    assert door.bronto("GET", f"/carts/{cart_id}", token=token).json()["status"] == "ABANDONED"
    assert door.bronto("PUT", f"/carts/{cart_id}/fiddle", token=token).status_code == 204
    assert door.bronto("GET", f"/carts/{cart_id}", token=token).json()["status"] == "ACTIVE"


@pytest.mark.parametrize("action", ["abandon", "fiddle"])
def test_abandon_and_fiddle_an_unknown_cart_get_404(door: Door, action: str) -> None:
    response = door.bronto("PUT", f"/carts/{uuid.uuid4()}/{action}")
    assert response.status_code == 404


@pytest.mark.parametrize("status", ["EXPIRED", "COMPLETE"])
def test_terminal_carts_refuse_changes_with_409(door: Door, status: str) -> None:
    token = door.bronto_token()
    cart_id = created(door, token)
    forced = door.client.put(f"/_sandbox/bronto/carts/{cart_id}", json={"status": status})
    assert forced.status_code == 200
    update = door.bronto("POST", f"/carts/{cart_id}", token=token, body=b'{"grandTotal": 1}')
    assert update.status_code == 409
    assert update.headers["X-Reason"] == reason(
        409, f"The cart is {status} and can no longer be updated"
    )
    for action in ("abandon", "fiddle"):
        assert door.bronto("PUT", f"/carts/{cart_id}/{action}", token=token).status_code == 409


def test_completing_the_order_completes_the_cart(door: Door) -> None:
    token = door.bronto_token()
    cart_id = created(door, token)
    done = door.bronto(
        "POST", f"/carts/{cart_id}", token=token, body=b'{"phase": "ORDER_COMPLETE"}'
    )
    assert done.json()["status"] == "COMPLETE"
    # The answer says that this rests on the sandbox's inference, not on Bronto's documents.
    assert done.headers.get_list("X-Sandbox-Assumption") == [
        "status COMPLETE because phase is ORDER_COMPLETE: Bronto's connector sets both; no "
        "Bronto document says the service does",
        POSITIONS,
    ]


def test_an_update_never_renames_a_cart_and_says_so(door: Door) -> None:
    token = door.bronto_token()
    cart_id = created(door, token)
    body = b'{"customerCartId": "renamed", "grandTotal": 2}'
    updated = door.bronto("POST", f"/carts/{cart_id}", token=token, body=body)
    assert updated.status_code == 200
    assert updated.json()["customerCartId"] == "abc-123"
    assert updated.headers.get_list("X-Sandbox-Assumption")[0] == (
        "customerCartId in an Update is ignored: Update's documented body has none, so an "
        "update never renames a cart"
    )


def test_delete_always_answers_204(door: Door) -> None:
    token = door.bronto_token()
    cart_id = created(door, token)
    assert door.bronto("DELETE", f"/carts/{cart_id}", token=token).status_code == 204
    assert door.bronto("GET", f"/carts/{cart_id}", token=token).status_code == 404
    assert door.bronto("DELETE", f"/carts/{cart_id}", token=token).status_code == 204
    # The customerCartId is free again.
    assert door.bronto("POST", ADD, token=token, body=EXAMPLE).status_code == 201


def test_wrong_methods_get_405(door: Door) -> None:
    token = door.bronto_token()
    assert door.bronto("PUT", "/carts", token=token).status_code == 405
    assert door.bronto("GET", f"/carts/{uuid.uuid4()}/abandon", token=token).status_code == 405


def test_control_characters_from_the_client_never_break_the_x_reason_header(
    make_door: DoorFactory,
) -> None:
    door = make_door(mode=STRICT)
    response = door.bronto("POST", ADD, body=b'{"customerCartId": "x", "a\\r\\nInjected: 1": 2}')
    assert response.status_code == 400
    assert "Injected" not in response.headers
    assert response.headers["X-Reason"] == reason(
        400,
        '["a??Injected: 1"]: "a??Injected: 1" is not a field this API accepts (check the '
        "spelling).",
    )


def test_expire_works_only_from_abandoned(door: Door) -> None:
    token = door.bronto_token()
    cart_id = created(door, token)
    active = door.bronto("POST", f"/carts/{cart_id}/expire", token=token)
    assert active.status_code == 409
    assert "only an ABANDONED cart can be expired" in active.headers["X-Reason"]
    assert door.bronto("PUT", f"/carts/{cart_id}/abandon", token=token).status_code == 204
    expired = door.bronto("POST", f"/carts/{cart_id}/expire", token=token)
    assert expired.status_code == 204 and expired.content == b""
    assert door.bronto("GET", f"/carts/{cart_id}", token=token).json()["status"] == "EXPIRED"
    # EXPIRED is terminal: nothing changes it any more.
    assert door.bronto("POST", f"/carts/{cart_id}/expire", token=token).status_code == 409
    fiddled = door.bronto("PUT", f"/carts/{cart_id}/fiddle", token=token)
    assert fiddled.status_code == 409
    assert fiddled.headers["X-Reason"] == reason(409, "The cart is EXPIRED; it cannot be fiddled")
    assert door.bronto("POST", f"/carts/{uuid.uuid4()}/expire", token=token).status_code == 404
    assert door.bronto("PUT", f"/carts/{cart_id}/expire", token=token).status_code == 405
