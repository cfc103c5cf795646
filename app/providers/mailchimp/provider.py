"""Mailchimp: e-commerce carts of the Marketing API v3 (``POST /ecommerce/stores/{store_id}/carts``
and the cart's Get, Update and Delete), which feed the abandoned-cart automation
(shared/reference/mailchimp-carts.md)."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping
from decimal import Decimal
from typing import TYPE_CHECKING, Any, ClassVar
from urllib.parse import quote, urlsplit

from pydantic import BaseModel, ConfigDict, Field, field_validator

from app.domain import jsonfmt
from app.domain.errors import TargetError
from app.domain.validation import Validation
from app.providers.actions import CartAction, CartState
from app.providers.auth import AuthSpec, BasicAuth, SecretRef
from app.providers.base import (
    USER_AGENT,
    OutgoingRequest,
    Provider,
    SandboxOption,
    SecretSpec,
    Target,
    amount,
)
from app.providers.mailchimp.models import MailchimpCart
from app.providers.paths import get_at

if TYPE_CHECKING:
    import random

    from app.providers.document import CartDocument
    from app.providers.emulation import Emulator, EmulatorContext

__all__ = [
    "DATA_CENTER",
    "DEFAULT_BASE_URL",
    "PROVIDER",
    "MailchimpProvider",
    "data_center_of",
    "field_path",
]

# The data centre is the end of the API key (``…-us19`` → ``us19``, §1): a profile's base URL
# holds this mark until the key (or the data_center setting) names it.
DATA_CENTER = "<dc>"
DEFAULT_BASE_URL = f"https://{DATA_CENTER}.api.mailchimp.com/3.0"
API_VERSION = "/3.0"  # in the path; there is no version header (§1)
_DC = re.compile(r"[a-z]{2,}[0-9]+")
MAX_IN_FLIGHT = 10  # "the limit of 10 simultaneous connections" (§4.3)


def data_center_of(key: str) -> str:
    """The data centre a key names (``…-us19`` → ``us19``); ``TargetError`` for a key that names
    none. As the official Python client, exactly two parts split on ``-`` (§2)."""
    parts = key.strip().split("-")
    if len(parts) == 2 and _DC.fullmatch(parts[1]):
        return parts[1]
    raise TargetError(
        "The Mailchimp API key does not end in its data centre (like …-us19): copy the whole "
        "key from Mailchimp, or give the profile a base URL (https://us19.api.mailchimp.com/3.0) "
        "or a data centre."
    )


class MailchimpSettings(BaseModel):
    """A Mailchimp profile: the store its carts go to, and (rarely) its data centre."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    store_id: str = Field(
        "",
        title="Store ID",
        description="the id your integration gave the store in Mailchimp",
        json_schema_extra={"required": True},
    )
    data_center: str = Field(
        "",
        title="Data centre",
        description="like us19; blank: the end of the API key",
    )

    @field_validator("store_id", "data_center")
    @classmethod
    def _stripped(cls, value: str) -> str:
        return value.strip()

    @field_validator("data_center")
    @classmethod
    def _a_data_center(cls, value: str) -> str:
        if value and not _DC.fullmatch(value):
            raise ValueError(f"“{value}” is not a data centre: it is the key's end, like us19")
        return value


def field_path(field: str) -> str:
    """A problem detail's ``field`` (``lines.item:0.product_id``) as the app's path
    (``lines[0].product_id``)."""
    return re.sub(r"\.item:(\d+)", r"[\1]", field.strip())


_NO_CART = "The store has no cart with this id (404 Resource Not Found)."

