"""Realistic sample carts for demos and QA, built from the catalog in ``resources/``."""

from __future__ import annotations

import json
import random
import secrets
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from app.paths import resources_dir
from app.providers.document import CartDocument

__all__ = ["load_catalog", "new_cart_id", "sample_document"]


def load_catalog() -> dict[str, Any]:
    data = json.loads((resources_dir() / "catalog.json").read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


def new_cart_id() -> str:
    """A fresh, readable cart id, unique enough for re-sends: ``cc-5f3a9e1b``."""
    return f"cc-{secrets.token_hex(4)}"


def utc_now() -> str:
    """Now, UTC, to the second, as Drip's examples write a time: ``2026-11-27T10:05:00Z``."""
    return datetime.now(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def sample_document(provider: str, rng: random.Random | None = None) -> CartDocument:
    """A cart of 2-4 catalog products with their URLs, a unique id and the current time."""
    rng = rng or random.Random()
    catalog = load_catalog()
    base = catalog["base_url"]
    cart_id = new_cart_id()
    picks = rng.sample(catalog["products"], rng.randint(2, 4))
    lines = []
    for product in picks:
        quantity = rng.choice((1, 1, 2, 3))
        price = Decimal(product["price"])
        lines.append((product, quantity, price, price * quantity))
    subtotal = sum((line[3] for line in lines), Decimal("0"))
    shopper = f"shopper.{secrets.token_hex(3)}@example.com"
    if provider == "drip":
        items = [
            {
                "product_id": p["product_id"],
                "product_variant_id": p["variant"],
                "sku": p["sku"],
                "name": p["name"],
                "brand": p["brand"],
                "categories": [p["category"]],
                "price": price,
                "quantity": quantity,
                "total": total,
                "product_url": f"{base}/products/{p['product_id'].lower()}",
                "image_url": f"{base}/images/{p['product_id'].lower()}.png",
            }
            for p, quantity, price, total in lines
        ]
        payload = {
            "provider": "cart_composer_demo",
            "email": shopper,
            "action": "created",
            "cart_id": cart_id,
            "occurred_at": utc_now(),
            "cart_public_id": f"#{rng.randint(1000, 9999)}",
            "grand_total": subtotal,
            "total_discounts": Decimal("0"),
            "currency": "USD",
            "cart_url": f"{base}/cart/{cart_id}",
            "items": items,
        }
        return CartDocument(provider="drip", payload=payload)
    line_items = [
        {
            "name": p["name"],
            "sku": p["sku"],
            "imageUrl": f"{base}/images/{p['product_id'].lower()}.png",
            "category": p["category"],
            "productUrl": f"{base}/products/{p['product_id'].lower()}",
            "quantity": quantity,
            "salePrice": price,
            "totalPrice": total,
            "unitPrice": price,
        }
        for p, quantity, price, total in lines
    ]
    payload = {
        "url": f"{base}/cart/{cart_id}",
        "customerCartId": cart_id,
        "discountAmount": Decimal("0"),
        "emailAddress": shopper,
        "grandTotal": subtotal,
        "lineItems": line_items,
        "subtotal": subtotal,
        "taxAmount": Decimal("0"),
        "phase": "SHOPPING",
        "currency": "USD",
    }
    # A new shopper is not yet a Bronto contact: ask Bronto to create one.
    return CartDocument(
        provider="bronto",
        payload=payload,
        options={"createContact": True, "ignoreInvalidTid": False},
    )
