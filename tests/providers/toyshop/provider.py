"""The toy shop API: ``POST /v1/carts`` with ``Authorization: Toy <key>`` and the cart as a
JSON:API resource (its fields nested, see models.py), 201 ``{"id": …}``; ``DELETE
/v1/carts/{id}`` 204."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import TYPE_CHECKING, Any, ClassVar

from app.domain import jsonfmt
from app.providers.actions import CartAction
from app.providers.auth import AuthSpec, HeaderAuth
from app.providers.base import OutgoingRequest, Provider, SecretSpec, Target, amount
from app.providers.paths import get_at

from .models import ToyCart

if TYPE_CHECKING:
    from app.providers.emulation import Emulator, EmulatorContext

SANDBOX_KEY = "toy-sandbox-key"


class ToyProvider(Provider):
    key = "toyshop"
    title = "Toy shop"
    position = 90  # after the real ones
    default_base_url = "https://api.toyshop.example"
    secrets = (SecretSpec("toyshop_key", "Toy shop key", "CART_COMPOSER_TOYSHOP_KEY"),)
    send_operation = "toy_cart"
    model = ToyCart
    # Every field by its path in the nested body.
    items_key = "data.attributes.items"
    email_field, cart_id_field = "data.attributes.email", "data.attributes.cart_id"
    line_total_field = ""
    common_cart: ClassVar[Mapping[str, str]] = {
        "email": "data.attributes.email",
        "cart_id": "data.attributes.cart_id",
        "grand_total": "data.attributes.total",
    }
    new_cart_values: ClassVar[Mapping[str, Any]] = {"data.type": "cart"}
    common_item: ClassVar[Mapping[str, str]] = {
        "name": "name",
        "price": "price",
        "quantity": "quantity",
    }
    action_id_name = "id"
    actions = (
        CartAction(
            "delete",
            "Delete",
            "DELETE",
            "/v1/carts/{id}",
            {204: "Deleted."},
            tooltip="Delete the cart from the toy shop",
            gone_on=204,
        ),
    )

    def auth(self, settings: Mapping[str, Any]) -> AuthSpec:
        return HeaderAuth("toyshop_key", scheme="Toy")

    def emulator(self, context: EmulatorContext) -> Emulator:
        from .emulator import ToyEmulator

        return ToyEmulator(context)

    def sandbox_secrets(self) -> dict[str, str]:
        return {"toyshop_key": SANDBOX_KEY}

    def suggested_line_total(self, item: Mapping[str, Any]) -> Decimal | None:
        price, quantity = amount(item.get("price")), amount(item.get("quantity"), Decimal(1))
        return None if price is None or quantity is None else price * quantity

    def suggested_totals(self, payload: Mapping[str, Any]) -> dict[str, Decimal]:
        items = get_at(payload, self.items_key)
        if not isinstance(items, list):
            return {}
        lines = [self.suggested_line_total(i) for i in items if isinstance(i, dict)]
        if any(line is None for line in lines):
            return {}
        total = sum((line for line in lines if line is not None), Decimal(0))
        return {"data.attributes.total": total}

    def build_request(
        self, payload: Any, target: Target, options: Mapping[str, Any] | None = None
    ) -> OutgoingRequest:
        self.options(options)
        url = f"{target.checked_base()}/v1/carts"
        return OutgoingRequest("POST", url, self.body(payload), self._json_headers())

    def cart_id_after_send(self, status: int, provider_id: str | None) -> str | None:
        return provider_id if status == 201 else None

    def read_response(
        self, status: int, headers: Mapping[str, str], body: bytes
    ) -> tuple[str | None, tuple[tuple[str, str], ...]]:
        data = jsonfmt.loads(body) if body.strip() else None
        if 200 <= status < 300:
            ident = data.get("id") if isinstance(data, dict) else None
            return (ident if isinstance(ident, str) else None), ()
        message = data.get("error") if isinstance(data, dict) else None
        return None, (("", str(message or status)),)


PROVIDER = ToyProvider()
