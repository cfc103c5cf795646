"""The incremental renderer agrees with the whole-cart check and writer, message for message and
byte for byte, through any sequence of item edits, inserts, removals and moves."""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from app.domain.errors import PayloadError
from app.providers import get_provider
from app.providers.render import CartRenderer
from tests.providers.test_properties import (
    bronto_carts,
    bronto_items,
    drip_carts,
    drip_items,
    field_names,
    junk,
)

item_values = st.dictionaries(field_names, junk, max_size=5)


class _Wrapped(type(get_provider("drip"))):  # type: ignore[misc]
    """Drip's cart in an envelope three levels down, with a value taken from it: where a
    wrapped API (Klaviyo's ``data.attributes.properties``) puts its cart."""

    def envelope(self, cart: Any) -> Any:
        value = cart.get("grand_total") if isinstance(cart, dict) else None
        return {"data": {"type": "event", "attributes": {"properties": cart, "value": value}}}


WRAPPED = _Wrapped()


def _provider(key: str) -> Any:
    return WRAPPED if key == "wrapped" else get_provider(key)


def _expected(provider_key: str, payload: Any) -> tuple[Any, Any, bytes | None]:
    provider = _provider(provider_key)
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
    provider_key=st.sampled_from(["drip", "bronto", "wrapped"]),
    start=st.data(),
    steps=edits,
)
def test_every_render_matches_the_whole_cart(provider_key: str, start: Any, steps: Any) -> None:
    drip = provider_key in ("drip", "wrapped")
    carts, items = (drip_carts, drip_items) if drip else (bronto_carts, bronto_items)
    provider = _provider(provider_key)
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


def test_an_envelope_moves_the_items_text_to_their_depth() -> None:
    provider = WRAPPED
    payload = {
        "email": "a@example.com",
        "grand_total": 3,
        "items": [{"product_id": "p", "price": 1, "quantity": 3}],
    }
    body = CartRenderer(provider).render(payload).body
    assert body == provider.body(payload)
    assert body is not None
    text = body.decode()
    assert '\n        "items": [\n          {\n            "product_id": "p",' in text
    assert text.endswith('\n      },\n      "value": 3\n    }\n  }\n}')
