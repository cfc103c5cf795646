"""Drip's emulator for the built-in sandbox: Cart Activity (single and batch), accounts.

Check order: route, method (405), authentication (401), account (404), rate limit (429), body
parse (400), schema (400), then 202. The real answers (the default mode) are the shapes Drip is
known to return (api-notes.md §1.6-1.7, reference decision 12): a 401 without a body; a cart
that does not fit the schema gets ``{"error":{"message":"[…]"}}`` in the wording of a JSON
Schema validator (fge's, as the one body seen from this endpoint reads) and without field
paths; 429 with Drip's body and no ``Retry-After``. What a schema cannot say (an email that is
no address, a currency that is no ISO 4217 code, a quantity of 0) Drip meets only when it
processes the queued event: the sandbox answers 202, as Drip does, and writes the problem in
its request log. A batch is processed in the background the same way: 202 with a request id
per cart, each cart's failure in the log.

Explain mode (``SandboxMode.explain``) answers every problem at once, field by field, as
``{"errors":[{code, attribute, message}]}`` (Drip's v2 REST shape, which Drip does not use
here) or with the schema message's path, and marks each such answer with ``X-Sandbox-Explain``.
"""

from __future__ import annotations

import base64
import binascii
import uuid
from collections import deque
from dataclasses import dataclass, field
from typing import Any

import httpx

from app.domain import jsonfmt
from app.domain.fieldtypes import Kind
from app.domain.sandbox_marks import ASSUMPTION_HEADER, EXPLAIN_HEADER, SandboxMode
from app.domain.validation import Issue
from app.providers import get_provider
from app.providers.drip.models import DripCart
from app.providers.drip.provider import MAX_BATCH as DRIP_MAX_BATCH
from app.providers.emulation import (
    ANSWER_ID,
    NOTES,
    Emulator,
    EmulatorContext,
    json_pointer,
    json_response,
    utc_stamp,
)
from app.providers.schema import PayloadModel, child_model, field_facts, lookup

__all__ = ["ACCESS_TOKEN", "ACCOUNT_ID", "API_KEY", "MAX_BATCH", "DripEmulator"]

# The sandbox's fixed, public credentials (in the README): the built-in sandbox profile uses
# them, so a first run sends a cart with no setup. They open nothing but the sandbox.
ACCOUNT_ID = "9999999"
API_KEY = "sandbox-drip-api-key"
# A Drip OAuth access token (Drip's OAuth tokens never expire).
ACCESS_TOKEN = "sandbox-drip-oauth-token"

MAX_BATCH = DRIP_MAX_BATCH  # the API's own limit, as the client knows it
_HOUR = 3600.0
_RATE_DOC = "https://www.getdrip.com/docs/rest-api#rate-limting"  # sic: Drip's own spelling

# The newest accepted carts the sandbox keeps, as it processed them (for tests; the request log
# is what a person inspects). Few: each is a parsed cart (~3.5 KB for the example), and a window
# left open all day sends to its embedded sandbox again and again.
ACCEPTED_LIMIT = 200

EXPLAINED = (EXPLAIN_HEADER, "sandbox explanation, not Drip's wording")
# [INFER] The one schema error seen from this endpoint (drip-ruby #67) does not show its status.
SCHEMA_STATUS = (
    ASSUMPTION_HEADER,
    "Drip's schema errors show no status in any source; the sandbox answers 400",
)


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


def _json_list(names: list[str]) -> str:
    return jsonfmt.dumps(names, indent=None).replace(", ", ",")


def _type_mismatch(payload: Any, loc: tuple[str | int, ...]) -> str:
    """The schema's words for the wrong JSON type at ``loc`` of a cart ``payload``."""
    return (
        f"instance type ({_json_type(lookup(payload, loc)[1])}) does not match any allowed "
        f"primitive type (allowed: {_allowed_at(loc)})"
    )


def _schema_text(findings: list[tuple[tuple[str | int, ...], str]], *, paths: bool) -> str:
    """The message of Drip's schema error: a JSON Schema validator's report as a list; with
    ``paths`` (Explain mode) each entry says where, as Drip's does not."""
    return (
        "[" + ", ".join(f"{m} at {json_pointer(loc)}" if paths else m for loc, m in findings) + "]"
    )


