"""Bronto Add Cart payload (`POST /carts?createContact=&ignoreInvalidTid=`), field for field.

Fields follow the request body in the Add Cart document, in its order. The document names only
types; descriptions carry those words plus what the page and api-notes.md say of each field.
Required: ``customerCartId`` on the cart (the document's "customerCartId ... required for each
lineItem" is read, as Tealium's connector reads it, as "the cart needs a customerCartId"), and
``quantity`` and ``totalPrice`` on each line item. Unknown keys are refused: Bronto documents no
custom attributes. ``createContact`` and ``ignoreInvalidTid`` are query options (see
``BrontoOptions``), never body fields.
"""

from __future__ import annotations

import typing
from collections.abc import Iterable, Mapping
from typing import Annotated, Any, ClassVar, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field

from app.domain import rules
from app.domain.fieldtypes import (
    Currency,
    DateOrDateTime,
    Email,
    IpAddress,
    Kind,
    Money,
    PositiveNumber,
    RequiredText,
    Text,
    WebUrl,
)
from app.providers.schema import CheckResult, PayloadModel, present

TrackingCookieName = Annotated[
    str | None,
    BeforeValidator(rules.starts_with("tid_", "Bronto names its tracking cookies tid_…")),
    Kind.TEXT,
]

__all__ = ["PHASES", "BrontoCart", "BrontoLineItem", "BrontoOptions"]

PhaseName = Literal[
    "SHOPPING",
    "BILLING",
    "PAYMENT",
    "SHIPPING_INFO",
    "SHIPPING_METHOD",
    "ORDER_REVIEW",
    "ORDER_COMPLETE",
]
PHASES: tuple[str, ...] = typing.get_args(PhaseName)
Phase = Annotated[PhaseName | None, BeforeValidator(rules.text), Kind.CHOICE]

OPTION_NAMES = ("createContact", "ignoreInvalidTid")


class BrontoLineItem(PayloadModel):
    """One entry of ``lineItems``."""

    element_label: ClassVar[str] = "Line item"

    name: Text = Field(None, title="Name", description="string")
    description: Text = Field(None, title="Description", description="string")
    sku: Text = Field(None, title="SKU", description="string")
    other: Text = Field(
        None, title="Other", description='string. Any other detail, e.g. a size ("5oz").'
    )
    imageUrl: WebUrl = Field(None, title="Image URL", description="string")
    category: Text = Field(None, title="Category", description="string")
    productUrl: WebUrl = Field(None, title="Product URL", description="string")
    quantity: PositiveNumber = Field(
        title="Quantity", description="number. Required for each line item."
    )
    salePrice: Money = Field(None, title="Sale price", description="number")
    totalPrice: Money = Field(
        title="Line total", description="number. Required for each line item."
    )
    unitPrice: Money = Field(None, title="Unit price", description="number")


class BrontoCart(PayloadModel):
    """The cart sent to Add Cart."""

    element_label: ClassVar[str] = "Cart"

    url: WebUrl = Field(None, title="Cart URL", description="string. A link to the cart.")
    customerCartId: RequiredText = Field(
        title="Your cart ID",
        description=(
            "string. Required. Your own id for the cart. If a Cart with the same customerCartId "
            "already exists, a 409 Conflict response will be returned."
        ),
    )
    discountAmount: Money = Field(None, title="Discount", description="number")
    emailAddress: Email = Field(None, title="Email", description="validly formatted email address")
    contactId: Text = Field(None, title="Contact ID", description="string")
    grandTotal: Money = Field(None, title="Grand total", description="number")
    deliveryId: Text = Field(None, title="Delivery ID", description="string")
    lineItems: list[BrontoLineItem] | None = Field(
        None,
        title="Line items",
        description=(
            "If your cart includes lineItems, then the quantity and totalPrice fields are "
            "required for each lineItem."
        ),
    )
    originIp: IpAddress = Field(
        None, title="Shopper IP address", description="string. IPv4 or IPv6 address."
    )
    messageId: Text = Field(None, title="Message ID", description="string")
    originUserAgent: Text = Field(None, title="Shopper user agent", description="string")
    shippingAmount: Money = Field(None, title="Shipping", description="number")
    shippingDate: DateOrDateTime = Field(
        None,
        title="Shipping date",
        description="ISO-8601 datetime (Bronto's own example sends a date: 2015-01-02).",
    )
    shippingDetails: Text = Field(None, title="Shipping details", description="string")
    shippingTrackingUrl: WebUrl = Field(None, title="Shipping tracking URL", description="string")
    subtotal: Money = Field(None, title="Subtotal", description="number")
    taxAmount: Money = Field(None, title="Tax", description="number")
    trackingCookieName: TrackingCookieName = Field(
        None,
        title="Tracking cookie name",
        description=(
            "string. You can provide tracking attribution by including a tid with your request or "
            "a TrackingCookieName and TrackingCookieValue pair. Bronto's cookies are named tid_…"
        ),
    )
    trackingCookieValue: Text = Field(
        None,
        title="Tracking cookie value",
        description="string. Sent together with trackingCookieName.",
    )
    tid: Text = Field(
        None,
        title="Tracking ID (tid)",
        description="string. You can provide tracking attribution by including a tid.",
    )
    phase: Phase = Field(
        None,
        title="Checkout phase",
        description=(
            "SHOPPING | BILLING | PAYMENT | SHIPPING_INFO | SHIPPING_METHOD | ORDER_REVIEW | "
            "ORDER_COMPLETE. If the cart phase is not set, it will default to SHOPPING."
        ),
    )
    currency: Currency = Field(None, title="Currency", description="ISO-4217 currency code")

    @classmethod
    def check_errors(cls, data: Mapping[str, Any]) -> Iterable[CheckResult]:
        for name in OPTION_NAMES:
            if name in data:
                yield (
                    (name,),
                    "format_error",
                    "is a request option, not a cart field: set it in the options instead",
                )
        name_set = present(data, "trackingCookieName")
        value_set = present(data, "trackingCookieValue")
        if name_set and not value_set:
            yield (
                ("trackingCookieValue",),
                "presence_error",
                "is required when a tracking cookie name is set",
            )
        if value_set and not name_set:
            yield (
                ("trackingCookieName",),
                "presence_error",
                "is required when a tracking cookie value is set",
            )


class BrontoOptions(BaseModel):
    """The Add Cart query parameters. Always sent, so the preview shows what the server gets."""

    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)

    createContact: bool = Field(
        False,
        title="Create contact",
        description=(
            "Determines behavior when the request contains an email address that is not "
            "associated with a Contact. If true, a transactional Contact will be created. If "
            "false, the service will return a 409 Conflict response. The default value is false."
        ),
    )
    # The document gives no default. We send false (strict), the safer reading: an invalid tid
    # is then reported instead of silently dropped.
    ignoreInvalidTid: bool = Field(
        False,
        title="Ignore invalid tracking",
        description=(
            "Determines behavior when the request contains an invalid TID or TrackingCookieName "
            "and TrackingCookieValue pair. If true, the service will ignore the invalid values "
            "and continue."
        ),
    )
