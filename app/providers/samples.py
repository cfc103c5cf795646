"""Realistic sample carts for demos and QA, built from the catalog in ``app/resources/``."""

from __future__ import annotations

import functools
import json
import random
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from app.paths import resource
from app.providers.document import CartDocument
from app.providers.registry import get_provider

__all__ = ["load_catalog", "new_cart_id", "sample_document", "seed_samples", "shared_rng"]


@functools.cache
def load_catalog() -> dict[str, Any]:
    """The sample catalog, read once per process (bulk makes thousands of carts from it):
    shared, so read it and never change it."""
    data = json.loads(resource("catalog.json").read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


# Where every sample comes from unless a caller brings its own: seeded by ``seed_samples``
# (``--seed N``), the same seed gives the same ids, emails and items, run after run.
_SHARED = random.Random()


def seed_samples(seed: int | None) -> None:
    """Samples from now on from ``seed`` (None: unpredictable again, from the OS)."""
    _SHARED.seed(seed)


def shared_rng() -> random.Random:
    """The samples' own generator (seeded by ``seed_samples``)."""
    return _SHARED


def new_cart_id(rng: random.Random | None = None) -> str:
    """A fresh, readable cart id, unique enough for re-sends: ``cc-5f3a9e1b``."""
    return f"cc-{(rng or _SHARED).getrandbits(32):08x}"


def utc_now() -> str:
    """Now, UTC, to the second, as Drip's examples write a time: ``2026-11-27T10:05:00Z``."""
    return datetime.now(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def sample_document(provider: str, rng: random.Random | None = None) -> CartDocument:
    """A cart of 2-4 catalog products with their URLs, a unique id and the current time."""
    rng = rng or _SHARED
    catalog = load_catalog()
    base = catalog["base_url"]
    cart_id = new_cart_id(rng)
    picks = rng.sample(catalog["products"], rng.randint(2, 4))
    lines = []
    for product in picks:
        quantity = rng.choice((1, 1, 2, 3))
        price = Decimal(product["price"])
        lines.append((product, quantity, price, price * quantity))
    subtotal = sum((line[3] for line in lines), Decimal("0"))
    shopper = f"shopper.{rng.getrandbits(24):06x}@example.com"
    common = {
        "email": shopper,
        "cart_id": cart_id,
        "cart_url": f"{base}/cart/{cart_id}",
        "currency": "USD",
        "grand_total": subtotal,
        "total_discounts": Decimal("0"),
        "items": [
            {
                "name": p["name"],
                "sku": p["sku"],
                "price": price,
                "quantity": quantity,
                "total": total,
                "product_url": f"{base}/products/{p['product_id'].lower()}",
                "image_url": f"{base}/images/{p['product_id'].lower()}.png",
                "categories": [p["category"]],
            }
            for p, quantity, price, total in lines
        ],
    }
    products = [product for product, *_ in lines]
    return get_provider(provider).sample_cart(common, products, rng)
