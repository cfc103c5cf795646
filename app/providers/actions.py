"""What a provider can do to a cart it already has, declared as data: Bronto's Update, Get,
Search, Abandon, Fiddle, Expire and Delete. The window's Cart actions menu, the command line
(``cart-composer <provider> ACTION``), scenarios (``{"do": "<provider>", "action": …}``) and the
history render or run them from these declarations, without knowing the provider.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal

__all__ = ["CartAction", "CartState"]


@dataclass(frozen=True)
class CartAction:
    """One call on a cart the provider has.

    ``path`` follows the base URL; ``{id}`` is the provider's id for the cart (its answer to
    the send, or typed). An action ``by="cart"`` is keyed by the cart's own fields instead:
    ``query`` maps each query parameter to the payload field it takes (Search by
    ``customerCartId``)."""

    key: str  # the command line's and a scenario's word; the history's operation
    title: str
    method: str
    path: str
    # What each answer means, in words for the response pane (other codes: the server's words).
    meanings: Mapping[int, str]
    tooltip: str = ""
    by: Literal["id", "cart"] = "id"
    query: Mapping[str, str] = field(default_factory=dict)
    sends_cart: bool = False  # the cart is the body (Update)
    sends_options: bool = False  # the request options as query parameters
    # A call whose answer has no body (Abandon): the cart is fetched after a success with this
    # action, so its state can be shown.
    then: str = ""
    # The answer that means the provider no longer has the cart (Delete's 204).
    gone_on: int | None = None
    # Asked before it leaves (Delete): ``{id}`` is the cart's id.
    confirm: str = ""
    # The answer is a list of carts (Search): the state says how many.
    finds: bool = False


@dataclass(frozen=True)
class CartState:
    """What an answer says about the cart(s): for the response pane and the window's actions."""

    cart_id: str | None = None
    status: str | None = None
    phase: str | None = None
    count: int | None = None  # a search: how many carts matched
    id_name: str = "id"  # what the provider calls its id for a cart (Bronto: cartId)

    def describe(self) -> str:
        parts = []
        if self.count is not None:
            parts.append(f"{self.count} cart{'s' if self.count != 1 else ''} found")
        if self.status:
            parts.append(f"status {self.status}")
        if self.phase:
            parts.append(f"phase {self.phase}")
        if self.cart_id:
            parts.append(f"{self.id_name} {self.cart_id}")
        return " · ".join(parts)
