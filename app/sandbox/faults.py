"""Injected faults: what the next N requests suffer (latency, a forced status, a dropped
connection, a malformed, oversized or trickled body), so every client error path can be shown
on demand."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass
from typing import Any

__all__ = ["FORCEABLE_STATUSES", "Fault", "FaultError"]

FORCEABLE_STATUSES = (429, 500, 502, 503)


class FaultError(ValueError):
    """A fault description that makes no sense; the message says which part."""


@dataclass
class Fault:
    """Applies to the next ``count`` API requests (sandbox control requests are never hit).

    ``path_prefix`` limits it to matching paths, e.g. ``/carts`` or ``/v3``.
    """

    count: int = 1
    latency_ms: int = 0
    status: int | None = None
    retry_after: int | None = None
    drop: bool = False
    malformed: bool = False
    # Pad the answer's body with trailing whitespace (still valid JSON) to this many bytes.
    body_bytes: int = 0
    # Send the answer's body in small pieces, this many milliseconds apart.
    trickle_ms: int = 0
    path_prefix: str = ""

    def matches(self, path: str) -> bool:
        return self.count > 0 and path.startswith(self.path_prefix)

    def to_json(self) -> dict[str, Any]:
        return {
            key: value
            for key, value in asdict(self).items()
            if value not in (None, "") and not (key in ("body_bytes", "trickle_ms") and not value)
        }

    @classmethod
    def from_json(cls, data: Any) -> Fault:
        if not isinstance(data, Mapping):
            raise FaultError('A fault must be a JSON object, e.g. {"status": 503, "count": 2}.')
        known = set(cls.__dataclass_fields__)
        unknown = sorted(set(data) - known)
        if unknown:
            raise FaultError(f"Unknown fault fields: {', '.join(unknown)}.")
        fault = cls(
            count=_integer(data, "count", 1, minimum=1),
            latency_ms=_integer(data, "latency_ms", 0, minimum=0, maximum=120_000),
            status=_optional_integer(data, "status"),
            retry_after=_optional_integer(data, "retry_after"),
            drop=_boolean(data, "drop"),
            malformed=_boolean(data, "malformed"),
            body_bytes=_integer(data, "body_bytes", 0, minimum=0, maximum=64 * 1024 * 1024),
            trickle_ms=_integer(data, "trickle_ms", 0, minimum=0, maximum=10_000),
            path_prefix=_text(data, "path_prefix"),
        )
        if fault.status is not None and fault.status not in FORCEABLE_STATUSES:
            allowed = ", ".join(map(str, FORCEABLE_STATUSES))
            raise FaultError(f"“status” must be one of {allowed}.")
        if fault.retry_after is not None and (fault.retry_after < 0 or fault.status is None):
            raise FaultError("“retry_after” needs a “status” and must be 0 or more seconds.")
        if fault.drop and (
            fault.status is not None or fault.malformed or fault.body_bytes or fault.trickle_ms
        ):
            raise FaultError("A dropped connection sends nothing: use “drop” alone.")
        return fault


def _integer(
    data: Mapping[str, Any], name: str, default: int, *, minimum: int, maximum: int = 10**6
) -> int:
    value = data.get(name, default)
    if isinstance(value, bool) or not isinstance(value, int) or not minimum <= value <= maximum:
        raise FaultError(f"“{name}” must be a whole number from {minimum} to {maximum}.")
    return value


def _optional_integer(data: Mapping[str, Any], name: str) -> int | None:
    if data.get(name) is None:
        return None
    return _integer(data, name, 0, minimum=0, maximum=100_000)


def _boolean(data: Mapping[str, Any], name: str) -> bool:
    value = data.get(name, False)
    if not isinstance(value, bool):
        raise FaultError(f"“{name}” must be true or false.")
    return value


def _text(data: Mapping[str, Any], name: str) -> str:
    value = data.get(name, "")
    if not isinstance(value, str):
        raise FaultError(f"“{name}” must be text.")
    return value
