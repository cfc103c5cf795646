"""What a provider's emulator is, for the built-in sandbox: a stateful handler of one API's
requests (``httpx.Request`` → ``httpx.Response``), and the helpers every emulator answers with.

Each provider folder has its own (``app/providers/<name>/emulator.py``, found through
``Provider.emulator``); ``app.sandbox`` keeps only what they share — the HTTP and in-process
doors, routing over the registry, faults, the request log.
"""

from __future__ import annotations

import threading
import time
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import httpx

from app.domain import jsonfmt
from app.domain.sandbox_marks import REAL, SandboxMode

__all__ = [
    "ANSWER_ID",
    "NOTES",
    "Emulator",
    "EmulatorContext",
    "json_pointer",
    "json_response",
    "utc_stamp",
]

# The key of ``httpx.Response.extensions`` under which an emulator puts what the request log
# should say of an answer (a cart the service accepted but would not process, an assumption).
NOTES = "sandbox_notes"
# ... and under which the id its answer gave (Drip's request_id), to find those notes by.
ANSWER_ID = "sandbox_answer_id"


@dataclass
class EmulatorContext:
    """What every emulator of one sandbox shares: its lock, its clock (monotonic seconds; tests
    pass a fake one), the mode a door answers in unless it has its own, and each emulator's
    tunable limits by provider key (e.g. ``{"drip": {"hourly_limit": 3}}``)."""

    lock: threading.RLock = field(default_factory=threading.RLock)
    clock: Callable[[], float] = field(default=time.monotonic)
    mode: SandboxMode = REAL
    settings: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)

    def setting(self, key: str, name: str, default: Any) -> Any:
        return self.settings.get(key, {}).get(name, default)


class Emulator(ABC):
    """One API, emulated. ``handle`` answers the requests ``owns`` says are this API's."""

    key: str = ""  # the provider's key

    def __init__(self, context: EmulatorContext) -> None:
        self.context = context

    @abstractmethod
    def owns(self, path: str) -> bool:
        """Whether a request for ``path`` is this API's."""

    @abstractmethod
    def handle(self, request: httpx.Request, body: bytes, mode: SandboxMode) -> httpx.Response:
        """The answer to one request of this API, in ``mode``."""

    def reset(self) -> None:  # noqa: B027 - an emulator without state has nothing to forget
        """Forget every cart, token and count."""

    def forced(self, status: int, headers: list[tuple[str, str]]) -> httpx.Response:
        """A fault's forced status (429 or 500) in this API's error shape."""
        body = {"errors": [{"code": "server_error", "message": "Internal server error"}]}
        return json_response(status, body, headers)

    def info(self) -> dict[str, Any]:
        """Its public credentials, endpoints and limits, for ``GET /_sandbox``."""
        return {}

    def control(self, request: httpx.Request, path: str, body: bytes) -> httpx.Response | None:
        """A control call under ``/_sandbox/<key>/`` (``path`` is the rest), or None."""
        return None


def json_response(
    status: int, body: Any, headers: Mapping[str, str] | Iterable[tuple[str, str]] = ()
) -> httpx.Response:
    """A compact JSON response (numbers exactly as stored)."""
    content = jsonfmt.dumps(body, indent=None).encode("utf-8")
    merged = [("Content-Type", "application/json; charset=utf-8")]
    merged += list(headers.items()) if isinstance(headers, Mapping) else list(headers)
    return httpx.Response(status, headers=merged, content=content)


def json_pointer(loc: tuple[str | int, ...]) -> str:
    """A place in a body as a JSON pointer (RFC 6901: ``~`` and ``/`` in a key escaped), as the
    services' errors name it: ``("items", 0, "a/b")`` → ``/items/0/a~1b``."""
    return "/" + "/".join(str(part).replace("~", "~0").replace("/", "~1") for part in loc)


def utc_stamp() -> str:
    """ISO 8601 UTC with milliseconds, as Java services write it: 2026-11-27T08:01:02.123Z."""
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"
