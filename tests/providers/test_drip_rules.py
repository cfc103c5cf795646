"""Each Drip Cart Activity rule, with the exact field path and the exact message."""

from __future__ import annotations

import copy
from decimal import Decimal
from typing import Any

import pytest

from app.domain import jsonfmt
from app.providers import get_provider
from app.providers.drip.models import DripCart, DripItem
from app.providers.schema import custom_key_problem

DRIP = get_provider("drip")


def with_changes(base: dict[str, Any], **changes: Any) -> dict[str, Any]:
    payload = copy.deepcopy(base)
    for key, value in changes.items():
        if value is ...:
            payload.pop(key, None)
        else:
            payload[key] = value
    return payload


def with_item(base: dict[str, Any], **changes: Any) -> dict[str, Any]:
    payload = copy.deepcopy(base)
    payload["items"][0] = with_changes(payload["items"][0], **changes)
    return payload


def test_the_base_payload_is_valid(drip_payload: dict[str, Any]) -> None:
    result = DRIP.validate(drip_payload)
    assert result.ok and result.errors == {}


@pytest.mark.parametrize(
    ("changes", "path", "message"),
    [
        ({"provider": ...}, "provider", "Platform is required."),
        (
            {"provider": "My Shop"},
            "provider",
            "Platform must be lower snake case, like my_custom_platform.",
        ),
        (
            {"provider": "myShop"},
            "provider",
            "Platform must be lower snake case, like my_custom_platform.",
        ),
        ({"email": ...}, "email", "Email (or a Drip person ID, or a visitor UUID) is required."),
        ({"email": ""}, "email", "Email (or a Drip person ID, or a visitor UUID) is required."),
        (
            {"email": "user@"},
            "email",
            "Email must be a valid address like name@example.com. "
            "There must be something after the @-sign.",
        ),
        (
            {"email": "user.gmail.com"},
            "email",
            "Email must be a valid address like name@example.com. "
            "An email address must have an @-sign.",
        ),
        ({"action": ...}, "action", "Action is required."),
        ({"action": "deleted"}, "action", "Action must be created or updated."),
        ({"action": "Created"}, "action", "Action must be created or updated."),
        (
            {"initial_status": "pending"},
            "initial_status",
            "Initial status must be active or unsubscribed.",
        ),
        ({"cart_id": ...}, "cart_id", "Cart ID is required."),
        ({"cart_id": "   "}, "cart_id", "Cart ID is required."),
        ({"cart_id": 456445746}, "cart_id", "Cart ID must be text, not a number."),
        ({"cart_url": ...}, "cart_url", "Cart URL is required."),
        (
            {"cart_url": "mysuperstore.com/cart/1"},
            "cart_url",
            "Cart URL must be a full web address starting with http:// or https://.",
        ),
        (
            {"cart_url": "ftp://mysuperstore.com/cart/1"},
            "cart_url",
            "Cart URL must be a full web address starting with http:// or https://.",
        ),
        (
            {"cart_url": "https://my superstore.com/cart"},
            "cart_url",
            "Cart URL must be a full web address starting with http:// or https:// "
            "(it contains a space).",
        ),
        (
            {"occurred_at": "2019-01-17"},
            "occurred_at",
            "Occurred at must include a time and a time zone, like 2019-01-17T20:50:00Z.",
        ),
        (
            {"occurred_at": "2019-01-17T20:50:00"},
            "occurred_at",
            "Occurred at must include a time zone (Z or +01:00), like 2019-01-17T20:50:00Z.",
        ),
        (
            {"occurred_at": "yesterday"},
            "occurred_at",
            "Occurred at must be an ISO 8601 date and time, like 2019-01-17T20:50:00Z.",
        ),
        (
            {"currency": "usd"},
            "currency",
            "Currency must be written in capitals with no spaces: USD.",
        ),
        (
            {"currency": "ABC"},
            "currency",
            "Currency must be an ISO 4217 currency code, like USD, EUR or GBP.",
        ),
        ({"grand_total": Decimal("-0.01")}, "grand_total", "Grand total can't be negative."),
        (
            {"grand_total": "16.99"},
            "grand_total",
            "Grand total must be a number, not text (remove the quotes).",
        ),
        ({"total_discounts": -5}, "total_discounts", "Total discounts can't be negative."),
        (
            {"total_discounts": True},
            "total_discounts",
            "Total discounts must be a number, not true/false.",
        ),
        (
            {"grand_total": Decimal("1000000000000")},
            "grand_total",
            "Grand total is too large (it must be under 1,000,000,000,000).",
        ),
        ({"items": {"product_id": "x"}}, "items", "Items must be a list, not an object."),
        (
            {"items": ["B01J4SWO1G"]},
            "items[0]",
            "Item 1 must be an object with named fields, not text.",
        ),
        (
            {"person_id": 42},
            "person_id",
            "Drip person ID must be text, not a number.",
        ),
    ],
)
def test_cart_rule(
    drip_payload: dict[str, Any], changes: dict[str, Any], path: str, message: str
) -> None:
    errors = DRIP.validate(with_changes(drip_payload, **changes)).errors
    assert errors == {path: message}


