"""Klaviyo: Create Event (``POST /api/events``) — Started Checkout, Added to Cart, Placed Order
or a metric of your own, as JSON:API (shared/reference/klaviyo-events.md)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from decimal import Decimal
from typing import TYPE_CHECKING, Any, ClassVar

from pydantic import BaseModel, ConfigDict, Field, field_validator

from app.domain import jsonfmt
from app.domain.errors import PayloadError
from app.domain.sizes import size_text
from app.providers.auth import AuthSpec, HeaderAuth
from app.providers.base import USER_AGENT, OutgoingRequest, Provider, SecretSpec, Target, amount
from app.providers.klaviyo.models import KlaviyoEvent
from app.providers.paths import get_at, set_in

if TYPE_CHECKING:
    import random

    from app.providers.document import CartDocument
    from app.providers.emulation import Emulator, EmulatorContext

__all__ = ["DEFAULT_BASE_URL", "DEFAULT_REVISION", "PROVIDER", "KlaviyoProvider", "pointer_path"]

DEFAULT_BASE_URL = "https://a.klaviyo.com"
# The revision the newest official SDK pins (klaviyo-api-python 24.0.0, §2); revisions retire
# after about two years, so a profile can name another.
DEFAULT_REVISION = "2026-07-15"
_REVISION = re.compile(r"\d{4}-\d{2}-\d{2}(\.[A-Za-z0-9_-]+)?")
MEDIA_TYPE = "application/vnd.api+json"  # what the spec declares and the Python SDK sends
# Bulk Create Events (§1): up to 1,000 events a request, 5 MB at most.
MAX_BULK_EVENTS = 1000
MAX_BULK_BYTES = 5 * 1024 * 1024

ATTRIBUTES = "data.attributes"
PROPERTIES = f"{ATTRIBUTES}.properties"
SHOPPER = f"{ATTRIBUTES}.profile.data.attributes"
METRIC_NAME = f"{ATTRIBUTES}.metric.data.attributes.name"


class KlaviyoSettings(BaseModel):
    """A Klaviyo profile: which API revision its requests ask for."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    revision: str = Field(
        DEFAULT_REVISION,
        title="API revision",
        description="the revision header, YYYY-MM-DD (Klaviyo retires old ones)",
    )

    @field_validator("revision")
    @classmethod
    def _a_revision(cls, value: str) -> str:
        value = value.strip()
        if not _REVISION.fullmatch(value):
            raise ValueError(f"“{value}” is not a revision: write it YYYY-MM-DD, like 2026-07-15")
        return value


def pointer_path(pointer: str) -> str:
    """A JSON pointer of an error's ``source`` (``/data/attributes/profile``) as the app's
    path (``data.attributes.profile``; ``/…/Items/0/…`` → ``…Items[0]…``)."""
    out = ""
    for raw in pointer.strip("/").split("/"):
        if not raw:
            continue
        part = raw.replace("~1", "/").replace("~0", "~")
        out += f"[{part}]" if part.isdigit() else (f".{part}" if out else part)
    return out