ACTIONS: tuple[CartAction, ...] = (
    CartAction(
        "get",
        "Get",
        "GET",
        "/carts/{id}",
        {200: "The cart as Mailchimp has it, product titles from the store.", 404: _NO_CART},
        tooltip="Mailchimp's copy of the cart (GET …/carts/{id})",
    ),
    CartAction(
        "update",
        "Update",
        "PATCH",
        "/carts/{id}",
        {
            200: "Updated; the answer is the cart as it is now.",
            400: "Mailchimp refused the data.",
            404: _NO_CART,
        },
        tooltip="Send the form's cart as a change (PATCH …/carts/{id}: no id or email)",
        sends_cart=True,
    ),
    CartAction(
        "delete",
        "Delete",
        "DELETE",
        "/carts/{id}",
        {
            204: "Deleted: the shopper leaves the abandoned-cart queue (as after a purchase).",
            404: _NO_CART,
        },
        tooltip="Delete the cart (DELETE …/carts/{id}): what a store does when the order is placed",
        gone_on=204,
        confirm="Delete the cart {id} from the Mailchimp store? This cannot be undone.",
    ),
)

# What PATCH's customer may hold (§3): the customer is named by the cart, not changed.
_PATCH_LEAVES_OUT = (("id",), ("customer", "id"), ("customer", "email_address"))


