"""Field rules shared by the provider models: each checks one raw JSON value and explains a refusal.

A rule returns the value unchanged (so what validates is exactly what is sent) or raises
``PydanticCustomError(code, predicate)``. ``code`` is one of Drip's error codes (the sandbox
answers with them); ``predicate`` finishes the sentence "<Field label> ...", e.g.
"must be lower snake case, like my_custom_platform", and is written for a marketer.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Callable, Iterable
from datetime import date, datetime
from decimal import Decimal
from functools import cache, lru_cache
from typing import Any
from urllib.parse import urlsplit

from pydantic_core import PydanticCustomError

__all__ = [
    "MAX_AMOUNT",
    "MAX_QUANTITY",
    "boolean",
    "currency",
    "describe_json_type",
    "email",
    "ip_address",
    "is_rfc3339",
    "iso_date_or_datetime",
    "iso_datetime_with_zone",
    "lower_snake_case",
    "money",
    "positive_integer",
    "positive_number",
    "required_text",
    "spoken_choices",
    "spoken_list",
    "starts_with",
    "text",
    "text_list",
    "web_url",
]

# Amounts travel as JSON numbers, which the services most likely read as doubles: past about
# 15 significant digits they stop being exact. A trillion leaves room for cents.
MAX_AMOUNT = Decimal(10) ** 12
# Quantities most likely land in a 32-bit integer column on the server.
MAX_QUANTITY = 2**31 - 1

_LOWER_SNAKE = re.compile(r"[a-z0-9]+(?:_[a-z0-9]+)*")
# RFC 3339 date-time: what the vendors' own clients send (Magento: …Z; drip-ruby: -07:00).
_RFC3339 = re.compile(r"\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:[Zz]|[+-]\d{2}:\d{2})")
_FULL_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def _fail(code: str, predicate: str) -> PydanticCustomError:
    # No context is passed, so braces in the predicate are never treated as placeholders.
    return PydanticCustomError(code, predicate)


def describe_json_type(value: Any) -> str:
    """How a message names the JSON type of ``value``: "text", "a number", "a list", …"""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, str):
        return "text"
    if isinstance(value, int | float | Decimal):
        return "a number"
    if isinstance(value, list | tuple):
        return "a list"
    if isinstance(value, dict):
        return "an object"
    return type(value).__name__


def text(value: Any) -> Any:
    """Any text, empty allowed (optional free-text fields)."""
    if not isinstance(value, str):
        raise _fail("type_error", f"must be text, not {describe_json_type(value)}")
    return value


def boolean(value: Any) -> Any:
    """A JSON true or false; the text "true" is not one (the form writes the value itself)."""
    if not isinstance(value, bool):
        said = "text (remove the quotes)" if isinstance(value, str) else describe_json_type(value)
        raise _fail("type_error", f"must be true or false, not {said}")
    return value


def required_text(value: Any) -> Any:
    """Text with something in it besides spaces."""
    text(value)
    if not value.strip():
        raise _fail("presence_error", "is required")
    return value


def text_list(value: Any) -> Any:
    """A JSON array (element types are checked one by one by the model)."""
    if not isinstance(value, list | tuple):
        raise _fail("type_error", f"must be a list of text, not {describe_json_type(value)}")
    return list(value)


def email(value: Any) -> Any:
    required_text(value)
    if _plain_and_accepted(value):
        return value
    # Imported here: email_validator costs ~70 ms and is not needed before the first paint.
    from email_validator import EmailNotValidError, validate_email

    try:
        validate_email(value, check_deliverability=False)
    except EmailNotValidError as exc:
        raise _fail(
            "email_error", f"must be a valid address like name@example.com. {exc}"
        ) from None
    return value


# A plain address: ASCII letters, digits, "_", "+" and "-" in dot-separated runs before the
# one "@", at most 254 characters in all (email-validator's limit). It is valid exactly when
# email-validator accepts its domain, whose check (IDNA, special-use names such as .test) is
# half the ~120 µs a whole check takes; each domain is checked once here. Any other address,
# and every refusal, is checked whole, for email-validator's own words. A property test holds
# this to email-validator's answer.
_PLAIN_LOCAL = re.compile(r"[A-Za-z0-9_+-]+(?:\.[A-Za-z0-9_+-]+)*")


def _plain_and_accepted(value: str) -> bool:
    local, at, domain = value.partition("@")
    return bool(
        at
        and len(value) <= 254
        and value.isascii()
        and _PLAIN_LOCAL.fullmatch(local)
        and _domain_accepted(domain)
    )


@lru_cache(maxsize=512)
def _domain_accepted(domain: str) -> bool:
    from email_validator import EmailNotValidError, validate_email

    try:
        validate_email(f"a@{domain}", check_deliverability=False)
    except EmailNotValidError:
        return False
    return True


# Any character str.isspace() calls a space (re's \s is the same Unicode class), found in C.
_SPACE = re.compile(r"\s")


def web_url(value: Any) -> Any:
    """An absolute http or https URL with a host."""
    required_text(value)
    problem = "must be a full web address starting with http:// or https://"
    if _SPACE.search(value):
        raise _fail("url_error", f"{problem} (it contains a space)")
    try:
        parts = urlsplit(value)
        host = parts.hostname
    except ValueError:
        raise _fail("url_error", problem) from None
    if parts.scheme.lower() not in ("http", "https") or not host:
        raise _fail("url_error", problem)
    return value


def _number(value: Any) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
        if isinstance(value, str):
            raise _fail("type_error", "must be a number, not text (remove the quotes)")
        raise _fail("type_error", f"must be a number, not {describe_json_type(value)}")
    if isinstance(value, float):
        # repr gives the shortest text that reads back as the same float: 16.99, not 16.98999…
        value = Decimal(repr(value))
    number = Decimal(value)
    if not number.is_finite():
        raise _fail("type_error", "must be a number, not infinity or NaN")
    return number


def money(value: Any) -> Any:
    """An amount: a JSON number, 0 or more, kept exactly as typed."""
    number = _number(value)
    if number < 0:
        raise _fail("range_error", "can't be negative")
    if number >= MAX_AMOUNT:
        raise _fail("range_error", "is too large (it must be under 1,000,000,000,000)")
    return number


def positive_integer(value: Any) -> Any:
    """A whole number from 1. ``2.0`` is one (Drip's Magento plugins send quantities so, and
    Drip takes them — decision 11); importing a cart writes it as ``2``. ``2.5`` is not."""
    number = _number(value)
    if isinstance(value, Decimal | float) and number != number.to_integral_value():
        raise _fail("type_error", "must be a whole number, like 1 or 2")
    if number < 1:
        raise _fail("range_error", "must be at least 1")
    if number > MAX_QUANTITY:
        raise _fail("range_error", f"is too large (at most {MAX_QUANTITY:,})")
    return value


def positive_number(value: Any) -> Any:
    """A quantity that may be fractional (Bronto's line items say only "number")."""
    number = _number(value)
    if number <= 0:
        raise _fail("range_error", "must be more than 0")
    if number > MAX_QUANTITY:
        raise _fail("range_error", f"is too large (at most {MAX_QUANTITY:,})")
    return number


def is_rfc3339(value: str, *, date_only: bool = False) -> bool:
    """Whether ``value`` is an RFC 3339 date-time (extended form, ``T`` or ``t``, an optional
    fraction, ``Z``/``z`` or ``±hh:mm``) — or, with ``date_only``, a full-date too — and a
    real moment. Other ISO 8601 spellings Python reads (week dates, basic format, a space for
    ``T``) are not: the services are not known to read them (decision 13)."""
    if date_only and _FULL_DATE.fullmatch(value):
        try:
            date.fromisoformat(value)
        except ValueError:
            return False
        return True
    if not _RFC3339.fullmatch(value):
        return False
    try:
        datetime.fromisoformat(value.upper())
    except ValueError:
        return False
    return True


def iso_datetime_with_zone(value: Any) -> Any:
    required_text(value)
    example = "like 2019-01-17T20:50:00Z"
    if _RFC3339.fullmatch(value):
        if not is_rfc3339(value):
            raise _fail("time_error", f"is not a real date and time, {example}")
        return value  # t and z too, which Python's own parser does not take
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        raise _fail("time_error", f"must be an ISO 8601 date and time, {example}") from None
    if "T" not in value.upper() and " " not in value.strip():
        raise _fail("time_error", f"must include a time and a time zone, {example}")
    if parsed.tzinfo is None:
        raise _fail("time_error", f"must include a time zone (Z or +01:00), {example}")
    return value


def iso_date_or_datetime(value: Any) -> Any:
    required_text(value)
    for parse in (date.fromisoformat, datetime.fromisoformat):
        try:
            parse(value)
        except ValueError:
            continue
        return value
    raise _fail(
        "time_error",
        "must be an ISO 8601 date or date and time, like 2015-01-02 or 2015-01-02T10:00:00Z",
    )


@cache
def _iso4217_codes() -> frozenset[str]:
    from iso4217 import Currency

    return frozenset(member.code for member in Currency)


def currency(value: Any) -> Any:
    required_text(value)
    codes = _iso4217_codes()
    if value in codes:
        return value
    if value.strip().upper() in codes:
        raise _fail(
            "format_error", f"must be written in capitals with no spaces: {value.strip().upper()}"
        )
    raise _fail("format_error", "must be an ISO 4217 currency code, like USD, EUR or GBP")


def lower_snake_case(value: Any) -> Any:
    required_text(value)
    if not _LOWER_SNAKE.fullmatch(value):
        raise _fail("format_error", "must be lower snake case, like my_custom_platform")
    return value


def ip_address(value: Any) -> Any:
    required_text(value)
    try:
        ipaddress.ip_address(value)
    except ValueError:
        raise _fail(
            "format_error", "must be an IPv4 or IPv6 address, like 203.0.113.7 or 2001:db8::1"
        ) from None
    return value


def starts_with(prefix: str, why: str) -> Callable[[Any], Any]:
    """A rule: text that starts with ``prefix`` (``why`` says whose convention it is)."""

    def check(value: Any) -> Any:
        required_text(value)
        if not value.startswith(prefix):
            raise _fail("format_error", f"must start with {prefix} ({why})")
        return value

    return check


def spoken_choices(choices: Iterable[str]) -> str:
    """ "created or updated", "A, B or C": the choices as a sentence says them."""
    return spoken_list(choices, "or")


def spoken_list(items: Iterable[str], word: str = "and") -> str:
    """ "Drip and Bronto", "Drip, Bronto, Klaviyo and Mailchimp": a list as a sentence says
    it, joined by ``word``."""
    said = [str(item) for item in items]
    if len(said) <= 2:
        return f" {word} ".join(said)
    return ", ".join(said[:-1]) + f" {word} " + said[-1]
