"""Bronto's emulator for the built-in sandbox: OAuth2 tokens and the cart lifecycle.

Faithful to api-notes.md §2.2-2.6: auth failures are 403 (never 401), errors travel in the
``X-Reason`` header as ``ServiceExceptionMessage{siteId=…, statusCode=…, reason=…}`` with an
empty body, the token request is form-encoded and answers only access_token, refresh_token and
expires_in; Search answers 204 for no match; Delete answers 204 even for unknown carts.
Inferences, marked [INFER] where made: line-item ``position`` counts from 0; setting ``phase``
to ORDER_COMPLETE completes the cart (status COMPLETE), as Bronto's connector pairs them. An
answer that shows an inference says so in an ``X-Sandbox-Assumption`` header.

The real answers (the default mode): a 403 is bare — no reason text for 403 is documented
anywhere, so the sandbox's reasons (unknown, expired, wrong scheme, scope) are Explain mode's,
marked ``X-Sandbox-Explain``. Bronto is a Java service: a number sent as a string ("16.99") is
read as the number, unknown keys are ignored and a query boolean other than "true" is false,
as Jackson and JAX-RS do by default [INFER]; strict mode refuses all three (400), as the
sandbox did before.
"""

from __future__ import annotations

import re
import secrets
import uuid
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any
from urllib.parse import parse_qsl

import httpx

from app.domain import jsonfmt
from app.domain.fieldtypes import Kind
from app.domain.sandbox_marks import ASSUMPTION_HEADER, EXPLAIN_HEADER, SandboxMode
from app.domain.validation import Issue, Validation
from app.providers import get_provider
from app.providers.bronto.models import BrontoCart
from app.providers.emulation import Emulator, EmulatorContext, json_response, utc_stamp
from app.providers.schema import field_facts, lookup

__all__ = [
    "CLIENT_ID",
    "CLIENT_SECRET",
    "KNOWN_CONTACT",
    "READONLY_CLIENT_ID",
    "READONLY_CLIENT_SECRET",
    "SITE_ID",
    "STATUSES",
    "BrontoEmulator",
]

# The sandbox's fixed, public credentials (in the README): the built-in sandbox profile uses
# them. They open nothing but the sandbox.
SITE_ID = "00001"
CLIENT_ID = "sandbox-bronto-client"
CLIENT_SECRET = "sandbox-bronto-secret"
# A client whose tokens carry only orders/carts-read: shows the 403 for insufficient scope.
READONLY_CLIENT_ID = "sandbox-bronto-readonly"
READONLY_CLIENT_SECRET = "sandbox-bronto-readonly-secret"
# A contact the sandbox's Bronto site knows from the start (the Java example's address), so
# Add Cart without createContact=true can succeed; any other address needs createContact=true.
KNOWN_CONTACT = "example@email.com"

STATUSES = ("ACTIVE", "ABANDONED", "EXPIRED", "COMPLETE")
TERMINAL = frozenset({"EXPIRED", "COMPLETE"})
WRITE = "orders/carts-write"
READ = "orders/carts-read"

# Bronto's own client-side checks (Magento extension, Dto.php): what the service most likely
# calls a valid tid and tracking cookie name.
_TID = re.compile(r"[0-9a-z-]+", re.IGNORECASE)
_COOKIE_NAME = re.compile(r"tid_[0-9a-z]*", re.IGNORECASE)
_TRACKING_FIELDS = ("trackingCookieName", "trackingCookieValue", "tid")

