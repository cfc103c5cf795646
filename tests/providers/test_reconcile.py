"""Coming back to a provider's draft: exactly as it was left, with what changed on the other side
carried in, field by field and item by item."""

from __future__ import annotations

from decimal import Decimal

from app.paths import sample_cart
from app.providers import CartDocument, load_cart
from app.providers.mapping import convert, reconcile

DRIP = load_cart(sample_cart("drip")).document


def _round_trip(
    edit: dict[str, object] | None = None, items: list[dict[str, object]] | None = None
) -> CartDocument:
    bronto, _ = convert(DRIP, "bronto")
    then, _ = convert(bronto, "drip")
    payload = {**bronto.payload, **(edit or {})}
    if items is not None:
        payload["lineItems"] = items
    now, _ = convert(bronto.model_copy(update={"payload": payload}), "drip")
    return reconcile(DRIP, then, now)


def test_nothing_changed_gives_the_draft_exactly() -> None:
    assert _round_trip() is DRIP


def test_a_shared_field_changed_over_there_is_carried_and_the_rest_is_kept() -> None:
    back = _round_trip({"emailAddress": "new@example.com", "grandTotal": Decimal("20.00")})
    assert back.payload["email"] == "new@example.com"
    assert back.payload["grand_total"] == Decimal("20.00")
    for only_drip in ("provider", "action", "occurred_at", "cart_public_id"):
        assert back.payload[only_drip] == DRIP.payload[only_drip]
    assert (
        back.payload["items"][0]["product_variant_id"]
        == (DRIP.payload["items"][0]["product_variant_id"])
    )


def test_items_are_matched_by_position() -> None:
    bronto, _ = convert(DRIP, "bronto")
    first = {**bronto.payload["lineItems"][0], "quantity": 5}
    back = _round_trip(items=[first])
    (item,) = back.payload["items"]
    assert item["quantity"] == 5
    assert item["product_id"] == DRIP.payload["items"][0]["product_id"]  # Drip's own, kept


def test_a_field_emptied_over_there_is_emptied_here() -> None:
    bronto, _ = convert(DRIP, "bronto")
    payload = {k: v for k, v in bronto.payload.items() if k != "currency"}
    then, _ = convert(bronto, "drip")
    now, _ = convert(bronto.model_copy(update={"payload": payload}), "drip")
    assert "currency" not in reconcile(DRIP, then, now).payload
