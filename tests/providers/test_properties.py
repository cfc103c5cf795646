"""Properties over generated carts: valid carts round-trip exactly; junk never raises."""

from __future__ import annotations

import string
from decimal import Decimal
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.domain import jsonfmt
from app.providers import get_provider
from app.providers.bronto.models import PHASES
from app.providers.drip.models import ACTIONS, DripCart, DripItem

DRIP = get_provider("drip")
BRONTO = get_provider("bronto")

money = st.decimals(min_value=0, max_value=Decimal("999999999.99"), allow_nan=False, places=2) | (
    st.integers(min_value=0, max_value=10**9)
)
free_text = st.text(max_size=30)
some_text = st.text(min_size=1, max_size=30).filter(lambda s: s.strip() != "")
snake = st.from_regex(r"[a-z0-9]{1,8}(_[a-z0-9]{1,8}){0,3}", fullmatch=True)
emails = st.builds(
    "{}@{}.{}".format,
    st.text(string.ascii_lowercase + string.digits, min_size=1, max_size=12),
    st.text(string.ascii_lowercase, min_size=1, max_size=12),
    st.sampled_from(["com", "org", "de", "shop"]),
)
urls = st.builds(
    "{}://{}.example/{}".format,
    st.sampled_from(["http", "https"]),
    st.text(string.ascii_lowercase, min_size=1, max_size=10),
    st.text(string.ascii_letters + string.digits + "-_/", max_size=20),
)
stamps = st.datetimes(timezones=st.timezones()).map(lambda d: d.isoformat())
json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.decimals(allow_nan=False, allow_infinity=False)
    | st.text(),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(), inner, max_size=3),
    max_leaves=8,
)


def custom_keys(documented: set[str], legacy: set[str]) -> st.SearchStrategy[str]:
    taken = {name.casefold() for name in documented | legacy}
    return st.text(min_size=1, max_size=15).filter(
        lambda k: k.strip() != "" and k.strip().casefold() not in taken
    )


def optional(**fields: st.SearchStrategy[Any]) -> st.SearchStrategy[dict[str, Any]]:
    return st.fixed_dictionaries({}, optional=fields)


drip_items = st.builds(
    lambda required, extra, custom: {**required, **extra, **custom},
    st.fixed_dictionaries(
        {
            "product_id": some_text,
            "product_variant_id": some_text,
            "name": some_text,
            "price": money,
        }
    ),
    optional(
        sku=free_text,
        brand=free_text,
        categories=st.lists(free_text, max_size=3),
        quantity=st.integers(min_value=1, max_value=1000),
        discounts=money,
        total=money,
        product_url=urls,
        image_url=urls,
    ),
    st.dictionaries(
        custom_keys(set(DripItem.model_fields), set(DripItem.legacy_keys)), json_values, max_size=3
    ),
)

drip_carts = st.builds(
    lambda required, who, extra, custom: {**required, **who, **extra, **custom},
    st.fixed_dictionaries(
        {
            "provider": snake,
            "action": st.sampled_from(ACTIONS),
            "cart_id": some_text,
            "cart_url": urls,
        }
    ),
    st.one_of(
        st.fixed_dictionaries({"email": emails}),
        st.fixed_dictionaries({"person_id": some_text}),
    ),
    optional(
        initial_status=st.sampled_from(["active", "unsubscribed"]),
        occurred_at=stamps,
        cart_public_id=free_text,
        grand_total=money,
        total_discounts=money,
        currency=st.sampled_from(["USD", "EUR", "JPY", "GBP", "KWD"]),
        items=st.lists(drip_items, max_size=4),
    ),
    st.dictionaries(custom_keys(set(DripCart.model_fields), set()), json_values, max_size=3),
)

bronto_items = st.builds(
    lambda required, extra: {**required, **extra},
    st.fixed_dictionaries(
        {"quantity": st.integers(min_value=1, max_value=100), "totalPrice": money}
    ),
    optional(
        name=free_text,
        description=free_text,
        sku=free_text,
        other=free_text,
        imageUrl=urls,
        category=free_text,
        productUrl=urls,
        salePrice=money,
        unitPrice=money,
    ),
)

