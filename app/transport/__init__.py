"""Transport: the HTTP client, sending one request with bounded reads, retries and
cancellation, the providers' declared auth as httpx flows (OAuth2 tokens cached), the typed
result and cURL. It knows no profiles, secrets, sandbox or history: ``app.service`` resolves
those into what is sent. No Qt."""

from __future__ import annotations

from app.transport.oauth import OAuthTokens, TokenError
from app.transport.result import ErrorKind, SendResult
from app.transport.send import CancelToken, make_client, send_request

__all__ = [
    "CancelToken",
    "ErrorKind",
    "OAuthTokens",
    "SendResult",
    "TokenError",
    "make_client",
    "send_request",
]
