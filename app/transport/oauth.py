"""Bronto's OAuth2 client-credentials tokens: fetched once, reused until shortly before they
expire, refreshed with the refresh token (or fetched anew), kept in memory only."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

import httpx

from app.domain import jsonfmt
from app.domain.errors import CartComposerError
from app.logs import log, register_secret
from app.transport.result import ErrorKind, classify
from app.transport.send import request_timeout

__all__ = ["BrontoTokens", "TokenError"]


class TokenError(CartComposerError):
    """No token could be had; ``kind`` says why (auth refused, or a network failure)."""

    def __init__(self, kind: ErrorKind, message: str) -> None:
        super().__init__(message)
        self.kind = kind


@dataclass
class _Token:
    access: str
    refresh: str | None
    expires_at: float
    lifetime: float

    def fresh(self, now: float) -> bool:
        # Renew a little early, so a token never expires between here and Bronto.
        margin = min(60.0, self.lifetime * 0.1)
        return now < self.expires_at - margin


class BrontoTokens:
    """A cache of access tokens per (token URL, client id). Thread-safe."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._lock = threading.Lock()
        self._tokens: dict[tuple[str, str], _Token] = {}
        self.fetches = 0  # how many times the token endpoint was asked (for tests and notes)

    def invalidate(self, token_url: str, client_id: str) -> None:
        with self._lock:
            cached = self._tokens.get((token_url, client_id))
            if cached is not None:
                cached.expires_at = 0.0  # keep the refresh token

    def token(
        self,
        client: httpx.Client,
        token_url: str,
        client_id: str,
        client_secret: str,
        timeout: float = 30.0,
    ) -> str:
        key = (token_url, client_id)
        with self._lock:
            cached = self._tokens.get(key)
            if cached is not None and cached.fresh(self._clock()):
                return cached.access
        if cached is not None and cached.refresh:
            form = {
                "grant_type": "refresh_token",
                "refresh_token": cached.refresh,
                "client_id": client_id,
                "client_secret": client_secret,
            }
            try:
                return self._fetch(client, key, form, timeout)
            except TokenError as exc:
                if exc.kind is not ErrorKind.AUTH:
                    raise
                # An expired or unknown refresh token: fall back to the client credentials.
        form = {
            "grant_type": "client_credentials",
            "client_id": client_id,
            "client_secret": client_secret,
        }
        return self._fetch(client, key, form, timeout)

    def _fetch(
        self, client: httpx.Client, key: tuple[str, str], form: dict[str, str], timeout: float
    ) -> str:
        token_url = key[0]
        try:
            with self._lock:
                self.fetches += 1
            # Form-encoded, as Bronto's own clients send it; the secret never reaches a message.
            response = client.post(
                token_url,
                data=form,
                headers={"Accept": "application/json"},
                timeout=request_timeout(timeout),
            )
        except httpx.HTTPError as exc:
            kind, message = classify(exc, token_url, timeout)
            raise TokenError(kind, f"Getting a Bronto token failed. {message}") from None
        if response.status_code != 200:
            raise TokenError(ErrorKind.AUTH, _refusal(response))
        try:
            data = jsonfmt.loads(response.content)
            access = data["access_token"]
            lifetime = float(data.get("expires_in", 3600))
        except (jsonfmt.JsonSyntaxError, KeyError, TypeError, ValueError, AttributeError):
            raise TokenError(
                ErrorKind.INVALID_RESPONSE,
                "Bronto's token endpoint answered 200 without a usable access_token.",
            ) from None
        refresh = data.get("refresh_token") if isinstance(data.get("refresh_token"), str) else None
        register_secret(str(access))
        register_secret(refresh)
        log.debug("got a Bronto token from %s (%s), valid %g s", token_url, form["grant_type"],
                  lifetime)  # fmt: skip
        with self._lock:
            self._tokens[key] = _Token(str(access), refresh, self._clock() + lifetime, lifetime)
        return str(access)


def _refusal(response: httpx.Response) -> str:
    detail = ""
    try:
        data = jsonfmt.loads(response.content)
        if isinstance(data, dict):
            detail = str(data.get("error_description") or data.get("error") or "")
    except jsonfmt.JsonSyntaxError:
        detail = response.headers.get("x-reason", "")
    said = f": {detail}" if detail else ""
    return (
        f"Bronto refused the client ID and secret ({response.status_code}"
        f" {response.reason_phrase}{said}). Check them with `cart-composer profiles set-secret`."
    )
