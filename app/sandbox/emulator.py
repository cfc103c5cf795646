"""The sandbox core: one stateful handler ``httpx.Request → httpx.Response`` for every API.

Each provider's emulator (found through the registry: ``Provider.emulator``) answers its own
paths, which are the real service's, so a profile only swaps the host. This module routes to
them and keeps what they share: faults, the request log, the control calls (``/_sandbox``,
``/_sandbox/requests``, ``/_sandbox/faults``, ``/_sandbox/reset``, and
``/_sandbox/<provider>/…`` for an emulator's own).

Two doors share it: ``Sandbox.transport()`` mounts it as an ``httpx.MockTransport`` (unit
tests), and ``app.sandbox.server`` serves it over real HTTP on 127.0.0.1 (the app, the CLI,
curl, end-to-end tests).
"""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from typing import Any
from urllib.parse import parse_qsl, quote

import httpx

from app.domain import jsonfmt
from app.domain.redaction import MASK, mask_header_value
from app.domain.rules import spoken_list
from app.providers.emulation import (
    ANSWER_ID,
    NOTES,
    Emulator,
    EmulatorContext,
    json_response,
    utc_stamp,
)
from app.sandbox.config import SandboxConfig, SandboxMode
from app.sandbox.faults import Fault, FaultError

__all__ = ["ConnectionDropped", "RecordedRequest", "Sandbox", "json_response"]

# Form fields whose values are secrets: masked in the request log.
_SECRET_FORM_FIELDS = frozenset({"client_secret", "refresh_token", "password"})


# How many requests the sandbox remembers for /_sandbox/requests (the newest ones), how much
# of each body, and how many body bytes in all: a sandbox left running all day, or sent
# 64 MB bodies, must not grow without end.
LOG_LIMIT = 5000
LOG_BODY_CAP = 2 * 1024 * 1024
LOG_BYTES = 64 * 1024 * 1024
_NOTES_KEPT = 50  # of one request's notes (a batch of 1,000 failed carts keeps the first 50)


class ConnectionDropped(httpx.RemoteProtocolError):
    """Raised by the handler for a "drop" fault: the HTTP door closes the socket, the mock door
    lets it reach the client as the error a real dropped connection gives."""

    def __init__(self) -> None:
        super().__init__("Server disconnected without sending a response.")


@dataclass(frozen=True)
class RecordedRequest:
    """One request as the sandbox received it, secrets masked."""

    id: int
    received_at: str
    method: str
    path: str
    query: str
    headers: list[tuple[str, str]]
    body: str  # at most LOG_BODY_CAP bytes of it
    status: int | None  # None: the connection was dropped
    fault: dict[str, Any] | None
    body_size: int = 0  # the size that came
    mode: str = "real"  # the door's SandboxMode label
    # What the sandbox knows of this request that its answer does not say (a queued Drip cart
    # that would fail processing, a batch's failed carts, a renamed key kept as an attribute).
    notes: tuple[str, ...] = ()
    answer_id: str | None = None  # the id the answer gave (Drip's request_id), if any

    @property
    def body_cut(self) -> bool:
        return self.body_size > LOG_BODY_CAP

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["headers"] = [list(pair) for pair in self.headers]
        data["notes"] = list(self.notes)
        data["body_cut"] = self.body_cut
        return data


def _mask_body(body: bytes, content_type: str) -> str:
    text = body.decode("utf-8", errors="replace")
    if "application/x-www-form-urlencoded" in content_type.lower():
        pairs = parse_qsl(text, keep_blank_values=True)
        if any(name in _SECRET_FORM_FIELDS for name, _ in pairs):
            # The mark stays readable (not percent-encoded) so a person sees what was hidden.
            return "&".join(
                f"{quote(name)}={MASK if name in _SECRET_FORM_FIELDS else quote(value)}"
                for name, value in pairs
            )
    return text