# The Cart as Get/Search/Add return it, in the document's order.
_CART_ORDER = (
    "url",
    "emailAddress",
    "contactId",
    "status",
    "phase",
    "hasTracking",
    "customerCartId",
    "trackingCookieName",
    "trackingCookieValue",
    "deliveryId",
    "discountAmount",
    "grandTotal",
    "lineItems",
    "originIp",
    "messageId",
    "originUserAgent",
    "shippingAmount",
    "shippingDate",
    "shippingDetails",
    "shippingTrackingUrl",
    "subtotal",
    "taxAmount",
    "cartId",
    "createdDate",
    "updatedDate",
    "currency",
)
_ITEM_ORDER = (
    "name",
    "other",
    "sku",
    "category",
    "imageUrl",
    "productUrl",
    "quantity",
    "salePrice",
    "totalPrice",
    "unitPrice",
    "description",
    "position",
)
_ASCII = str.maketrans(
    {"\u201c": '"', "\u201d": '"', "\u2018": "'", "\u2019": "'", "\u2026": "...", "\u2013": "-"}
)

_CLIENTS = {
    CLIENT_ID: (CLIENT_SECRET, frozenset({WRITE, READ})),
    READONLY_CLIENT_ID: (READONLY_CLIENT_SECRET, frozenset({READ})),
}


@dataclass
class _Token:
    client_id: str
    scopes: frozenset[str]
    expires_at: float


@dataclass
class _Cart:
    fields: dict[str, Any]  # what the client sent (tracking dropped if ignored)
    cart_id: str
    status: str = "ACTIVE"
    contact_id: str | None = None
    has_tracking: bool = False
    created: str = field(default_factory=utc_stamp)
    updated: str = ""

    def __post_init__(self) -> None:
        self.updated = self.updated or self.created  # a new cart: one instant, both dates

    def to_json(self) -> dict[str, Any]:
        values: dict[str, Any] = {
            **self.fields,
            "contactId": self.fields.get("contactId") or self.contact_id,
            "status": self.status,
            "phase": self.fields.get("phase") or "SHOPPING",
            "hasTracking": self.has_tracking,
            "cartId": self.cart_id,
            "createdDate": self.created,
            "updatedDate": self.updated,
        }
        items = values.get("lineItems")
        if isinstance(items, list):
            values["lineItems"] = [
                _ordered({**item, "position": index}, _ITEM_ORDER)
                for index, item in enumerate(items)
            ]
        return _ordered(values, _CART_ORDER)


def _header_text(text: str) -> str:
    """``text`` as a header value: header values travel as Latin-1 at most, and a CR or LF from
    the client's own keys would break the header, so printable ASCII only."""
    text = text.translate(_ASCII).encode("ascii", "replace").decode("ascii")
    return "".join(ch if " " <= ch <= "~" else "?" for ch in text)


def _ordered(values: dict[str, Any], order: tuple[str, ...]) -> dict[str, Any]:
    """``values`` in the response schema's order, unset (None) ones left out."""
    return {key: values[key] for key in order if values.get(key) is not None}


EXPLAINED = (EXPLAIN_HEADER, "sandbox explanation, not Bronto's wording")
_POSITIONS = "line items' position counts from 0 (Bronto's documents do not say)"
_COMPLETE = (
    "status COMPLETE because phase is ORDER_COMPLETE: Bronto's connector sets both; no Bronto "
    "document says the service does"
)


class _Refused(Exception):
    """A request the service turns down: status and the X-Reason text. ``explained``: the
    real service gives no reason (only Explain mode sends this one)."""

    def __init__(
        self, status: int, reason: str, site_known: bool = True, *, explained: bool = False
    ) -> None:
        super().__init__(reason)
        self.status = status
        self.reason = reason
        self.site_known = site_known
        self.explained = explained


