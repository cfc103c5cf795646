"""The sandbox's Drip: Cart Activity (single and batch) and the accounts list.

Check order, as a Rails API would: route, method (405), authentication (401), account (404),
rate limit (429), body parse (400), validation (422), then 202. Error bodies are Drip's shapes:
``{"errors":[{code, attribute, message}]}`` for 4xx, ``{"error":{"message"}}`` for bodies that
do not fit the schema, ``{"message","documentation"}`` for 429 (api-notes.md §1.6-1.7).
"""

from __future__ import annotations

import base64
import binascii
import threading
import uuid
from collections import deque
from typing import Any

import httpx

from app.domain import jsonfmt
from app.domain.fieldtypes import Kind
from app.domain.validation import Issue
from app.providers import get_provider
from app.providers.drip.models import DripCart
from app.providers.drip.provider import MAX_BATCH as DRIP_MAX_BATCH
from app.providers.schema import PayloadModel, child_model
from app.sandbox import config as creds
from app.sandbox.config import SandboxConfig
from app.sandbox.emulator import json_response, utc_stamp

__all__ = ["MAX_BATCH", "DripApi"]

MAX_BATCH = DRIP_MAX_BATCH  # the API's own limit, as the client knows it
_HOUR = 3600.0
_RATE_DOC = "https://www.getdrip.com/docs/rest-api#rate-limting"  # sic: Drip's own spelling

# The newest accepted carts the sandbox keeps (for tests and /_sandbox inspection).
ACCEPTED_LIMIT = 5000


def _errors(status: int, *entries: dict[str, str], headers: Any = ()) -> httpx.Response:
    return json_response(status, {"errors": list(entries)}, headers)