class Sandbox:
    """The emulator. Thread-safe: the HTTP door calls ``handle`` from many threads at once."""

    def __init__(self, config: SandboxConfig | None = None) -> None:
        from app.providers import providers

        self.config = config or SandboxConfig()
        self._lock = threading.RLock()
        # The newest requests only: a sandbox left running all day must not grow without end.
        self._log: deque[RecordedRequest] = deque(maxlen=LOG_LIMIT)
        self._log_bytes = 0  # the characters of the bodies in the log
        self._faults: list[Fault] = []
        self._next_id = 1
        context = EmulatorContext(
            self._lock, self.config.clock, self.config.mode, self.config.settings
        )
        made = (provider.emulator(context) for provider in providers().values())
        # Every provider's emulator, by key, in the registry's order.
        self.emulators: dict[str, Emulator] = {e.key: e for e in made if e is not None}

    # --- the two doors ---------------------------------------------------------------------

    def transport(self, mode: SandboxMode | None = None) -> httpx.MockTransport:
        """The in-process door; it answers in ``mode`` (default: the config's)."""
        return httpx.MockTransport(lambda request: self.handle(request, mode))

    def handle(self, request: httpx.Request, mode: SandboxMode | None = None) -> httpx.Response:
        """One request, answered in ``mode`` (default: the config's). Doors with different
        modes share everything else: carts, tokens, the log, faults, rate counts."""
        mode = mode or self.config.mode
        body = request.read()
        path = request.url.path
        if path == "/_sandbox" or path.startswith("/_sandbox/"):
            return self._control(request, body, mode)
        fault = self._take_fault(path)
        if fault is not None and fault.latency_ms:
            time.sleep(fault.latency_ms / 1000)
        if fault is not None and fault.drop:
            self._record(request, body, None, fault, mode)
            raise ConnectionDropped()
        notes: tuple[str, ...] = ()
        answer_id: str | None = None
        if fault is not None and fault.status is not None:
            response = self._forced(fault, path)
        else:
            response = self._route(request, body, mode)
            notes = tuple(response.extensions.get(NOTES, ()))
            answer_id = response.extensions.get(ANSWER_ID)
        if fault is not None and fault.malformed:
            response = _malformed(response)
        if fault is not None and fault.body_bytes:
            response = _padded(response, fault.body_bytes)
        self._record(request, body, response.status_code, fault, mode, notes, answer_id)
        if fault is not None and fault.trickle_ms:
            response = _trickled(response, fault.trickle_ms)
        return response

    # --- inspection and faults (also used from code) ---------------------------------------

    def requests(self) -> list[RecordedRequest]:
        with self._lock:
            return list(self._log)

    def notes_about(self, answer_id: str) -> tuple[str, ...]:
        """What the request log says of the request whose answer gave ``answer_id`` (nothing
        if it says nothing, or the request is no longer in the log)."""
        with self._lock:
            for recorded in reversed(self._log):
                if recorded.answer_id == answer_id:
                    return recorded.notes
        return ()

    def clear_requests(self) -> None:
        with self._lock:
            self._log.clear()
            self._log_bytes = 0

    def add_fault(self, fault: Fault) -> None:
        with self._lock:
            self._faults.append(fault)

    def faults(self) -> list[Fault]:
        with self._lock:
            return [Fault(**asdict(f)) for f in self._faults if f.count > 0]

    def clear_faults(self) -> None:
        with self._lock:
            self._faults.clear()

    def reset(self) -> None:
        """Forget everything: requests, faults, carts, contacts, tokens, rate counters."""
        with self._lock:
            self._log.clear()
            self._log_bytes = 0
            self._faults.clear()
            for emulator in self.emulators.values():
                emulator.reset()

    # --- internals -------------------------------------------------------------------------

    def _take_fault(self, path: str) -> Fault | None:
        with self._lock:
            for fault in self._faults:
                if fault.matches(path):
                    fault.count -= 1
                    taken = Fault(**{**asdict(fault), "count": 1})
                    self._faults = [f for f in self._faults if f.count > 0]
                    return taken
        return None

    def _record(
        self,
        request: httpx.Request,
        body: bytes,
        status: int | None,
        fault: Fault | None,
        mode: SandboxMode,
        notes: tuple[str, ...] = (),
        answer_id: str | None = None,
    ) -> None:
        headers = [(k, mask_header_value(k, v)) for k, v in request.headers.multi_items()]
        content_type = request.headers.get("content-type", "")
        kept = _mask_body(body[:LOG_BODY_CAP], content_type)
        with self._lock:
            if len(self._log) == self._log.maxlen:
                self._log_bytes -= len(self._log[0].body)
            self._log.append(
                RecordedRequest(
                    id=self._next_id,
                    received_at=utc_stamp(),
                    method=request.method,
                    path=request.url.path,
                    query=request.url.query.decode("ascii", errors="replace"),
                    headers=headers,
                    body=kept,
                    status=status,
                    fault=fault.to_json() if fault is not None else None,
                    body_size=len(body),
                    mode=mode.label,
                    notes=_kept(notes),
                    answer_id=answer_id,
                )
            )
            self._log_bytes += len(kept)
            while self._log_bytes > LOG_BYTES and len(self._log) > 1:
                self._log_bytes -= len(self._log.popleft().body)
            self._next_id += 1

    def _route(self, request: httpx.Request, body: bytes, mode: SandboxMode) -> httpx.Response:
        path = request.url.path
        emulator = self._owner(path)
        if emulator is not None:
            return emulator.handle(request, body, mode)
        if path == "/":
            return json_response(200, self._info(mode))
        return json_response(
            404,
            {
                "errors": [
                    {
                        "code": "not_found_error",
                        "message": f"The sandbox has no endpoint {request.method} {path}; "
                        "GET /_sandbox lists them.",
                    }
                ]
            },
        )

    def _forced(self, fault: Fault, path: str) -> httpx.Response:
        status = fault.status or 500
        headers: list[tuple[str, str]] = []
        if fault.retry_after is not None:
            headers.append(("Retry-After", str(fault.retry_after)))
        if status in (502, 503):
            # What a load balancer in front of either service sends: HTML, not JSON.
            phrase = "Bad Gateway" if status == 502 else "Service Unavailable"
            html = f"<html><body><h1>{status} {phrase}</h1></body></html>\n".encode()
            headers.append(("Content-Type", "text/html"))
            return httpx.Response(status, headers=headers, content=html)
        emulator = self._owner(path)
        if emulator is not None:
            return emulator.forced(status, headers)  # in that API's error shape
        body = {"errors": [{"code": "server_error", "message": "Internal server error"}]}
        return json_response(status, body, headers)

    def _owner(self, path: str) -> Emulator | None:
        return next((e for e in self.emulators.values() if e.owns(path)), None)

    def _control(self, request: httpx.Request, body: bytes, mode: SandboxMode) -> httpx.Response:
        path, method = request.url.path.rstrip("/"), request.method
        media = request.headers.get("content-type", "").split(";", 1)[0].strip().lower()
        if method in ("POST", "PUT", "PATCH") and media != "application/json":
            # A web page can POST text/plain or a form to 127.0.0.1 without the browser asking
            # first; application/json it cannot. So the calls that change the sandbox take
            # only that (curl: -H 'Content-Type: application/json').
            return json_response(
                415,
                {
                    "error": (
                        f"{method} {path} needs Content-Type: application/json (it was "
                        f"{media or 'not given'})."
                    )
                },
            )
        if path == "/_sandbox" and method == "GET":
            return json_response(200, self._info(mode))
        if path == "/_sandbox/requests":
            if method == "GET":
                return json_response(200, {"requests": [r.to_json() for r in self.requests()]})
            if method == "DELETE":
                self.clear_requests()
                return httpx.Response(204)
        if path == "/_sandbox/faults":
            if method == "GET":
                return json_response(200, {"faults": [f.to_json() for f in self.faults()]})
            if method == "DELETE":
                self.clear_faults()
                return httpx.Response(204)
            if method == "POST":
                return self._post_faults(body)
        if path == "/_sandbox/reset" and method == "POST":
            self.reset()
            return httpx.Response(204)
        key, _, rest = path.removeprefix("/_sandbox/").partition("/")
        emulator = self.emulators.get(key)
        answer = emulator.control(request, rest, body) if emulator is not None and rest else None
        if answer is not None:
            return answer
        return json_response(404, {"error": f"No sandbox control endpoint {method} {path}."})

    def _post_faults(self, body: bytes) -> httpx.Response:
        try:
            data = jsonfmt.loads(body)
            items = data if isinstance(data, list) else [data]
            faults = [Fault.from_json(item) for item in items]
        except (jsonfmt.JsonSyntaxError, FaultError) as exc:
            return json_response(400, {"error": str(exc)})
        for fault in faults:
            self.add_fault(fault)
        return json_response(201, {"faults": [f.to_json() for f in self.faults()]})

    def _info(self, mode: SandboxMode) -> dict[str, Any]:
        titles = spoken_list(self.emulators) or "nothing"
        control = [
            "GET /_sandbox/requests",
            "DELETE /_sandbox/requests",
            "GET /_sandbox/faults",
            "POST /_sandbox/faults",
            "DELETE /_sandbox/faults",
            "POST /_sandbox/reset",
        ]
        info: dict[str, Any] = {"sandbox": f"Cart Composer sandbox: {titles}", "mode": mode.label}
        for key, emulator in self.emulators.items():
            own = dict(emulator.info())
            control += own.pop("control", [])
            info[key] = own
        info["control"] = control
        return info