class BrontoEmulator(Emulator):
    """OAuth2 tokens and the cart lifecycle, as Bronto answered them."""

    key = "bronto"

    def __init__(self, context: EmulatorContext) -> None:
        super().__init__(context)
        self._lock = context.lock
        self._tokens: dict[str, _Token] = {}
        self._refresh: dict[str, _Token] = {}
        self._carts: dict[str, _Cart] = {}
        self._contacts: dict[str, str] = {}
        self.reset()

    def reset(self) -> None:
        with self._lock:
            self._tokens.clear()
            self._refresh.clear()
            self._carts.clear()
            self._contacts = {KNOWN_CONTACT: str(uuid.uuid4())}

    # --- what the sandbox asks of an emulator ------------------------------------------------

    def owns(self, path: str) -> bool:
        return path in ("/oauth2/token", "/carts") or path.startswith(("/carts/", "/oauth2/"))

    def handle(self, request: httpx.Request, body: bytes, mode: SandboxMode) -> httpx.Response:
        if request.url.path.startswith("/oauth2/"):
            return self.token(request, body)
        return self.carts(request, body, mode)

    def forced(self, status: int, headers: list[tuple[str, str]]) -> httpx.Response:
        reason = "Too many requests" if status == 429 else "Internal server error"
        return self.error(status, reason, headers)

    def control(self, request: httpx.Request, path: str, body: bytes) -> httpx.Response | None:
        """``PUT /_sandbox/bronto/carts/{cartId}`` ``{"status": …}``: a cart in any status."""
        if path.startswith("carts/") and request.method == "PUT":
            return self.force_status(path[len("carts/") :], body)
        return None

    def info(self) -> dict[str, Any]:
        return {
            "client_id": CLIENT_ID,
            "client_secret": CLIENT_SECRET,
            "readonly_client_id": READONLY_CLIENT_ID,
            "readonly_client_secret": READONLY_CLIENT_SECRET,
            "known_contact": KNOWN_CONTACT,
            "token_lifetime_seconds": self._token_lifetime,
            "endpoints": [
                "POST /oauth2/token",
                "POST /carts?createContact=&ignoreInvalidTid=",
                "GET /carts/{cartId}",
                "GET /carts?customerCartId=",
                "POST /carts/{cartId}?createContact=&ignoreInvalidTid=",
                "PUT /carts/{cartId}/abandon",
                "PUT /carts/{cartId}/fiddle",
                "POST /carts/{cartId}/expire",
                "DELETE /carts/{cartId}",
            ],
            "control": ["PUT /_sandbox/bronto/carts/{cartId}"],
        }

    @property
    def _token_lifetime(self) -> float:
        # Bronto's: access tokens last an hour, refresh tokens 30 days.
        return float(self.context.setting(self.key, "token_lifetime", 3600.0))

    # --- responses -------------------------------------------------------------------------

    def error(
        self, status: int, reason: str, headers: Any = (), *, site_known: bool = True
    ) -> httpx.Response:
        site = SITE_ID if site_known else "null"
        text = f"ServiceExceptionMessage{{siteId={site}, statusCode={status}, reason={reason}}}"
        return httpx.Response(status, headers=[("X-Reason", _header_text(text)), *headers])

    # --- OAuth2 ----------------------------------------------------------------------------

    def token(self, request: httpx.Request, body: bytes) -> httpx.Response:
        if request.method != "POST":
            return self.error(405, "Use POST to request a token", site_known=False)
        content_type = request.headers.get("content-type", "").lower()
        if not content_type.startswith("application/x-www-form-urlencoded"):
            return self._oauth_error(
                400, "invalid_request", "The token request must be form-encoded"
            )
        form = dict(parse_qsl(body.decode("utf-8", errors="replace"), keep_blank_values=True))
        grant = form.get("grant_type", "")
        client_id, secret = form.get("client_id", ""), form.get("client_secret", "")
        now = self.context.clock()
        with self._lock:
            if grant == "client_credentials":
                known = _CLIENTS.get(client_id)
                if known is None or not secrets.compare_digest(known[0], secret):
                    return self._oauth_error(401, "invalid_client", "Unknown client or secret")
                scopes = known[1]
            elif grant == "refresh_token":
                old = self._refresh.get(form.get("refresh_token", ""))
                if old is None or old.expires_at <= now:
                    return self._oauth_error(
                        400, "invalid_grant", "Unknown or expired refresh token"
                    )
                if client_id and client_id != old.client_id:
                    return self._oauth_error(
                        401, "invalid_client", "The token belongs to another client"
                    )
                client_id, scopes = old.client_id, old.scopes
            else:
                return self._oauth_error(
                    400, "unsupported_grant_type", "Use client_credentials or refresh_token"
                )
            access, refresh = str(uuid.uuid4()), str(uuid.uuid4())
            lifetime = self._token_lifetime
            self._tokens[access] = _Token(client_id, scopes, now + lifetime)
            self._refresh[refresh] = _Token(
                client_id,
                scopes,
                now + float(self.context.setting(self.key, "refresh_lifetime", 30 * 24 * 3600.0)),
            )
        return json_response(
            200,
            {
                "access_token": access,
                "refresh_token": refresh,
                "expires_in": max(1, round(lifetime)),
            },
        )

    def _oauth_error(self, status: int, code: str, description: str) -> httpx.Response:
        # The token endpoint's errors are not documented; RFC 6749 §5.2 is the likely shape.
        response = json_response(status, {"error": code, "error_description": description})
        reason = self.error(status, description, site_known=False).headers["X-Reason"]
        response.headers["X-Reason"] = reason
        return response

    def _authorize(self, request: httpx.Request, scopes: frozenset[str]) -> None:
        header = request.headers.get("authorization")
        if header is None:
            raise _Refused(403, "No authorization header was provided", False, explained=True)
        scheme, _, value = header.partition(" ")
        if scheme.lower() != "bearer":
            raise _Refused(
                403,
                f"Authorization scheme {scheme} is not supported; use Bearer",
                False,
                explained=True,
            )
        with self._lock:
            token = self._tokens.get(value.strip())
        if token is None:
            raise _Refused(403, "The access token is unknown", False, explained=True)
        if token.expires_at <= self.context.clock():
            raise _Refused(403, "The access token has expired", explained=True)
        if not token.scopes & scopes:
            raise _Refused(
                403,
                f"The access token lacks the scope {' or '.join(sorted(scopes))}",
                explained=True,
            )

    # --- carts -----------------------------------------------------------------------------

    def carts(self, request: httpx.Request, body: bytes, mode: SandboxMode) -> httpx.Response:
        assumed: list[str] = []  # what the answer shows that rests on the sandbox's guesses
        try:
            response = self._route(request, body, mode, assumed)
        except _Refused as refused:
            if refused.explained and not mode.explain:
                return httpx.Response(refused.status)  # [INFER] no reason is documented
            extra = [EXPLAINED] if refused.explained else []
            response = self.error(
                refused.status, refused.reason, extra, site_known=refused.site_known
            )
        if response.status_code in (200, 201) and b'"lineItems"' in response.content:
            assumed.append(_POSITIONS)
        if not assumed:
            return response
        headers = [*response.headers.multi_items()]
        headers += [(ASSUMPTION_HEADER, _header_text(text)) for text in dict.fromkeys(assumed)]
        return httpx.Response(response.status_code, headers=headers, content=response.content)

    def _route(
        self, request: httpx.Request, body: bytes, mode: SandboxMode, assumed: list[str]
    ) -> httpx.Response:
        parts = request.url.path.strip("/").split("/")
        method = request.method
        if parts == ["carts"]:
            if method == "POST":
                return self._add(request, body, mode, assumed)
            if method == "GET":
                return self._search(request)
            raise _Refused(405, f"Method {method} is not allowed on /carts")
        cart_id = parts[1]
        if len(parts) == 2:
            if method == "GET":
                self._authorize(request, frozenset({READ, WRITE}))
                return json_response(200, self._find(cart_id).to_json())
            if method == "POST":
                return self._update(request, body, cart_id, mode, assumed)
            if method == "DELETE":
                self._authorize(request, frozenset({WRITE}))
                with self._lock:
                    self._carts.pop(cart_id, None)
                return httpx.Response(204)
            raise _Refused(405, f"Method {method} is not allowed on /carts/{{cartId}}")
        if len(parts) == 3 and parts[2] in ("abandon", "fiddle"):
            if method != "PUT":
                raise _Refused(405, f"Use PUT for /carts/{{cartId}}/{parts[2]}")
            return self._transition(request, cart_id, parts[2])
        if len(parts) == 3 and parts[2] == "expire":
            if method != "POST":
                raise _Refused(405, "Use POST for /carts/{cartId}/expire")
            return self._expire(request, cart_id)
        raise _Refused(404, f"No such resource {request.url.path}")

    def _find(self, cart_id: str) -> _Cart:
        with self._lock:
            cart = self._carts.get(cart_id)
        if cart is None:
            raise _Refused(404, f"No cart exists with cartId {cart_id}")
        return cart

    def _add(
        self, request: httpx.Request, body: bytes, mode: SandboxMode, assumed: list[str]
    ) -> httpx.Response:
        self._authorize(request, frozenset({WRITE}))
        create_contact, ignore_tid = self._options(request, mode, assumed)
        data = _parse_object(body)
        fields, has_tracking = self._checked(data, ignore_tid, mode, assumed)
        with self._lock:
            customer_id = fields["customerCartId"]
            if any(c.fields.get("customerCartId") == customer_id for c in self._carts.values()):
                raise _Refused(409, f"A cart with customerCartId {customer_id} already exists")
            contact_id = self._contact(fields.get("emailAddress"), create_contact)
            cart = _Cart(fields, str(uuid.uuid4()), contact_id=contact_id)
            cart.has_tracking = has_tracking
            self._carts[cart.cart_id] = cart
            return json_response(201, cart.to_json())

    def _update(
        self,
        request: httpx.Request,
        body: bytes,
        cart_id: str,
        mode: SandboxMode,
        assumed: list[str],
    ) -> httpx.Response:
        self._authorize(request, frozenset({WRITE}))
        create_contact, ignore_tid = self._options(request, mode, assumed)
        cart = self._find(cart_id)
        data = _parse_object(body)
        if cart.status in TERMINAL:
            raise _Refused(409, f"The cart is {cart.status} and can no longer be updated")
        # A partial update: properties not included remain unchanged. Update's body has no
        # customerCartId (a cart is named by its cartId): one sent is not taken, so an update
        # never renames the cart [INFER: the documented Update has no such property].
        if "customerCartId" in data:
            assumed.append(
                "customerCartId in an Update is ignored: Update's documented body "
                "has none, so an update never renames a cart"
            )
        data = {k: v for k, v in data.items() if k != "customerCartId"}
        merged = {**cart.fields, **data}
        fields, has_tracking = self._checked(merged, ignore_tid, mode, assumed)
        with self._lock:
            if fields.get("emailAddress") != cart.fields.get("emailAddress"):
                cart.contact_id = self._contact(fields.get("emailAddress"), create_contact)
            cart.fields = fields
            cart.has_tracking = (
                has_tracking if any(k in data for k in _TRACKING_FIELDS) else (cart.has_tracking)
            )
            if fields.get("phase") == "ORDER_COMPLETE":
                cart.status = "COMPLETE"  # [INFER] the connector sets both together
                assumed.append(_COMPLETE)
            cart.updated = utc_stamp()
            return json_response(200, cart.to_json())

    def _search(self, request: httpx.Request) -> httpx.Response:
        self._authorize(request, frozenset({READ, WRITE}))
        wanted = request.url.params.get("customerCartId")
        if not wanted:
            raise _Refused(400, "The query parameter customerCartId is required")
        with self._lock:
            found = [
                c.to_json()
                for c in self._carts.values()
                if c.fields.get("customerCartId") == wanted
            ]
        if not found:
            return httpx.Response(204)
        return json_response(200, found)

    def _transition(self, request: httpx.Request, cart_id: str, action: str) -> httpx.Response:
        self._authorize(request, frozenset({WRITE}))
        with self._lock:
            cart = self._find(cart_id)
            if cart.status in TERMINAL:
                done = {"abandon": "abandoned", "fiddle": "fiddled"}[action]
                raise _Refused(409, f"The cart is {cart.status}; it cannot be {done}")
            # Abandon marks it ABANDONED; fiddle resets the abandonment timer and revives it.
            cart.status = "ABANDONED" if action == "abandon" else "ACTIVE"
            cart.updated = utc_stamp()
        return httpx.Response(204)

    def _expire(self, request: httpx.Request, cart_id: str) -> httpx.Response:
        """Expire Cart: only an ABANDONED cart (204); 404 unknown, 409 from any other status."""
        self._authorize(request, frozenset({WRITE}))
        with self._lock:
            cart = self._find(cart_id)
            if cart.status != "ABANDONED":
                raise _Refused(
                    409, f"The cart is {cart.status}; only an ABANDONED cart can be expired"
                )
            cart.status = "EXPIRED"
            cart.updated = utc_stamp()
        return httpx.Response(204)

    def force_status(self, cart_id: str, body: bytes) -> httpx.Response:
        """Sandbox control: put a cart in any status. EXPIRED has an API path (Expire, from
        ABANDONED); COMPLETE comes from an Update to phase ORDER_COMPLETE [INFER] — this is for
        the states that take several steps to reach."""
        try:
            data = jsonfmt.loads(body)
        except jsonfmt.JsonSyntaxError as exc:
            return json_response(400, {"error": str(exc)})
        status = data.get("status") if isinstance(data, dict) else None
        if status not in STATUSES:
            return json_response(400, {"error": f"status must be one of {', '.join(STATUSES)}."})
        with self._lock:
            cart = self._carts.get(cart_id)
            if cart is None:
                return json_response(404, {"error": f"No cart exists with cartId {cart_id}."})
            cart.status = status
            cart.updated = utc_stamp()
            return json_response(200, cart.to_json())

    # --- checks ----------------------------------------------------------------------------

    def _options(
        self, request: httpx.Request, mode: SandboxMode, assumed: list[str]
    ) -> tuple[bool, bool]:
        values = []
        for name in ("createContact", "ignoreInvalidTid"):
            raw = request.url.params.get(name)
            if raw is None or raw == "":
                values.append(False)
            elif raw.lower() in ("true", "false"):
                values.append(raw.lower() == "true")
            elif mode.strict:
                raise _Refused(400, f"The query parameter {name} must be true or false")
            else:
                # JAX-RS reads a Boolean query parameter with Boolean.valueOf [INFER]
                values.append(False)
                assumed.append(
                    f"{name}={raw[:40]} read as false, as Java's Boolean.valueOf "
                    "does (strict mode refuses it)"
                )
        return values[0], values[1]

    def _checked(
        self, data: dict[str, Any], ignore_tid: bool, mode: SandboxMode, assumed: list[str]
    ) -> tuple[dict[str, Any], bool]:
        """The fields to store and whether tracking is valid; ``_Refused`` (400) otherwise."""
        provider = get_provider("bronto")
        checked = None
        if not mode.strict:
            data, checked = _lenient(data, assumed)
        result = checked or provider.validate(data)
        tracking = [i for i in result.issues if i.loc[:1] and i.loc[0] in _TRACKING_FIELDS]
        others = [i for i in result.issues if i not in tracking]
        if others:
            raise _Refused(400, "; ".join(f"{i.path or 'cart'}: {i.message}" for i in others))
        tid = data.get("tid")
        if isinstance(tid, str) and tid and not _TID.fullmatch(tid):
            reason = "Tracking ID (tid) may hold only letters, digits and dashes."
            tracking.append(Issue("tid", "format_error", reason, ("tid",)))
        name = data.get("trackingCookieName")
        if isinstance(name, str) and name.startswith("tid_") and not _COOKIE_NAME.fullmatch(name):
            reason = "Tracking cookie name may hold only letters and digits after tid_."
            where = ("trackingCookieName",)
            tracking.append(Issue("trackingCookieName", "format_error", reason, where))
        fields = provider.canonical(data)
        if tracking:
            if not ignore_tid:
                reason = "Invalid tracking: " + "; ".join(i.message for i in tracking)
                raise _Refused(400, reason)
            fields = {k: v for k, v in fields.items() if k not in _TRACKING_FIELDS}
        has_tracking = bool(fields.get("tid")) or bool(
            fields.get("trackingCookieName") and fields.get("trackingCookieValue")
        )
        return fields, has_tracking

    def _contact(self, email: Any, create: bool) -> str | None:
        if not isinstance(email, str) or not email:
            return None
        key = email.strip().lower()
        if key in self._contacts:
            return self._contacts[key]
        if not create:
            raise _Refused(
                409,
                f"No contact exists with the email address {email}; send createContact=true "
                "to create a transactional contact",
            )
        self._contacts[key] = str(uuid.uuid4())
        return self._contacts[key]