class KlaviyoProvider(Provider):
    key = "klaviyo"
    title = "Klaviyo"
    position = 30
    default_base_url = DEFAULT_BASE_URL
    settings_model = KlaviyoSettings
    secrets = (
        SecretSpec("klaviyo_api_key", "Klaviyo private API key", "CART_COMPOSER_KLAVIYO_API_KEY"),
    )
    sandbox_mode_notes: ClassVar[Mapping[str, str]] = {
        "real": "its JSON:API errors, with a source pointer"
    }
    send_operation = "create_event"
    request_path = "/api/events"
    header_settings: ClassVar[Mapping[str, str]] = {"revision": "revision"}
    batch_operation = "bulk_create_events"
    batch_size = MAX_BULK_EVENTS
    # Bulk Create is tier M (§4.3): its 429 says when, in Retry-After.
    batch_limit = "rate limit (10 a second, 150 a minute)"
    batch_limit_resets = "a minute"

    model = KlaviyoEvent
    items_key = f"{PROPERTIES}.Items"
    custom_path = PROPERTIES  # a custom property is one more of the event's properties
    email_field = f"{SHOPPER}.email"
    # The event's dedupe key is what names this cart's event; "New cart id" makes a new one.
    cart_id_field = f"{ATTRIBUTES}.unique_id"
    cart_url_field = f"{PROPERTIES}.CheckoutURL"
    line_total_field = "RowTotal"
    form_groups = (
        ("Event", (METRIC_NAME, f"{ATTRIBUTES}.time", f"{ATTRIBUTES}.unique_id")),
        (
            "Shopper",
            (
                f"{SHOPPER}.email",
                f"{SHOPPER}.phone_number",
                f"{SHOPPER}.external_id",
                f"{SHOPPER}.first_name",
                f"{SHOPPER}.last_name",
            ),
        ),
        (
            "Cart",
            (
                f"{PROPERTIES}.$event_id",
                f"{PROPERTIES}.CheckoutURL",
                f"{PROPERTIES}.ItemNames",
                f"{PROPERTIES}.Categories",
            ),
        ),
        ("Value", (f"{ATTRIBUTES}.value", f"{ATTRIBUTES}.value_currency", f"{PROPERTIES}.$value")),
        (
            "JSON:API",
            ("data.type", f"{ATTRIBUTES}.metric.data.type", f"{ATTRIBUTES}.profile.data.type"),
        ),
    )
    form_hint = (
        "Klaviyo needs an email, a phone number (E.164) or an external ID. Flows listen to the "
        "exact event name: Started Checkout, Added to Cart, Placed Order."
    )
    common_cart: ClassVar[Mapping[str, str]] = {
        "email": f"{SHOPPER}.email",
        "cart_id": f"{ATTRIBUTES}.unique_id",
        "cart_url": f"{PROPERTIES}.CheckoutURL",
        "currency": f"{ATTRIBUTES}.value_currency",
        "grand_total": f"{ATTRIBUTES}.value",
    }
    common_item: ClassVar[Mapping[str, str]] = {
        "name": "ProductName",
        "sku": "SKU",
        "price": "ItemPrice",
        "quantity": "Quantity",
        "total": "RowTotal",
        "product_url": "ProductURL",
        "image_url": "ImageURL",
        "categories": "ProductCategories",
    }
    new_cart_values: ClassVar[Mapping[str, Any]] = {
        "data.type": "event",
        f"{ATTRIBUTES}.metric.data.type": "metric",
        METRIC_NAME: "Started Checkout",
        f"{ATTRIBUTES}.profile.data.type": "profile",
        PROPERTIES: {},
    }

    def auth(self, settings: Mapping[str, Any]) -> AuthSpec:
        # "Klaviyo-API-Key <private key>": a Bearer or a bare key gets 401 (§2, §6.2).
        return HeaderAuth("klaviyo_api_key", scheme="Klaviyo-API-Key")

    def emulator(self, context: EmulatorContext) -> Emulator:
        from app.providers.klaviyo.emulator import KlaviyoEmulator

        return KlaviyoEmulator(context)

    def sandbox_secrets(self) -> dict[str, str]:
        from app.providers.klaviyo import emulator

        return {"klaviyo_api_key": emulator.API_KEY}

    def sample_cart(
        self, common: Mapping[str, Any], products: list[dict[str, Any]], rng: random.Random
    ) -> CartDocument:
        from app.providers.document import CartDocument
        from app.providers.samples import utc_now

        # The common cart through the declared mapping, and what only Klaviyo's convention
        # has: the product ids, the items' names, the $-properties, the time.
        payload, _ = self.from_common(common)
        items = get_at(payload, self.items_key) or []
        for item, product in zip(items, products, strict=True):
            item["ProductID"] = product["product_id"]
        unique = get_at(payload, self.cart_id_field) or f"cart-{rng.randint(1000, 9999)}"
        set_in(payload, f"{PROPERTIES}.$event_id", unique)
        total = get_at(payload, f"{ATTRIBUTES}.value")
        if total is not None:
            set_in(payload, f"{PROPERTIES}.$value", total)
        names = [item["ProductName"] for item in items if item.get("ProductName")]
        set_in(payload, f"{PROPERTIES}.ItemNames", names)
        set_in(payload, f"{ATTRIBUTES}.time", utc_now())
        return CartDocument(provider=self.key, payload=payload)

    def suggested_line_total(self, item: Mapping[str, Any]) -> Decimal | None:
        price = amount(item.get("ItemPrice"))
        quantity = amount(item.get("Quantity"), Decimal(1))
        return None if price is None or quantity is None else price * quantity

    def suggested_totals(self, payload: Mapping[str, Any]) -> dict[str, Decimal]:
        items = get_at(payload, self.items_key)
        if not isinstance(items, list) or not items:
            return {}
        lines = [self.suggested_line_total(i) for i in items if isinstance(i, dict)]
        if any(line is None for line in lines):
            return {}
        total = sum((line for line in lines if line is not None), Decimal(0))
        # Klaviyo's own integrations copy the value to the top level "to unblock attribution
        # value tracking" (SFCC's changelog, §3.1): both say the same.
        return {f"{ATTRIBUTES}.value": total, f"{PROPERTIES}.$value": total}

    def build_request(
        self, payload: Any, target: Target, options: Mapping[str, Any] | None = None
    ) -> OutgoingRequest:
        self.options(options)
        base, headers = self._endpoint(target)
        return OutgoingRequest("POST", f"{base}/api/events", self.body(payload), headers)

    def _endpoint(self, target: Target) -> tuple[str, tuple[tuple[str, str], ...]]:
        """The base URL and the headers every Klaviyo request carries (its revision)."""
        base = target.checked_base(self.default_base_url)
        revision = str(target.setting("revision") or DEFAULT_REVISION)
        headers = (
            ("Content-Type", MEDIA_TYPE),
            ("Accept", MEDIA_TYPE),
            ("revision", revision),
            ("User-Agent", USER_AGENT),
        )
        return base, headers

    def build_batch_request(self, payloads: list[Any], target: Target) -> OutgoingRequest:
        """``POST /api/event-bulk-create-jobs``: each event as one profile's item (its
        ``profile`` moved out of the event, as the bulk schema has it, §3), written as a single
        send writes it; 1 to 1,000 events and 5 MB at most."""
        if not 1 <= len(payloads) <= MAX_BULK_EVENTS:
            raise PayloadError(
                f"A Klaviyo bulk job holds 1 to {MAX_BULK_EVENTS:,} events, not {len(payloads):,}."
            )
        items = []
        for payload in payloads:
            attributes = get_at(self.canonical(payload), ATTRIBUTES)
            if not isinstance(attributes, Mapping):
                raise PayloadError("An event has no data.attributes: it cannot go in a bulk job.")
            event = {k: v for k, v in attributes.items() if k != "profile"}
            items.append(
                {
                    "type": "event-bulk-create",
                    "attributes": {
                        "profile": attributes.get("profile"),
                        "events": {"data": [{"type": "event", "attributes": event}]},
                    },
                }
            )
        job = {
            "data": {
                "type": "event-bulk-create-job",
                "attributes": {"events-bulk-create": {"data": items}},
            }
        }
        try:
            body = jsonfmt.dumps(job).encode("utf-8")
        except (TypeError, ValueError) as exc:
            raise PayloadError(f"An event cannot be written as JSON: {exc}.") from None
        if len(body) > MAX_BULK_BYTES:
            raise PayloadError(
                f"The bulk job is {size_text(len(body))}; Klaviyo takes at most "
                f"{size_text(MAX_BULK_BYTES)} a request: send fewer events at once."
            )
        base, headers = self._endpoint(target)
        return OutgoingRequest("POST", f"{base}/api/event-bulk-create-jobs", body, headers)

    def read_response(
        self, status: int, headers: Mapping[str, str], body: bytes
    ) -> tuple[str | None, tuple[tuple[str, str], ...]]:
        if 200 <= status < 300:
            # 202 with an empty body: the event was accepted for processing, nothing is
            # named back (§4.1).
            return None, ()
        try:
            data = jsonfmt.loads(body) if body.strip() else None
        except jsonfmt.JsonSyntaxError:
            # An edge answer (Cloudflare's HTML 400/403, §4.2): its first words.
            return None, (("", body.decode("utf-8", errors="replace").strip()[:200]),)
        problems = klaviyo_problems(data)
        if status == 403:
            problems += (
                (
                    "",
                    "The private key lacks the events:write scope: give it Full or Custom access "
                    "with Events write in Klaviyo (Settings → API keys).",
                ),
            )
        if status == 429:
            wait = headers.get("retry-after", "").strip()
            when = f"in {wait} s" if wait.isdigit() else "shortly"
            problems += (("", f"Klaviyo's rate limit: try again {when} (Retry-After)."),)
        return None, problems


def klaviyo_problems(data: Any) -> tuple[tuple[str, str], ...]:
    """JSON:API errors as (path, words): each error's ``detail`` (else its title), at the field
    its ``source.pointer`` names."""
    errors = data.get("errors") if isinstance(data, dict) else None
    if not isinstance(errors, list):
        return ()
    found = []
    for entry in errors:
        if not isinstance(entry, dict):
            continue
        source = entry.get("source")
        pointer = source.get("pointer") if isinstance(source, dict) else None
        words = entry.get("detail") or entry.get("title") or entry.get("code") or ""
        path = pointer_path(pointer) if isinstance(pointer, str) else ""
        # "/data" (or "/data/") is the whole resource, not a field to go to.
        found.append(("" if path == "data" else path, str(words)))
    return tuple(found)


PROVIDER = KlaviyoProvider()  # what the registry finds
