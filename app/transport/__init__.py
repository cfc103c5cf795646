"""Transport: the HTTP client, sending with bounded retries and cancellation, the providers'
declared auth as httpx flows (OAuth2 tokens cached), and the typed result. No Qt."""

from __future__ import annotations

from app.transport.oauth import OAuthTokens, TokenError
from app.transport.result import ErrorKind, SendResult
from app.transport.send import CancelToken, make_client, send_request
from app.transport.sender import Destination, MissingSecrets, Overrides, Sender

__all__ = [
    "CancelToken",
    "Destination",
    "ErrorKind",
    "MissingSecrets",
    "OAuthTokens",
    "Overrides",
    "SendResult",
    "Sender",
    "TokenError",
    "make_client",
    "send_request",
]
