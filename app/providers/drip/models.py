"""Drip Cart Activity payload (`POST /v3/:account_id/shopper_activity/cart`), field for field.

Fields are in the document's order, which is the order they are written on the wire. Titles are
plain-words labels for forms and messages; descriptions are the document's own words.
Decisions from shared/reference/README.md: items carry ``discounts`` (Drip renamed ``discount``
in 2019 and the service reads the new name), ``product_variant_id`` is required (also 2019), and
``initial_status`` exists. Unknown keys are custom attributes, which Drip allows on the cart and
on each item.
"""

from __future__ import annotations

import typing
from collections.abc import Iterable, Mapping
from typing import Annotated, Any, ClassVar, Literal

from pydantic import BeforeValidator, ConfigDict, Field

from app.domain import rules
from app.domain.fieldtypes import (
    Currency,
    DateTimeWithZone,
    Email,
    Kind,
    LowerSnake,
    Money,
    PositiveInt,
    RequiredText,
    Text,
    TextList,
    WebUrl,
)
from app.providers.schema import CheckResult, PayloadModel, present

__all__ = ["ACTIONS", "INITIAL_STATUSES", "DripCart", "DripItem"]

ActionName = Literal["created", "updated"]
InitialStatusName = Literal["active", "unsubscribed"]
ACTIONS: tuple[str, ...] = typing.get_args(ActionName)
INITIAL_STATUSES: tuple[str, ...] = typing.get_args(InitialStatusName)

Action = Annotated[ActionName, BeforeValidator(rules.text), Kind.CHOICE]
InitialStatus = Annotated[InitialStatusName | None, BeforeValidator(rules.text), Kind.CHOICE]


class DripItem(PayloadModel):
    """One entry of ``items``."""

    model_config = ConfigDict(extra="allow")
    element_label: ClassVar[str] = "Item"
    legacy_keys: ClassVar[Mapping[str, str]] = {"discount": "discounts"}

    product_id: RequiredText = Field(
        title="Product ID",
        description="Required. A unique identifier for the product from the provider.",
    )
    product_variant_id: RequiredText = Field(
        title="Variant ID",
        description=(
            "Required. A unique identifier for the specific product variant from the provider. "
            "For example, a t-shirt may have one product_id, but several product_variant_ids for "
            "sizes and colors. If a product has no variants, repeat the product_id here."
        ),
    )
    sku: Text = Field(None, title="SKU", description="Optional. The product SKU.")
    name: RequiredText = Field(title="Name", description="Required. The product name.")
    brand: Text = Field(
        None, title="Brand", description="Optional. The product's brand, vendor, or manufacturer."
    )
    categories: TextList = Field(
        None,
        title="Categories",
        description=(
            "Optional. An array of categories associated with the product "
            "(e.g. shoes, vitamins, books, videos)."
        ),
    )
    price: Money = Field(title="Price", description="Required. The price of a single product.")
    quantity: PositiveInt = Field(
        None,
        title="Quantity",
        description="Optional. The quantity of the item ordered. Defaults to 1.",
    )
    discounts: Money = Field(
        None,
        title="Discounts",
        description=(
            "Optional. The discount on the items, taking quantity into account. For example, a "
            "$2.66 discount per item would be $5.34 if that item was of quantity 2. Defaults to 0."
        ),
    )
    total: Money = Field(
        None,
        title="Line total",
        description="Optional. The line item total after quantity and discount. Defaults to 0.",
    )
    product_url: WebUrl = Field(
        None,
        title="Product URL",
        description="Optional. A URL to the site containing product details.",
    )
    image_url: WebUrl = Field(
        None,
        title="Image URL",
        description=(
            "Optional. A direct URL to an image of the product. We recommend using an image type "
            "that is supported by modern email clients (e.g. JPEG, GIF, PNG). For best display "
            "results, image size should be consistent across all products."
        ),
    )

    # ``price`` has no default although it is money: a missing price is "is required".


class DripCart(PayloadModel):
    """The Cart Activity event."""

    model_config = ConfigDict(extra="allow")
    element_label: ClassVar[str] = "Cart"

    provider: LowerSnake = Field(
        title="Platform",
        description=(
            "Required. The identifier for the provider from which the order data was received in "
            "lower snake cased form. For example, shopify or my_custom_platform or my_store."
        ),
    )
    person_id: Text = Field(
        None,
        title="Drip person ID",
        description=(
            "Optional. The unique identifier of a person at Drip. Either person_id or email must "
            "be included. If both are included, email is ignored."
        ),
    )
    email: Email = Field(
        None,
        title="Email",
        description=(
            "Optional. The person's email address. Either person_id or email must be included. "
            "If both are included, email is ignored."
        ),
    )
    visitor_uuid: Text = Field(
        None,
        title="Visitor UUID",
        description=(
            "Optional. The UUID of an anonymous visitor Drip tracks on your site: a cart with "
            "no email and no person_id is identified by it (drip-ruby, written with Drip, "
            "accepts it on cart events)."
        ),
    )
    initial_status: InitialStatus = Field(
        None,
        title="Initial status",
        description=(
            "Optional. The subscription status given to a person Drip creates from this event: "
            "active or unsubscribed. If this field is not included, the person will become "
            "subscribed."
        ),
    )
    action: Action = Field(
        title="Action",
        description=(
            "Required. The event's action. For Cart Activity, this can be either created or "
            'updated. created will trigger a "Created a Cart" event on a person\'s timeline. '
            'updated will trigger an "Updated a Cart" event.'
        ),
    )
    cart_id: RequiredText = Field(
        title="Cart ID",
        description=(
            "Required. A unique, internal id for the cart (generally the primary key generated by "
            "the ecommerce platform)."
        ),
    )
    occurred_at: DateTimeWithZone = Field(
        None,
        title="Occurred at",
        description=(
            "Optional. The String time at which the order occurred in ISO 8601 format. Defaults "
            "to the current time."
        ),
    )
    cart_public_id: Text = Field(
        None,
        title="Public cart ID",
        description=(
            "Optional. A public, customer-facing identifier for the cart. This will be displayed "
            "in the Drip UI and should correspond to the identifier a customer might see in their "
            "own cart."
        ),
    )
    grand_total: Money = Field(
        None,
        title="Grand total",
        description=(
            "Optional. The total amount of the cart. This should include any applicable "
            "discounts. Defaults to 0."
        ),
    )
    total_discounts: Money = Field(
        None,
        title="Total discounts",
        description="Optional. The discount on the entire order. Defaults to 0.",
    )
    currency: Currency = Field(
        None,
        title="Currency",
        description=("Optional. The alphabetic ISO 4217 code for the currency of the purchase."),
    )
    cart_url: WebUrl = Field(
        title="Cart URL",
        description=(
            "Required. A URL that links back to the shopper's cart on your ecommerce platform."
        ),
    )
    items: list[DripItem] | None = Field(
        None,
        title="Items",
        description="An Array of objects containing information about specific cart items.",
    )

    @classmethod
    def check_errors(cls, data: Mapping[str, Any]) -> Iterable[CheckResult]:
        # Decision 7 (shared/reference): one of the three identifies the shopper; a cart with
        # only a visitor_uuid is an anonymous visitor's.
        if not any(present(data, name) for name in ("person_id", "email", "visitor_uuid")):
            yield (
                ("email",),
                "presence_error",
                "(or a Drip person ID, or a visitor UUID) is required",
            )

    @classmethod
    def check_warnings(cls, data: Mapping[str, Any]) -> Iterable[CheckResult]:
        if present(data, "person_id") and present(data, "email"):
            yield ("email",), "ignored", "will be ignored by Drip because a person ID is set"