@dataclass
class _Verdict:
    """One cart as Drip would meet it: what its schema refuses at the door, what only the
    processing of the queued event would meet, and (for Explain mode) the sandbox's answer."""

    schema: list[tuple[tuple[str | int, ...], str]] = field(default_factory=list)
    later: list[Issue] = field(default_factory=list)
    renamed: list[Issue] = field(default_factory=list)
    explained: tuple[int, Any] | None = None

    @property
    def processed(self) -> bool:
        """Whether Drip would most likely process the queued cart."""
        return not self.schema and not self.later

    def notes(self, where: str = "") -> list[str]:
        """What the request log says of a queued cart (``where``: which, in a batch)."""
        at = f"{where}: " if where else ""
        out = [
            f"{at}{i.path} is not a Drip field: Drip keeps it as a custom attribute, and its "
            f"value is not a discount (the field is “{field_facts(DripCart, i.loc).renamed_to}”) "
            "[sandbox assumption]"
            for i in self.renamed
        ]
        out += [
            f"{at}{i.path}: {i.message} Drip answers 202 before it checks this; the sandbox "
            "assumes the cart is dropped when Drip processes it"
            for i in self.later
        ]
        return out


def _verdict(cart: Any, prefix: tuple[str | int, ...] = ()) -> _Verdict:
    """Sort the app's findings the way Drip's service most likely meets them [INFER]: a JSON
    Schema checked before the 202 states the types, the required properties, the enumerations
    (action, initial_status) and that one of email, person_id, visitor_uuid is given; the rest
    (formats, ISO codes, ranges, renamed keys) is met, if at all, after the 202."""
    result = get_provider("drip").validate(cart)
    verdict = _Verdict()
    if result.ok:
        return verdict
    missing: dict[tuple[str | int, ...], int] = {}  # an object's place → its finding's index
    absent: dict[tuple[str | int, ...], list[str]] = {}
    for issue in result.issues:
        loc = (*prefix, *issue.loc)
        facts = field_facts(DripCart, issue.loc)
        there, value = lookup(cart, issue.loc)
        if issue.code == "type_error" or (
            issue.code == "presence_error" and there and value is None
        ):
            verdict.schema.append((loc, _type_mismatch(cart, issue.loc)))
        elif issue.code == "presence_error" and not there and facts.required:
            owner = loc[:-1]
            absent.setdefault(owner, []).append(str(loc[-1]))
            if owner not in missing:
                missing[owner] = len(verdict.schema)
                verdict.schema.append((owner, ""))
        elif issue.code == "presence_error" and not there and facts.known:
            # the one-of-three identifier rule: an anyOf in a schema
            verdict.schema.append(
                (prefix, "instance failed to match at least one required schema among 3")
            )
        elif facts.choices and there and isinstance(value, str):
            verdict.schema.append(
                (
                    loc,
                    (
                        f"instance value ({jsonfmt.dumps(value, indent=None)}) not found in enum "
                        f"(possible values: {_json_list(list(facts.choices))})"
                    ),
                )
            )
        elif not facts.known and facts.renamed_to is not None:
            verdict.renamed.append(issue)
        else:
            verdict.later.append(issue)
    for owner, index in missing.items():
        names = _json_list(sorted(absent[owner]))
        verdict.schema[index] = (owner, f"object has missing required properties ({names})")
    verdict.explained = _explained(cart, result.issues, prefix)
    return verdict


def _explained(
    cart: Any, issues: tuple[Issue, ...], prefix: tuple[str | int, ...]
) -> tuple[int, Any]:
    """Explain mode's answer: 400 with paths for wrong JSON types, else 422 with one entry per
    field, in Drip's v2 REST shape."""
    wrong_types = [i for i in issues if i.code == "type_error"]
    if wrong_types:
        findings = [((*prefix, *i.loc), _type_mismatch(cart, i.loc)) for i in wrong_types]
        return 400, {"error": {"message": _schema_text(findings, paths=True)}}
    entries: list[dict[str, str]] = []
    seen: set[str] = set()
    for issue in issues:
        if issue.path in seen:
            continue
        seen.add(issue.path)
        attribute = _prefixed(prefix, issue.path)
        entries.append({"code": issue.code, "attribute": attribute, "message": issue.message})
    return 422, {"errors": entries}


