"""The sandbox's Drip over both doors: status codes and bodies as Drip documents them."""

from __future__ import annotations

import uuid
from decimal import Decimal
from typing import Any

import pytest

from app.domain import jsonfmt
from app.providers.drip import emulator as drip_sandbox
from tests.conftest import golden_text
from tests.sandbox.conftest import Door, DoorFactory, drip_basic

EXAMPLE = golden_text("drip-doc-example.expected.json").encode()
EXPLAINED = "sandbox explanation, not Drip's wording"
SCHEMA_STATUS = "Drip's schema errors show no status in any source; the sandbox answers 400"


def example(**changes: Any) -> bytes:
    payload = jsonfmt.loads(EXAMPLE)
    payload.update(changes)
    return jsonfmt.dumps(payload).encode()


def test_the_documented_example_is_accepted_with_202_and_a_request_id(door: Door) -> None:
    response = door.drip_post(EXAMPLE)
    assert response.status_code == 202
    body = response.json()
    assert list(body) == ["request_id"]
    assert uuid.UUID(body["request_id"]).version == 4
    assert response.headers["X-RateLimit-Limit"] == "3600"
    assert response.headers["X-RateLimit-Remaining"] == "3599"
    accepted = door.sandbox.emulators["drip"].accepted
    assert [a["request_id"] for a in accepted] == [body["request_id"]]
    assert accepted[0]["grand_total"] == Decimal("16.99")


@pytest.mark.parametrize(
    "auth",
    [drip_basic(), drip_basic(colon=False), f"Bearer {drip_sandbox.ACCESS_TOKEN}"],
    ids=["basic key:", "basic key", "bearer"],
)
def test_both_basic_forms_and_the_oauth_token_are_accepted(door: Door, auth: str) -> None:
    assert door.drip_post(EXAMPLE, auth=auth).status_code == 202


@pytest.mark.parametrize(
    "auth",
    ["", drip_basic("wrong-key"), "Bearer wrong-token", "Basic !!!notbase64", "Token abc"],
    ids=["none", "wrong key", "wrong token", "bad base64", "other scheme"],
)
def test_unknown_credentials_get_401_without_a_body(door: Door, auth: str) -> None:
    headers = {"Content-Type": "application/json"}
    if auth:
        headers["Authorization"] = auth
    response = door.client.post(
        f"/v3/{drip_sandbox.ACCOUNT_ID}/shopper_activity/cart", content=EXAMPLE, headers=headers
    )
    assert response.status_code == 401
    assert response.content == b""  # Drip documents no body
    assert "X-Sandbox-Explain" not in response.headers


def test_explain_mode_says_why_a_401_came(explained: Door) -> None:
    response = explained.drip_post(EXAMPLE, auth=drip_basic("wrong-key"))
    assert response.status_code == 401
    assert response.content == (
        b'{"errors":[{"code":"authentication_error","message":"You must supply a valid API key '
        b'or access token"}]}'
    )
    assert response.headers["X-Sandbox-Explain"] == EXPLAINED


def test_an_unknown_account_gets_404_with_drips_body(door: Door) -> None:
    response = door.client.post(
        "/v3/1234567/shopper_activity/cart",
        content=EXAMPLE,
        headers={"Authorization": drip_basic()},
    )
    assert response.status_code == 404
    assert response.json() == {
        "errors": [
            {"code": "not_found_error", "message": "The resource you requested was not found"}
        ]
    }


def test_the_wrong_method_gets_405(door: Door) -> None:
    response = door.client.get(
        f"/v3/{drip_sandbox.ACCOUNT_ID}/shopper_activity/cart",
        headers={"Authorization": drip_basic()},
    )
    assert response.status_code == 405
    assert response.headers["Allow"] == "POST"


def test_the_v2_url_does_not_exist(door: Door) -> None:
    # Cart Activity is v3; clients that build v2 URLs (pydrip) get a 404.
    response = door.client.post(
        f"/v2/{drip_sandbox.ACCOUNT_ID}/shopper_activity/cart",
        content=EXAMPLE,
        headers={"Authorization": drip_basic()},
    )
    assert response.status_code == 404


