"""Bronto's cart lifecycle after Add Cart: Update, Get, Search, Abandon, Fiddle, Expire, Delete.

Paths, methods and status codes are those of the vendor's REST reference as summarised in
`shared/reference/api-notes.md`. Every call but Search is keyed by the Bronto-generated
``cartId`` (a UUID from Add Cart's answer), not by the shop's ``customerCartId``.
"""

from __future__ import annotations

from enum import StrEnum

from app.domain import jsonfmt
from app.providers.actions import CartAction, CartState

__all__ = ["ACTIONS", "CartOperation", "cart_state"]


ID = "cartId"  # Bronto's id for a cart, from Add Cart's answer


class CartOperation(StrEnum):
    UPDATE = "update"
    GET = "get"
    SEARCH = "search"
    ABANDON = "abandon"
    FIDDLE = "fiddle"
    EXPIRE = "expire"
    DELETE = "delete"


_NO_CART = "Bronto has no cart with that cartId."
_CLOSED = "The cart is EXPIRED or COMPLETE"

ACTIONS: tuple[CartAction, ...] = (
    CartAction(
        CartOperation.UPDATE,
        "Update",
        "POST",
        "/carts/{id}",
        {
            200: "Updated; the answer is the cart as it is now.",
            400: "Bronto refused the data.",
            404: _NO_CART,
            409: f"{_CLOSED}: it can no longer change.",
        },
        tooltip="Send the form's cart as an update (POST /carts/{cartId})",
        sends_cart=True,
        sends_options=True,
    ),
    CartAction(
        CartOperation.GET,
        "Get",
        "GET",
        "/carts/{id}",
        {200: "The cart as Bronto has it.", 404: _NO_CART},
        tooltip="Bronto's copy of the cart, with its status and phase",
    ),
    CartAction(
        CartOperation.SEARCH,
        "Search",
        "GET",
        "/carts",
        {
            200: "The carts with this customerCartId.",
            204: "No cart has this customerCartId (204 No Content).",
            400: "Bronto refused the search.",
        },
        tooltip="Find carts by this cart's customerCartId (204 = none)",
        by="cart",
        query={"customerCartId": "customerCartId"},
        finds=True,
    ),
    CartAction(
        CartOperation.ABANDON,
        "Abandon",
        "PUT",
        "/carts/{id}/abandon",
        {
            204: "Abandoned: the cart is ABANDONED, which starts “Cart Is Abandoned” workflows.",
            404: _NO_CART,
            409: f"{_CLOSED}: it cannot be abandoned.",
        },
        tooltip="Mark the cart ABANDONED (starts abandonment workflows)",
        then=CartOperation.GET,
    ),
    CartAction(
        CartOperation.FIDDLE,
        "Fiddle",
        "PUT",
        "/carts/{id}/fiddle",
        {
            204: "Fiddled: the abandonment timer starts again (an ABANDONED cart is ACTIVE again).",
            404: _NO_CART,
            409: f"{_CLOSED}: its timer cannot be reset.",
        },
        tooltip="Reset the abandonment timer (ABANDONED becomes ACTIVE)",
        then=CartOperation.GET,
    ),
    # help.bronto.com r_api_rest_carts_expire: POST, allowed only from ABANDONED.
    CartAction(
        CartOperation.EXPIRE,
        "Expire",
        "POST",
        "/carts/{id}/expire",
        {
            204: "Expired: the cart is EXPIRED; it can no longer change.",
            404: _NO_CART,
            409: "Only an ABANDONED cart can be expired (abandon it first).",
        },
        tooltip="Expire an ABANDONED cart (POST /carts/{cartId}/expire)",
        then=CartOperation.GET,
    ),
    CartAction(
        CartOperation.DELETE,
        "Delete",
        "DELETE",
        "/carts/{id}",
        # Bronto documents that 204 "will always be returned", unknown ids included.
        {204: "Deleted (Bronto answers 204 even for a cartId it does not know)."},
        tooltip="Delete the cart from Bronto",
        gone_on=204,
        confirm="Bronto deletes cart {id} for good; the request is shown in the Request pane.",
    ),
)


def cart_state(status: int, body: bytes, *, search: bool = False) -> CartState:
    """The cart's id, status and phase from a 2xx answer; for a search, how many carts matched
    and the first one (204 means none)."""
    if not 200 <= status < 300 or not body.strip():
        return CartState(count=0, id_name=ID) if search and status == 204 else CartState(id_name=ID)
    try:
        data = jsonfmt.loads(body)
    except jsonfmt.JsonSyntaxError:
        return CartState(id_name=ID)
    count = None
    if search and isinstance(data, list):
        count = len(data)
        data = data[0] if data else {}
    if not isinstance(data, dict):
        return CartState(count=count, id_name=ID)

    def text(name: str) -> str | None:
        value = data.get(name)
        return value if isinstance(value, str) else None

    return CartState(text("cartId"), text("status"), text("phase"), count, id_name=ID)
