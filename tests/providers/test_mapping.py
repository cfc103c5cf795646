"""Carrying a cart from one provider to another through the common cart: the fields both have,
byte for byte, and notes naming what could not be carried."""

from __future__ import annotations

from app.domain import jsonfmt
from app.paths import sample_cart
from app.providers import load_cart
from app.providers.mapping import convert

DRIP = load_cart(sample_cart("drip")).document
BRONTO = load_cart(sample_cart("bronto")).document


def test_drip_to_bronto_carries_the_shared_fields_and_names_the_rest() -> None:
    carried, notes = convert(DRIP, "bronto")
    assert carried.provider == "bronto"
    assert jsonfmt.dumps(carried.payload, indent=None) == (
        '{"emailAddress":"user@gmail.com","customerCartId":"456445746","grandTotal":16.99,'
        '"discountAmount":5.34,"currency":"USD","url":"https://mysuperstore.com/cart/456445746",'
        '"lineItems":[{"sku":"XHB-1234","name":"The Coolest Water Bottle","unitPrice":11.16,'
        '"quantity":2,"totalPrice":16.99,"productUrl":"https://mysuperstore.com/dp/B01J4SWO1G",'
        '"imageUrl":"https://www.getdrip.com/images/example_products/water_bottle.png",'
        '"category":"Accessories"}],"phase":"SHOPPING"}'
    )
    assert carried.options == {"createContact": False, "ignoreInvalidTid": False}
    assert notes == [
        "Not carried over to Bronto: provider, action, occurred_at, cart_public_id.",
        "Not carried over from the items: product_id, product_variant_id, brand, discounts, "
        "product_tag.",
    ]


def test_bronto_to_drip_carries_the_shared_fields_and_names_the_rest() -> None:
    carried, notes = convert(BRONTO, "drip")
    assert jsonfmt.dumps(carried.payload, indent=None) == (
        '{"cart_url":"http://www.example.com/carts/abc-123","cart_id":"abc-123",'
        '"total_discounts":0,"email":"example@email.com","grand_total":4.27,"currency":"USD",'
        '"items":[{"name":"Coffee Mug","sku":"0003105",'
        '"image_url":"http://www.example.com/images/0003105.jpg",'
        '"product_url":"http://www.example.com/products/0003105","quantity":1,"total":3.99,'
        '"price":3.99,"categories":["Kitchen Stuffs"]}],"action":"created"}'
    )
    assert carried.options == {}
    assert notes == [
        "Not carried over to Drip: originIp, originUserAgent, shippingAmount, shippingDate, "
        "shippingDetails, shippingTrackingUrl, subtotal, taxAmount, trackingCookieName, "
        "trackingCookieValue, phase.",
        "Not carried over from the items: description, other, salePrice.",
    ]


def test_a_sale_price_alone_is_the_price_and_extra_categories_are_named() -> None:
    bronto = BRONTO.model_copy(update={"payload": {"lineItems": [{"salePrice": 2, "name": "x"}]}})
    carried, _ = convert(bronto, "drip")
    assert carried.payload["items"] == [{"name": "x", "price": 2}]
    drip = DRIP.model_copy(update={"payload": {"items": [{"categories": ["a", "b"]}]}})
    back, notes = convert(drip, "bronto")
    assert back.payload["lineItems"] == [{"category": "a"}]
    assert notes == ["Not carried over from the items: categories after the first."]


def test_the_same_provider_is_the_same_cart() -> None:
    assert convert(DRIP, "drip") == (DRIP, [])
