"""Deterministic JSON text: Decimal written exactly as typed, readable non-ASCII, stable bytes."""

from __future__ import annotations

import json
import json.encoder
import math
import re
import sys
from collections.abc import Callable, Mapping
from decimal import Decimal
from typing import Any

__all__ = [
    "JsonSyntaxError",
    "RawJson",
    "dumps",
    "dumps_element",
    "format_decimal",
    "loads",
    "pretty",
]

# Past these exponents a plain positional rendering would be absurdly long; use E notation.
_MAX_POSITIONAL_EXPONENT = 40


class JsonSyntaxError(ValueError):
    """Text that is not the JSON we accept, with a 1-based line and column when known."""

    def __init__(self, message: str, line: int = 0, column: int = 0) -> None:
        where = f" (line {line}, column {column})" if line else ""
        super().__init__(f"{message}{where}")
        self.reason = message
        self.line = line
        self.column = column


def format_decimal(value: Decimal) -> str:
    """The JSON number text for a Decimal: `16.99` stays `16.99`, `5` stays `5`, `16.990` stays."""
    if not value.is_finite():
        raise ValueError(f"{value} is not a finite number")
    exponent = value.as_tuple().exponent
    assert isinstance(exponent, int)  # finite values always have an int exponent
    if exponent >= -_MAX_POSITIONAL_EXPONENT and value.adjusted() <= _MAX_POSITIONAL_EXPONENT:
        # 'f' keeps the typed digits ("0.0000001", not "1E-7"); str() would switch to E notation.
        return format(value, "f")
    return str(value)


# json's own string writer (in C), the one json.dumps(ensure_ascii=False) uses.
_encode_string: Callable[[str], str] = json.encoder.encode_basestring
_SURROGATE = re.compile("[\ud800-\udfff]")


def _string(text: str) -> str:
    out = _encode_string(text)
    if _SURROGATE.search(out):
        # A lone surrogate (possible after parsing "\ud800") cannot be encoded as UTF-8: escape it.
        out = _SURROGATE.sub(lambda match: f"\\u{ord(match.group()):04x}", out)
    return out


class RawJson(str):
    """JSON text already written, its lines after the first indented for nesting ``level``:
    ``dumps`` copies it as is at that depth and shifts those lines to wherever it is placed
    (an envelope puts a cart deeper); without a ``level`` it is copied as is wherever it
    goes. How the preview reuses the text of line items that did not change."""

    level: int | None

    def __new__(cls, text: str, level: int | None = None) -> RawJson:
        made = super().__new__(cls, text)
        made.level = level
        return made


def _write(value: Any, indent: int | None, level: int, parts: list[str]) -> None:
    if isinstance(value, RawJson):
        shift = 0 if value.level is None else level - value.level
        if shift and indent is not None:
            value = RawJson(value.replace("\n", "\n" + " " * (indent * shift)), level)
        parts.append(value)
    elif value is None:
        parts.append("null")
    elif value is True:
        parts.append("true")
    elif value is False:
        parts.append("false")
    elif isinstance(value, str):
        parts.append(_string(value))
    elif isinstance(value, int):
        parts.append(str(value))
    elif isinstance(value, Decimal):
        parts.append(format_decimal(value))
    elif isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError(f"{value} is not a finite number")
        parts.append(repr(value))
    elif isinstance(value, Mapping):
        _write_container(list(value.items()), "{", "}", indent, level, parts, keyed=True)
    elif isinstance(value, list | tuple):
        _write_container(list(value), "[", "]", indent, level, parts, keyed=False)
    else:
        raise TypeError(f"{type(value).__name__} is not a JSON value")


def _write_container(
    entries: list[Any],
    opener: str,
    closer: str,
    indent: int | None,
    level: int,
    parts: list[str],
    *,
    keyed: bool,
) -> None:
    if not entries:
        parts.append(opener + closer)
        return
    parts.append(opener)
    inner = "" if indent is None else "\n" + " " * (indent * (level + 1))
    for index, entry in enumerate(entries):
        if index:
            parts.append(",")
        parts.append(inner)
        if keyed:
            key, item = entry
            if not isinstance(key, str):
                raise TypeError(f"object keys must be text, not {type(key).__name__}")
            parts.append(_string(key))
            parts.append(": " if indent is not None else ":")
        else:
            item = entry
        _write(item, indent, level + 1, parts)
    parts.append("" if indent is None else "\n" + " " * (indent * level))
    parts.append(closer)


