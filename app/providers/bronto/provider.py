"""Bronto: the Add Cart request (`POST /carts?createContact=&ignoreInvalidTid=`)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from decimal import Decimal
from typing import TYPE_CHECKING, Any, ClassVar
from urllib.parse import urlencode

from pydantic import BaseModel, ConfigDict, Field

from app.domain import jsonfmt
from app.domain.validation import Validation
from app.providers.actions import CartAction, CartState
from app.providers.auth import AuthSpec, ClientCredentials
from app.providers.base import (
    OutgoingRequest,
    Provider,
    SandboxOption,
    SecretSpec,
    Target,
    amount,
)
from app.providers.bronto.lifecycle import ACTIONS, cart_state
from app.providers.bronto.models import BrontoCart, BrontoOptions

if TYPE_CHECKING:
    import random

    from app.providers.document import CartDocument
    from app.providers.emulation import Emulator, EmulatorContext

__all__ = ["DEFAULT_BASE_URL", "DEFAULT_TOKEN_URL", "PROVIDER", "BrontoProvider"]

DEFAULT_BASE_URL = "https://rest.bronto.com"
DEFAULT_TOKEN_URL = "https://auth.bronto.com/oauth2/token"


class BrontoSettings(BaseModel):
    """A Bronto profile: where tokens come from, and the Add Cart flags it sends by default."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    token_url: str = Field(DEFAULT_TOKEN_URL, title="Token URL", json_schema_extra={"url": True})
    create_contact: bool = Field(False, title="Create contact (createContact)")
    ignore_invalid_tid: bool = Field(False, title="Ignore invalid tracking (ignoreInvalidTid)")


