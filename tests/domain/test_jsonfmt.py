"""The JSON writer and reader: exact numbers, stable layout, readable text, clear errors."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.domain import jsonfmt


@pytest.mark.parametrize(
    ("typed", "written"),
    [
        ("16.99", "16.99"),
        ("5", "5"),
        ("16.990", "16.990"),
        ("0.0000001", "0.0000001"),
        ("0", "0"),
        ("1234567890.12", "1234567890.12"),
    ],
)
def test_decimal_is_written_exactly_as_typed(typed: str, written: str) -> None:
    assert jsonfmt.dumps({"price": Decimal(typed)}, indent=None) == f'{{"price":{written}}}'


def test_float_is_written_in_its_shortest_form_never_with_artefacts() -> None:
    assert jsonfmt.dumps([16.99, 0.1 + 0.2, 5.0], indent=None) == "[16.99,0.30000000000000004,5.0]"
    # Money typed as text goes through Decimal, so the artefact above never reaches a payload.
    assert jsonfmt.dumps(Decimal("0.3"), indent=None) == "0.3"


def test_non_finite_numbers_are_refused() -> None:
    for bad in (Decimal("NaN"), Decimal("Infinity"), float("nan"), float("-inf")):
        with pytest.raises(ValueError, match="not a finite number"):
            jsonfmt.dumps({"x": bad})


def test_non_json_values_are_refused_with_the_type_named() -> None:
    with pytest.raises(TypeError, match="set is not a JSON value"):
        jsonfmt.dumps({"x": {1, 2}})
    with pytest.raises(TypeError, match="object keys must be text"):
        jsonfmt.dumps({1: "x"})


def test_non_ascii_stays_readable_and_surrogates_stay_encodable() -> None:
    text = jsonfmt.dumps({"name": "Café ☕ שלום"}, indent=None)
    assert text == '{"name":"Café ☕ שלום"}'
    lone = jsonfmt.dumps("a\ud800b", indent=None)
    assert lone == '"a\\ud800b"'
    assert lone.encode("utf-8") == b'"a\\ud800b"'
    assert jsonfmt.loads(lone) == "a\ud800b"


json_leaf = st.none() | st.booleans() | st.integers() | st.text()
json_tree = st.recursive(
    json_leaf,
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(), children, max_size=4)
    ),
    max_leaves=20,
)


@given(json_tree)
def test_layout_matches_the_standard_library_two_space_layout(value: Any) -> None:
    expected = json.dumps(value, indent=2, ensure_ascii=False)
    assert jsonfmt.dumps(value) == expected
    assert jsonfmt.dumps(value, indent=None) == json.dumps(
        value, ensure_ascii=False, separators=(",", ":")
    )


@given(json_tree)
def test_what_is_written_reads_back_equal(value: Any) -> None:
    assert jsonfmt.loads(jsonfmt.dumps(value)) == value


def test_loads_keeps_fractions_exact_and_integers_whole() -> None:
    parsed = jsonfmt.loads('{"a": 16.990, "b": 5, "c": 1e2}')
    assert parsed == {"a": Decimal("16.990"), "b": 5, "c": Decimal("1E+2")}
    assert type(parsed["b"]) is int
    assert str(parsed["a"]) == "16.990"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        # Python's words ("Expecting property name enclosed in double quotes", "Expecting
        # value", "Extra data") say what the parser wanted; these say what to fix.
        (
            '{"a": 1,}',
            'a key in double quotes is expected here (a comma before "}" leaves one out) '
            "(line 1, column 9)",
        ),
        (
            '{\n  "a": tru\n}',
            'a value is expected here: a "text", a number, true, false, null, a [list] or an '
            "{object} (line 2, column 8)",
        ),
        ("[1 2]", "a comma is missing between two values (line 1, column 4)"),
        ('{"a" 1}', "a colon is missing between a key and its value (line 1, column 6)"),
        ("{} x", "there is more text after the end of the JSON (line 1, column 4)"),
        ('"abc', "a text in quotes is never closed (line 1, column 1)"),
        (
            '"a\tb"',
            r"a text in quotes has a line break or tab typed into it: write \n or \t "
            "(line 1, column 3)",
        ),
        (
            r'"\q"',
            r"a backslash starts no escape JSON has: write \\ for a backslash (line 1, "
            "column 2)",
        ),
        (r'"\u12"', r"a \u escape needs four hexadecimal digits (line 1, column 3)"),
        (" \n", "there is no JSON: the text is empty"),
        ("root:x:0:0", 'it begins with "r", which JSON cannot begin with (line 1, column 1)'),
        ("\n <html>", 'it begins with "<", which JSON cannot begin with (line 2, column 2)'),
        ('{"a": NaN}', "NaN is not allowed in JSON"),
        ('{"a": 1, "a": 2}', "the key “a” appears twice in one object"),
        ("[" * 100_000, "the JSON is nested too deeply"),
        (b"\xff\xfe{}", "the text is not UTF-8 (byte 0)"),
    ],
)
def test_loads_explains_what_is_wrong(text: str | bytes, message: str) -> None:
    with pytest.raises(jsonfmt.JsonSyntaxError) as caught:
        jsonfmt.loads(text)
    assert str(caught.value) == message


def test_loads_reports_line_and_column_separately() -> None:
    with pytest.raises(jsonfmt.JsonSyntaxError) as caught:
        jsonfmt.loads('{\n  "a": tru\n}')
    assert (caught.value.line, caught.value.column) == (2, 8)
    assert caught.value.reason.startswith("a value is expected here")


def test_the_newer_pythons_words_for_a_trailing_comma_are_said_plainly_too() -> None:
    # Python 3.13 says "Illegal trailing comma before end of object/array" where 3.11 says
    # "Expecting property name…" / "Expecting value"; this machine's Python has only one.
    assert jsonfmt._plain("Illegal trailing comma before end of object") == (
        'a comma before "}" leaves out a key: remove the comma'
    )
    assert jsonfmt._plain("Illegal trailing comma before end of array") == (
        'a comma before "]" leaves out a value: remove the comma'
    )
    assert jsonfmt._plain("Something new") == "Something new"


def test_raw_json_is_shifted_to_where_it_is_placed_or_copied_as_is() -> None:
    written = jsonfmt.RawJson(jsonfmt.dumps_element({"a": [1]}, 1), level=1)
    assert jsonfmt.dumps({"x": written}) == '{\n  "x": {\n    "a": [\n      1\n    ]\n  }\n}'
    deeper = jsonfmt.dumps({"d": {"x": written}})
    assert deeper == '{\n  "d": {\n    "x": {\n      "a": [\n        1\n      ]\n    }\n  }\n}'
    assert jsonfmt.loads(deeper) == {"d": {"x": {"a": [1]}}}
    as_is = jsonfmt.RawJson('{\n  "a": 1\n}')  # no level: the caller placed it
    assert jsonfmt.dumps({"d": {"x": as_is}}) == '{\n  "d": {\n    "x": {\n  "a": 1\n}\n  }\n}'