bronto_carts = st.builds(
    lambda required, extra: {**required, **extra},
    st.fixed_dictionaries({"customerCartId": some_text}),
    optional(
        url=urls,
        discountAmount=money,
        emailAddress=emails,
        contactId=free_text,
        grandTotal=money,
        deliveryId=free_text,
        lineItems=st.lists(bronto_items, max_size=4),
        originIp=st.ip_addresses().map(str),
        messageId=free_text,
        originUserAgent=free_text,
        shippingAmount=money,
        shippingDate=stamps,
        shippingDetails=free_text,
        shippingTrackingUrl=urls,
        subtotal=money,
        taxAmount=money,
        tid=free_text,
        phase=st.sampled_from(PHASES),
        currency=st.sampled_from(["USD", "EUR", "CHF"]),
    ),
)


@settings(max_examples=150, suppress_health_check=[HealthCheck.too_slow])
@given(drip_carts)
def test_a_valid_drip_cart_round_trips_through_its_json(payload: dict[str, Any]) -> None:
    first = DRIP.validate(payload)
    assert first.ok, first.errors
    body = DRIP.body(payload)
    again = jsonfmt.loads(body)
    second = DRIP.validate(again)
    assert second.ok, second.errors
    assert DRIP.canonical(again) == DRIP.canonical(payload)
    assert DRIP.body(again) == body


@settings(max_examples=150, suppress_health_check=[HealthCheck.too_slow])
@given(bronto_carts)
def test_a_valid_bronto_cart_round_trips_through_its_json(payload: dict[str, Any]) -> None:
    first = BRONTO.validate(payload)
    assert first.ok, first.errors
    body = BRONTO.body(payload)
    again = jsonfmt.loads(body)
    assert BRONTO.validate(again).ok
    assert BRONTO.canonical(again) == BRONTO.canonical(payload)
    assert BRONTO.body(again) == body


junk_leaf = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats()
    | st.decimals()
    | st.text()
    | st.binary(max_size=4)
    | st.sampled_from([set(), object(), float("nan"), Decimal("sNaN"), 10**400])
)
junk = st.recursive(
    junk_leaf,
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.dictionaries(st.text(max_size=10) | st.integers() | st.none(), inner, max_size=5)
    ),
    max_leaves=25,
)
field_names = st.sampled_from(
    sorted({*DripCart.model_fields, *DripItem.model_fields, "items", "lineItems", "customerCartId"})
)


@settings(max_examples=300)
@given(junk)
def test_junk_yields_errors_never_an_exception(value: Any) -> None:
    for provider in (DRIP, BRONTO):
        result = provider.validate(value)
        assert all(
            isinstance(k, str) and isinstance(m, str) and m for k, m in result.errors.items()
        )
        if not isinstance(value, dict):
            assert not result.ok


@settings(max_examples=300)
@given(
    st.dictionaries(field_names, junk, max_size=8), st.dictionaries(field_names, junk, max_size=5)
)
def test_junk_in_every_field_yields_errors_never_an_exception(
    cart: dict[str, Any], item: dict[str, Any]
) -> None:
    cart = {**cart, "items": [item, item], "lineItems": [item]}
    for provider in (DRIP, BRONTO):
        result = provider.validate(cart)
        assert not result.ok
        assert all(message.endswith((".", "!", "?")) for message in result.errors.values())


def test_a_deeply_nested_custom_attribute_is_an_error_not_a_crash() -> None:
    deep: Any = "leaf"
    for _ in range(5000):
        deep = [deep]
    payload = {"provider": "x", "email": "a@b.com", "action": "created", "cart_id": "1"}
    payload |= {"cart_url": "https://x.example/c", "deep": deep}
    assert DRIP.validate(payload).errors == {
        "deep": "Custom attribute “deep” is nested more than 64 levels deep."
    }
