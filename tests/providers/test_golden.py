"""The vendors' own examples load, validate and serialize to the documents' JSON, byte for byte."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from app.domain import jsonfmt
from app.paths import sample_cart
from app.providers import CartDocument, Target, build_request, get_provider, load_cart, loads_cart
from tests.conftest import golden_text

DRIP = get_provider("drip")
BRONTO = get_provider("bronto")


def test_drip_document_example_serializes_to_the_document_json_with_discounts() -> None:
    # The example exactly as Drip's page prints it, old "discount" key included.
    as_documented = jsonfmt.loads(golden_text("drip-doc-example.json"))
    payload, notes = DRIP.upgrade(as_documented)
    assert [(n.path, n.code, n.message) for n in notes] == [
        (
            "items[0].discount",
            "renamed",
            "Renamed “discount” to “discounts”, the name the API reads today.",
        )
    ]
    result = DRIP.validate(payload)
    assert result.ok, result.errors
    assert result.warnings == {}
    assert DRIP.body(payload) == golden_text("drip-doc-example.expected.json").encode()
    # The custom attribute stays on its item, after the documented fields.
    assert list(payload["items"][0])[-1] == "product_tag"
    typed = DRIP.model.model_validate(DRIP.canonical(payload))
    assert typed.items[0].model_extra == {"product_tag": "Best Seller"}
    assert typed.grand_total == Decimal("16.99")


def test_drip_body_number_text_is_the_documents() -> None:
    body = DRIP.body(jsonfmt.loads(golden_text("drip-doc-example.expected.json"))).decode()
    for text in (
        '"grand_total": 16.99,',
        '"price": 11.16,',
        '"quantity": 2,',
        '"discounts": 5.34,',
    ):
        assert text in body


def java_example_cart() -> dict[str, Any]:
    """The cart the Java example builds, put by put (a HashMap has no order of its own)."""
    line_item = {
        "name": "Coffee Mug",
        "description": "A cool coffee mug",
        "category": "Kitchen Stuffs",
        "other": "5oz",
        "imageUrl": "http://www.example.com/images/0003105.jpg",
        "productUrl": "http://www.example.com/products/0003105",
        "sku": "0003105",
        "quantity": 1,
        "totalPrice": Decimal("3.99"),
        "unitPrice": Decimal("3.99"),
        "salePrice": Decimal("3.99"),
    }
    return {
        "customerCartId": "abc-123",
        "emailAddress": "example@email.com",
        "currency": "USD",
        "grandTotal": Decimal("4.27"),
        "discountAmount": 0,
        "taxAmount": Decimal("0.28"),
        "subtotal": Decimal("3.99"),
        "lineItems": [line_item],
        "phase": "SHOPPING",
        "url": "http://www.example.com/carts/abc-123",
        "originIp": "127.0.0.1",
        "originUserAgent": (
            "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_9_4) AppleWebKit/537.36 (KHTML, like Gecko)"
            " Chrome/46.0.2490.71 Safari/537.36"
        ),
        "trackingCookieName": "tid_blkycggbjquivddbiddxylaufhfdbkj",
        "trackingCookieValue": "3.Ag.AQ.AQ.AQ.AQ.AQ.t..l.AQ.n.VO4AkA.VO4AkA.G89Jow",
        "shippingAmount": 0,
        "shippingDate": "2015-01-02",
        "shippingDetails": "Free next day shipping",
        "shippingTrackingUrl": "http://www.shipping.com/1234",
    }


def test_bronto_java_example_serializes_in_the_documents_field_order() -> None:
    payload = java_example_cart()
    result = BRONTO.validate(payload)
    assert result.ok, result.errors
    assert BRONTO.body(payload) == golden_text("bronto-java-example.expected.json").encode()


def test_bronto_java_example_request_uses_ignore_invalid_tid_not_the_examples_typo() -> None:
    document = CartDocument(
        provider="bronto",
        payload=java_example_cart(),
        options={"createContact": True, "ignoreInvalidTid": True},
    )
    request = build_request(document, Target("https://rest.bronto.com"))
    assert request.method == "POST"
    assert request.url == "https://rest.bronto.com/carts?createContact=true&ignoreInvalidTid=true"
    assert "ignoreInvalidTracking" not in request.url


def test_bundled_sample_carts_are_the_vendor_examples() -> None:
    drip = load_cart(sample_cart("drip"))
    assert drip.notes == ()
    assert (
        DRIP.body(drip.document.payload) == golden_text("drip-doc-example.expected.json").encode()
    )
    bronto = load_cart(sample_cart("bronto"))
    assert (
        BRONTO.body(bronto.document.payload)
        == golden_text("bronto-java-example.expected.json").encode()
    )
    assert bronto.document.options == {"createContact": True, "ignoreInvalidTid": True}


def test_loading_a_drip_cart_with_the_old_discount_key_maps_it_and_says_so() -> None:
    text = '{"provider": "drip", "payload": ' + golden_text("drip-doc-example.json") + "}"
    loaded = loads_cart(text)
    assert [note.path for note in loaded.notes] == ["items[0].discount"]
    item = loaded.document.payload["items"][0]
    assert "discount" not in item
    assert item["discounts"] == Decimal("5.34")
    assert (
        DRIP.body(loaded.document.payload) == golden_text("drip-doc-example.expected.json").encode()
    )