_NUMBER_KINDS = frozenset({Kind.MONEY, Kind.NUMBER, Kind.INTEGER})


def _lenient(data: dict[str, Any], assumed: list[str]) -> tuple[dict[str, Any], Validation | None]:
    """``data`` as a Java service with Jackson's defaults most likely reads it [INFER]: a
    number sent as a string is the number ("16.99" → 16.99; "2" → 2 for a whole-number
    field), an unknown key is ignored. Each change is said in ``assumed``. With the data, its
    validation when nothing was changed (None: the changed data is still to be checked)."""
    result = get_provider("bronto").validate(data)
    changed: list[tuple[tuple[str | int, ...], Any]] = []  # (where, new value or _DROP)
    for issue in result.issues:
        if not issue.loc:
            continue
        facts = field_facts(BrontoCart, issue.loc)
        there, value = lookup(data, issue.loc)
        if not there:
            continue
        if not facts.known and issue.code == "format_error":
            changed.append((issue.loc, _DROP))
            assumed.append(
                f"{issue.path} is not a Bronto field and was ignored, as Jackson "
                "ignores unknown properties when so configured (strict mode "
                "refuses it)"
            )
        elif issue.code == "type_error" and facts.kind in _NUMBER_KINDS and isinstance(value, str):
            number = _number(value, whole=facts.kind is Kind.INTEGER)
            if number is not None:
                changed.append((issue.loc, number))
                sent = jsonfmt.dumps(value[:40], indent=None)
                assumed.append(
                    f"{issue.path} sent as the string {sent} was read as a number, as Jackson "
                    "coerces scalars (strict mode refuses it)"
                )
    if not changed:
        return data, result
    copied: dict[str, Any] = jsonfmt.loads(jsonfmt.dumps(data, indent=None))
    for loc, new in changed:
        parent: Any = copied
        for part in loc[:-1]:
            parent = parent[part]
        if new is _DROP:
            del parent[loc[-1]]
        else:
            parent[loc[-1]] = new
    return copied, None


_DROP = object()


def _number(text: str, *, whole: bool) -> Decimal | int | None:
    try:
        number = Decimal(text.strip())
    except InvalidOperation:
        return None
    if not number.is_finite():
        return None
    if whole:
        return int(number) if number == number.to_integral_value() else None
    return number


def _parse_object(body: bytes) -> dict[str, Any]:
    try:
        data = jsonfmt.loads(body)
    except jsonfmt.JsonSyntaxError as exc:
        raise _Refused(400, f"The request body is not valid JSON: {exc}") from None
    if not isinstance(data, dict):
        raise _Refused(400, "The request body must be a JSON object (a Cart)")
    return data
