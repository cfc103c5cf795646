"""Mailchimp's emulator for the built-in sandbox: the e-commerce carts of one store
(shared/reference/mailchimp-carts.md).

Routes under ``/3.0``: ``GET /3.0/ping``, ``GET /3.0/ecommerce/stores/{store_id}``, ``POST
…/carts`` (200 and the cart), ``GET``/``PATCH``/``DELETE …/carts/{cart_id}`` (200, 200, 204).
Check order: authentication (HTTP Basic, any user name, the key with or without its data-centre
suffix, as Mailchimp accepts both — §2), connections (the 11th request in flight for a key gets
429, §4.3), route and method (404, 405), the store (404), body parse and schema (400 ``Invalid
Resource`` with ``errors[{field, message}]``), the store's catalogue (400 ``Bad Request`` for a
product or variant it has not), then the answer. Every error is an RFC 7807 problem detail as
``application/problem+json; charset=utf-8`` with ``X-Request-Id``.

The store's catalogue is the sample catalogue (``app/resources/catalog.json``, each product
under its id and under its SKU) and the two products of the reference's example cart: each
product with its variant, and its own id as a variant too
(Mailchimp for WooCommerce gives a product without variants one of the same id). Where the
sources are silent the sandbox guesses and says so
(``X-Sandbox-Assumption``): the answer to a cart id the store already has (400, by analogy with
products, §7), a PATCH's ``lines`` replacing the cart's lines (§7), the wording of a field's
message.
"""

from __future__ import annotations

import base64
import binascii
import functools
import re
import time
import uuid
from collections import OrderedDict
from collections.abc import Callable
from typing import Any

import httpx

from app.domain import jsonfmt
from app.domain.sandbox_marks import ASSUMPTION_HEADER, EXPLAIN_HEADER, SandboxMode
from app.domain.validation import Validation
from app.providers import get_provider
from app.providers.emulation import ANSWER_ID, Emulator, EmulatorContext, utc_stamp
from app.providers.paths import get_at

__all__ = ["API_KEY", "STORE_ID", "MailchimpEmulator", "catalogue"]

# The sandbox's public key (in the README): 32 hex digits and a data centre, as Mailchimp's.
API_KEY = "5ca1ab1e0000c0de0000ca7c0000ba5e-us0"
STORE_ID = "sandbox-store"
STORE_NAME = "Cart Composer Demo Store"
CONNECTIONS = 10  # simultaneous, per key (§4.3)
_KEEP = 1000  # carts kept; the oldest goes first
_PROBLEM = "application/problem+json; charset=utf-8"
_TYPE = "https://mailchimp.com/developer/marketing/docs/errors/"
_STORE = re.compile(r"/3\.0/ecommerce/stores/([^/]+)(/carts(?:/([^/]+))?)?/?")

DUPLICATE_GUESSED = (
    ASSUMPTION_HEADER,
    "Mailchimp's answer to a cart id the store already has is not documented; the sandbox "
    "answers 400 as Mailchimp does for a product id",
)
LINES_GUESSED = (
    ASSUMPTION_HEADER,
    "whether a PATCH's lines replace or merge the cart's is not documented; the sandbox "
    "replaces them",
)
FIELDS_GUESSED = (
    ASSUMPTION_HEADER,
    "Mailchimp's wording for this field's problem is not known; the message is the sandbox's",
)
EXPLAINED = (EXPLAIN_HEADER, "sandbox explanation, not Mailchimp's wording")


@functools.cache
def catalogue() -> dict[str, dict[str, Any]]:
    """The store's products by id: ``{"title": …, "variants": {variant id: title}}``."""
    from app.providers.samples import load_catalog

    # The reference's example cart (§3), which the shipped sample is.
    found: dict[str, dict[str, Any]] = {
        "P-100": {"title": "Trail Mug", "variants": {"P-100-RED": "Red", "P-100": "Trail Mug"}},
        "P-200": {"title": "Camp Spoon", "variants": {"P-200": "Camp Spoon"}},
    }
    for product in load_catalog()["products"]:
        title = str(product["name"])
        variants = {str(product["variant"]): title, str(product["product_id"]): title}
        found[str(product["product_id"])] = {"title": title, "variants": variants}
        # The same product under its SKU, as a store synced by SKU has it (a cart carried in
        # from another provider names its lines so).
        found[str(product["sku"])] = {"title": title, "variants": {str(product["sku"]): title}}
    return found


