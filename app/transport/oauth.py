"""OAuth2 client-credentials tokens (for any provider that declares
``ClientCredentials``): fetched once, reused until shortly before they expire, refreshed with
the refresh token (or fetched anew), kept in memory only."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

import httpx

from app.domain import jsonfmt
from app.domain.errors import CartComposerError, SecretValueError
from app.domain.secret_text import TOKEN_ENDPOINT, check_secret
from app.domain.sizes import size_text
from app.logs import log, register_secret
from app.transport.exchange import Answer, CancelToken, Deadline, exchange
from app.transport.result import ErrorKind, classify

__all__ = ["TOKEN_CAP", "OAuthTokens", "TokenError"]

# A token answer is a few hundred bytes; anything near this is not a token endpoint.
TOKEN_CAP = 1024 * 1024


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
        # Renew a little early, so a token never expires on its way to the API.
        margin = min(60.0, self.lifetime * 0.1)
        return now < self.expires_at - margin


class OAuthTokens:
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

    def obtain(
        self,
        client: httpx.Client,
        token_url: str,
        client_id: str,
        client_secret: str,
        timeout: float = 30.0,
        *,
        deadline: Deadline | None = None,
        cancel: CancelToken | None = None,
        service: str = "the service",
    ) -> tuple[str, bool]:
        """A valid access token — the cached one, a refreshed one, or a new one — and whether
        it was fetched just now (False: it came from the cache). Every fetch is bounded by
        ``deadline`` (default: ``timeout`` from now) and the token answer's cap; ``service``
        names whose tokens they are in messages."""
        deadline = deadline or Deadline.after(timeout)
        key = (token_url, client_id)
        with self._lock:
            cached = self._tokens.get(key)
            if cached is not None and cached.fresh(self._clock()):
                return cached.access, False
        if cached is not None and cached.refresh:
            form = {
                "grant_type": "refresh_token",
                "refresh_token": cached.refresh,
                "client_id": client_id,
                "client_secret": client_secret,
            }
            try:
                return self._fetch(client, key, form, deadline, cancel, service), True
            except TokenError as exc:
                if exc.kind is not ErrorKind.AUTH:
                    raise
                # An expired or unknown refresh token: fall back to the client credentials.
        form = {
            "grant_type": "client_credentials",
            "client_id": client_id,
            "client_secret": client_secret,
        }
        return self._fetch(client, key, form, deadline, cancel, service), True

    def _fetch(
        self,
        client: httpx.Client,
        key: tuple[str, str],
        form: dict[str, str],
        deadline: Deadline,
        cancel: CancelToken | None,
        service: str,
    ) -> str:
        token_url = key[0]
        try:
            with self._lock:
                self.fetches += 1
            # Form-encoded (RFC 6749 §4.4, and as Bronto's own clients send it); the secret
            # never reaches a message.
            request = client.build_request(
                "POST", token_url, data=form, headers={"Accept": "application/json"}
            )
            answer = exchange(client, request, cap=TOKEN_CAP, deadline=deadline, cancel=cancel)
        except httpx.HTTPError as exc:
            kind, message = classify(exc, token_url, deadline.seconds)
            raise TokenError(kind, f"Getting a {service} token failed. {message}") from None
        access, refresh, lifetime = _read_token(answer, token_url, service)
        register_secret(str(access))
        register_secret(refresh)
        log.debug(
            "got a %s token from %s (%s), valid %g s",
            service,
            token_url,
            form["grant_type"],
            lifetime,
        )
        with self._lock:
            self._tokens[key] = _Token(str(access), refresh, self._clock() + lifetime, lifetime)
        return str(access)


# OAuth2's answers for credentials that are wrong (RFC 6749 §5.2); invalid_grant is also what
# an expired refresh token gets, and then the client credentials are tried.
_REFUSALS = frozenset({"invalid_client", "unauthorized_client", "invalid_grant", "access_denied"})


def _read_token(answer: Answer, token_url: str, service: str) -> tuple[str, str | None, float]:
    """The access token, refresh token and lifetime from the token endpoint's answer, or a
    ``TokenError`` that says what came back instead."""
    response = answer.response
    status = f"{response.status_code} {response.reason_phrase}".strip()
    if answer.cut:
        raise TokenError(
            ErrorKind.INVALID_RESPONSE,
            f"The token answer from {token_url} was larger than {size_text(TOKEN_CAP)}: this is "
            f"not {service}'s token endpoint. Check the profile's token URL.",
        )
    if response.status_code != 200:
        raise _not_a_token(answer, token_url, status, service)
    try:
        data = jsonfmt.loads(answer.body)
        access = data["access_token"]
        lifetime = float(data.get("expires_in", 3600))
        if not isinstance(access, str) or not access or not 0 < lifetime < 10**9:
            raise ValueError("no token")
    except (jsonfmt.JsonSyntaxError, KeyError, TypeError, ValueError, AttributeError):
        raise TokenError(
            ErrorKind.INVALID_RESPONSE,
            f"{service}'s token endpoint answered 200 without a usable access_token.",
        ) from None
    refresh = data.get("refresh_token") if isinstance(data.get("refresh_token"), str) else None
    try:
        # A token goes into a header: one with a line break in it would split the header.
        source = f"{service}'s {TOKEN_ENDPOINT}"
        check_secret("access token", access, source)
        if refresh is not None:
            check_secret("refresh token", refresh, source)
    except SecretValueError as exc:
        raise TokenError(ErrorKind.INVALID_RESPONSE, str(exc)) from None
    return access, refresh, lifetime


def _not_a_token(answer: Answer, token_url: str, status: str, service: str) -> TokenError:
    """What a non-200 token answer means. Only an OAuth2 refusal is about the credentials: a
    redirect, a gateway error or an odd 2xx sends nobody to re-enter good ones."""
    code = answer.response.status_code
    error, detail = _oauth_error(answer)
    said = f": {detail}" if detail else ""
    if code in (400, 401, 403) and (error in _REFUSALS or code != 400):
        return TokenError(
            ErrorKind.AUTH,
            f"{service} refused the client ID and secret ({status}{said}). Check them with "
            "`cart-composer profiles set-secret`.",
        )
    if code == 400:
        return TokenError(
            ErrorKind.HTTP_STATUS,
            f"{service}'s token endpoint turned the request down ({status}{said}); the client ID "
            "and secret were not checked.",
        )
    if 300 <= code < 400:
        where = answer.response.headers.get("location", "")
        to = f" to {where}" if where else ""
        return TokenError(
            ErrorKind.HTTP_STATUS,
            f"The token URL {token_url} redirects{to} ({status}); {service}'s token endpoint "
            "answers directly. Check the profile's token URL.",
        )
    if code >= 500:
        return TokenError(
            ErrorKind.HTTP_STATUS,
            f"{service}'s token endpoint failed ({status}{said}); the client ID and secret were "
            "not checked. Try again later.",
        )
    if 200 <= code < 300:
        return TokenError(
            ErrorKind.INVALID_RESPONSE,
            f"The token URL {token_url} answered {status}, not 200 with a token: this is not "
            f"{service}'s token endpoint. Check the profile's token URL.",
        )
    return TokenError(
        ErrorKind.HTTP_STATUS,
        f"The token URL {token_url} answered {status}{said}. Check the profile's token URL.",
    )


def _oauth_error(answer: Answer) -> tuple[str, str]:
    """OAuth2's ``error`` code and the words to show (its description, or X-Reason)."""
    try:
        data = jsonfmt.loads(answer.body) if answer.body else None
    except jsonfmt.JsonSyntaxError:
        data = None
    if isinstance(data, dict):
        error = str(data.get("error") or "")
        return error, _printable(str(data.get("error_description") or error))
    return "", _printable(answer.response.headers.get("x-reason", ""))


def _printable(text: str, limit: int = 300) -> str:
    # A server's words, shown to a person: one line, no control characters, not a page long.
    clean = "".join(c if c.isprintable() else " " for c in text).strip()
    return clean if len(clean) <= limit else clean[:limit] + "…"
