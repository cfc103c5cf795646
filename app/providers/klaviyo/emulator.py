"""Klaviyo's emulator for the built-in sandbox: Create Event (shared/reference/klaviyo-events.md).

Check order: route (``/api/events``, with or without the trailing slash: the specs spelled it
both ways, §1), method (405), authentication (401: ``not_authenticated`` for a missing header or
another scheme, ``authentication_failed`` for a key that is not the sandbox's), the ``revision``
header, rate limits (429 ``throttled`` with ``Retry-After``), body parse and schema (400
``invalid`` with a ``source.pointer``), then 202 with an empty body and the ``RateLimit-*``
headers of the steady window. Every error is JSON:API, ``{"errors": [{id, status, code, title,
detail, source}]}``, as ``application/vnd.api+json``.

Where the sources are silent the sandbox guesses and says so (``X-Sandbox-Assumption``): the
wording of a validation ``detail`` (not in any stored source), the 400 for a missing or unknown
revision (an open question, §7), the body of ``authentication_failed``. The real service answers
one problem per 400; Explain mode lists every problem, each at its pointer, marked
``X-Sandbox-Explain``. An event whose ``unique_id`` repeats one already recorded for the same
profile and metric is answered 202 and not recorded, as Klaviyo records only the first (§3);
the request log says so.
"""

from __future__ import annotations

import uuid
from collections import deque
from typing import Any

import httpx

from app.domain import jsonfmt
from app.domain.sandbox_marks import ASSUMPTION_HEADER, EXPLAIN_HEADER, SandboxMode
from app.providers import get_provider
from app.providers.emulation import NOTES, Emulator, EmulatorContext, json_pointer, utc_stamp
from app.providers.paths import get_at

__all__ = [
    "API_KEY",
    "BULK_BURST_LIMIT",
    "BULK_STEADY_LIMIT",
    "BURST_LIMIT",
    "READ_ONLY_KEY",
    "STEADY_LIMIT",
    "KlaviyoEmulator",
]

# The sandbox's public key (in the README): the built-in profile uses it. "pk_" and 34
# letters and digits, as Klaviyo's private keys are (§2).
API_KEY = "pk_sandboxcartcomposer0000000000000"
# A key without the events:write scope (§1): its events get 403 permission_denied.
READ_ONLY_KEY = "pk_sandboxreadonly00000000000000000"
BURST_LIMIT = 350  # a second (Create Event is tier XL: 350/s, 3,500/min, §4.3)
STEADY_LIMIT = 3500  # a minute
BULK_BURST_LIMIT = 10  # Bulk Create is tier M: 10/s, 150/min (§4.3)
BULK_STEADY_LIMIT = 150
BULK_PATHS = ("/api/event-bulk-create-jobs", "/api/event-bulk-create-jobs/")
MAX_BULK_EVENTS = 1000  # events in one bulk request (§1)
MAX_BULK_BYTES = 5 * 1024 * 1024  # "a 5 MB payload" (§1)
BULK_LIST = "/data/attributes/events-bulk-create/data"
MEDIA_TYPE = "application/vnd.api+json"
_KEEP = 1000  # events kept for tests and /_sandbox

EXPLAINED = (EXPLAIN_HEADER, "sandbox explanation, not Klaviyo's wording")
DETAIL_GUESSED = (
    ASSUMPTION_HEADER,
    "Klaviyo's wording for this refusal is not known; the detail is the sandbox's",
)
BULK_GUESSED = (
    ASSUMPTION_HEADER,
    "Klaviyo's answer to this bulk request is not documented beyond its limits; the status and "
    "detail are the sandbox's",
)
REVISION_GUESSED = (
    ASSUMPTION_HEADER,
    "what Klaviyo answers without a valid revision header is not documented; the sandbox "
    "answers 400",
)


def _error(
    status: int, code: str, title: str, detail: str, source: dict[str, str] | None = None
) -> dict[str, Any]:
    entry: dict[str, Any] = {
        "id": str(uuid.uuid4()),
        "status": status,
        "code": code,
        "title": title,
        "detail": detail,
    }
    if source is not None:
        entry["source"] = source
    entry["meta"] = {}
    return entry


def _answer(
    status: int, errors: list[dict[str, Any]], headers: list[tuple[str, str]] | None = None
) -> httpx.Response:
    content = jsonfmt.dumps({"errors": errors}, indent=None).encode("utf-8")
    return httpx.Response(
        status, headers=[("Content-Type", MEDIA_TYPE), *(headers or [])], content=content
    )