def _problem(
    status: int,
    title: str,
    detail: str,
    errors: list[dict[str, str]] | None = None,
    headers: list[tuple[str, str]] | None = None,
) -> httpx.Response:
    body: dict[str, Any] = {
        "type": _TYPE,
        "title": title,
        "status": status,
        "detail": detail,
        "instance": str(uuid.uuid4()),
    }
    if errors:
        body["errors"] = errors
    content = jsonfmt.dumps(body, indent=None).encode("utf-8")
    return httpx.Response(
        status,
        headers=[
            ("Content-Type", _PROBLEM),
            ("X-Request-Id", str(uuid.uuid4())),
            *(headers or []),
        ],
        content=content,
    )


def _field(loc: tuple[str | int, ...]) -> str:
    """An issue's place as Mailchimp names a field: ``lines.item:0.product_id``."""
    return ".".join(f"item:{part}" if isinstance(part, int) else str(part) for part in loc)


def _ok(body: Any, status: int = 200) -> httpx.Response:
    content = jsonfmt.dumps(body, indent=None).encode("utf-8")
    return httpx.Response(
        status,
        headers=[("Content-Type", "application/json; charset=utf-8")],
        content=content,
    )


class MailchimpEmulator(Emulator):
    key = "mailchimp"

    def __init__(self, context: EmulatorContext) -> None:
        super().__init__(context)
        self.carts: OrderedDict[str, dict[str, Any]] = OrderedDict()
        self._in_flight: dict[str, int] = {}

    def reset(self) -> None:
        with self.context.lock:
            self.carts.clear()
            self._in_flight.clear()

    def owns(self, path: str) -> bool:
        return path == "/3.0" or path.startswith("/3.0/")

    def forced(self, status: int, headers: list[tuple[str, str]]) -> httpx.Response:
        if status == 429:
            return self._too_many(headers)
        return _problem(
            status,
            "Internal Server Error",
            "An unexpected internal error has occurred. Please contact Support for more "
            "information.",
            headers=headers,
        )

    def info(self) -> dict[str, Any]:
        return {
            "api_key": API_KEY,
            "store_id": STORE_ID,
            "products": {pid: sorted(p["variants"]) for pid, p in catalogue().items()},
            "limits": {"simultaneous_connections": self._limit},
            "endpoints": [
                "GET /3.0/ping",
                "GET /3.0/ecommerce/stores/{store_id}",
                "POST /3.0/ecommerce/stores/{store_id}/carts",
                "GET /3.0/ecommerce/stores/{store_id}/carts/{cart_id}",
                "PATCH /3.0/ecommerce/stores/{store_id}/carts/{cart_id}",
                "DELETE /3.0/ecommerce/stores/{store_id}/carts/{cart_id}",
            ],
            "carts": len(self.carts),
        }

    @property
    def _limit(self) -> int:
        return int(self.context.setting(self.key, "connections", CONNECTIONS))

    def handle(self, request: httpx.Request, body: bytes, mode: SandboxMode) -> httpx.Response:
        refused, who = self._unauthenticated(request)
        if refused is not None:
            return refused
        with self.context.lock:
            if self._in_flight.get(who, 0) >= self._limit:
                return self._too_many()
            self._in_flight[who] = self._in_flight.get(who, 0) + 1
        try:
            # A test's stand-in for a slow answer, so requests overlap (held while counted).
            hold = float(self.context.setting(self.key, "hold_seconds", 0))
            if hold:
                time.sleep(hold)
            return self._route(request, body, mode)
        finally:
            with self.context.lock:
                self._in_flight[who] -= 1

    def _route(self, request: httpx.Request, body: bytes, mode: SandboxMode) -> httpx.Response:
        path, method = request.url.path, request.method
        if path.rstrip("/") == "/3.0/ping":
            if method != "GET":
                return self._not_allowed("GET")
            return _ok({"health_status": "Everything's Chimpy!"})
        match = _STORE.fullmatch(path)
        if match is None:
            return self._not_found()
        store, carts, cart_id = match.groups()
        if store != STORE_ID:
            return self._not_found()
        if carts is None:
            if method != "GET":
                return self._not_allowed("GET")
            return _ok(self._store())
        if cart_id is None:
            if method != "POST":
                return self._not_allowed("POST")  # (listing carts is not emulated)
            return self._add(body, mode)
        if method == "GET":
            with self.context.lock:
                cart = self.carts.get(cart_id)
            return _ok(cart) if cart is not None else self._not_found()
        if method == "PATCH":
            return self._update(cart_id, body, mode)
        if method == "DELETE":
            with self.context.lock:
                gone = self.carts.pop(cart_id, None)
            return httpx.Response(204) if gone is not None else self._not_found()
        return self._not_allowed("GET, PATCH, DELETE")

    # --- the calls ---------------------------------------------------------------------------

    def _add(self, body: bytes, mode: SandboxMode) -> httpx.Response:
        data, refused = self._checked(body, mode, get_provider(self.key).validate)
        if refused is not None:
            return refused
        refused = self._unknown_products(data, mode)
        if refused is not None:
            return refused
        cart_id = str(data["id"])
        with self.context.lock:
            if cart_id in self.carts:
                return _problem(
                    400,
                    "Bad Request",
                    "We were unable to process the request. A cart with the provided ID "
                    "already exists in the account.",
                    headers=[DUPLICATE_GUESSED],
                )
            cart = self._resource(data)
            self.carts[cart_id] = cart
            while len(self.carts) > _KEEP:
                self.carts.popitem(last=False)
        response = _ok(cart)
        response.extensions[ANSWER_ID] = cart_id
        return response

    def _update(self, cart_id: str, body: bytes, mode: SandboxMode) -> httpx.Response:
        provider = get_provider(self.key)
        update = provider.action("update")
        with self.context.lock:
            if cart_id not in self.carts:
                return self._not_found()
        data, refused = self._checked(
            body, mode, lambda payload: provider.validate_action(update, payload)
        )
        if refused is not None:
            return refused
        for key in ("id", "customer.id", "customer.email_address"):
            if get_at(data, key) is not None:
                # PATCH's schema has neither (§3): Mailchimp most likely refuses the key.
                return _problem(
                    400,
                    "Invalid Resource",
                    "The resource submitted could not be validated. For field-specific "
                    "details, see the 'errors' array.",
                    [{"field": key, "message": "This field cannot be updated."}],
                    [FIELDS_GUESSED],
                )
        refused = self._unknown_products(data, mode)
        if refused is not None:
            return refused
        with self.context.lock:
            cart = self.carts.get(cart_id)
            if cart is None:
                return self._not_found()
            changed = {k: v for k, v in data.items() if k != "customer"}
            if "lines" in changed:
                changed["lines"] = [self._line(line) for line in changed["lines"]]
            merged = {**cart, **changed, "updated_at": utc_stamp()}
            if isinstance(data.get("customer"), dict):
                merged["customer"] = {**cart["customer"], **data["customer"]}
            self.carts[cart_id] = merged
        marks = [LINES_GUESSED] if "lines" in data else []
        response = _ok(merged)
        response.headers.update(dict(marks))
        return response

    # --- what a cart becomes -----------------------------------------------------------------

    def _resource(self, data: dict[str, Any]) -> dict[str, Any]:
        """The cart as Mailchimp answers it: what was sent, product titles from the store,
        timestamps and links (§4.1)."""
        stamp = utc_stamp()
        customer = dict(data["customer"])
        customer.setdefault("opt_in_status", False)
        customer.update(
            {"orders_count": 0, "total_spent": 0, "created_at": stamp, "updated_at": stamp}
        )
        cart = {
            **{k: v for k, v in data.items() if k not in ("customer", "lines")},
            "customer": customer,
            "lines": [self._line(line) for line in data["lines"]],
            "created_at": stamp,
            "updated_at": stamp,
        }
        base = f"/3.0/ecommerce/stores/{STORE_ID}/carts/{data['id']}"
        cart["_links"] = [
            {"rel": "self", "href": base, "method": "GET"},
            {"rel": "parent", "href": f"/3.0/ecommerce/stores/{STORE_ID}/carts", "method": "GET"},
            {"rel": "update", "href": base, "method": "PATCH"},
            {"rel": "delete", "href": base, "method": "DELETE"},
        ]
        return cart

    @staticmethod
    def _line(line: dict[str, Any]) -> dict[str, Any]:
        product = catalogue().get(str(line.get("product_id")), {})
        variants = product.get("variants", {})
        return {
            **line,
            "product_title": product.get("title", ""),
            "product_variant_title": variants.get(str(line.get("product_variant_id")), ""),
        }

    def _store(self) -> dict[str, Any]:
        return {
            "id": STORE_ID,
            "list_id": "sandboxlist",
            "name": STORE_NAME,
            "platform": "Cart Composer sandbox",
            "currency_code": "USD",
            "is_syncing": False,
        }

    # --- refusals ----------------------------------------------------------------------------

    def _checked(
        self, body: bytes, mode: SandboxMode, validate: Callable[[Any], Validation]
    ) -> tuple[dict[str, Any], httpx.Response | None]:
        try:
            data = jsonfmt.loads(body)
        except jsonfmt.JsonSyntaxError as exc:
            refused = _problem(
                400,
                "JSON Parse Error",
                f"We encountered an unspecified JSON parsing error: {exc}.",
                headers=[FIELDS_GUESSED],
            )
            return {}, refused
        if not isinstance(data, dict):
            return {}, _problem(
                400,
                "Invalid Resource",
                "The resource submitted could not be validated.",
                headers=[FIELDS_GUESSED],
            )
        validation = validate(data)
        if not validation.issues:
            return data, None
        # Mailchimp lists the fields' problems together (§4.2), so the sandbox does too.
        errors = [{"field": _field(i.loc), "message": i.message} for i in validation.issues]
        marks = [EXPLAINED] if mode.explain else [FIELDS_GUESSED]
        refused = _problem(
            400,
            "Invalid Resource",
            "The resource submitted could not be validated. For field-specific details, see "
            "the 'errors' array.",
            errors,
            marks,
        )
        return data, refused

    def _unknown_products(self, data: dict[str, Any], mode: SandboxMode) -> httpx.Response | None:
        """400 ``Bad Request`` for the first line whose product or variant the store has not,
        in Mailchimp's words (which name neither the line nor the id, §4.2; explain mode adds
        the field)."""
        lines = data.get("lines")
        for index, line in enumerate(lines if isinstance(lines, list) else []):
            product = catalogue().get(str(line.get("product_id")))
            if product is None:
                what, field = "ID", "product_id"
            elif str(line.get("product_variant_id")) not in product["variants"]:
                what, field = "variant ID", "product_variant_id"
            else:
                continue
            detail = (
                f"A product with the provided {what} does not exist in the account for this list."
            )
            errors = None
            if mode.explain:
                value = line.get(field)
                errors = [
                    {
                        "field": f"lines.item:{index}.{field}",
                        "message": f"The store has no product {what} “{value}”.",
                    }
                ]
            return _problem(400, "Bad Request", detail, errors, [EXPLAINED] if mode.explain else [])
        return None

    def _unauthenticated(self, request: httpx.Request) -> tuple[httpx.Response | None, str]:
        header = request.headers.get("authorization", "")
        scheme, _, encoded = header.partition(" ")
        if scheme.lower() != "basic" or not encoded.strip():
            refused = _problem(401, "API Key Missing", "Your request did not include an API key.")
            return refused, ""
        try:
            _, _, key = base64.b64decode(encoded.strip(), validate=True).decode().partition(":")
        except (binascii.Error, UnicodeDecodeError):
            key = ""
        if key not in (API_KEY, API_KEY.split("-")[0]):
            refused = _problem(
                401,
                "API Key Invalid",
                "Your API key may be invalid, or you've attempted to access the wrong datacenter.",
            )
            return refused, ""
        return None, API_KEY

    def _too_many(self, headers: list[tuple[str, str]] | None = None) -> httpx.Response:
        # No Retry-After and no rate-limit headers: Mailchimp sends none (§4.3).
        return _problem(
            429,
            "Too Many Requests",
            f"You have exceeded the limit of {self._limit} simultaneous connections.",
            headers=headers,
        )

    def _not_found(self) -> httpx.Response:
        return _problem(404, "Resource Not Found", "The requested resource could not be found.")

    def _not_allowed(self, allow: str) -> httpx.Response:
        return _problem(
            405,
            "Method Not Allowed",
            "The requested method and resource are not compatible. See the Allow header for "
            "this resource's available methods.",
            headers=[("Allow", allow)],
        )