class MailchimpProvider(Provider):
    key = "mailchimp"
    title = "Mailchimp"
    position = 40
    default_base_url = DEFAULT_BASE_URL
    settings_model = MailchimpSettings
    secrets = (
        SecretSpec("mailchimp_api_key", "Mailchimp API key", "CART_COMPOSER_MAILCHIMP_API_KEY"),
    )
    sandbox_options = (
        SandboxOption(
            "--mailchimp-connections",
            "connections",
            "count",
            MAX_IN_FLIGHT,
            "simultaneous Mailchimp connections per key",
        ),
    )
    sandbox_mode_notes: ClassVar[Mapping[str, str]] = {
        "real": "its problem details (RFC 7807) with the fields' errors"
    }
    send_operation = "add_cart"
    request_path = f"{API_VERSION}/ecommerce/stores/{{store_id}}/carts"
    send_title = "Add cart"
    actions = ACTIONS
    action_id_name = "cart id"
    max_in_flight = MAX_IN_FLIGHT

    model = MailchimpCart
    items_key = "lines"
    email_field = "customer.email_address"
    cart_id_field = "id"
    cart_url_field = "checkout_url"
    form_groups = (
        ("Cart", ("id", "checkout_url", "campaign_id")),
        (
            "Customer",
            (
                "customer.id",
                "customer.email_address",
                "customer.opt_in_status",
                "customer.first_name",
                "customer.last_name",
                "customer.company",
            ),
        ),
        ("Totals", ("currency_code", "order_total", "tax_total")),
        (
            "Customer's address",
            (
                "customer.address.address1",
                "customer.address.address2",
                "customer.address.city",
                "customer.address.province",
                "customer.address.province_code",
                "customer.address.postal_code",
                "customer.address.country",
                "customer.address.country_code",
            ),
        ),
    )
    form_hint = (
        "Every line's product and variant must exist in the Mailchimp store; the abandoned-cart "
        "email needs the checkout URL and the customer's email."
    )
    common_cart: ClassVar[Mapping[str, str]] = {
        "email": "customer.email_address",
        "cart_id": "id",
        "cart_url": "checkout_url",
        "currency": "currency_code",
        "grand_total": "order_total",
    }
    common_item: ClassVar[Mapping[str, str]] = {
        "name": "product_title",
        "price": "price",
        "quantity": "quantity",
    }

    def item_from_common(self, item: Mapping[str, Any]) -> tuple[dict[str, Any], list[str]]:
        # A line names a product of the store; a store synced from a shop most often uses the
        # shop's SKU as its product id (and, with no variants, as the variant's) [INFER].
        line, left = super().item_from_common({k: v for k, v in item.items() if k != "sku"})
        sku = item.get("sku")
        if isinstance(sku, str) and sku:
            line = {"product_id": sku, "product_variant_id": sku, **line}
        return line, left

    def item_to_common(self, item: Any) -> tuple[dict[str, Any], list[str]]:
        # The other way (a Mailchimp cart carried elsewhere): the product id as the SKU, the
        # variant dropped when it is the product itself.
        common, left = super().item_to_common(item)
        if isinstance(item, Mapping) and isinstance(item.get("product_id"), str):
            common["sku"] = item["product_id"]
            same = item.get("product_variant_id") == item["product_id"]
            left = [
                n for n in left if n != "product_id" and not (same and n == "product_variant_id")
            ]
        return common, left

    def from_common(self, common: Mapping[str, Any]) -> tuple[dict[str, Any], list[str]]:
        payload, left = super().from_common(common)
        lines = payload.get("lines")
        for index, line in enumerate(lines if isinstance(lines, list) else [], start=1):
            line.setdefault("id", f"line-{index}")
        email = get_at(payload, "customer.email_address")
        if isinstance(email, str) and email.strip():
            # A shopper without a store account: the id is their address's MD5, as store
            # plugins name guests [INFER]; 32 characters, under the limit of 50.
            digest = hashlib.md5(email.strip().lower().encode(), usedforsecurity=False)
            payload["customer"] = {"id": digest.hexdigest(), **payload["customer"]}
        return payload, left

    def auth(self, settings: Mapping[str, Any]) -> AuthSpec:
        # HTTP Basic with any user name and the key as the password (§2).
        return BasicAuth("cart-composer", SecretRef("mailchimp_api_key"))

    def settings_from_secrets(self, secrets: Mapping[str, str | None]) -> dict[str, Any]:
        key = secrets.get("mailchimp_api_key") or ""
        return {"data_center": data_center_of(key)} if key else {}

    def emulator(self, context: EmulatorContext) -> Emulator:
        from app.providers.mailchimp.emulator import MailchimpEmulator

        return MailchimpEmulator(context)

    def sandbox_secrets(self) -> dict[str, str]:
        from app.providers.mailchimp import emulator

        return {"mailchimp_api_key": emulator.API_KEY}

    def sandbox_settings(self, base_url: str) -> dict[str, Any]:
        from app.providers.mailchimp import emulator

        return {"store_id": emulator.STORE_ID}

    def sample_cart(
        self, common: Mapping[str, Any], products: list[dict[str, Any]], rng: random.Random
    ) -> CartDocument:
        from app.providers.document import CartDocument

        # The common cart through the mapping, and what only Mailchimp has: the store's
        # product and variant ids, line ids, the customer's id, the cart's id in the link (as
        # Mailchimp for WooCommerce writes it, ?mc_cart_id=).
        payload, _ = self.from_common(common)
        lines = payload.get("lines") or []
        for index, (line, product) in enumerate(zip(lines, products, strict=True), start=1):
            line["id"] = f"line-{index}"
            line["product_id"] = product["product_id"]
            line["product_variant_id"] = product["variant"]
        customer = payload.setdefault("customer", {})
        customer["id"] = f"cust-{rng.randint(10_000, 99_999)}"
        customer["opt_in_status"] = False
        cart_id = payload.get("id")
        if isinstance(cart_id, str) and cart_id:
            base = str(payload.get("checkout_url") or "").rsplit("/cart/", 1)[0]
            payload["checkout_url"] = f"{base}/checkout?mc_cart_id={cart_id}"
        payload["tax_total"] = Decimal("0")
        return CartDocument(provider=self.key, payload=payload)

    def suggested_line_total(self, item: Mapping[str, Any]) -> Decimal | None:
        price = amount(item.get("price"))
        quantity = amount(item.get("quantity"))
        return None if price is None or quantity is None else price * quantity

    def suggested_totals(self, payload: Mapping[str, Any]) -> dict[str, Decimal]:
        lines = payload.get("lines")
        if not isinstance(lines, list) or not lines:
            return {}
        totals = [self.suggested_line_total(i) if isinstance(i, dict) else None for i in lines]
        if any(total is None for total in totals):
            return {}
        # Mailchimp for WooCommerce sends order_total = the sum of quantity times price
        # (§3); Mailchimp was not seen to check it.
        return {"order_total": sum((t for t in totals if t is not None), Decimal(0))}

    # --- where -------------------------------------------------------------------------------

    def api_root(self, target: Target) -> str:
        """The API's root: the base URL with its data centre filled in (from the
        ``data_center`` setting, which a profile's key gives) and ``/3.0`` added to a bare host
        (the sandbox's, or ``https://us19.api.mailchimp.com``)."""
        base = target.checked_base("https://us19.api.mailchimp.com/3.0")
        if DATA_CENTER in base and target.setting("data_center"):
            base = base.replace(DATA_CENTER, target.setting("data_center"))
        if not urlsplit(base).path:
            base += API_VERSION
        return base

    def store_root(self, target: Target) -> str:
        store = target.setting("store_id").strip()
        if not store:
            raise TargetError(
                "The Mailchimp profile has no store ID: set the id your integration gave the "
                "store (cart-composer profiles add … --store-id ID)."
            )
        return f"{self.api_root(target)}/ecommerce/stores/{quote(store, safe='')}"

    def build_request(
        self, payload: Any, target: Target, options: Mapping[str, Any] | None = None
    ) -> OutgoingRequest:
        self.options(options)
        url = f"{self.store_root(target)}/carts"
        return OutgoingRequest("POST", url, self.body(payload), self._json_headers())

    def build_action(
        self,
        action: CartAction,
        target: Target,
        *,
        cart_id: str = "",
        payload: Any = None,
        options: Mapping[str, Any] | None = None,
    ) -> OutgoingRequest:
        # The cart is named by its own id (Mailchimp's id is the one the cart was sent with),
        # under the store's path.
        if not cart_id.strip():
            own = get_at(payload, "id") if isinstance(payload, Mapping) else None
            cart_id = own if isinstance(own, str) else ""
        store = Target(self.store_root(target), target.settings)
        return super().build_action(
            action, store, cart_id=cart_id, payload=payload, options=options
        )

    def action_payload(self, action: CartAction, payload: Any) -> Any:
        if not (action.sends_cart and isinstance(payload, Mapping)):
            return payload
        # Update Cart's body: every field optional, the cart named by its path, and a
        # customer of opt_in_status, company, names and address only (§3).
        changed = {k: v for k, v in payload.items() if k != "id"}
        customer = changed.get("customer")
        if isinstance(customer, Mapping):
            kept = {k: v for k, v in customer.items() if k not in ("id", "email_address")}
            if kept:
                changed["customer"] = kept
            else:
                del changed["customer"]
        return changed

    def validate_action(self, action: CartAction, payload: Any) -> Validation:
        if not (action.sends_cart and isinstance(payload, Mapping)):
            return self.validate(payload)
        # Update's rules: nothing is required; what is sent follows Add cart's field rules.
        checked = self.validate(payload)

        def kept(loc: tuple[str | int, ...], code: str) -> bool:
            if loc[:2] in _PATCH_LEAVES_OUT or loc[:1] in _PATCH_LEAVES_OUT:
                return False
            return not (code == "presence_error" and len(loc) == 1 and loc[0] not in payload)

        return Validation(
            tuple(i for i in checked.issues if kept(i.loc, i.code)),
            tuple(i for i in checked.warning_issues if kept(i.loc, i.code)),
        )

    # --- answers -----------------------------------------------------------------------------

    def cart_id_after_send(self, status: int, provider_id: str | None) -> str | None:
        return provider_id if status == 200 and provider_id else None

    def cart_state(self, status: int, body: bytes, action: CartAction | None = None) -> CartState:
        if status != 200 or not body.strip():
            return CartState(id_name=self.action_id_name)
        try:
            data = jsonfmt.loads(body)
        except jsonfmt.JsonSyntaxError:
            return CartState(id_name=self.action_id_name)
        cart_id = data.get("id") if isinstance(data, dict) else None
        # A Mailchimp cart has no status or phase: it exists until it is deleted.
        return CartState(
            cart_id=cart_id if isinstance(cart_id, str) else None, id_name=self.action_id_name
        )

    def connection_check(self, target: Target) -> OutgoingRequest:
        # GET the profile's store: the key works and the store is the account's.
        headers = (("Accept", "application/json"), ("User-Agent", USER_AGENT))
        return OutgoingRequest("GET", self.store_root(target), b"", headers)

    def read_connection_check(
        self, status: int, reason: str, body: bytes, target: Target
    ) -> tuple[bool, str]:
        store = target.setting("store_id")
        if status == 401:
            return False, (
                "Mailchimp refused the API key (401): check the key, and that the base URL's "
                "data centre is the key's (its end, like -us19)."
            )
        if status == 404:
            return False, f"The key works, but the account has no store “{store}”."
        if status != 200:
            return False, f"Mailchimp answered {status} {reason}".rstrip() + "."
        try:
            data = jsonfmt.loads(body)
        except jsonfmt.JsonSyntaxError:
            return False, "Mailchimp's answer to GET …/ecommerce/stores/{id} is not JSON."
        name = data.get("name") if isinstance(data, dict) else None
        syncing = isinstance(data, dict) and data.get("is_syncing") is True
        said = f"Connected: store “{store}”" + (f" ({name})" if isinstance(name, str) else "")
        if syncing:
            # "Whether to disable automations because the store is currently syncing" (§1).
            said += "; it is syncing, so its automations are paused"
        return True, said + "."

    def read_response(
        self, status: int, headers: Mapping[str, str], body: bytes
    ) -> tuple[str | None, tuple[tuple[str, str], ...]]:
        if 200 <= status < 300:
            if not body.strip():
                return None, ()  # Delete's 204
            try:
                data = jsonfmt.loads(body)
            except jsonfmt.JsonSyntaxError as exc:
                raise ValueError(f"the body is not valid JSON: {exc}") from None
            cart_id = data.get("id") if isinstance(data, dict) else None
            return (cart_id if isinstance(cart_id, str) else None), ()
        try:
            data = jsonfmt.loads(body) if body.strip() else None
        except jsonfmt.JsonSyntaxError:
            # A bare 403 under load has no JSON (§4.3): its first words, or none.
            text = body.decode("utf-8", errors="replace").strip()[:200]
            return None, (("", text),) if text else ()
        return None, mailchimp_problems(status, data)