def _bulk_pointer(loc: tuple[str | int, ...], item: int, event: int) -> str:
    """Where a Create Event problem (its loc in a single event's body) is in a bulk job: the
    profile is the item's, the rest the event's."""
    rest = loc[2:] if loc[:2] == ("data", "attributes") else ()
    at = f"{BULK_LIST}/{item}/attributes"
    if rest[:1] == ("profile",):
        return at + json_pointer(rest)
    if loc[:2] == ("data", "type"):
        return f"{at}/events/data/{event}/type"
    return f"{at}/events/data/{event}/attributes" + (json_pointer(rest) if rest else "")


def _bulk_problem(detail: str, pointer: str) -> dict[str, Any]:
    return _error(400, "invalid", "Invalid input.", detail, {"pointer": pointer})


def _identity(attributes: Any) -> tuple[str, str, Any]:
    """An event's profile (its first identifier), metric name and unique_id."""
    if not isinstance(attributes, dict):
        return "", "", None
    shopper = get_at(attributes, "profile.data.attributes", {})
    if not isinstance(shopper, dict):
        shopper = {}
    who = next(
        (str(shopper[k]) for k in ("email", "phone_number", "external_id") if shopper.get(k)),
        "",
    )
    metric = str(get_at(attributes, "metric.data.attributes.name", ""))
    return who, metric, attributes.get("unique_id")


