"""The incremental renderer agrees with the whole-cart check and writer, message for message and
byte for byte, through any sequence of item edits, inserts, removals and moves."""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import Field

from app.domain.errors import PayloadError
from app.providers import get_provider
from app.providers.render import CartRenderer
from app.providers.schema import PayloadModel
from tests.providers.test_properties import (
    bronto_carts,
    bronto_items,
    drip_carts,
    drip_items,
    field_names,
    junk,
)

item_values = st.dictionaries(field_names, junk, max_size=5)


def _expected(provider_key: str, payload: Any) -> tuple[Any, Any, bytes | None]:
    provider = get_provider(provider_key)
    validation = provider.validate(payload)
    try:
        body: bytes | None = provider.body(payload)
    except PayloadError:
        body = None
    return validation.issues, validation.warning_issues, body


edits = st.lists(
    st.tuples(
        st.sampled_from(["replace", "insert", "remove", "move", "field", "same"]),
        st.integers(min_value=0, max_value=20),
        st.integers(min_value=0, max_value=20),
        st.one_of(item_values, junk),
    ),
    max_size=8,
)


def _apply(payload: dict[str, Any], key: str, edit: tuple[str, int, int, Any], fresh: Any) -> None:
    kind, a, b, value = edit
    if kind == "field":  # may also put something that is not a list where the items go
        payload[sorted(payload)[a % len(payload)]] = value
        return
    items = payload.get(key)
    if not isinstance(items, list):
        items = payload[key] = []
    if kind == "insert":
        items.insert(a % (len(items) + 1), fresh)
        return
    if not items:
        return
    if kind == "replace":
        items[a % len(items)] = value  # a new object, as editors do
    elif kind == "remove":
        del items[a % len(items)]
    elif kind == "move":
        items.insert(b % len(items), items.pop(a % len(items)))


@settings(max_examples=120, deadline=None)
@given(
    provider_key=st.sampled_from(["drip", "bronto"]),
    start=st.data(),
    steps=edits,
)
def test_every_render_matches_the_whole_cart(provider_key: str, start: Any, steps: Any) -> None:
    drip = provider_key == "drip"
    carts, items = (drip_carts, drip_items) if drip else (bronto_carts, bronto_items)
    provider = get_provider(provider_key)
    key = provider.items_key
    payload = dict(start.draw(carts))
    payload[key] = [start.draw(items) for _ in range(start.draw(st.integers(0, 6)))]
    renderer = CartRenderer(provider)
    for step in [("same", 0, 0, None), *steps]:
        _apply(payload, key, step, start.draw(items))
        got = renderer.render(payload)
        issues, warnings, body = _expected(provider_key, payload)
        assert got.validation.issues == issues
        assert got.validation.warning_issues == warnings
        assert got.body == body


DripCart = get_provider("drip").model


class _Data(PayloadModel):
    type: str = Field(None, title="Type")
    attributes: DripCart = Field(None, title="Cart")  # type: ignore[valid-type]


class _Nested(PayloadModel):
    data: _Data = Field(None, title="Data")


class _NestedDrip(type(get_provider("drip"))):  # type: ignore[misc]
    """Drip's cart as a JSON:API resource: every field nested, the items three levels down."""

    model = _Nested
    items_key = "data.attributes.items"


NESTED = _NestedDrip()


@settings(max_examples=60, deadline=None)
@given(start=st.data(), steps=edits)
def test_a_render_with_the_items_deep_down_matches_the_whole_cart(start: Any, steps: Any) -> None:
    attributes = dict(start.draw(drip_carts))
    attributes["items"] = [start.draw(drip_items) for _ in range(start.draw(st.integers(0, 6)))]
    payload = {"data": {"type": "cart", "attributes": attributes}}
    renderer = CartRenderer(NESTED)
    for step in [("same", 0, 0, None), *steps]:
        _apply(attributes, "items", step, start.draw(drip_items))
        got = renderer.render(payload)
        validation = NESTED.validate(payload)
        try:
            body: bytes | None = NESTED.body(payload)
        except PayloadError:
            body = None
        assert got.validation.issues == validation.issues
        assert got.validation.warning_issues == validation.warning_issues
        assert got.body == body


def test_items_deep_down_are_written_at_their_depth_and_named_by_their_path() -> None:
    payload = {
        "data": {
            "type": "cart",
            "attributes": {"email": "a@example.com", "items": [{"product_id": "p", "price": "x"}]},
        }
    }
    got = CartRenderer(NESTED).render(payload)
    assert got.body == NESTED.body(payload) and got.body is not None
    assert '\n      "items": [\n        {\n          "product_id": "p",' in got.body.decode()
    assert any(i.path.startswith("data.attributes.items[0].") for i in got.validation.issues)