@pytest.mark.parametrize(
    ("changes", "code", "attribute", "message"),
    [
        (
            {"email": None},
            "presence_error",
            "email",
            "Email (or a Drip person ID, or a visitor UUID) is required.",
        ),
        (
            {"email": "user@"},
            "email_error",
            "email",
            "Email must be a valid address like name@example.com. "
            "There must be something after the @-sign.",
        ),
        (
            {"cart_url": "mysuperstore.com/cart"},
            "url_error",
            "cart_url",
            "Cart URL must be a full web address starting with http:// or https://.",
        ),
        ({"grand_total": -1}, "range_error", "grand_total", "Grand total can't be negative."),
        (
            {"provider": "My Store"},
            "format_error",
            "provider",
            "Platform must be lower snake case, like my_custom_platform.",
        ),
        (
            {"occurred_at": "2019-01-17"},
            "time_error",
            "occurred_at",
            "Occurred at must include a time and a time zone, like 2019-01-17T20:50:00Z.",
        ),
        ({"action": "deleted"}, "format_error", "action", "Action must be created or updated."),
    ],
)
def test_explain_mode_answers_rule_violations_with_a_422_per_field(
    explained: Door, changes: dict[str, Any], code: str, attribute: str, message: str
) -> None:
    payload = jsonfmt.loads(EXAMPLE)
    for key, value in changes.items():
        if value is None:
            payload.pop(key)
        else:
            payload[key] = value
    response = explained.drip_post(jsonfmt.dumps(payload).encode())
    assert response.status_code == 422
    assert response.json() == {
        "errors": [{"code": code, "attribute": attribute, "message": message}]
    }
    assert response.headers["X-Sandbox-Explain"] == EXPLAINED
    assert not explained.sandbox.emulators["drip"].accepted


def _sent(door: Door, payload: Any, *, batch: bool = False) -> Any:
    response = door.drip_post(jsonfmt.dumps(payload).encode(), batch=batch)
    return response


@pytest.mark.parametrize(
    ("change", "body"),
    [
        (
            lambda p: (p.pop("cart_url"), p.pop("provider")),
            b'{"error":{"message":"[object has missing required properties '
            b'([\\"cart_url\\",\\"provider\\"])]"}}',
        ),
        (
            lambda p: p.pop("email"),
            b'{"error":{"message":"[instance failed to match at least one required schema '
            b'among 3]"}}',
        ),
        (
            lambda p: p.update(action="deleted"),
            b'{"error":{"message":"[instance value (\\"deleted\\") not found in enum '
            b'(possible values: [\\"created\\",\\"updated\\"])]"}}',
        ),
        (
            lambda p: (p.update(grand_total="16.99"), p["items"][0].pop("name")),
            b'{"error":{"message":"[instance type (string) does not match any allowed primitive '
            b'type (allowed: [\\"integer\\",\\"number\\"]), object has missing required '
            b'properties ([\\"name\\"])]"}}',
        ),
    ],
    ids=["missing", "no identifier", "enum", "type and item"],
)
def test_what_the_schema_refuses_gets_drips_shape_without_field_paths(
    door: Door, change: Any, body: bytes
) -> None:
    payload = jsonfmt.loads(EXAMPLE)
    change(payload)
    response = _sent(door, payload)
    assert (response.status_code, response.content) == (400, body)
    assert response.headers["X-Sandbox-Assumption"] == SCHEMA_STATUS
    assert "X-Sandbox-Explain" not in response.headers
    assert not door.sandbox.emulators["drip"].accepted


@pytest.mark.parametrize(
    ("changes", "logged"),
    [
        ({"email": "user@"}, "email: Email must be a valid address like name@example.com."),
        ({"cart_url": "mysuperstore.com/cart"}, "cart_url: Cart URL must be a full web address"),
        ({"provider": "My Store"}, "provider: Platform must be lower snake case"),
        ({"currency": "XYZ"}, "currency: Currency must be an ISO 4217 currency code"),
    ],
)
def test_what_a_schema_cannot_say_is_queued_with_202_and_logged(
    door: Door, changes: dict[str, Any], logged: str
) -> None:
    response = door.drip_post(example(**changes))
    assert response.status_code == 202
    assert list(response.json()) == ["request_id"]
    assert "X-Sandbox-Explain" not in response.headers
    (note,) = door.sandbox.requests()[-1].notes
    assert door.sandbox.notes_about(response.json()["request_id"]) == (note,)
    assert note.startswith(logged)
    assert note.endswith(
        "Drip answers 202 before it checks this; the sandbox assumes the cart "
        "is dropped when Drip processes it"
    )
    assert not door.sandbox.emulators["drip"].accepted  # not processed


