"""Each Bronto Add Cart rule, with the exact field path and the exact message."""

from __future__ import annotations

import copy
from decimal import Decimal
from typing import Any

import pytest

from app.providers import CartDocument, Target, build_request, get_provider
from app.providers.bronto.models import BrontoOptions

BRONTO = get_provider("bronto")


def changed(base: dict[str, Any], item: bool = False, **changes: Any) -> dict[str, Any]:
    payload = copy.deepcopy(base)
    target = payload["lineItems"][0] if item else payload
    for key, value in changes.items():
        if value is ...:
            target.pop(key, None)
        else:
            target[key] = value
    return payload


def test_the_base_payload_is_valid(bronto_payload: dict[str, Any]) -> None:
    assert BRONTO.validate(bronto_payload).ok


PHASE_MESSAGE = (
    "Checkout phase must be SHOPPING, BILLING, PAYMENT, SHIPPING_INFO, SHIPPING_METHOD, "
    "ORDER_REVIEW or ORDER_COMPLETE."
)


@pytest.mark.parametrize(
    ("changes", "path", "message"),
    [
        ({"customerCartId": ...}, "customerCartId", "Your cart ID is required."),
        ({"customerCartId": ""}, "customerCartId", "Your cart ID is required."),
        (
            {"emailAddress": "example@"},
            "emailAddress",
            "Email must be a valid address like name@example.com. "
            "There must be something after the @-sign.",
        ),
        ({"phase": "CHECKOUT"}, "phase", PHASE_MESSAGE),
        ({"phase": "shopping"}, "phase", PHASE_MESSAGE),
        (
            {"currency": "usd"},
            "currency",
            "Currency must be written in capitals with no spaces: USD.",
        ),
        (
            {"currency": "DOLLARS"},
            "currency",
            "Currency must be an ISO 4217 currency code, like USD, EUR or GBP.",
        ),
        (
            {"shippingDate": "02/01/2015"},
            "shippingDate",
            "Shipping date must be an ISO 8601 date or date and time, like 2015-01-02 or "
            "2015-01-02T10:00:00Z.",
        ),
        (
            {"originIp": "127.0.0"},
            "originIp",
            "Shopper IP address must be an IPv4 or IPv6 address, like 203.0.113.7 or 2001:db8::1.",
        ),
        (
            {"trackingCookieName": "blkycggbjquivddbiddxylaufhfdbkj"},
            "trackingCookieName",
            "Tracking cookie name must start with tid_ (Bronto names its tracking cookies tid_…).",
        ),
        (
            {"trackingCookieValue": ...},
            "trackingCookieValue",
            "Tracking cookie value is required when a tracking cookie name is set.",
        ),
        (
            {"trackingCookieName": ...},
            "trackingCookieName",
            "Tracking cookie name is required when a tracking cookie value is set.",
        ),
        ({"grandTotal": Decimal("-4.27")}, "grandTotal", "Grand total can't be negative."),
        ({"taxAmount": "0.28"}, "taxAmount", "Tax must be a number, not text (remove the quotes)."),
        ({"shippingAmount": -1}, "shippingAmount", "Shipping can't be negative."),
        (
            {"createContact": True},
            "createContact",
            "“createContact” is a request option, not a cart field: set it in the options instead.",
        ),
        (
            {"ignoreInvalidTid": False},
            "ignoreInvalidTid",
            "“ignoreInvalidTid” is a request option, not a cart field: set it in the options "
            "instead.",
        ),
        (
            {"status": "ACTIVE"},
            "status",
            "“status” is not a field this API accepts (check the spelling).",
        ),
        ({"lineItems": "mug"}, "lineItems", "Line items must be a list, not text."),
    ],
)
def test_cart_rule(
    bronto_payload: dict[str, Any], changes: dict[str, Any], path: str, message: str
) -> None:
    assert BRONTO.validate(changed(bronto_payload, **changes)).errors == {path: message}


@pytest.mark.parametrize(
    ("changes", "path", "message"),
    [
        ({"quantity": ...}, "lineItems[0].quantity", "Line item 1: Quantity is required."),
        ({"totalPrice": ...}, "lineItems[0].totalPrice", "Line item 1: Line total is required."),
        ({"quantity": 0}, "lineItems[0].quantity", "Line item 1: Quantity must be more than 0."),
        (
            {"unitPrice": Decimal("-3.99")},
            "lineItems[0].unitPrice",
            "Line item 1: Unit price can't be negative.",
        ),
        (
            {"productUrl": "www.example.com/products/0003105"},
            "lineItems[0].productUrl",
            "Line item 1: Product URL must be a full web address starting with http:// or "
            "https://.",
        ),
        (
            {"size": "5oz"},
            "lineItems[0].size",
            "Line item 1: “size” is not a field this API accepts (check the spelling).",
        ),
        (
            {"category": ["Kitchen"]},
            "lineItems[0].category",
            "Line item 1: Category must be text, not a list.",
        ),
    ],
)
def test_line_item_rule(
    bronto_payload: dict[str, Any], changes: dict[str, Any], path: str, message: str
) -> None:
    assert BRONTO.validate(changed(bronto_payload, item=True, **changes)).errors == {path: message}


def test_only_the_cart_id_is_required(bronto_payload: dict[str, Any]) -> None:
    assert BRONTO.validate({"customerCartId": "abc-123"}).ok
    assert BRONTO.validate(
        {"customerCartId": "abc", "lineItems": [{"quantity": 1, "totalPrice": 0}]}
    ).ok


def test_accepted_forms(bronto_payload: dict[str, Any]) -> None:
    for date in (
        "2015-01-02",
        "2015-01-02T10:00:00Z",
        "2015-01-02T10:00:00",
        "2015-01-02T10:00:00-05:00",
    ):
        assert BRONTO.validate(changed(bronto_payload, shippingDate=date)).ok, date
    for ip in ("127.0.0.1", "::1", "2001:db8::1", "203.0.113.7"):
        assert BRONTO.validate(changed(bronto_payload, originIp=ip)).ok, ip
    for phase in ("SHOPPING", "ORDER_COMPLETE"):
        assert BRONTO.validate(changed(bronto_payload, phase=phase)).ok
    # Quantities may be fractional (the document says only "number"), as typed.
    payload = changed(bronto_payload, item=True, quantity=Decimal("1.5"))
    assert BRONTO.validate(payload).ok
    assert b'"quantity": 1.5,' in BRONTO.body(payload)


def test_options_default_to_false_and_are_always_in_the_url(bronto_payload: dict[str, Any]) -> None:
    assert BrontoOptions().model_dump() == {"createContact": False, "ignoreInvalidTid": False}
    request = build_request(
        CartDocument(provider="bronto", payload=bronto_payload), Target("https://rest.bronto.com/")
    )
    assert request.url == "https://rest.bronto.com/carts?createContact=false&ignoreInvalidTid=false"


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"createContact": "yes"}, "The option “createContact” must be true or false."),
        (
            {"ignoreInvalidTracking": True},
            "“ignoreInvalidTracking” is not a Bronto request option.",
        ),
    ],
)
def test_wrong_options_are_explained(options: dict[str, Any], message: str) -> None:
    with pytest.raises(ValueError) as caught:
        BRONTO.options(options)
    assert str(caught.value) == message
