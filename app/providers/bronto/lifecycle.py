"""Bronto's cart lifecycle after Add Cart: Update, Get, Search, Abandon, Fiddle, Expire, Delete.

Paths, methods and status codes are those of the vendor's REST reference as summarised in
`shared/reference/api-notes.md`. Every call but Search is keyed by the Bronto-generated
``cartId`` (a UUID from Add Cart's answer), not by the shop's ``customerCartId``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any
from urllib.parse import quote, urlencode

from app.domain import jsonfmt
from app.domain.errors import PayloadError
from app.providers.base import OutgoingRequest, Target
from app.providers.bronto.provider import BrontoProvider

__all__ = ["OPERATIONS", "CartOperation", "CartState", "build_operation", "cart_state"]


class CartOperation(StrEnum):
    UPDATE = "update"
    GET = "get"
    SEARCH = "search"
    ABANDON = "abandon"
    FIDDLE = "fiddle"
    EXPIRE = "expire"
    DELETE = "delete"


@dataclass(frozen=True)
class _Operation:
    title: str
    method: str
    path: str  # {id} is the cartId
    # What each answer means, in words for the response pane (other codes: the X-Reason).
    meanings: Mapping[int, str]
    body: bool = False  # sends the cart (Update)
    query: bool = False  # createContact / ignoreInvalidTid (Update)


OPERATIONS: Mapping[CartOperation, _Operation] = {
    CartOperation.UPDATE: _Operation(
        "Update",
        "POST",
        "/carts/{id}",
        {
            200: "Updated; the answer is the cart as it is now.",
            400: "Bronto refused the data.",
            404: "Bronto has no cart with that cartId.",
            409: "The cart is EXPIRED or COMPLETE: it can no longer change.",
        },
        body=True,
        query=True,
    ),
    CartOperation.GET: _Operation(
        "Get",
        "GET",
        "/carts/{id}",
        {200: "The cart as Bronto has it.", 404: "Bronto has no cart with that cartId."},
    ),
    CartOperation.SEARCH: _Operation(
        "Search",
        "GET",
        "/carts",
        {
            200: "The carts with this customerCartId.",
            204: "No cart has this customerCartId (204 No Content).",
            400: "Bronto refused the search.",
        },
    ),
    CartOperation.ABANDON: _Operation(
        "Abandon",
        "PUT",
        "/carts/{id}/abandon",
        {
            204: "Abandoned: the cart is ABANDONED, which starts “Cart Is Abandoned” workflows.",
            404: "Bronto has no cart with that cartId.",
            409: "The cart is EXPIRED or COMPLETE: it cannot be abandoned.",
        },
    ),
    CartOperation.FIDDLE: _Operation(
        "Fiddle",
        "PUT",
        "/carts/{id}/fiddle",
        {
            204: "Fiddled: the abandonment timer starts again (an ABANDONED cart is ACTIVE again).",
            404: "Bronto has no cart with that cartId.",
            409: "The cart is EXPIRED or COMPLETE: its timer cannot be reset.",
        },
    ),
    # help.bronto.com r_api_rest_carts_expire: POST, allowed only from ABANDONED.
    CartOperation.EXPIRE: _Operation(
        "Expire",
        "POST",
        "/carts/{id}/expire",
        {
            204: "Expired: the cart is EXPIRED; it can no longer change.",
            404: "Bronto has no cart with that cartId.",
            409: "Only an ABANDONED cart can be expired (abandon it first).",
        },
    ),
    CartOperation.DELETE: _Operation(
        "Delete",
        "DELETE",
        "/carts/{id}",
        # Bronto documents that 204 "will always be returned", unknown ids included.
        {204: "Deleted (Bronto answers 204 even for a cartId it does not know)."},
    ),
}


def build_operation(
    operation: CartOperation,
    target: Target,
    *,
    cart_id: str = "",
    customer_cart_id: str = "",
    payload: Any = None,
    options: Mapping[str, Any] | None = None,
) -> OutgoingRequest:
    """The request for ``operation`` without its auth header; ``PayloadError`` names what
    is missing."""
    spec = OPERATIONS[operation]
    provider = BrontoProvider()
    base = target.checked_base()
    if operation is CartOperation.SEARCH:
        if not customer_cart_id.strip():
            raise PayloadError("Search needs a customerCartId: fill it in on the cart.")
        url = f"{base}/carts?{urlencode({'customerCartId': customer_cart_id})}"
    else:
        if not cart_id.strip():
            raise PayloadError(
                f"{spec.title} needs Bronto's cartId: send the cart with Add Cart first, or "
                "enter the cartId."
            )
        url = base + spec.path.format(id=quote(cart_id.strip(), safe=""))
    if spec.query:
        typed = provider.options(options)
        flags = typed.model_dump() if typed is not None else {}
        url += "?" + urlencode({k: str(bool(v)).lower() for k, v in flags.items()})
    body = b""
    if spec.body:
        # Update's documented body has no customerCartId: the cart is named by its cartId.
        sent = provider.update_payload(payload) if isinstance(payload, Mapping) else payload
        body = provider.body(sent)
    headers = provider._json_headers()
    if not spec.body:
        headers = tuple((k, v) for k, v in headers if k != "Content-Type")
    return OutgoingRequest(method=spec.method, url=url, body=body, _wire_headers=headers)


@dataclass(frozen=True)
class CartState:
    """What an answer says about the cart(s): for the response pane and the window's actions."""

    cart_id: str | None = None
    status: str | None = None
    phase: str | None = None
    count: int | None = None  # Search: how many carts matched

    def describe(self) -> str:
        parts = []
        if self.count is not None:
            parts.append(f"{self.count} cart{'s' if self.count != 1 else ''} found")
        if self.status:
            parts.append(f"status {self.status}")
        if self.phase:
            parts.append(f"phase {self.phase}")
        if self.cart_id:
            parts.append(f"cartId {self.cart_id}")
        return " · ".join(parts)


def cart_state(status: int, body: bytes, *, search: bool = False) -> CartState:
    """The cart's id, status and phase from a 2xx answer; for a search, how many carts matched
    and the first one (204 means none)."""
    if not 200 <= status < 300 or not body.strip():
        return CartState(count=0) if search and status == 204 else CartState()
    try:
        data = jsonfmt.loads(body)
    except jsonfmt.JsonSyntaxError:
        return CartState()
    count = None
    if search and isinstance(data, list):
        count = len(data)
        data = data[0] if data else {}
    if not isinstance(data, dict):
        return CartState(count=count)

    def text(name: str) -> str | None:
        value = data.get(name)
        return value if isinstance(value, str) else None

    return CartState(text("cartId"), text("status"), text("phase"), count)
