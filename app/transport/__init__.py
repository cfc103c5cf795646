"""Transport: the HTTP client, sending with bounded retries and cancellation, Bronto's tokens,
and the typed result. No Qt."""

from __future__ import annotations

from app.transport.oauth import BrontoTokens, TokenError
from app.transport.result import ErrorKind, SendResult
from app.transport.send import CancelToken, make_client, send_request
from app.transport.sender import Destination, MissingSecrets, Overrides, Sender

__all__ = [
    "BrontoTokens",
    "CancelToken",
    "Destination",
    "ErrorKind",
    "MissingSecrets",
    "Overrides",
    "SendResult",
    "Sender",
    "TokenError",
    "make_client",
    "send_request",
]
