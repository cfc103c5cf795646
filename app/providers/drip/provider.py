"""Drip: the Cart Activity request (`POST /v3/:account_id/shopper_activity/cart`)."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import TYPE_CHECKING, Any, ClassVar, Literal
from urllib.parse import quote

from pydantic import BaseModel, ConfigDict, Field

from app.domain import jsonfmt
from app.domain.errors import PayloadError, TargetError
from app.providers.auth import AuthSpec, BasicAuth, HeaderAuth, SecretRef
from app.providers.base import (
    USER_AGENT,
    OutgoingRequest,
    Provider,
    SandboxOption,
    SecretSpec,
    Target,
    amount,
)
from app.providers.common import CART_FIELDS, ITEM_FIELDS
from app.providers.drip.models import DripCart

if TYPE_CHECKING:
    import random

    from app.providers.document import CartDocument
    from app.providers.emulation import Emulator, EmulatorContext

__all__ = ["DEFAULT_BASE_URL", "MAX_BATCH", "PROVIDER", "DripProvider", "cart_path"]

DEFAULT_BASE_URL = "https://api.getdrip.com"
# Drip's batch endpoint takes up to this many carts per request.
MAX_BATCH = 1000


def cart_path(account_id: str) -> str:
    """The path of the cart endpoint; Cart Activity is v3 (v2 URLs fail)."""
    return f"/v3/{quote(account_id, safe='')}/shopper_activity/cart"


# Drip: "The API Token is the username portion of the Basic Authentication scheme, with an
# empty password" — ``key:``. A public integration sends its OAuth access token instead.
API_KEY_AUTH = BasicAuth(SecretRef("drip_api_key"))
OAUTH_AUTH = HeaderAuth("drip_access_token")


class DripSettings(BaseModel):
    """A Drip profile: the account the cart goes to, and how it authenticates."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    account_id: str = Field(
        "",
        title="Account ID",
        description="the number in Drip's URLs",
        json_schema_extra={"required": True},
    )
    auth: Literal["api_key", "oauth"] = Field(
        "api_key",
        title="Authentication",
        json_schema_extra={
            "labels": {"api_key": "API key (Basic)", "oauth": "OAuth access token (Bearer)"}
        },
    )