def test_the_legacy_discount_key_is_kept_as_an_attribute_with_a_logged_warning(
    door: Door, explained: Door
) -> None:
    payload = jsonfmt.loads(EXAMPLE)
    payload["items"][0]["discount"] = 5
    response = _sent(door, payload)
    assert response.status_code == 202
    (note,) = door.sandbox.requests()[-1].notes
    assert note == (
        "items[0].discount is not a Drip field: Drip keeps it as a custom attribute, and its "
        "value is not a discount (the field is “discounts”) [sandbox assumption]"
    )
    assert door.sandbox.emulators["drip"].accepted[-1]["items"][0]["discount"] == 5
    refused = _sent(explained, payload)
    assert refused.status_code == 422
    assert refused.json()["errors"][0]["attribute"] == "items[0].discount"


def test_an_item_error_names_the_item(explained: Door) -> None:
    payload = jsonfmt.loads(EXAMPLE)
    del payload["items"][0]["product_variant_id"]
    response = explained.drip_post(jsonfmt.dumps(payload).encode())
    assert response.status_code == 422
    assert response.json()["errors"] == [
        {
            "code": "presence_error",
            "attribute": "items[0].product_variant_id",
            "message": "Item 1: Variant ID is required.",
        }
    ]


def test_a_body_that_is_not_json_gets_400(door: Door) -> None:
    response = door.drip_post(b"provider=shopify")
    assert response.status_code == 400
    assert response.json() == {
        "error": {
            "message": 'The request body is not valid JSON: it begins with "p", which JSON '
            "cannot begin with (line 1, column 1)"
        }
    }


def test_strings_where_numbers_belong_get_400_in_drips_schema_shape(
    door: Door, explained: Door
) -> None:
    response = door.drip_post(example(grand_total="16.99"))
    assert response.status_code == 400
    assert response.content == (
        b'{"error":{"message":"[instance type (string) does not match any allowed primitive '
        b'type (allowed: [\\"integer\\",\\"number\\"])]"}}'
    )
    pointed = explained.drip_post(example(grand_total="16.99"))
    assert pointed.json() == {
        "error": {
            "message": "[instance type (string) does not match any allowed primitive type "
            '(allowed: ["integer","number"]) at /grand_total]'
        }
    }
    assert pointed.headers["X-Sandbox-Explain"] == EXPLAINED


def test_a_batch_gets_one_request_id_per_cart(door: Door) -> None:
    carts = [jsonfmt.loads(example(cart_id=str(n))) for n in range(3)]
    response = door.drip_post(jsonfmt.dumps({"carts": carts}).encode(), batch=True)
    assert response.status_code == 202
    ids = response.json()["request_ids"]
    assert len(ids) == len(set(ids)) == 3
    assert [a["cart_id"] for a in door.sandbox.emulators["drip"].accepted] == ["0", "1", "2"]
    assert response.headers["X-RateLimit-Limit"] == "50"


@pytest.mark.parametrize(
    ("count", "message"),
    [
        (0, "[array is too short: must have at least 1 elements but instance has 0 elements]"),
        (
            1001,
            "[array is too long: must have at most 1000 elements but instance has 1001 elements]",
        ),
    ],
)
def test_a_batch_must_hold_1_to_1000_carts(door: Door, count: int, message: str) -> None:
    cart = jsonfmt.loads(EXAMPLE)
    response = door.drip_post(jsonfmt.dumps({"carts": [cart] * count}).encode(), batch=True)
    assert (response.status_code, response.json()) == (400, {"error": {"message": message}})