@pytest.mark.parametrize(
    ("changes", "path", "message"),
    [
        ({"product_id": ...}, "items[0].product_id", "Item 1: Product ID is required."),
        (
            {"product_variant_id": ...},
            "items[0].product_variant_id",
            "Item 1: Variant ID is required.",
        ),
        ({"name": ""}, "items[0].name", "Item 1: Name is required."),
        ({"price": ...}, "items[0].price", "Item 1: Price is required."),
        ({"price": Decimal("-11.16")}, "items[0].price", "Item 1: Price can't be negative."),
        (
            {"price": "11.16"},
            "items[0].price",
            "Item 1: Price must be a number, not text (remove the quotes).",
        ),
        ({"quantity": 0}, "items[0].quantity", "Item 1: Quantity must be at least 1."),
        ({"quantity": -2}, "items[0].quantity", "Item 1: Quantity must be at least 1."),
        (
            {"quantity": Decimal("1.5")},
            "items[0].quantity",
            "Item 1: Quantity must be a whole number, like 1 or 2.",
        ),
        (
            {"quantity": "2"},
            "items[0].quantity",
            "Item 1: Quantity must be a number, not text (remove the quotes).",
        ),
        ({"discounts": -1}, "items[0].discounts", "Item 1: Discounts can't be negative."),
        ({"total": Decimal("-0.5")}, "items[0].total", "Item 1: Line total can't be negative."),
        (
            {"categories": "Accessories"},
            "items[0].categories",
            "Item 1: Categories must be a list of text, not text.",
        ),
        (
            {"categories": ["Accessories", 3]},
            "items[0].categories[1]",
            "Item 1: Categories entry 2 must be text, not a number.",
        ),
        (
            {"image_url": "water_bottle.png"},
            "items[0].image_url",
            "Item 1: Image URL must be a full web address starting with http:// or https://.",
        ),
        (
            {"image_url": ""},
            "items[0].image_url",
            "Item 1: Image URL is empty: fill it in, or clear it to leave it out.",
        ),
    ],
)
def test_item_rule(
    drip_payload: dict[str, Any], changes: dict[str, Any], path: str, message: str
) -> None:
    errors = DRIP.validate(with_item(drip_payload, **changes)).errors
    assert errors == {path: message}


def test_person_id_alone_is_enough(drip_payload: dict[str, Any]) -> None:
    result = DRIP.validate(with_changes(drip_payload, email=..., person_id="z1togz2hcjrkpp5treip"))
    assert result.ok
    assert result.warnings == {}


def test_person_id_and_email_together_warn_that_email_is_ignored(
    drip_payload: dict[str, Any],
) -> None:
    result = DRIP.validate(with_changes(drip_payload, person_id="z1togz2hcjrkpp5treip"))
    assert result.ok
    assert result.warnings == {"email": "Email will be ignored by Drip because a person ID is set."}


def test_optional_fields_may_be_left_out(drip_payload: dict[str, Any]) -> None:
    minimal = {
        key: drip_payload[key] for key in ("provider", "email", "action", "cart_id", "cart_url")
    }
    assert DRIP.validate(minimal).ok
    minimal["items"] = [
        {"product_id": "A", "product_variant_id": "A", "name": "Mug", "price": Decimal("3")}
    ]
    assert DRIP.validate(minimal).ok


