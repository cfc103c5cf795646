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
from app.providers.emulation import NOTES, Emulator, EmulatorContext, utc_stamp
from app.providers.paths import get_at

__all__ = ["API_KEY", "BURST_LIMIT", "STEADY_LIMIT", "KlaviyoEmulator"]

# The sandbox's public key (in the README): the built-in profile uses it. "pk_" and 34
# letters and digits, as Klaviyo's private keys are (§2).
API_KEY = "pk_sandboxcartcomposer0000000000000"
BURST_LIMIT = 350  # a second (Create Event is tier XL: 350/s, 3,500/min, §4.3)
STEADY_LIMIT = 3500  # a minute
MEDIA_TYPE = "application/vnd.api+json"
_KEEP = 1000  # events kept for tests and /_sandbox

EXPLAINED = (EXPLAIN_HEADER, "sandbox explanation, not Klaviyo's wording")
DETAIL_GUESSED = (
    ASSUMPTION_HEADER,
    "Klaviyo's wording for this refusal is not known; the detail is the sandbox's",
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


def _pointer(loc: tuple[str | int, ...]) -> str:
    return "/" + "/".join(str(part).replace("~", "~0").replace("/", "~1") for part in loc)


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
        return path in ("/api/events", "/api/events/")

    def forced(self, status: int, headers: list[tuple[str, str]]) -> httpx.Response:
        if status == 429:
            return self._throttled(1, headers)
        error = _error(status, "error", "A server error occurred.", "A server error occurred.")
        return _answer(status, [error], headers)

    def info(self) -> dict[str, Any]:
        return {
            "api_key": API_KEY,
            "endpoint": "POST /api/events",
            "limits": {"burst_per_second": BURST_LIMIT, "steady_per_minute": STEADY_LIMIT},
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
        with self.context.lock:
            waited = self._count()
            if waited:
                return self._throttled(waited)
            steady = self._steady_headers()
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
                    {"pointer": _pointer(issue.loc)},
                )
                for issue in issues
            ]
            marks = [EXPLAINED] if mode.explain else [DETAIL_GUESSED]
            return _answer(400, errors, [*steady, *marks])
        return self._accept(data, steady)

    def _accept(self, data: Any, headers: list[tuple[str, str]]) -> httpx.Response:
        attributes = get_at(data, "data.attributes", {})
        shopper = get_at(attributes, "profile.data.attributes", {})
        who = next(
            (str(shopper[k]) for k in ("email", "phone_number", "external_id") if shopper.get(k)),
            "",
        )
        metric = str(get_at(attributes, "metric.data.attributes.name", ""))
        unique = attributes.get("unique_id")
        response = httpx.Response(202, headers=headers)
        with self.context.lock:
            if isinstance(unique, str) and unique:
                key = (who, metric, unique)
                if key in self._seen:
                    said = (
                        f"a {metric} event with unique_id {unique} was already recorded for "
                        f"{who}: Klaviyo records only the first, so this one was not"
                    )
                    response.extensions[NOTES] = [said]
                    # The 202 for a repeat is the sandbox's reading of "only the first is
                    # recorded" (§3): said on the answer, as the service would not say it.
                    response.headers[ASSUMPTION_HEADER] = said
                    return response
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

    def _count(self) -> int:
        """Count this call in the burst and steady windows; the seconds to wait when either
        is used up (0: go ahead). Called under the lock."""
        now = self.context.clock()
        for name, length, limit in (
            ("burst", 1.0, self.context.setting(self.key, "burst_limit", BURST_LIMIT)),
            ("steady", 60.0, self.context.setting(self.key, "steady_limit", STEADY_LIMIT)),
        ):
            started, used = self._windows.get(name, (now, 0))
            if now - started >= length:
                started, used = now, 0
            if used >= limit:
                return max(1, int(length - (now - started) + 0.999))
            self._windows[name] = (started, used + 1)
        return 0

    def _steady_headers(self) -> list[tuple[str, str]]:
        """``RateLimit-*`` of the steady window, as every answer but a 429 has them (§4.3)."""
        now = self.context.clock()
        started, used = self._windows.get("steady", (now, 0))
        limit = self.context.setting(self.key, "steady_limit", STEADY_LIMIT)
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
