"""Dotted paths into a payload: reading, and edits that copy the objects along the way."""

from __future__ import annotations

from app.providers.paths import (
    delete_in,
    get_at,
    has_at,
    list_on_the_way,
    set_in,
    with_at,
    without_at,
)


def test_reading_a_path_and_what_is_in_the_way() -> None:
    payload = {"data": {"attributes": {"email": "a@example.com", "none": None}}, "flat": 1}
    assert get_at(payload, "flat") == 1
    assert get_at(payload, "data.attributes.email") == "a@example.com"
    assert (
        has_at(payload, "data.attributes.none") and get_at(payload, "data.attributes.none") is None
    )
    assert not has_at(payload, "data.attributes.phone")
    assert get_at(payload, "flat.deeper", "nothing") == "nothing"  # a number is in the way


def test_an_edit_copies_the_objects_on_its_path_and_shares_the_rest() -> None:
    items = [{"name": "Kite"}]
    payload = {"data": {"attributes": {"email": "a@example.com", "items": items}}, "other": {}}
    before_data = payload["data"]
    edited = with_at(payload, "data.attributes.email", "b@example.com")
    assert payload["data"]["attributes"]["email"] == "a@example.com"  # the original is as it was
    assert edited["data"]["attributes"]["email"] == "b@example.com"
    assert edited["data"]["attributes"]["items"] is items and edited["other"] is payload["other"]
    set_in(payload, "data.attributes.total", 3)
    assert payload["data"] is not before_data  # replaced, not changed in place
    assert before_data == {"attributes": {"email": "a@example.com", "items": items}}
    assert with_at({"data": 5}, "data.type", "cart") == {"data": {"type": "cart"}}


def test_removing_the_last_field_of_an_object_removes_the_object() -> None:
    payload = {"customer": {"email_address": "a@example.com"}, "id": "c-1"}
    assert without_at(payload, "customer.email_address") == {"id": "c-1"}
    assert without_at(payload, "customer.phone") == payload
    assert delete_in(payload, "customer.email_address") and payload == {"id": "c-1"}
    assert not delete_in(payload, "customer.email_address")
    two = {"customer": {"id": "1", "email_address": "a@example.com"}}
    assert delete_in(two, "customer.id") and two == {"customer": {"email_address": "a@example.com"}}


def test_a_place_is_written_as_a_json_pointer_with_its_escapes() -> None:
    from app.providers.emulation import json_pointer
    from app.providers.klaviyo.provider import pointer_path

    pointer = json_pointer(("items", 0, "a/b~c"))
    assert pointer == "/items/0/a~1b~0c"  # RFC 6901: ~ then / escaped
    assert pointer_path(pointer) == "items[0].a/b~c"  # and read back by the app


def test_a_path_through_a_list_is_found_before_it_is_followed() -> None:
    payload = {"items": [{"price": 1}], "customer": {"email": "a@b.co"}}
    assert list_on_the_way(payload, "items.0.price") == "items"
    assert list_on_the_way(payload, "items") is None  # the list itself, set whole
    assert list_on_the_way(payload, "customer.email") is None
    assert list_on_the_way(payload, "new.field") is None  # not there yet: made as an object
    nested = {"data": {"attributes": {"Items": []}}}
    assert list_on_the_way(nested, "data.attributes.Items.0") == "data.attributes.Items"
