"""An editor's text and the payload value, both ways: numbers exactly as typed, lists as commas,
blank left out, a number that does not parse kept as the text typed."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest

from app.domain.fieldtext import NUMBER_PATTERN, WHOLE_PATTERN, display_value, parse_value
from app.domain.fieldtypes import Kind


@pytest.mark.parametrize(
    ("kind", "text", "value"),
    [
        (Kind.MONEY, "16.990", Decimal("16.990")),
        (Kind.NUMBER, " 2 ", Decimal("2")),
        (Kind.MONEY, "12,50", "12,50"),  # kept: the rules say what is wrong
        (Kind.MONEY, "NaN", "NaN"),
        (Kind.INTEGER, "-3", -3),
        (Kind.INTEGER, "2.5", "2.5"),
        (Kind.TEXT_LIST, "shoes, , books ", ["shoes", "books"]),
        (Kind.TEXT, "  ", None),
        (Kind.TEXT, "as typed ", "as typed "),
    ],
)
def test_text_becomes_the_payload_value(kind: Kind, text: str, value: object) -> None:
    parsed = parse_value(kind, text)
    assert parsed == value and type(parsed) is type(value)


def test_values_read_back_as_typed() -> None:
    assert display_value(Decimal("16.990")) == "16.990"
    assert display_value(["a", "b"]) == "a, b"
    assert display_value(None) == ""
    assert display_value(True) == "true"
    assert display_value({"a": 1}) == '{"a":1}'
    assert display_value(parse_value(Kind.MONEY, "0.10")) == "0.10"


def test_the_editor_patterns_accept_what_they_should() -> None:
    assert re.fullmatch(NUMBER_PATTERN, "-12.50") and not re.fullmatch(NUMBER_PATTERN, "1.2.3")
    assert re.fullmatch(WHOLE_PATTERN, "-12") and not re.fullmatch(WHOLE_PATTERN, "1.5")