class KlaviyoEmulator(Emulator):
    key = "klaviyo"

    def __init__(self, context: EmulatorContext) -> None:
        super().__init__(context)
        self.events: deque[dict[str, Any]] = deque(maxlen=_KEEP)
        self._seen: set[tuple[str, str, str]] = set()
        self._windows: dict[str, tuple[float, int]] = {}

    def reset(self) -> None:
        with self.context.lock:
            self.events.clear()
            self._seen.clear()
            self._windows.clear()

    def owns(self, path: str) -> bool:
        return path in ("/api/events", "/api/events/", *BULK_PATHS)

    def forced(self, status: int, headers: list[tuple[str, str]]) -> httpx.Response:
        if status == 429:
            return self._throttled(1, headers)
        error = _error(status, "error", "A server error occurred.", "A server error occurred.")
        return _answer(status, [error], headers)

    def info(self) -> dict[str, Any]:
        return {
            "api_key": API_KEY,
            "read_only_key": READ_ONLY_KEY,
            "endpoint": "POST /api/events",
            "bulk_endpoint": "POST /api/event-bulk-create-jobs",
            "limits": {"burst_per_second": BURST_LIMIT, "steady_per_minute": STEADY_LIMIT},
            "bulk_limits": {
                "burst_per_second": BULK_BURST_LIMIT,
                "steady_per_minute": BULK_STEADY_LIMIT,
                "events_per_request": MAX_BULK_EVENTS,
            },
            "events_recorded": len(self.events),
        }

    def handle(self, request: httpx.Request, body: bytes, mode: SandboxMode) -> httpx.Response:
        if request.method != "POST":
            return httpx.Response(405, headers=[("Allow", "POST")])
        refused = self._unauthenticated(request)
        if refused is not None:
            return refused
        revision = request.headers.get("revision", "").strip()
        if not revision[:10].replace("-", "").isdigit() or len(revision) < 10:
            said = "missing" if not revision else f"“{revision}” is not a valid revision"
            error = _error(
                400,
                "invalid",
                "Invalid input.",
                f"The revision header is {said}: send one like 2026-07-15.",
                {"parameter": "revision"},
            )
            return _answer(400, [error], [REVISION_GUESSED])
        bulk = request.url.path in BULK_PATHS
        window = "bulk_" if bulk else ""  # each endpoint has its own limits
        with self.context.lock:
            waited = self._count(window)
            if waited:
                return self._throttled(waited)
            steady = self._steady_headers(window)
        if bulk:
            return self._bulk(body, mode, steady)
        try:
            data = jsonfmt.loads(body)
        except jsonfmt.JsonSyntaxError as exc:
            error = _error(
                400,
                "invalid",
                "Invalid input.",
                f"The payload provided in the request is invalid: {exc}.",
                {"pointer": "/data"},
            )
            return _answer(400, [error], [*steady, DETAIL_GUESSED])
        validation = get_provider(self.key).validate(data)
        if validation.issues:
            issues = validation.issues if mode.explain else validation.issues[:1]
            errors = [
                _error(
                    400,
                    "invalid",
                    "Invalid input.",
                    issue.message,
                    {"pointer": json_pointer(issue.loc)},
                )
                for issue in issues
            ]
            marks = [EXPLAINED] if mode.explain else [DETAIL_GUESSED]
            return _answer(400, errors, [*steady, *marks])
        return self._accept(data, steady)

    def _accept(self, data: Any, headers: list[tuple[str, str]]) -> httpx.Response:
        response = httpx.Response(202, headers=headers)
        with self.context.lock:
            said = self._record(get_at(data, "data.attributes", {}))
        if said:
            response.extensions[NOTES] = [said]
            # The 202 for a repeat is the sandbox's reading of "only the first is recorded"
            # (§3): said on the answer, as the service would not say it.
            response.headers[ASSUMPTION_HEADER] = said
        return response

    def _record(self, attributes: dict[str, Any]) -> str:
        """Record one event (called under the lock); what to say when its ``unique_id`` was
        recorded before for the same profile and metric, and so it is not."""
        who, metric, unique = _identity(attributes)
        if isinstance(unique, str) and unique:
            key = (who, metric, unique)
            if key in self._seen:
                return (
                    f"a {metric} event with unique_id {unique} was already recorded for "
                    f"{who}: Klaviyo records only the first, so this one was not"
                )
            self._seen.add(key)
        self.events.append(
            {
                "received_at": utc_stamp(),
                "metric": metric,
                "profile": who,
                "unique_id": unique,
                "time": attributes.get("time"),
                "value": attributes.get("value"),
                "properties": attributes.get("properties"),
            }
        )
        return ""

    # --- Bulk Create Events (POST /api/event-bulk-create-jobs) ------------------------------

    def _bulk(
        self, body: bytes, mode: SandboxMode, steady: list[tuple[str, str]]
    ) -> httpx.Response:
        """A bulk job: every event checked as Create Event checks one (each problem at its
        pointer in the bulk body), at most 1,000 events and 5 MB, no ``unique_id`` twice for
        one profile and metric ("the request will fail and no events will be processed",
        §3); then 202 with an empty body, as Create Event answers [INFER], and each event
        recorded."""

        def refused(detail: str, pointer: str = "/data") -> httpx.Response:
            error = _error(400, "invalid", "Invalid input.", detail, {"pointer": pointer})
            return _answer(400, [error], [*steady, BULK_GUESSED])

        if len(body) > MAX_BULK_BYTES:
            return refused(f"The payload is {len(body):,} bytes; at most 5 MB is accepted.")
        try:
            data = jsonfmt.loads(body)
        except jsonfmt.JsonSyntaxError as exc:
            return refused(f"The payload provided in the request is invalid: {exc}.")
        if get_at(data, "data.type") != "event-bulk-create-job":
            return refused('The job\'s type must be "event-bulk-create-job".', "/data/type")
        items = get_at(data, "data.attributes.events-bulk-create.data")
        if not isinstance(items, list) or not items:
            return refused("The job must hold at least one profile's events.", BULK_LIST)
        provider = get_provider(self.key)
        events: list[dict[str, Any]] = []
        problems: list[dict[str, Any]] = []
        for i, item in enumerate(items):
            at = f"{BULK_LIST}/{i}"
            if not isinstance(item, dict) or item.get("type") != "event-bulk-create":
                problems.append(
                    _bulk_problem('It must be of type "event-bulk-create".', f"{at}/type")
                )
                continue
            profile = get_at(item, "attributes.profile")
            listed = get_at(item, "attributes.events.data")
            if not isinstance(listed, list) or not listed:
                problems.append(
                    _bulk_problem("It needs at least one event.", f"{at}/attributes/events")
                )
                continue
            for j, event in enumerate(listed):
                attributes = event.get("attributes") if isinstance(event, dict) else None
                if not isinstance(attributes, dict):
                    attributes = {}
                merged: dict[str, Any] = {**attributes, "profile": profile}
                kind = event.get("type") if isinstance(event, dict) else None
                single = {"data": {"type": kind, "attributes": merged}}
                for issue in provider.validate(single).issues:
                    pointer = _bulk_pointer(issue.loc, i, j)
                    problems.append(_bulk_problem(issue.message, pointer))
                events.append(merged)
        if len(events) > MAX_BULK_EVENTS:
            return refused(
                f"The job holds {len(events):,} events; at most {MAX_BULK_EVENTS:,} are accepted.",
                BULK_LIST,
            )
        if problems:
            shown = problems if mode.explain else problems[:1]
            marks = [EXPLAINED] if mode.explain else [DETAIL_GUESSED]
            return _answer(400, shown, [*steady, *marks])
        seen: set[tuple[str, str, str]] = set()
        for attributes in events:
            who, metric, unique = _identity(attributes)
            if isinstance(unique, str) and unique:
                if (who, metric, unique) in seen:
                    return refused(
                        f"The unique_id {unique} is used twice for {who}'s {metric} events: "
                        "no event of the job was processed."
                    )
                seen.add((who, metric, unique))
        response = httpx.Response(202, headers=steady)
        with self.context.lock:
            notes = [said for said in (self._record(a) for a in events) if said]
        if notes:
            response.extensions[NOTES] = notes
        return response

    def _unauthenticated(self, request: httpx.Request) -> httpx.Response | None:
        header = request.headers.get("authorization", "")
        scheme, _, key = header.partition(" ")
        if scheme != "Klaviyo-API-Key" or not key.strip():
            error = _error(
                401,
                "not_authenticated",
                "Authentication credentials were not provided.",
                "Missing or invalid authorization scheme. Please use Klaviyo-API-Key.",
                {"pointer": "/data/"},
            )
            return _answer(401, [error])
        if key.strip() == READ_ONLY_KEY:
            # The codes are Django REST Framework's (not_authenticated, authentication_failed,
            # throttled), so the wording of its permission_denied most likely is too [INFER].
            error = _error(
                403,
                "permission_denied",
                "You do not have permission to perform this action.",
                "You do not have permission to perform this action.",
                {"pointer": "/data/"},
            )
            return _answer(403, [error], [DETAIL_GUESSED])
        if key.strip() != API_KEY:
            error = _error(
                401,
                "authentication_failed",
                "Incorrect authentication credentials.",
                "Incorrect authentication credentials.",
                {"pointer": "/data/"},
            )
            return _answer(401, [error], [DETAIL_GUESSED])
        return None

    def _limit(self, window: str) -> int:
        defaults = {
            "burst": BURST_LIMIT,
            "steady": STEADY_LIMIT,
            "bulk_burst": BULK_BURST_LIMIT,
            "bulk_steady": BULK_STEADY_LIMIT,
        }
        return int(self.context.setting(self.key, f"{window}_limit", defaults[window]))

    def _count(self, prefix: str = "") -> int:
        """Count this call in the burst and steady windows of its endpoint (``prefix``
        "bulk_" for the bulk one); the seconds to wait when either is used up (0: go ahead).
        Called under the lock."""
        now = self.context.clock()
        for name, length, limit in (
            (f"{prefix}burst", 1.0, self._limit(f"{prefix}burst")),
            (f"{prefix}steady", 60.0, self._limit(f"{prefix}steady")),
        ):
            started, used = self._windows.get(name, (now, 0))
            if now - started >= length:
                started, used = now, 0
            if used >= limit:
                return max(1, int(length - (now - started) + 0.999))
            self._windows[name] = (started, used + 1)
        return 0

    def _steady_headers(self, prefix: str = "") -> list[tuple[str, str]]:
        """``RateLimit-*`` of the steady window, as every answer but a 429 has them (§4.3)."""
        now = self.context.clock()
        started, used = self._windows.get(f"{prefix}steady", (now, 0))
        limit = self._limit(f"{prefix}steady")
        return [
            ("RateLimit-Limit", str(limit)),
            ("RateLimit-Remaining", str(max(0, limit - used))),
            ("RateLimit-Reset", str(max(0, int(60 - (now - started))))),
        ]

    def _throttled(
        self, seconds: int, headers: list[tuple[str, str]] | None = None
    ) -> httpx.Response:
        unit = "second" if seconds == 1 else "seconds"
        error = _error(
            429,
            "throttled",
            "Request was throttled.",
            f"Request was throttled. Expected available in {seconds} {unit}.",
            {"pointer": "/data"},
        )
        error["links"] = {
            "type": "https://developers.klaviyo.com/en/docs/rate_limits_and_error_handling"
        }
        return _answer(429, [error], [*(headers or []), ("Retry-After", str(seconds))])
