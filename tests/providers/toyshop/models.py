"""The toy shop's cart, JSON:API style: ``{"data": {"type": "cart", "attributes": {email, cart_id,
total, items}}}`` — every field nested, the items three levels down, as a wrapping API has them."""

from __future__ import annotations

from typing import ClassVar, Literal

from pydantic import ConfigDict, Field

from app.domain.fieldtypes import Email, Money, PositiveInt, RequiredText
from app.providers.schema import PayloadModel


class ToyItem(PayloadModel):
    model_config = ConfigDict(extra="allow")
    element_label: ClassVar[str] = "Item"

    name: RequiredText = Field(title="Name", description="Required. What the shopper chose.")
    price: Money = Field(title="Price", description="Required. One unit's price.")
    quantity: PositiveInt = Field(None, title="Quantity", description="Optional. How many.")


class ToyAttributes(PayloadModel):
    model_config = ConfigDict(extra="allow")

    email: Email = Field(title="Email", description="Required. The shopper's address.")
    cart_id: RequiredText = Field(title="Cart ID", description="Required. The shop's id.")
    total: Money = Field(None, title="Total", description="Optional. The cart's total.")
    items: list[ToyItem] | None = Field(None, title="Items", description="What is in the cart.")


class ToyData(PayloadModel):
    type: Literal["cart"] = Field(title="Type", description='Required. Always "cart".')
    attributes: ToyAttributes = Field(title="Cart", description="Required. The cart.")


class ToyCart(PayloadModel):
    data: ToyData = Field(title="Data", description="Required. The JSON:API resource.")
