"""A field's text in an editor and its value in the payload, both ways: numbers exactly as
typed, lists as comma-separated text, blank as "leave it out". Pure: the form, the items table
and any future front end share it."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from typing import Any

from app.domain import jsonfmt
from app.domain.fieldtypes import Kind

__all__ = ["NUMBER_PATTERN", "WHOLE_PATTERN", "display_value", "parse_value"]

# What a number editor lets one type (a validator's pattern): a sign, digits, one point.
NUMBER_PATTERN = r"-?[0-9]*\.?[0-9]*"
WHOLE_PATTERN = r"-?[0-9]*"


def display_value(value: Any) -> str:
    """How a payload value reads in an editor: numbers exactly as typed, lists joined."""
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return jsonfmt.format_decimal(value) if value.is_finite() else str(value)
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return str(value)
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return ", ".join(value)
    return jsonfmt.dumps(value, indent=None)


def parse_value(kind: Kind, text: str) -> Any:
    """What an editor's text puts in the payload. Blank → None (left out). A number that does
    not parse stays text, so the validation says what is wrong and QA can still send it."""
    if not text.strip():
        return None
    if kind in (Kind.MONEY, Kind.NUMBER):
        try:
            number = Decimal(text.strip())
        except InvalidOperation:
            return text
        return number if number.is_finite() else text
    if kind is Kind.INTEGER:
        # ASCII digits with one optional minus, as the editors' pattern lets one type: "²" and
        # "--5" pass str.isdigit() after a strip but not int().
        stripped = text.strip()
        return int(stripped) if re.fullmatch(r"-?[0-9]+", stripped) else text
    if kind is Kind.BOOL and text.strip() in ("true", "false"):
        return text.strip() == "true"
    if kind is Kind.TEXT_LIST:
        return [part.strip() for part in text.split(",") if part.strip()]
    return text