def _json_type(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    if isinstance(value, dict):
        return "object"
    return "number"


def _value_at(payload: Any, loc: tuple[str | int, ...]) -> Any:
    for part in loc:
        try:
            payload = payload[part]
        except (KeyError, IndexError, TypeError):
            return None
    return payload


def _allowed_at(loc: tuple[str | int, ...]) -> str:
    """The JSON-schema primitive types the field at ``loc`` allows, as Drip's message lists them."""
    model: type[PayloadModel] | None = DripCart
    kind: Kind | None = None
    for part in loc:
        if isinstance(part, int):
            kind = Kind.TEXT if kind is Kind.TEXT_LIST else None  # an item: an object
            continue
        info = model.model_fields.get(part) if model is not None else None
        kind = next((m for m in info.metadata if isinstance(m, Kind)), None) if info else None
        nested = child_model(model, part) if model is not None and info is not None else None
        kind = Kind.ITEMS if nested is not None else kind
        model = nested
    if kind in (Kind.MONEY, Kind.NUMBER):
        return '["integer","number"]'
    if kind is Kind.INTEGER:
        return '["integer"]'
    if kind in (Kind.ITEMS, Kind.TEXT_LIST):
        return '["array"]'
    if kind is None:
        return '["object"]'
    return '["string"]'


def _schema_message(payload: Any, issues: list[Issue]) -> str:
    """Drip's message for values of the wrong JSON type, one entry per field."""
    parts = []
    for issue in issues:
        where = "/" + "/".join(str(p) for p in issue.loc)
        parts.append(
            f"instance type ({_json_type(_value_at(payload, issue.loc))}) does not match any "
            f"allowed primitive type (allowed: {_allowed_at(issue.loc)}) at {where}"
        )
    return "[" + ", ".join(parts) + "]"


class DripApi:
    def __init__(self, config: SandboxConfig, lock: threading.RLock) -> None:
        self._config = config
        self._lock = lock
        self._calls: dict[str, deque[float]] = {"single": deque(), "batch": deque()}
        # The accepted carts with their request ids: the newest ones, as for the request log.
        self.accepted: deque[dict[str, Any]] = deque(maxlen=ACCEPTED_LIMIT)

    def reset(self) -> None:
        with self._lock:
            for calls in self._calls.values():
                calls.clear()
            self.accepted.clear()

    # --- routing ---------------------------------------------------------------------------

    def handle(self, request: httpx.Request, body: bytes) -> httpx.Response:
        parts = request.url.path.strip("/").split("/")
        if parts == ["v2", "accounts"]:
            if request.method != "GET":
                return self._not_allowed("GET")
            return self._accounts(request)
        is_cart = (
            len(parts) in (4, 5)
            and parts[0] == "v3"
            and parts[2:4]
            == [
                "shopper_activity",
                "cart",
            ]
        )
        if not is_cart or (len(parts) == 5 and parts[4] != "batch"):
            return self.not_found()
        if request.method != "POST":
            return self._not_allowed("POST")
        if not self._authenticated(request):
            return self._unauthorized()
        if parts[1] != creds.DRIP_ACCOUNT_ID:
            return self.not_found()
        batch = len(parts) == 5
        limit = self._count_call("batch" if batch else "single")
        if limit is None:
            return self.rate_limited([], batch=batch)
        headers = limit
        try:
            data = jsonfmt.loads(body)
        except jsonfmt.JsonSyntaxError as exc:
            return json_response(
                400, {"error": {"message": f"The request body is not valid JSON: {exc}"}}, headers
            )
        return self._batch(data, headers) if batch else self._single(data, headers)

    # --- endpoints -------------------------------------------------------------------------

    def _single(self, data: Any, headers: list[tuple[str, str]]) -> httpx.Response:
        problem = self._check(data, ())
        if problem is not None:
            status, body = problem
            return json_response(status, body, headers)
        request_id = self._accept(data)
        return json_response(202, {"request_id": request_id}, headers)

    def _batch(self, data: Any, headers: list[tuple[str, str]]) -> httpx.Response:
        carts = data.get("carts") if isinstance(data, dict) else None
        if not isinstance(carts, list):
            message = '[the request body must be an object with a "carts" array]'
            return json_response(400, {"error": {"message": message}}, headers)
        if not 1 <= len(carts) <= MAX_BATCH:
            return _errors(
                422,
                {
                    "code": "range_error",
                    "attribute": "carts",
                    "message": f"A batch must hold 1 to {MAX_BATCH} carts, not {len(carts)}.",
                },
                headers=headers,
            )
        for index, cart in enumerate(carts):
            problem = self._check(cart, ("carts", index))
            if problem is not None:
                status, body = problem
                return json_response(status, body, headers)
        ids = [self._accept(cart) for cart in carts]
        return json_response(202, {"request_ids": ids}, headers)

    def _check(self, cart: Any, prefix: tuple[str | int, ...]) -> tuple[int, Any] | None:
        """None if ``cart`` is accepted, else (status, body): 400 for wrong JSON types (the
        schema layer), 422 for the rules (the model layer)."""
        result = get_provider("drip").validate(cart)
        if result.ok:
            return None
        wrong_types = [i for i in result.issues if i.code == "type_error"]
        if wrong_types:
            moved = [Issue(i.path, i.code, i.message, (*prefix, *i.loc)) for i in wrong_types]
            root = {"carts": {prefix[1]: cart}} if prefix else cart
            return 400, {"error": {"message": _schema_message(root, moved)}}
        entries: list[dict[str, str]] = []
        seen: set[str] = set()
        for issue in result.issues:
            if issue.path in seen:
                continue
            seen.add(issue.path)
            attribute = _prefixed(prefix, issue.path)
            entries.append({"code": issue.code, "attribute": attribute, "message": issue.message})
        return 422, {"errors": entries}

    def _accept(self, cart: Any) -> str:
        request_id = str(uuid.uuid4())
        with self._lock:
            self.accepted.append({"request_id": request_id, "received_at": utc_stamp(), **cart})
        return request_id

    def _accounts(self, request: httpx.Request) -> httpx.Response:
        if not self._authenticated(request):
            return self._unauthorized()
        account = creds.DRIP_ACCOUNT_ID
        return json_response(
            200,
            {
                "links": {},
                "accounts": [
                    {
                        "id": account,
                        "name": "Cart Composer Sandbox",
                        "url": "sandbox.cart-composer.invalid",
                        "default_from_name": "Sandbox Store",
                        "default_from_email": "store@example.com",
                        "primary_email": "store@example.com",
                        "enable_third_party_cookies": False,
                        "created_at": "2019-01-17T20:50:00Z",
                        "href": f"https://api.getdrip.com/v2/accounts/{account}",
                    }
                ],
            },
        )

    # --- checks ----------------------------------------------------------------------------

    def _authenticated(self, request: httpx.Request) -> bool:
        scheme, _, credential = request.headers.get("authorization", "").partition(" ")
        if scheme.lower() == "bearer":
            return bool(credential.strip() == creds.DRIP_ACCESS_TOKEN)
        if scheme.lower() != "basic":
            return False
        try:
            decoded = base64.b64decode(credential.strip(), validate=True).decode("utf-8")
        except (binascii.Error, UnicodeDecodeError):
            return False
        # Real clients send both "key:" (the documented form) and bare "key" (drip-nodejs).
        return bool(decoded.partition(":")[0] == creds.DRIP_API_KEY)

    def _count_call(self, bucket: str) -> list[tuple[str, str]] | None:
        """Count one call in the sliding hour; its rate headers, or None when over the limit."""
        limit = (
            self._config.drip_batch_hourly_limit
            if bucket == "batch"
            else self._config.drip_hourly_limit
        )
        now = self._config.clock()
        with self._lock:
            calls = self._calls[bucket]
            while calls and calls[0] <= now - _HOUR:
                calls.popleft()
            if len(calls) >= limit:
                return None
            calls.append(now)
            remaining = limit - len(calls)
        return [("X-RateLimit-Limit", str(limit)), ("X-RateLimit-Remaining", str(remaining))]

    # --- error responses -------------------------------------------------------------------

    def rate_limited(
        self, headers: list[tuple[str, str]], *, batch: bool = False
    ) -> httpx.Response:
        config = self._config
        limit = config.drip_batch_hourly_limit if batch else config.drip_hourly_limit
        body = {
            "message": "API rate limit exceeded. Please try again in an hour.",
            "documentation": _RATE_DOC,
        }
        extra = [("X-RateLimit-Limit", str(limit)), ("X-RateLimit-Remaining", "0")]
        return json_response(429, body, [*extra, *headers])

    def not_found(self) -> httpx.Response:
        return _errors(
            404,
            {"code": "not_found_error", "message": "The resource you requested was not found"},
        )

    def _unauthorized(self) -> httpx.Response:
        # Drip documents 401 without a body; this one follows its error shape [INFER].
        return _errors(
            401,
            {
                "code": "authentication_error",
                "message": "You must supply a valid API key or access token",
            },
            headers=[("WWW-Authenticate", 'Basic realm="Drip API"')],
        )

    def _not_allowed(self, allowed: str) -> httpx.Response:
        return _errors(
            405,
            {"code": "method_not_allowed_error", "message": f"Use {allowed} for this resource"},
            headers=[("Allow", allowed)],
        )


def _prefixed(prefix: tuple[str | int, ...], path: str) -> str:
    if not prefix:
        return path
    head = f"{prefix[0]}[{prefix[1]}]"
    if not path:
        return head
    return f"{head}{path}" if path.startswith("[") else f"{head}.{path}"