@pytest.mark.parametrize("count", [0, 1001])
def test_explain_mode_says_a_batch_holds_1_to_1000_carts(explained: Door, count: int) -> None:
    cart = jsonfmt.loads(EXAMPLE)
    response = explained.drip_post(jsonfmt.dumps({"carts": [cart] * count}).encode(), batch=True)
    assert response.status_code == 422
    assert response.json() == {
        "errors": [
            {
                "code": "range_error",
                "attribute": "carts",
                "message": f"A batch must hold 1 to 1000 carts, not {count}.",
            }
        ]
    }


def test_explain_mode_rejects_a_batch_with_one_bad_cart_and_names_it(explained: Door) -> None:
    good, bad = jsonfmt.loads(EXAMPLE), jsonfmt.loads(example(email="nope"))
    response = explained.drip_post(jsonfmt.dumps({"carts": [good, bad]}).encode(), batch=True)
    assert response.status_code == 422
    assert response.json()["errors"][0]["attribute"] == "carts[1].email"
    assert response.headers["X-Sandbox-Explain"] == EXPLAINED
    assert not explained.sandbox.emulators["drip"].accepted


def test_a_batch_is_processed_in_the_background_its_failures_logged(door: Door) -> None:
    good = jsonfmt.loads(example(cart_id="good"))
    bad_email = jsonfmt.loads(example(cart_id="bad-email", email="nope"))
    bad_price = jsonfmt.loads(example(cart_id="bad-price"))
    bad_price["items"][0]["price"] = "11.16"
    body = jsonfmt.dumps({"carts": [good, bad_email, bad_price]}).encode()
    response = door.drip_post(body, batch=True)
    assert response.status_code == 202
    assert len(response.json()["request_ids"]) == 3
    assert "X-Sandbox-Explain" not in response.headers
    assert [a["cart_id"] for a in door.sandbox.emulators["drip"].accepted] == ["good"]
    notes = door.sandbox.requests()[-1].notes
    assert len(notes) == 2
    assert notes[0].startswith("carts[1]: email: Email must be a valid address")
    assert notes[1] == (
        "carts[2]: not processed, it does not fit Drip's schema: [instance type (string) does "
        'not match any allowed primitive type (allowed: ["integer","number"]) at '
        "/carts/2/items/0/price]"
    )


def test_a_batch_with_a_string_price_gets_400_pointing_at_it(explained: Door) -> None:
    bad = jsonfmt.loads(EXAMPLE)
    bad["items"][0]["price"] = "11.16"
    response = explained.drip_post(jsonfmt.dumps({"carts": [bad]}).encode(), batch=True)
    assert response.status_code == 400
    assert response.json()["error"]["message"].endswith("at /carts/0/items/0/price]")


def test_past_the_hourly_limit_comes_429_then_the_window_slides(make_door: DoorFactory) -> None:
    door = make_door(settings={"drip": {"hourly_limit": 3}})
    remaining = [door.drip_post(EXAMPLE).headers["X-RateLimit-Remaining"] for _ in range(3)]
    assert remaining == ["2", "1", "0"]
    limited = door.drip_post(EXAMPLE)
    assert limited.status_code == 429
    assert limited.json() == {
        "message": "API rate limit exceeded. Please try again in an hour.",
        "documentation": "https://www.getdrip.com/docs/rest-api#rate-limting",
    }
    assert limited.headers["X-RateLimit-Remaining"] == "0"
    door.clock.advance(3600)
    assert door.drip_post(EXAMPLE).status_code == 202


def test_accounts_lists_the_sandbox_account(door: Door) -> None:
    response = door.client.get("/v2/accounts", headers={"Authorization": drip_basic()})
    assert response.status_code == 200
    assert [a["id"] for a in response.json()["accounts"]] == [drip_sandbox.ACCOUNT_ID]
    assert door.client.get("/v2/accounts").status_code == 401


def test_an_anonymous_visitors_cart_and_a_2_0_quantity_are_accepted(door: Door) -> None:
    cart = jsonfmt.loads(EXAMPLE)
    del cart["email"]
    cart["visitor_uuid"] = "5b9d2f1e-7c1a-4f7e-9a52-1f0c3f2d9b10"
    cart["items"][0]["quantity"] = Decimal("2.0")  # as Drip's Magento plugins send it
    response = door.drip_post(jsonfmt.dumps(cart).encode())
    assert response.status_code == 202, response.text