class BrontoProvider(Provider):
    key = "bronto"
    position = 20
    default_base_url = DEFAULT_BASE_URL
    settings_model = BrontoSettings
    sandbox_options = (
        SandboxOption(
            "--token-lifetime",
            "token_lifetime",
            "seconds",
            3600.0,
            "lifetime of Bronto access tokens",
        ),
    )
    sandbox_mode_notes: ClassVar[Mapping[str, str]] = {
        "real": "a bare 403",
        "strict": 'it most likely reads "16.99" as a number, ignores unknown keys and reads '
        "createContact=yes as false; strict mode refuses all three (400)",
    }
    legacy_settings: ClassVar[Mapping[str, str]] = {
        "token_url": "token_url",
        "create_contact": "create_contact",
        "ignore_invalid_tid": "ignore_invalid_tid",
    }

    # Its cart lifecycle after Add Cart (lifecycle.py), keyed by the cartId Add Cart answers.
    actions = ACTIONS
    carried_options: ClassVar[Mapping[str, Any]] = {"createContact": True}
    action_id_name = "cartId"
    send_title = "Add Cart"
    request_path = "/carts"
    token_url_setting = "token_url"

    def cart_id_after_send(self, status: int, provider_id: str | None) -> str | None:
        return provider_id if status == 201 and provider_id else None

    def cart_state(self, status: int, body: bytes, action: CartAction | None = None) -> CartState:
        return cart_state(status, body, search=action is not None and action.finds)

    def action_payload(self, action: CartAction, payload: Any) -> Any:
        if action.sends_cart and isinstance(payload, Mapping):
            # Update's documented body has no customerCartId: the cart is named by its cartId.
            return self.update_payload(payload)
        return payload

    def validate_action(self, action: CartAction, payload: Any) -> Validation:
        return self.validate_update(payload) if action.sends_cart else self.validate(payload)

    def sample_cart(
        self, common: Mapping[str, Any], products: list[dict[str, Any]], rng: random.Random
    ) -> CartDocument:
        from app.providers.document import CartDocument

        # The common cart through the declared mapping, and what a demo cart adds: the price
        # paid as the sale price, the subtotal, no tax.
        payload, _ = self.from_common(common)
        for item in payload["lineItems"]:
            item["salePrice"] = item["unitPrice"]
        payload["subtotal"] = common["grand_total"]
        payload["taxAmount"] = Decimal("0")
        # A new shopper is not yet a Bronto contact: ask Bronto to create one.
        return CartDocument(
            provider=self.key,
            payload=payload,
            options={"createContact": True, "ignoreInvalidTid": False},
        )

    def sandbox_settings(self, base_url: str) -> dict[str, Any]:
        # The sandbox's token endpoint sits next to its API, as the emulator serves it.
        return {"token_url": f"{base_url.rstrip('/')}/oauth2/token"}

    def options_from_settings(self, settings: Mapping[str, Any]) -> dict[str, Any]:
        return {
            "createContact": bool(settings.get("create_contact")),
            "ignoreInvalidTid": bool(settings.get("ignore_invalid_tid")),
        }

    secrets = (
        SecretSpec("bronto_client_id", "Bronto client ID", "CART_COMPOSER_BRONTO_CLIENT_ID"),
        SecretSpec(
            "bronto_client_secret", "Bronto client secret", "CART_COMPOSER_BRONTO_CLIENT_SECRET"
        ),
    )

    def emulator(self, context: EmulatorContext) -> Emulator:
        from app.providers.bronto.emulator import BrontoEmulator

        return BrontoEmulator(context)

    def auth(self, settings: Mapping[str, Any]) -> AuthSpec:
        # Bronto's own client treats any 403 as an invalid token: no reason text is documented,
        # so the status decides, never words.
        return ClientCredentials(
            token_url=str(settings.get("token_url") or DEFAULT_TOKEN_URL),
            client_id="bronto_client_id",
            client_secret="bronto_client_secret",
            service="Bronto",
            refused_status=403,
            scope_hint=(
                "Check the REST integration's permissions in Bronto (orders/carts-write for "
                "changes)."
            ),
        )

    def sandbox_secrets(self) -> dict[str, str]:
        from app.providers.bronto import emulator

        return {
            "bronto_client_id": emulator.CLIENT_ID,
            "bronto_client_secret": emulator.CLIENT_SECRET,
        }

    title = "Bronto"
    model = BrontoCart
    options_model = BrontoOptions
    items_key = "lineItems"
    email_field, cart_id_field, cart_url_field = "emailAddress", "customerCartId", "url"
    common_cart: ClassVar[Mapping[str, str]] = {
        "email": "emailAddress",
        "cart_id": "customerCartId",
        "cart_url": "url",
        "currency": "currency",
        "grand_total": "grandTotal",
        "total_discounts": "discountAmount",
    }
    # ``category`` (one) and ``salePrice`` are carried by item_to_common / item_from_common.
    common_item: ClassVar[Mapping[str, str]] = {
        "name": "name",
        "sku": "sku",
        "price": "unitPrice",
        "quantity": "quantity",
        "total": "totalPrice",
        "product_url": "productUrl",
        "image_url": "imageUrl",
    }
    new_cart_values: ClassVar[Mapping[str, Any]] = {"phase": "SHOPPING"}
    send_operation = "add_cart"

    def item_to_common(self, item: Any) -> tuple[dict[str, Any], list[str]]:
        if not isinstance(item, dict):
            return super().item_to_common(item)
        rest = {k: v for k, v in item.items() if k not in ("category", "salePrice")}
        common, left = super().item_to_common(rest)
        if isinstance(item.get("category"), str):
            common["categories"] = [item["category"]]
        if "salePrice" in item:
            if "price" not in common:
                common["price"] = item["salePrice"]  # one price elsewhere: the one paid
            else:
                left.append("salePrice")
        return common, left

    def item_from_common(self, item: Mapping[str, Any]) -> tuple[dict[str, Any], list[str]]:
        carried, left = super().item_from_common(
            {k: v for k, v in item.items() if k != "categories"}
        )
        categories = item.get("categories")
        if isinstance(categories, list) and categories:
            carried["category"] = categories[0]  # Bronto has one category
            if len(categories) > 1:
                left.append("categories after the first")
        return carried, left

    form_groups = (
        ("Who", ("emailAddress", "contactId")),
        ("Cart", ("customerCartId", "url", "phase")),
        (
            "Totals",
            ("currency", "subtotal", "discountAmount", "taxAmount", "shippingAmount", "grandTotal"),
        ),
        (
            "Tracking and shipping",
            (
                "tid",
                "trackingCookieName",
                "trackingCookieValue",
                "deliveryId",
                "messageId",
                "shippingDate",
                "shippingDetails",
                "shippingTrackingUrl",
            ),
        ),
        ("Advanced", ("originIp", "originUserAgent")),
    )
    line_total_field = "totalPrice"

    # Update Cart's documented body (help.bronto.com, r_api_rest_carts_update): the Cart
    # without customerCartId — a cart is updated by its cartId — and "No properties are
    # required". Line items, when an update sends them, are line items as in Add Cart [INFER].
    UPDATE_LEAVES_OUT = ("customerCartId",)

    def update_payload(self, payload: Mapping[str, Any]) -> dict[str, Any]:
        """The body an Update sends: the cart as the form has it, less what Update has not."""
        return {k: v for k, v in payload.items() if k not in self.UPDATE_LEAVES_OUT}

    def validate_update(self, payload: Any) -> Validation:
        """Update's own rules: no cart field is required; everything sent follows the field
        rules (and line items Add Cart's)."""
        if not isinstance(payload, Mapping):
            return self.validate(payload)
        checked = self.validate({**self.update_payload(payload), "customerCartId": "-"})
        return Validation(
            tuple(i for i in checked.issues if i.loc[:1] != ("customerCartId",)),
            checked.warning_issues,
        )

    def suggested_line_total(self, item: Mapping[str, Any]) -> Decimal | None:
        sale = amount(item.get("salePrice"))
        price = sale if sale is not None else amount(item.get("unitPrice"))
        quantity = amount(item.get("quantity"))
        if price is None or quantity is None:
            return None
        return price * quantity

    def suggested_totals(self, payload: Mapping[str, Any]) -> dict[str, Decimal]:
        items = payload.get("lineItems")
        if not isinstance(items, list) or not items:
            return {}
        lines = [amount(i.get("totalPrice")) for i in items if isinstance(i, dict)]
        if any(v is None for v in lines):
            return {}
        subtotal = sum((v for v in lines if v is not None), Decimal(0))
        extra = Decimal(0)
        for name, sign in (("discountAmount", -1), ("taxAmount", 1), ("shippingAmount", 1)):
            extra += sign * (amount(payload.get(name), Decimal(0)) or Decimal(0))
        return {"subtotal": subtotal, "grandTotal": subtotal + extra}

    def build_request(
        self,
        payload: Any,
        target: Target,
        options: Mapping[str, Any] | None = None,
    ) -> OutgoingRequest:
        # Both booleans are always sent, as lower-case words (what Bronto's own client sends),
        # and under the URI line's name ignoreInvalidTid (the Java example's
        # "ignoreInvalidTracking" is a mistake in that example): BrontoOptions' fields, in
        # order, as options_query writes them (wrong options are said first).
        query = urlencode(self.options_query(options))
        base = target.checked_base(self.default_base_url)
        return OutgoingRequest(
            method="POST",
            url=f"{base}/carts?{query}",
            body=self.body(payload),
            _wire_headers=self._json_headers(),
        )

    def read_response(
        self, status: int, headers: Mapping[str, str], body: bytes
    ) -> tuple[str | None, tuple[tuple[str, str], ...]]:
        if 200 <= status < 300:
            if not body.strip():
                return None, ()
            try:
                data = jsonfmt.loads(body)
            except jsonfmt.JsonSyntaxError as exc:
                raise ValueError(f"the body is not valid JSON: {exc}") from None
            if isinstance(data, dict) and isinstance(data.get("cartId"), str):
                return data["cartId"], ()
            return None, ()
        reason = reason_text(headers.get("x-reason") or headers.get("X-Reason") or "")
        if not reason and body.strip():
            reason = body.decode("utf-8", errors="replace").strip()[:200]
        return None, (("", reason),) if reason else ()


_REASON = re.compile(r"reason=(.*)}\s*$", re.DOTALL)


def reason_text(header: str) -> str:
    """The ``reason=`` part of Bronto's ``ServiceExceptionMessage{…}`` header, or the header."""
    match = _REASON.search(header)
    return match.group(1).strip() if match else header.strip()


PROVIDER = BrontoProvider()  # what the registry finds
