"""The common cart: what every cart-abandonment API shares, under neutral names. Moving a cart
from one provider to another goes provider → common → provider (hub and spoke), so a new
provider says once how its fields map here, never once per other provider.

Cart:  email, cart_id, cart_url, currency, grand_total, total_discounts
Items: name, sku, price (one unit, as paid), quantity, total (the line), product_url,
       image_url, categories (a list)
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

__all__ = ["CART_FIELDS", "ITEM_FIELDS", "CommonCart", "carried_item", "mapped"]

CART_FIELDS = ("email", "cart_id", "cart_url", "currency", "grand_total", "total_discounts")
ITEM_FIELDS = (
    "name",
    "sku",
    "price",
    "quantity",
    "total",
    "product_url",
    "image_url",
    "categories",
)

# Common values by name, in the source cart's order; ``items`` as lists of the same.
CommonCart = dict[str, Any]


def mapped(
    values: Mapping[str, Any], names: Mapping[str, str], skip: frozenset[str] = frozenset()
) -> tuple[dict[str, Any], list[str]]:
    """``values`` renamed through ``names`` (from → to), in their order, and the keys with no
    name there (left behind). Keys in ``skip`` are neither."""
    out: dict[str, Any] = {}
    left: list[str] = []
    for key, value in values.items():
        if key in skip:
            continue
        if key in names:
            out[names[key]] = value
        else:
            left.append(key)
    return out, left


def carried_item(item: Any, names: Mapping[str, str]) -> tuple[dict[str, Any], list[str]]:
    """One item renamed through ``names``; an item that is no object carries nothing."""
    if not isinstance(item, dict):
        return {}, ["(an item that is not an object)"]
    return mapped(item, names)