def dumps(value: Any, *, indent: int | None = 2) -> str:
    """JSON text for a tree of dict/list/str/int/Decimal/float/bool/None.

    Keys keep their insertion order; with ``indent`` the layout matches ``json.dumps(indent=2)``.
    Raises ``TypeError`` for non-JSON values and ``ValueError`` for NaN or infinities.
    """
    return _written(value, indent, 0)


def dumps_element(value: Any, level: int, *, indent: int = 2) -> str:
    """``value`` written as it appears ``level`` containers deep in ``dumps`` output (its
    first line unindented, the lines after it indented for that depth)."""
    return _written(value, indent, level)


def _written(value: Any, indent: int | None, level: int) -> str:
    parts: list[str] = []
    try:
        _write(value, indent, level, parts)
    except RecursionError:
        raise ValueError("the value is nested too deeply to write as JSON") from None
    return "".join(parts)


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not allowed in JSON")


def _no_duplicate_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            raise ValueError(f"the key “{key}” appears twice in one object")
        result[key] = value
    return result


# Python's words for a JSON syntax error (3.11 to 3.14), and what they mean to someone editing
# a cart by hand: "Extra data" and "Expecting property name enclosed in double quotes" (the
# trailing comma everyone types) say what the parser wanted, not what to fix.
_PLAIN = (
    (
        "Expecting value",
        'a value is expected here: a "text", a number, true, false, null, a [list] or an {object}',
    ),
    ("Extra data", "there is more text after the end of the JSON"),
    ("Expecting ',' delimiter", "a comma is missing between two values"),
    ("Expecting ':' delimiter", "a colon is missing between a key and its value"),
    (
        "Expecting property name",
        'a key in double quotes is expected here (a comma before "}" leaves one out)',
    ),
    (
        "Illegal trailing comma before end of object",
        'a comma before "}" leaves out a key: remove the comma',
    ),
    (
        "Illegal trailing comma before end of array",
        'a comma before "]" leaves out a value: remove the comma',
    ),
    ("Unterminated string", "a text in quotes is never closed"),
    (
        "Invalid control character",
        r"a text in quotes has a line break or tab typed into it: write \n or \t",
    ),
    ("Invalid \\uXXXX escape", r"a \u escape needs four hexadecimal digits"),
    ("Invalid \\escape", r"a backslash starts no escape JSON has: write \\ for a backslash"),
)


def _plain(message: str) -> str:
    return next((words for start, words in _PLAIN if message.startswith(start)), message)


def loads(text: str | bytes) -> Any:
    """Parse JSON with numbers kept exact (Decimal for fractions, int for whole numbers).

    Rejects NaN/Infinity and duplicate keys. Every failure is a ``JsonSyntaxError``.
    """
    if isinstance(text, bytes):
        try:
            text = text.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise JsonSyntaxError(f"the text is not UTF-8 (byte {exc.start})") from None
    try:
        return json.loads(
            text,
            parse_float=Decimal,
            parse_constant=_reject_constant,
            object_pairs_hook=_no_duplicate_keys,
        )
    except json.JSONDecodeError as exc:
        if not text.strip():
            raise JsonSyntaxError("there is no JSON: the text is empty") from None
        if exc.msg == "Expecting value" and not text[: exc.pos].strip():
            # Not JSON at all (a passwd file, an HTML page): said of its start.
            first = repr(text[exc.pos])[1:-1]
            raise JsonSyntaxError(
                f'it begins with "{first}", which JSON cannot begin with', exc.lineno, exc.colno
            ) from None
        raise JsonSyntaxError(_plain(exc.msg), exc.lineno, exc.colno) from None
    except RecursionError:
        raise JsonSyntaxError("the JSON is nested too deeply") from None
    except ValueError as exc:
        if "integer string conversion" in str(exc):
            # Python's own words here advise sys.set_int_max_str_digits(): not for our users.
            raise JsonSyntaxError(
                f"a whole number has more than {sys.get_int_max_str_digits():,} digits; no "
                "API takes a number that long"
            ) from None
        raise JsonSyntaxError(str(exc)) from None  # duplicate keys, NaN


def pretty(body: bytes) -> str:
    """A body for reading: indented JSON when it is JSON, else the text as it came."""
    if not body:
        return ""
    try:
        return dumps(loads(body))
    except (JsonSyntaxError, ValueError, TypeError):
        return body.decode("utf-8", errors="replace")
