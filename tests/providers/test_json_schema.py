"""The JSON Schema of each provider's payload, from its models: the shipped and golden carts
pass it, and a cart the app would refuse (money as a string, a null, a wrong type) fails it."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from app.paths import sample_cart
from app.providers import provider_keys
from app.providers.json_schema import provider_schema

GOLDEN = Path(__file__).parents[1] / "golden"


def validator(key: str) -> jsonschema.Draft202012Validator:
    schema = provider_schema(key)
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema, format_checker=jsonschema.FormatChecker())


def carts(key: str) -> list[tuple[str, dict[str, Any]]]:
    found = [("sample", json.loads(Path(sample_cart(key)).read_text())["payload"])]
    for path in sorted(GOLDEN.glob(f"{key}-*.json")):
        found.append((path.name, json.loads(path.read_text())))
    return found


@pytest.mark.parametrize("key", provider_keys())
def test_the_shipped_and_golden_carts_pass(key: str) -> None:
    check = validator(key)
    for name, payload in carts(key):
        assert [e.message for e in check.iter_errors(payload)] == [], name


@pytest.mark.parametrize(
    ("key", "where", "value", "words"),
    [
        ("drip", ("grand_total",), "16.99", "'16.99' is not of type 'number'"),
        ("drip", ("currency",), None, "None is not of type 'string'"),  # left out, not null
        ("drip", ("items",), {"a": 1}, "{'a': 1} is not of type 'array'"),
        ("drip", ("email",), "not-an-email", "'not-an-email' is not a 'email'"),
        ("drip", ("action",), "deleted", "'deleted' is not one of ['created', 'updated']"),
        ("bronto", ("lineItems", 0, "unitPrice"), "1.00", "'1.00' is not of type 'number'"),
        ("mailchimp", ("currency_code",), "usd", "'usd' does not match '^[A-Z]{3}$'"),
        ("klaviyo", ("data", "type"), 7, "7 is not of type 'string'"),
    ],
)
def test_a_junk_cart_fails(key: str, where: tuple[Any, ...], value: Any, words: str) -> None:
    payload = carts(key)[0][1]
    spot = payload
    for step in where[:-1]:
        spot = spot[step]
    spot[where[-1]] = value
    said = [e.message for e in validator(key).iter_errors(payload)]
    assert words in said, said
