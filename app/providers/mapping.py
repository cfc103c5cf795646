"""Carrying a cart from one provider to the other through the fields both have, and saying what
could not be carried."""

from __future__ import annotations

from typing import Any

from app.providers.document import CartDocument

__all__ = ["convert", "reconcile"]

# (Drip name, Bronto name): the same meaning on both sides.
_CART = (
    ("email", "emailAddress"),
    ("cart_id", "customerCartId"),
    ("cart_url", "url"),
    ("currency", "currency"),
    ("grand_total", "grandTotal"),
    ("total_discounts", "discountAmount"),
)
_ITEM = (
    ("name", "name"),
    ("sku", "sku"),
    ("price", "unitPrice"),
    ("quantity", "quantity"),
    ("total", "totalPrice"),
    ("product_url", "productUrl"),
    ("image_url", "imageUrl"),
)
_LISTS = {"drip": "items", "bronto": "lineItems"}


def _carry(
    source: dict[str, Any], pairs: tuple[tuple[str, str], ...], to_bronto: bool, skip: set[str]
) -> tuple[dict[str, Any], list[str]]:
    mapping = {a: b for a, b in pairs} if to_bronto else {b: a for a, b in pairs}
    out: dict[str, Any] = {}
    left: list[str] = []
    for key, value in source.items():
        if key in skip:
            continue
        if key in mapping:
            out[mapping[key]] = value
        else:
            left.append(key)
    return out, left


def _item(item: Any, to_bronto: bool) -> tuple[dict[str, Any], list[str]]:
    if not isinstance(item, dict):
        return {}, ["(an item that is not an object)"]
    carried, left = _carry(item, _ITEM, to_bronto, {"categories", "category", "salePrice"})
    if to_bronto:
        categories = item.get("categories")
        if isinstance(categories, list) and categories:
            carried["category"] = categories[0]
            if len(categories) > 1:
                left.append("categories after the first")
    else:
        if isinstance(item.get("category"), str):
            carried["categories"] = [item["category"]]
        if "salePrice" in item:
            if "price" not in carried:
                carried["price"] = item["salePrice"]  # Drip has one price: the one paid
            else:
                left.append("salePrice")
    return carried, left


def convert(document: CartDocument, to: str) -> tuple[CartDocument, list[str]]:
    """``document`` as a ``to`` cart, and notes naming what was left behind."""
    if document.provider == to:
        return document, []
    to_bronto = to == "bronto"
    source_list, target_list = _LISTS[document.provider], _LISTS[to]
    payload, left = _carry(document.payload, _CART, to_bronto, {source_list})
    notes: list[str] = []
    item_left: list[str] = []
    items = document.payload.get(source_list)
    if isinstance(items, list) and items:
        carried_items = []
        for item in items:
            carried, dropped = _item(item, to_bronto)
            carried_items.append(carried)
            item_left += [name for name in dropped if name not in item_left]
        payload[target_list] = carried_items
    if left:
        notes.append(f"Not carried over to {to.title()}: {', '.join(left)}.")
    if item_left:
        notes.append(f"Not carried over from the items: {', '.join(item_left)}.")
    if to == "drip":
        payload.setdefault("action", "created")
        options: dict[str, Any] = {}
    else:
        payload.setdefault("phase", "SHOPPING")
        options = {"createContact": False, "ignoreInvalidTid": False}
    return CartDocument(provider=to, payload=payload, options=options), notes


def reconcile(
    kept: CartDocument, carried_then: CartDocument, carried_now: CartDocument
) -> CartDocument:
    """A provider's draft when a person comes back to it: ``kept`` (the draft as they left
    it) with what they changed meanwhile on the other side, as it carries over — the change
    from ``carried_then`` (the other cart, carried here, when they left) to ``carried_now``.
    Nothing changed: ``kept`` exactly, every field only this provider has included. Items are
    matched by position (one removed on the other side is removed here)."""
    if carried_then.payload == carried_now.payload:
        return kept
    payload = _apply(kept.payload, carried_then.payload, carried_now.payload)
    return kept.model_copy(update={"payload": payload})


def _apply(base: Any, old: Any, new: Any) -> Any:
    """``base`` with the difference ``old`` → ``new`` applied."""
    if old == new:
        return base
    if isinstance(base, dict) and isinstance(old, dict) and isinstance(new, dict):
        out = dict(base)
        for key in [*old, *(k for k in new if k not in old)]:
            if key not in new:
                out.pop(key, None)  # emptied on the other side
            elif key in old and key in base:
                out[key] = _apply(base[key], old[key], new[key])
            else:
                out[key] = new[key]
        return out
    if isinstance(base, list) and isinstance(old, list) and isinstance(new, list):
        return [
            _apply(base[i], old[i], item) if i < len(old) and i < len(base) else item
            for i, item in enumerate(new)
        ]
    return new