def _noted(response: httpx.Response, notes: list[str]) -> httpx.Response:
    """The answer with what the request log should say of it."""
    if notes:
        response.extensions[NOTES] = notes
    return response


class DripEmulator(Emulator):
    """Cart Activity (single and batch) and the accounts list, as Drip answers them."""

    key = "drip"

    def __init__(self, context: EmulatorContext) -> None:
        super().__init__(context)
        self._lock = context.lock
        self._calls: dict[str, deque[float]] = {"single": deque(), "batch": deque()}
        # The accepted carts with their request ids: the newest ones, as for the request log.
        self.accepted: deque[dict[str, Any]] = deque(maxlen=ACCEPTED_LIMIT)

    def reset(self) -> None:
        with self._lock:
            for calls in self._calls.values():
                calls.clear()
            self.accepted.clear()

    # --- routing ---------------------------------------------------------------------------

    def owns(self, path: str) -> bool:
        return path.startswith(("/v3/", "/v2/")) or path in ("/v3", "/v2")

    def forced(self, status: int, headers: list[tuple[str, str]]) -> httpx.Response:
        return self.rate_limited(headers) if status == 429 else super().forced(status, headers)

    def info(self) -> dict[str, Any]:
        return {
            "account_id": ACCOUNT_ID,
            "api_key": API_KEY,
            "access_token": ACCESS_TOKEN,
            "endpoints": [
                "POST /v3/{account_id}/shopper_activity/cart",
                "POST /v3/{account_id}/shopper_activity/cart/batch",
                "GET /v2/accounts",
            ],
            "hourly_limit": self._limit(batch=False),
            "batch_hourly_limit": self._limit(batch=True),
        }

    def _limit(self, *, batch: bool) -> int:
        # Drip's: 3,600 individual requests and 50 batch requests an hour.
        if batch:
            return int(self.context.setting(self.key, "batch_hourly_limit", 50))
        return int(self.context.setting(self.key, "hourly_limit", 3600))

    def handle(self, request: httpx.Request, body: bytes, mode: SandboxMode) -> httpx.Response:
        parts = request.url.path.strip("/").split("/")
        if parts == ["v2", "accounts"]:
            if request.method != "GET":
                return self._not_allowed("GET")
            return self._accounts(request, mode)
        is_cart = (
            len(parts) in (4, 5) and parts[0] == "v3" and parts[2:4] == ["shopper_activity", "cart"]
        )
        if not is_cart or (len(parts) == 5 and parts[4] != "batch"):
            return self.not_found()
        if request.method != "POST":
            return self._not_allowed("POST")
        if not self._authenticated(request):
            return self._unauthorized(mode)
        if parts[1] != ACCOUNT_ID:
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
        if batch:
            return self._batch(data, headers, mode)
        return self._single(data, headers, mode)

    # --- endpoints -------------------------------------------------------------------------

    def _single(
        self, data: Any, headers: list[tuple[str, str]], mode: SandboxMode
    ) -> httpx.Response:
        verdict = _verdict(data)
        if mode.explain and verdict.explained is not None:
            status, body = verdict.explained
            return json_response(status, body, [*headers, EXPLAINED])
        if verdict.schema:
            message = _schema_text(verdict.schema, paths=False)
            return json_response(400, {"error": {"message": message}}, [*headers, SCHEMA_STATUS])
        request_id = str(uuid.uuid4())
        if verdict.processed:
            self._accept(data, request_id)
        answer = json_response(202, {"request_id": request_id}, headers)
        answer.extensions[ANSWER_ID] = request_id
        return _noted(answer, verdict.notes())

    def _batch(
        self, data: Any, headers: list[tuple[str, str]], mode: SandboxMode
    ) -> httpx.Response:
        carts = data.get("carts") if isinstance(data, dict) else None
        envelope = self._envelope_problem(data, carts, mode)
        if envelope is not None:
            status, body = envelope
            return json_response(
                status, body, [*headers, EXPLAINED if mode.explain else SCHEMA_STATUS]
            )
        assert isinstance(carts, list)
        verdicts = [_verdict(cart, ("carts", index)) for index, cart in enumerate(carts)]
        if mode.explain:
            for verdict in verdicts:
                if verdict.explained is not None:
                    status, body = verdict.explained
                    return json_response(status, body, [*headers, EXPLAINED])
        # Drip processes a batch in the background: every cart gets its request id now, and
        # what fails, fails later (the request log says which and why).
        ids: list[str] = []
        notes: list[str] = []
        for index, (cart, verdict) in enumerate(zip(carts, verdicts, strict=True)):
            request_id = str(uuid.uuid4())
            ids.append(request_id)
            where = f"carts[{index}]"
            if verdict.schema:
                notes.append(
                    f"{where}: not processed, it does not fit Drip's schema: "
                    f"{_schema_text(verdict.schema, paths=True)}"
                )
                continue
            notes += verdict.notes(where)
            if verdict.processed:
                self._accept(cart, request_id)
        return _noted(json_response(202, {"request_ids": ids}, headers), notes)

    @staticmethod
    def _envelope_problem(data: Any, carts: Any, mode: SandboxMode) -> tuple[int, Any] | None:
        """The batch body's own problem (not an object with 1 to 1,000 carts), or None."""
        if not isinstance(carts, list):
            if mode.explain:
                message = '[the request body must be an object with a "carts" array]'
            elif not isinstance(data, dict):
                message = _schema_text([((), _type_mismatch(data, ()))], paths=False)
            elif "carts" not in data:
                message = '[object has missing required properties (["carts"])]'
            else:
                message = (
                    f"[instance type ({_json_type(carts)}) does not match any allowed "
                    'primitive type (allowed: ["array"])]'
                )
            return 400, {"error": {"message": message}}
        if 1 <= len(carts) <= MAX_BATCH:
            return None
        if mode.explain:
            entry = {
                "code": "range_error",
                "attribute": "carts",
                "message": f"A batch must hold 1 to {MAX_BATCH} carts, not {len(carts)}.",
            }
            return 422, {"errors": [entry]}
        if carts:
            message = (
                f"[array is too long: must have at most {MAX_BATCH} elements but "
                f"instance has {len(carts)} elements]"
            )
        else:
            message = (
                "[array is too short: must have at least 1 elements but instance has 0 elements]"
            )
        return 400, {"error": {"message": message}}

    def _accept(self, cart: Any, request_id: str) -> None:
        with self._lock:
            self.accepted.append({"request_id": request_id, "received_at": utc_stamp(), **cart})

    def _accounts(self, request: httpx.Request, mode: SandboxMode) -> httpx.Response:
        if not self._authenticated(request):
            return self._unauthorized(mode)
        account = ACCOUNT_ID
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
            return bool(credential.strip() == ACCESS_TOKEN)
        if scheme.lower() != "basic":
            return False
        try:
            decoded = base64.b64decode(credential.strip(), validate=True).decode("utf-8")
        except (binascii.Error, UnicodeDecodeError):
            return False
        # Real clients send both "key:" (the documented form) and bare "key" (drip-nodejs).
        return bool(decoded.partition(":")[0] == API_KEY)

    def _count_call(self, bucket: str) -> list[tuple[str, str]] | None:
        """Count one call in the sliding hour; its rate headers, or None when over the limit."""
        limit = self._limit(batch=bucket == "batch")
        now = self.context.clock()
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
        limit = self._limit(batch=batch)
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

    def _unauthorized(self, mode: SandboxMode) -> httpx.Response:
        # Drip documents 401 without a body (api-notes.md §1.6); Explain mode says why.
        challenge = ("WWW-Authenticate", 'Basic realm="Drip API"')
        if not mode.explain:
            return httpx.Response(401, headers=[challenge])
        return _errors(
            401,
            {
                "code": "authentication_error",
                "message": "You must supply a valid API key or access token",
            },
            headers=[challenge, EXPLAINED],
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