def test_several_problems_are_all_reported_in_form_order(drip_payload: dict[str, Any]) -> None:
    payload = with_changes(drip_payload, provider="Bad Name", cart_url=..., currency="usd")
    payload["items"][0]["price"] = -1
    payload["items"][0]["product_id"] = ""
    result = DRIP.validate(payload)
    assert list(result.errors) == [
        "provider",
        "currency",
        "cart_url",
        "items[0].product_id",
        "items[0].price",
    ]
    assert [issue.code for issue in result.issues] == [
        "format_error",
        "format_error",
        "presence_error",
        "presence_error",
        "range_error",
    ]


def test_time_zones_and_valid_currencies_are_accepted(drip_payload: dict[str, Any]) -> None:
    for stamp in ("2019-01-17T20:50:00Z", "2019-01-17T21:50:00+01:00", "2019-01-17T20:50:00.123Z"):
        assert DRIP.validate(with_changes(drip_payload, occurred_at=stamp)).ok, stamp
    for code in ("EUR", "JPY", "GBP", "KWD", "CHF"):
        assert DRIP.validate(with_changes(drip_payload, currency=code)).ok, code


# --- custom attributes -------------------------------------------------------------------------


def test_custom_attributes_of_any_json_type_are_kept_in_order(drip_payload: dict[str, Any]) -> None:
    payload = with_changes(
        drip_payload,
        zeta_flag=True,
        alpha_list=[1, "two", None],
        nested={"b": Decimal("1.50"), "a": {"deep": "ünïcode"}},
        nothing=None,
    )
    payload["items"][0]["size"] = "XL"
    payload["items"][0]["gift"] = False
    result = DRIP.validate(payload)
    assert result.ok, result.errors
    body = jsonfmt.loads(DRIP.body(payload))
    assert list(body)[-5:] == ["items", "zeta_flag", "alpha_list", "nested", "nothing"]
    assert body["nested"] == {"b": Decimal("1.50"), "a": {"deep": "ünïcode"}}
    assert body["nothing"] is None
    assert list(body["items"][0])[-3:] == ["product_tag", "size", "gift"]
    assert b'"b": 1.50' in DRIP.body(payload)


@pytest.mark.parametrize(
    ("where", "key", "path", "message"),
    [
        ("cart", "", '[""]', "Custom attribute needs a name."),
        ("cart", "  ", '["  "]', "Custom attribute needs a name."),
        (
            "cart",
            "Email",
            "Email",
            "Custom attribute “Email” is too close to the documented field “email”; "
            "use that field or rename it.",
        ),
        (
            "cart",
            "cart_id ",
            '["cart_id "]',
            "Custom attribute “cart_id ” is too close to the documented field “cart_id”; "
            "use that field or rename it.",
        ),
        ("item", "", 'items[0][""]', "Item 1: Custom attribute needs a name."),
        (
            "item",
            "discount",
            "items[0].discount",
            "Item 1: Custom attribute “discount” is the old name of “discounts”; use “discounts”.",
        ),
        (
            "item",
            "Price",
            "items[0].Price",
            "Item 1: Custom attribute “Price” is too close to the documented field “price”; "
            "use that field or rename it.",
        ),
    ],
)
def test_custom_attribute_names_are_checked(
    drip_payload: dict[str, Any], where: str, key: str, path: str, message: str
) -> None:
    payload = copy.deepcopy(drip_payload)
    target = payload if where == "cart" else payload["items"][0]
    target[key] = "value"
    assert DRIP.validate(payload).errors == {path: message}


def test_a_custom_attribute_may_not_take_a_documented_fields_name() -> None:
    assert custom_key_problem(DripCart, "email") == (
        "has the same name as the documented field “email”; use that field instead"
    )
    assert custom_key_problem(DripItem, "price") == (
        "has the same name as the documented field “price”; use that field instead"
    )
    assert custom_key_problem(DripItem, "product_tag") is None
    assert custom_key_problem(DripCart, "") == "needs a name"


