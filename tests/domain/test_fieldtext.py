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
        (Kind.INTEGER, " 7 ", 7),
        (Kind.INTEGER, "²", "²"),  # kept as text, where int() raised ValueError
        (Kind.INTEGER, "--5", "--5"),
        (Kind.INTEGER, "-", "-"),
        (Kind.TEXT_LIST, "shoes, , books ", ["shoes", "books"]),
        (Kind.TEXT, "  ", None),
        (Kind.TEXT, "as typed ", "as typed "),
        (Kind.BOOL, "true", True),
        (Kind.BOOL, "false", False),
        (Kind.BOOL, "yes", "yes"),  # kept: the rule says it must be true or false
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


def test_a_flag_is_a_json_boolean_and_text_is_refused_with_what_to_fix() -> None:
    from pydantic_core import PydanticCustomError

    from app.domain import rules

    assert rules.boolean(False) is False
    with pytest.raises(PydanticCustomError) as text:
        rules.boolean("true")
    assert str(text.value) == "must be true or false, not text (remove the quotes)"
    with pytest.raises(PydanticCustomError) as number:
        rules.boolean(1)
    assert str(number.value) == "must be true or false, not a number"
