"""The toy shop's cart: an email, an id, a total and items."""

from __future__ import annotations

from typing import ClassVar

from pydantic import ConfigDict, Field

from app.domain.fieldtypes import Email, Money, PositiveInt, RequiredText
from app.providers.schema import PayloadModel


class ToyItem(PayloadModel):
    model_config = ConfigDict(extra="allow")
    element_label: ClassVar[str] = "Item"

    name: RequiredText = Field(title="Name", description="Required. What the shopper chose.")
    price: Money = Field(title="Price", description="Required. One unit's price.")
    quantity: PositiveInt = Field(None, title="Quantity", description="Optional. How many.")


class ToyCart(PayloadModel):
    model_config = ConfigDict(extra="allow")

    email: Email = Field(title="Email", description="Required. The shopper's address.")
    cart_id: RequiredText = Field(title="Cart ID", description="Required. The shop's id.")
    total: Money = Field(None, title="Total", description="Optional. The cart's total.")
    items: list[ToyItem] | None = Field(None, title="Items", description="What is in the cart.")
