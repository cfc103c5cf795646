"""Annotated field types for the provider models: a wire type, the rule that checks it, its kind.

The kind (``Kind``) tells a form which editor to use; it rides along in the field's metadata so
the model stays the one place that says what a field is.
"""

from __future__ import annotations

from decimal import Decimal
from enum import StrEnum
from typing import Annotated

from pydantic import BeforeValidator

from app.domain import rules

__all__ = [
    "Bool",
    "Currency",
    "DateOrDateTime",
    "DateTimeWithZone",
    "Email",
    "IpAddress",
    "Kind",
    "LowerSnake",
    "Money",
    "PositiveInt",
    "PositiveNumber",
    "RequiredText",
    "Text",
    "TextList",
    "WebUrl",
]


class Kind(StrEnum):
    TEXT = "text"
    EMAIL = "email"
    URL = "url"
    MONEY = "money"
    INTEGER = "integer"
    NUMBER = "number"
    DATETIME = "datetime"
    DATE_OR_DATETIME = "date_or_datetime"
    CURRENCY = "currency"
    CHOICE = "choice"
    TEXT_LIST = "text_list"
    IP_ADDRESS = "ip_address"
    ITEMS = "items"
    BOOL = "bool"


# A value that has not been set is absent from the payload; None only appears as the default.
Text = Annotated[str | None, BeforeValidator(rules.text), Kind.TEXT]
RequiredText = Annotated[str, BeforeValidator(rules.required_text), Kind.TEXT]
LowerSnake = Annotated[str, BeforeValidator(rules.lower_snake_case), Kind.TEXT]
Email = Annotated[str | None, BeforeValidator(rules.email), Kind.EMAIL]
WebUrl = Annotated[str | None, BeforeValidator(rules.web_url), Kind.URL]
Money = Annotated[Decimal | None, BeforeValidator(rules.money), Kind.MONEY]
PositiveInt = Annotated[int | None, BeforeValidator(rules.positive_integer), Kind.INTEGER]
PositiveNumber = Annotated[Decimal | None, BeforeValidator(rules.positive_number), Kind.NUMBER]
DateTimeWithZone = Annotated[
    str | None, BeforeValidator(rules.iso_datetime_with_zone), Kind.DATETIME
]
DateOrDateTime = Annotated[
    str | None, BeforeValidator(rules.iso_date_or_datetime), Kind.DATE_OR_DATETIME
]
Currency = Annotated[str | None, BeforeValidator(rules.currency), Kind.CURRENCY]
IpAddress = Annotated[str | None, BeforeValidator(rules.ip_address), Kind.IP_ADDRESS]
# A JSON true or false (Mailchimp's opt_in_status): a form offers both words.
Bool = Annotated[bool | None, BeforeValidator(rules.boolean), Kind.BOOL]
# Elements are checked one by one, so an error names its index: items[0].categories[1].
TextList = Annotated[
    list[Annotated[str, BeforeValidator(rules.text)]] | None,
    BeforeValidator(rules.text_list),
    Kind.TEXT_LIST,
]
# Enum fields are written as Annotated[Literal[...], BeforeValidator(rules.text), Kind.CHOICE]:
# the Literal is the list of wire values, and the error text is made from it.
