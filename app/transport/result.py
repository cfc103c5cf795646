"""What a send gives back: the request as sent (secrets masked), the response, and on failure a
typed error kind with one line a person can act on."""

from __future__ import annotations

import socket
import ssl
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any
from urllib.parse import urlsplit

import httpx

from app.domain import jsonfmt
from app.domain.urls import host_problem
from app.logs import mask_secrets
from app.providers.base import OutgoingRequest

__all__ = ["BODY_CAP", "ErrorKind", "SendResult", "SlowAnswer", "classify"]

# Responses are kept whole up to this size; past it the body is cut and its full size noted.
BODY_CAP = 2 * 1024 * 1024


class ErrorKind(StrEnum):
    DNS = "dns"
    CONNECTION_REFUSED = "connection_refused"
    TIMEOUT = "timeout"
    TLS = "tls"
    CONNECTION_LOST = "connection_lost"
    INVALID_RESPONSE = "invalid_response"
    HTTP_STATUS = "http_status"
    NETWORK = "network"
    CANCELLED = "cancelled"
    AUTH = "auth"  # a token endpoint refused the client id/secret


@dataclass
class SendResult:
    request: OutgoingRequest
    status: int | None = None
    reason: str = ""
    headers: tuple[tuple[str, str], ...] = ()
    # The request's headers as they went on the wire (the client's own and Host and
    # Content-Length included), credentials masked; empty until a request was made.
    sent_headers: tuple[tuple[str, str], ...] = ()
    body: bytes = b""
    body_size: int = 0
    elapsed: float = 0.0
    error_kind: ErrorKind | None = None
    message: str = ""
    provider_id: str | None = None
    problems: tuple[tuple[str, str], ...] = ()
    attempts: int = 1
    notes: list[str] = field(default_factory=list)
    # Which way it went: "direct", or "via proxy http://…" (and custom certificates, if any).
    route: str = ""

    @property
    def ok(self) -> bool:
        return self.error_kind is None and self.status is not None and 200 <= self.status < 300

    @property
    def truncated(self) -> bool:
        return self.body_size > len(self.body)

    @property
    def body_text(self) -> str:
        return self.body.decode("utf-8", errors="replace")

    @property
    def sandbox_notes(self) -> list[str]:
        """What the built-in sandbox says of its own answer: Explain mode's wording, its
        assumptions (from the answer's X-Sandbox-* headers; none from a real service)."""
        from app.domain.sandbox_marks import sandbox_notes

        return sandbox_notes(self.headers)

    def header(self, name: str) -> str | None:
        for key, value in self.headers:
            if key.lower() == name.lower():
                return value
        return None

    def to_json(self) -> dict[str, Any]:
        """Everything but secrets: request headers are the masked ones."""
        try:
            body: Any = jsonfmt.loads(self.body) if self.body else None
        except jsonfmt.JsonSyntaxError:
            body = self.body_text
        return {
            "ok": self.ok,
            "status": self.status,
            "reason": self.reason,
            "error_kind": str(self.error_kind) if self.error_kind else None,
            "message": self.message,
            "provider_id": self.provider_id,
            "problems": [{"attribute": a, "message": m} for a, m in self.problems],
            "elapsed_ms": round(self.elapsed * 1000, 1),
            "attempts": self.attempts,
            "notes": list(self.notes),
            "sandbox_notes": self.sandbox_notes,
            "route": self.route,
            "request": {
                "method": self.request.method,
                "url": self.request.url,
                "headers": [list(pair) for pair in self.request.headers],
                "body": self.request.body_text,
            },
            "response": {
                "headers": [list(pair) for pair in self.headers],
                "body": body,
                "body_size": self.body_size,
                "truncated": self.truncated,
            },
        }


def _chain(exc: BaseException) -> list[BaseException]:
    seen: list[BaseException] = []
    current: BaseException | None = exc
    while current is not None and current not in seen:
        seen.append(current)
        current = current.__cause__ or current.__context__
    return seen


class SlowAnswer(httpx.ReadTimeout):
    """The server answered, but its body was still arriving when the timeout ran out."""


def classify(exc: Exception, url: str, timeout: float) -> tuple[ErrorKind, str]:
    """The kind of a transport failure and one line saying what happened and what to check.
    No secret reaches the line: an exception's text may quote a header, so it is masked."""
    kind, message = _classify(exc, url, timeout)
    return kind, mask_secrets(message)


def _classify(exc: Exception, url: str, timeout: float) -> tuple[ErrorKind, str]:
    parts = urlsplit(url)
    host = parts.hostname or url
    where = f"{host}:{parts.port}" if parts.port else host
    causes = _chain(exc)
    if any(isinstance(c, UnicodeError) for c in causes) or isinstance(exc, httpx.InvalidURL):
        reason = host_problem(host) or "is not a name a lookup can take"
        return ErrorKind.DNS, f"Could not look up the host {host}: it {reason}. Check the URL."
    if any(isinstance(c, socket.gaierror) for c in causes):
        return ErrorKind.DNS, f"Could not find the host {host} (DNS lookup failed). Check the URL."
    if any(isinstance(c, ConnectionRefusedError) for c in causes) or (
        isinstance(exc, httpx.ConnectError) and "refused" in str(exc).lower()
    ):
        return (
            ErrorKind.CONNECTION_REFUSED,
            f"Nothing is listening at {where} (connection refused). Is the server running?",
        )
    if any(isinstance(c, ssl.SSLError) for c in causes):
        detail = next(c for c in causes if isinstance(c, ssl.SSLError))
        why = getattr(detail, "reason", None) or detail
        return (
            ErrorKind.TLS,
            f"The secure (TLS) connection to {where} failed: {why}. Check http:// versus https://.",
        )
    if isinstance(exc, httpx.ConnectTimeout):
        return ErrorKind.TIMEOUT, f"Could not connect to {where} within {timeout:g} s."
    if isinstance(exc, SlowAnswer):
        return (
            ErrorKind.TIMEOUT,
            f"{where} answered but was still sending after {timeout:g} s ({exc}); the cart may "
            "or may not have arrived.",
        )
    if isinstance(exc, httpx.TimeoutException):
        return (
            ErrorKind.TIMEOUT,
            f"No answer from {where} within {timeout:g} s; the cart may or may not have arrived.",
        )
    if isinstance(exc, httpx.LocalProtocolError):
        # Our own request could not be written (its text would quote the header): say so
        # without it.
        return (
            ErrorKind.NETWORK,
            f"The request to {where} could not be written: a header value is not valid HTTP. "
            "Nothing was sent.",
        )
    if isinstance(exc, httpx.RemoteProtocolError):
        if "without sending" in str(exc) or "disconnected" in str(exc).lower():
            return (
                ErrorKind.CONNECTION_LOST,
                f"{where} closed the connection without answering; the cart may or may not "
                "have arrived.",
            )
        return ErrorKind.INVALID_RESPONSE, f"{where} sent a response that is not valid HTTP: {exc}."
    if isinstance(exc, httpx.ReadError | httpx.WriteError):
        return (
            ErrorKind.CONNECTION_LOST,
            f"The connection to {where} broke off ({type(exc).__name__}); the cart may or may "
            "not have arrived.",
        )
    return ErrorKind.NETWORK, f"The request to {where} failed: {type(exc).__name__}: {exc}."
