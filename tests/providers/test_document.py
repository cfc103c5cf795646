"""Cart files: exact round trips, legacy keys mapped with a note, clear errors for bad files."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from app.domain.errors import CartFileError
from app.providers import CartDocument, dumps_cart, load_cart, loads_cart, save_cart


def test_save_then_load_gives_an_equal_document(
    tmp_path: Path, drip_payload: dict[str, Any]
) -> None:
    document = CartDocument(provider="drip", payload=drip_payload)
    path = save_cart(document, tmp_path / "mine.cart.json")
    loaded = load_cart(path)
    assert loaded.document == document
    assert loaded.notes == ()
    # Nothing but the file itself is left in the folder (the temporary file was renamed).
    assert [p.name for p in tmp_path.iterdir()] == ["mine.cart.json"]


def test_load_then_save_gives_the_same_bytes(
    tmp_path: Path, bronto_payload: dict[str, Any]
) -> None:
    document = CartDocument(
        provider="bronto", payload=bronto_payload, options={"createContact": True}
    )
    text = dumps_cart(document)
    assert dumps_cart(loads_cart(text).document) == text
    assert text.startswith('{\n  "provider": "bronto",\n  "payload": {\n    "url": ')
    assert text.endswith(
        '  "options": {\n    "createContact": true,\n    "ignoreInvalidTid": false\n  }\n}\n'
    )


def test_an_invalid_cart_is_saved_and_loaded_as_it_is(tmp_path: Path) -> None:
    broken = {"email": "not-an-email", "grand_total": "12", "price": Decimal("16.990")}
    path = save_cart(CartDocument(provider="drip", payload=broken), tmp_path / "broken.cart.json")
    assert load_cart(path).document.payload == broken
    assert '"price": 16.990' in path.read_text()


def test_old_and_new_discount_keys_together_keep_the_new_one_and_say_so() -> None:
    text = (
        '{"provider": "drip", "payload": {"items": [{"discount": 1.5, "discounts": 2}, '
        '{"discount": 3}]}}'
    )
    loaded = loads_cart(text)
    assert [(n.path, n.code, n.message) for n in loaded.notes] == [
        (
            "items[0].discount",
            "dropped",
            "Dropped the old key “discount” (1.5) because “discounts” is also set; "
            "the API reads only “discounts”.",
        ),
        (
            "items[1].discount",
            "renamed",
            "Renamed “discount” to “discounts”, the name the API reads today.",
        ),
    ]
    assert loaded.document.payload == {"items": [{"discounts": 2}, {"discounts": Decimal("3")}]}


def test_bronto_has_no_legacy_keys_to_rename() -> None:
    loaded = loads_cart('{"provider": "bronto", "payload": {"lineItems": [{"discount": 1}]}}')
    assert loaded.notes == ()
    assert loaded.document.payload == {"lineItems": [{"discount": 1}]}


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            '{"provider": "drip",\n "payload": {,}}',
            "The cart file is not valid JSON: a key in double quotes is expected here (a comma "
            'before "}" leaves one out) (line 2, column 14).',
        ),
        ("[]", 'The cart file must hold a JSON object like {"provider": "drip", "payload": {…}}.'),
        (
            '{"provider": "shopify"}',
            "The cart file's “provider” must be drip, bronto, klaviyo or mailchimp, not "
            '"shopify".',
        ),
        (
            '{"payload": {}}',
            "The cart file's “provider” must be drip, bronto, klaviyo or mailchimp, not null.",
        ),
        ('{"provider": "drip", "payload": []}', "The cart file's “payload” must be a JSON object."),
        ('{"provider": "drip", "extra": 1}', "The cart file has unknown keys: extra."),
        (
            '{"provider": "drip", "options": {"createContact": true}}',
            "The cart file's options are wrong: Drip takes no request options (got createContact).",
        ),
        (
            '{"provider": "bronto", "options": {"createContact": "true"}}',
            "The cart file's options are wrong: The option “createContact” must be true or false.",
        ),
    ],
)
def test_bad_cart_files_are_explained(text: str, message: str) -> None:
    with pytest.raises(CartFileError) as caught:
        loads_cart(text)
    assert str(caught.value) == message


def test_file_errors_name_the_file(tmp_path: Path) -> None:
    missing = tmp_path / "nope.cart.json"
    with pytest.raises(CartFileError, match=r"There is no cart file at .*nope\.cart\.json"):
        load_cart(missing)
    bad = tmp_path / "bad.cart.json"
    bad.write_text("{")
    with pytest.raises(CartFileError) as caught:
        load_cart(bad)
    assert str(caught.value).startswith(f"{bad}: The cart file is not valid JSON:")


def test_saving_into_a_missing_folder_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(CartFileError, match="could not be saved to"):
        save_cart(CartDocument(provider="drip"), tmp_path / "no" / "such" / "x.cart.json")