def test_custom_attribute_values_must_be_json(drip_payload: dict[str, Any]) -> None:
    payload = with_changes(drip_payload, tags={"a", "b"}, ratio=float("nan"))
    assert DRIP.validate(payload).errors == {
        "tags": "Custom attribute “tags” is not a JSON value (set).",
        "ratio": "Custom attribute “ratio” must not contain infinity or NaN.",
    }


def test_a_payload_that_is_not_an_object_is_one_clear_error() -> None:
    for junk, kind in (([], "a list"), ("cart", "text"), (None, "null"), (3, "a number")):
        assert DRIP.validate(junk).errors == {
            "": f"The cart must be a JSON object with named fields, not {kind}."
        }


def test_a_whole_quantity_written_2_0_is_valid_and_imported_as_2(drip_payload: dict) -> None:
    """Decision 11: Drip's Magento plugins send quantities as floats (2.0) and Drip takes them;
    importing a cart writes the same whole number as 2 and says so; 2.5 is still refused."""
    from app.providers import get_provider, loads_cart

    drip = get_provider("drip")
    payload = {**drip_payload, "items": [{**drip_payload["items"][0], "quantity": Decimal("2.0")}]}
    assert "items[0].quantity" not in drip.validate(payload).errors
    text = jsonfmt.dumps({"provider": "drip", "payload": payload})
    assert '"quantity": 2.0' in text
    loaded = loads_cart(text)
    assert loaded.document.payload["items"][0]["quantity"] == 2
    assert isinstance(loaded.document.payload["items"][0]["quantity"], int)
    assert b'"quantity": 2,' in drip.body(loaded.document.payload)
    (note,) = loaded.notes
    assert (note.path, note.message) == (
        "items[0].quantity",
        "Wrote 2.0 as 2: the same whole number, as the API reads it.",
    )
    half = {**drip_payload, "items": [{**drip_payload["items"][0], "quantity": Decimal("2.5")}]}
    assert drip.validate(half).errors["items[0].quantity"] == (
        "Item 1: Quantity must be a whole number, like 1 or 2."
    )


def test_an_anonymous_visitors_cart_is_valid(drip_payload: dict) -> None:
    from app.providers import get_provider

    drip = get_provider("drip")
    anonymous = {k: v for k, v in drip_payload.items() if k not in ("email", "person_id")}
    assert "email" in drip.validate(anonymous).errors
    anonymous["visitor_uuid"] = "5b9d2f1e-7c1a-4f7e-9a52-1f0c3f2d9b10"
    assert drip.validate(anonymous).ok
    body = drip.body(anonymous).decode()
    assert body.index('"visitor_uuid"') < body.index('"action"')  # a documented field's place


@pytest.mark.parametrize(
    ("moment", "outcome"),
    [
        ("2019-01-17T20:50:00Z", "valid"),  # Magento's form
        ("2019-01-17T20:50:00-07:00", "valid"),  # drip-ruby's
        ("2019-01-17t20:50:00z", "valid"),  # RFC 3339 allows the lower case
        ("2019-01-17T20:50:00.125+01:00", "valid"),
        ("2019-W03-4T20:50:00Z", "warned"),  # ISO 8601 week date
        ("20190117T205000Z", "warned"),  # basic format
        ("2019-01-17 20:50:00Z", "warned"),  # a space for T
        ("2019-01-17T20:50Z", "warned"),  # no seconds
        ("2019-02-30T20:50:00Z", "refused"),
        ("2019-01-17T20:50:00", "refused"),  # no zone
        ("yesterday", "refused"),
    ],
)
def test_occurred_at_takes_rfc_3339_and_warns_of_other_iso_spellings(
    drip_payload: dict, moment: str, outcome: str
) -> None:
    result = get_provider("drip").validate({**drip_payload, "occurred_at": moment})
    got = (
        "refused"
        if "occurred_at" in result.errors
        else "warned"
        if "occurred_at" in result.warnings
        else "valid"
    )
    assert got == outcome, (result.errors, result.warnings)
    if outcome == "warned":
        assert result.warnings["occurred_at"].startswith(
            "Occurred at is ISO 8601 but not in the form the vendors' own clients send (RFC 3339"
        )
