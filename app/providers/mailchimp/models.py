"""Mailchimp Marketing API v3 e-commerce cart (``POST /ecommerce/stores/{store_id}/carts``),
field for field (shared/reference/mailchimp-carts.md §3: the required set from the spec as
generated into the official C# SDK; constraints from Mailchimp's docs and its WooCommerce
plugin).

A cart file's payload is this body exactly as it goes on the wire. The line items table edits
``lines``; the customer is a nested object the form shows as its own group. Mailchimp has no
custom attributes on a cart: an unknown key is a mistake.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Annotated, Any, ClassVar

from pydantic import BeforeValidator, Field
from pydantic_core import PydanticCustomError

from app.domain import rules
from app.domain.fieldtypes import (
    Bool,
    Currency,
    Email,
    Kind,
    Money,
    PositiveInt,
    RequiredText,
    Text,
    WebUrl,
)
from app.providers.schema import CheckResult, PayloadModel, present

__all__ = ["MAX_CUSTOMER_ID", "MailchimpCart", "MailchimpCustomer", "MailchimpLine"]

MAX_CUSTOMER_ID = 50  # "Limited to 50 characters" (§3)


def _customer_id(value: Any) -> Any:
    rules.required_text(value)
    if len(value) > MAX_CUSTOMER_ID:
        raise PydanticCustomError(
            "length_error", f"may have at most {MAX_CUSTOMER_ID} characters (it has {len(value):,})"
        )
    return value


CustomerId = Annotated[str, BeforeValidator(_customer_id), Kind.TEXT]


class MailchimpAddress(PayloadModel):
    """``customer.address``: every part optional."""

    address1: Text = Field(None, title="Address line 1", description="Street and number.")
    address2: Text = Field(None, title="Address line 2", description="Optional.")
    city: Text = Field(None, title="City", description="Optional.")
    province: Text = Field(None, title="Province", description="The state or province's name.")
    province_code: Text = Field(None, title="Province code", description="Like CA.")
    postal_code: Text = Field(None, title="Postal code", description="Optional.")
    country: Text = Field(None, title="Country", description="The country's name.")
    country_code: Text = Field(None, title="Country code", description="ISO 3166-1, like US.")


class MailchimpCustomer(PayloadModel):
    """``customer``: who the cart is for, by the store's own id for them."""

    id: CustomerId = Field(
        title="Customer ID",
        description=(
            "Your id for the shopper, at most 50 characters. It stays bound to its first email "
            "address."
        ),
    )
    email_address: Email = Field(
        None,
        title="Email",
        description="Needed for a new customer; an existing one may be named by its id alone.",
    )
    opt_in_status: Bool = Field(
        None,
        title="Opted in",
        description=(
            "true subscribes a new contact; false makes it transactional (only the first "
            "abandoned-cart email reaches it). Never changes an existing member's status."
        ),
    )
    company: Text = Field(None, title="Company", description="Optional.")
    first_name: Text = Field(None, title="First name", description="Optional.")
    last_name: Text = Field(None, title="Last name", description="Optional.")
    address: MailchimpAddress | None = Field(
        None, title="Address", description="The customer's address."
    )

    @classmethod
    def check_warnings(cls, data: Mapping[str, Any]) -> Iterable[CheckResult]:
        if not present(data, "email_address"):
            # Leaving it out for an unknown customer gives 400 "An email address is required
            # to create a customer." (§3); the app cannot know whether the store has them.
            yield (
                ("email_address",),
                "presence_warning",
                "is needed unless the store already has this customer",
            )


class MailchimpLine(PayloadModel):
    """One entry of ``lines``: a product variant the store has, how many, at what price."""

    element_label: ClassVar[str] = "Line"

    id: RequiredText = Field(
        title="Line ID", description="Your id for the line, unique in the cart."
    )
    product_id: RequiredText = Field(
        title="Product ID", description="A product the store has (create it there first)."
    )
    product_variant_id: RequiredText = Field(
        title="Variant ID",
        description="One of the product's variants; for a product without, its product id.",
    )
    product_title: Text = Field(
        None,
        title="Name",
        description="Mailchimp fills it in from the store's product; what is sent is not used.",
    )
    quantity: PositiveInt = Field(title="Quantity", description="How many, a whole number.")
    price: Money = Field(title="Price", description="One unit's price, a number.")


class MailchimpCart(PayloadModel):
    """The whole body of Add Cart."""

    id: RequiredText = Field(
        title="Cart ID", description="Your id for the cart, unique in the store."
    )
    customer: MailchimpCustomer = Field(title="Customer", description="Who the cart is for.")
    campaign_id: Text = Field(
        None,
        title="Campaign ID",
        description="A campaign of the store's audience that brought the shopper (optional).",
    )
    checkout_url: WebUrl = Field(
        None,
        title="Checkout URL",
        description="The link the abandoned-cart email sends the shopper back to.",
    )
    currency_code: Currency = Field(title="Currency", description="ISO 4217, like USD.")
    order_total: Money = Field(title="Order total", description="The cart's total, a number.")
    tax_total: Money = Field(None, title="Tax total", description="The tax in it, a number.")
    lines: list[MailchimpLine] = Field(title="Lines", description="The cart's lines.")

    @classmethod
    def check_errors(cls, data: Mapping[str, Any]) -> Iterable[CheckResult]:
        lines = data.get("lines")
        if isinstance(lines, list) and not lines:
            # Mailchimp answers 400 Invalid Resource to an empty cart (§3, §6.9).
            yield (
                ("lines",),
                "presence_error",
                "must not be empty: Mailchimp refuses a cart with no lines (delete the cart "
                "instead)",
            )
            return
        seen: dict[str, int] = {}
        for index, line in enumerate(lines if isinstance(lines, list) else []):
            name = line.get("id") if isinstance(line, dict) else None
            if not isinstance(name, str) or not name.strip():
                continue
            if name in seen:
                yield (
                    ("lines", index, "id"),
                    "uniqueness_error",
                    f"must be unique in the cart (line {seen[name] + 1} has it too)",
                )
            else:
                seen[name] = index

    @classmethod
    def check_warnings(cls, data: Mapping[str, Any]) -> Iterable[CheckResult]:
        if not present(data, "checkout_url"):
            # "This parameter is required for Abandoned Cart automations" (§3).
            yield (
                ("checkout_url",),
                "presence_warning",
                "is needed for Mailchimp's abandoned-cart email: without it none is sent",
            )