class DripProvider(Provider):
    key = "drip"
    position = 10
    default_base_url = DEFAULT_BASE_URL
    settings_model = DripSettings
    sandbox_options = (
        SandboxOption(
            "--drip-hourly-limit", "hourly_limit", "count", 3600, "Drip requests per hour"
        ),
    )
    legacy_settings: ClassVar[Mapping[str, str]] = {"account_id": "account_id", "drip_auth": "auth"}
    sandbox_mode_notes: ClassVar[Mapping[str, str]] = {
        "real": "its schema errors without field paths"
    }
    secrets = (
        SecretSpec("drip_api_key", "Drip API key", "CART_COMPOSER_DRIP_API_KEY"),
        SecretSpec(
            "drip_access_token", "Drip OAuth access token", "CART_COMPOSER_DRIP_ACCESS_TOKEN"
        ),
    )

    def emulator(self, context: EmulatorContext) -> Emulator:
        from app.providers.drip.emulator import DripEmulator

        return DripEmulator(context)

    def sandbox_secrets(self) -> dict[str, str]:
        from app.providers.drip import emulator

        return {"drip_api_key": emulator.API_KEY}

    def sandbox_settings(self, base_url: str) -> dict[str, Any]:
        from app.providers.drip import emulator

        return {"account_id": emulator.ACCOUNT_ID}

    def sample_cart(
        self, common: Mapping[str, Any], products: list[dict[str, Any]], rng: random.Random
    ) -> CartDocument:
        from app.providers.document import CartDocument
        from app.providers.samples import utc_now

        # The common cart through the declared mapping, and what only Drip has: the platform,
        # the time, a public id, and each product's ids and brand.
        payload, _ = self.from_common(common)
        for item, product in zip(payload["items"], products, strict=True):
            item["product_id"] = product["product_id"]
            item["product_variant_id"] = product["variant"]
            item["brand"] = product["brand"]
        payload["provider"] = "cart_composer_demo"
        payload["occurred_at"] = utc_now()
        payload["cart_public_id"] = f"#{rng.randint(1000, 9999)}"
        return CartDocument(provider=self.key, payload=payload)

    def event_values(self, event: str) -> dict[str, Any] | None:
        # The cart as "created" or (the same cart again) "updated", and when (UTC); the cart id
        # stays, which is what ties the two events together.
        from app.providers.samples import utc_now

        if event not in ("created", "updated"):
            return None
        return {"action": event, "occurred_at": utc_now()}

    def auth(self, settings: Mapping[str, Any]) -> AuthSpec:
        return OAUTH_AUTH if settings.get("auth") == "oauth" else API_KEY_AUTH

    def auth_variants(self) -> tuple[tuple[dict[str, Any], AuthSpec], ...]:
        return (({"auth": "api_key"}, API_KEY_AUTH), ({"auth": "oauth"}, OAUTH_AUTH))

    title = "Drip"
    model = DripCart
    items_key = "items"
    email_field, cart_id_field, cart_url_field = "email", "cart_id", "cart_url"
    # Drip's names are the common cart's own.
    common_cart: ClassVar[Mapping[str, str]] = {name: name for name in CART_FIELDS}
    common_item: ClassVar[Mapping[str, str]] = {name: name for name in ITEM_FIELDS}
    new_cart_values: ClassVar[Mapping[str, Any]] = {"action": "created"}
    request_path = "/v3/{account_id}/shopper_activity/cart"
    send_operation = "cart_activity"
    batch_operation = "cart_activity_batch"
    batch_size = MAX_BATCH
    # api-notes.md §1.7: 50 batch requests an hour.
    batch_limit = "hourly limit"
    batch_limit_resets = "an hour"

    def batch_ids(self, body: bytes) -> list[str]:
        try:
            data = jsonfmt.loads(body)
        except jsonfmt.JsonSyntaxError:
            return []
        ids = data.get("request_ids") if isinstance(data, dict) else None
        return [str(i) for i in ids] if isinstance(ids, list) else []

    form_groups = (
        ("Who", ("email", "person_id", "visitor_uuid", "initial_status")),
        ("Cart", ("provider", "action", "cart_id", "cart_public_id", "cart_url", "occurred_at")),
        ("Totals", ("currency", "grand_total", "total_discounts")),
    )
    form_hint = (
        "Drip needs an email, a Drip person ID or a visitor UUID (an anonymous visitor's "
        "cart); when a person ID is set, Drip ignores the email."
    )
    line_total_field = "total"

    def suggested_line_total(self, item: Mapping[str, Any]) -> Decimal | None:
        # Drip: "line item total after quantity and discount"; quantity defaults to 1 and
        # discounts (already taking quantity into account) to 0.
        price = amount(item.get("price"))
        quantity = amount(item.get("quantity"), Decimal(1))
        discounts = amount(item.get("discounts"), Decimal(0))
        if price is None or quantity is None or discounts is None:
            return None
        return price * quantity - discounts

    def suggested_totals(self, payload: Mapping[str, Any]) -> dict[str, Decimal]:
        items = payload.get("items")
        if not isinstance(items, list) or not items:
            return {}
        lines = [self.suggested_line_total(i) for i in items if isinstance(i, dict)]
        discounts = [amount(i.get("discounts"), Decimal(0)) for i in items if isinstance(i, dict)]
        if any(v is None for v in lines) or any(v is None for v in discounts):
            return {}
        # grand_total "should include any applicable discounts": the sum of the line totals.
        return {
            "grand_total": sum((v for v in lines if v is not None), Decimal(0)),
            "total_discounts": sum((v for v in discounts if v is not None), Decimal(0)),
        }

    def build_request(
        self,
        payload: Any,
        target: Target,
        options: Mapping[str, Any] | None = None,
    ) -> OutgoingRequest:
        self.options(options)
        url, headers = self._endpoint(target)
        return OutgoingRequest(
            method="POST", url=url, body=self.body(payload), _wire_headers=headers
        )

    def build_batch_request(self, payloads: list[Any], target: Target) -> OutgoingRequest:
        """``POST …/shopper_activity/cart/batch`` with ``{"carts": [...]}`` (1 to 1,000 carts,
        each written exactly as a single send would write it)."""
        if not 1 <= len(payloads) <= MAX_BATCH:
            raise PayloadError(f"A batch holds 1 to {MAX_BATCH:,} carts, not {len(payloads):,}.")
        url, headers = self._endpoint(target)
        try:
            carts = [
                jsonfmt.RawJson(jsonfmt.dumps_element(self.canonical(p), 2), level=2)
                for p in payloads
            ]
            body = jsonfmt.dumps({"carts": carts}).encode("utf-8")
        except (TypeError, ValueError) as exc:
            raise PayloadError(f"A cart cannot be written as JSON: {exc}.") from None
        return OutgoingRequest(method="POST", url=url + "/batch", body=body, _wire_headers=headers)

    def _endpoint(self, target: Target) -> tuple[str, tuple[tuple[str, str], ...]]:
        base = target.checked_base(self.default_base_url)
        raw_account = target.setting("account_id")
        account = raw_account.strip()
        if not account:
            raise TargetError("Enter the Drip account ID: the number in your Drip account's URL.")
        if not account.isdigit():
            raise TargetError(
                f"The Drip account ID “{raw_account}” must be a number, like 9999999."
            )
        return base + cart_path(account), self._json_headers()

    def connection_check(self, target: Target) -> OutgoingRequest:
        # GET /v2/accounts: is the profile's account among the key's accounts?
        url = f"{target.checked_base(self.default_base_url)}/v2/accounts"
        headers = (("Accept", "application/json"), ("User-Agent", USER_AGENT))
        return OutgoingRequest(method="GET", url=url, body=b"", _wire_headers=headers)

    def read_connection_check(
        self, status: int, reason: str, body: bytes, target: Target
    ) -> tuple[bool, str]:
        account_id = target.setting("account_id")
        if status == 401:
            return False, "Drip refused the API key (401 Unauthorized)."
        if status != 200:
            return False, f"Drip answered {status} {reason}".rstrip() + "."
        try:
            accounts = jsonfmt.loads(body).get("accounts", [])
            ids = [str(a.get("id")) for a in accounts if isinstance(a, dict)]
        except (jsonfmt.JsonSyntaxError, AttributeError):
            return False, "Drip's answer to GET /v2/accounts is not the usual JSON."
        if account_id in ids:
            return True, f"Connected: account {account_id} is among the key's accounts."
        listed = ", ".join(ids) or "none"
        return False, (
            f"The key works, but account {account_id or '(none set)'} is not among its accounts "
            f"({listed})."
        )

    def read_response(
        self, status: int, headers: Mapping[str, str], body: bytes
    ) -> tuple[str | None, tuple[tuple[str, str], ...]]:
        try:
            data = jsonfmt.loads(body) if body.strip() else None
        except jsonfmt.JsonSyntaxError as exc:
            if 200 <= status < 300:
                raise ValueError(f"the body is not valid JSON: {exc}") from None
            return None, (("", body.decode("utf-8", errors="replace").strip()[:200]),)
        if 200 <= status < 300:
            if isinstance(data, dict) and isinstance(data.get("request_id"), str):
                return data["request_id"], ()
            if isinstance(data, dict) and isinstance(data.get("request_ids"), list):
                ids = data["request_ids"]
                return f"{len(ids)} request ids" if len(ids) != 1 else str(ids[0]), ()
            return None, ()
        problems = drip_problems(data)
        if status == 429:
            problems += (("", _allowance(headers)),)
        return None, problems