def mailchimp_problems(status: int, data: Any) -> tuple[tuple[str, str], ...]:
    """A problem detail as (path, words): each of ``errors[]`` at its field, else ``detail``;
    with what to do where the words alone do not say it. Never matched on ``type`` (§6.7)."""
    if not isinstance(data, dict):
        data = {}
    found: list[tuple[str, str]] = []
    errors = data.get("errors")
    for entry in errors if isinstance(errors, list) else []:
        if isinstance(entry, dict) and isinstance(entry.get("message"), str):
            field = entry.get("field")
            found.append((field_path(field) if isinstance(field, str) else "", entry["message"]))
    detail = data.get("detail")
    words = str(detail) if isinstance(detail, str) and detail else str(data.get("title") or "")
    if not found and words:
        found.append(("", words))
    if "does not exist in the account" in words and "product" in words:
        found.append(
            (
                "",
                "Create the product and its variant in the Mailchimp store first (POST "
                "/ecommerce/stores/{store_id}/products), or use one the store has.",
            )
        )
    if status == 429:
        found.append(
            (
                "",
                "Mailchimp allows 10 simultaneous connections per key: send fewer at once "
                "(bulk keeps at most 10 in flight).",
            )
        )
    return tuple(found)


PROVIDER = MailchimpProvider()  # what the registry finds