def _kept(notes: tuple[str, ...]) -> tuple[str, ...]:
    if len(notes) <= _NOTES_KEPT:
        return notes
    return (*notes[: _NOTES_KEPT - 1], f"… and {len(notes) - _NOTES_KEPT + 1} more")


def _padded(response: httpx.Response, size: int) -> httpx.Response:
    """The same answer, its body grown to ``size`` bytes with trailing spaces (JSON allows
    them, so a JSON body still parses)."""
    content = response.content
    headers = [(k, v) for k, v in response.headers.multi_items() if k.lower() != "content-length"]
    padding = b" " * max(0, size - len(content))
    return httpx.Response(response.status_code, headers=headers, content=content + padding)


TRICKLE_CHUNK = 8


class Trickle(httpx.SyncByteStream):
    """A body handed out ``TRICKLE_CHUNK`` bytes at a time, ``delay`` seconds apart; the HTTP
    door writes it to the socket the same way."""

    def __init__(self, content: bytes, delay: float) -> None:
        self.content = content
        self.delay = delay

    def __iter__(self) -> Iterator[bytes]:
        for start in range(0, len(self.content), TRICKLE_CHUNK):
            time.sleep(self.delay)
            yield self.content[start : start + TRICKLE_CHUNK]


def _trickled(response: httpx.Response, delay_ms: int) -> httpx.Response:
    content = response.content
    headers = [(k, v) for k, v in response.headers.multi_items() if k.lower() != "content-length"]
    headers.append(("Content-Length", str(len(content))))
    return httpx.Response(
        response.status_code, headers=headers, stream=Trickle(content, delay_ms / 1000)
    )


def _malformed(response: httpx.Response) -> httpx.Response:
    """The same status and headers with a body cut in half: JSON that does not parse."""
    if response.status_code == 204:
        return response
    content = response.content
    broken = content[: max(1, len(content) // 2)] if content else b'{"'
    headers = [(k, v) for k, v in response.headers.multi_items() if k.lower() != "content-length"]
    if not content:
        headers.append(("Content-Type", "application/json"))
    return httpx.Response(response.status_code, headers=headers, content=broken)