def _allowance(headers: Mapping[str, str]) -> str:
    """When Drip's allowance comes back, as far as the answer says (api-notes.md §1.7: 3,600
    single and 50 batch requests an hour, no reset time documented, no Retry-After here)."""
    limit = headers.get("x-ratelimit-limit")
    of = f" of {limit} requests" if limit else ""
    raw = headers.get("retry-after", "").strip()
    if raw.isdigit():
        minutes = max(1, round(int(raw) / 60))
        return f"Drip's hourly allowance{of} is used up; it comes back in about {minutes} min."
    return f"Drip's hourly allowance{of} is used up; it comes back within the hour."


def drip_problems(data: Any) -> tuple[tuple[str, str], ...]:
    """Drip's three error shapes, as (attribute, message) pairs (api-notes.md §1.6)."""
    if isinstance(data, dict):
        errors = data.get("errors")
        if isinstance(errors, list):
            found = []
            for entry in errors:
                if isinstance(entry, dict):
                    message = entry.get("message") or entry.get("code") or ""
                    found.append((str(entry.get("attribute") or ""), str(message)))
            return tuple(found)
        error = data.get("error")
        if isinstance(error, dict) and "message" in error:
            return (("", str(error["message"])),)
        if "message" in data:
            return (("", str(data["message"])),)
    return ()


PROVIDER = DripProvider()  # what the registry finds
