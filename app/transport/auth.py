"""A provider's declared auth (``app/providers/auth.py``) as the ``httpx.Auth`` that sends it.

The flows put the real credential into the request httpx sends, in place of the preview's
placeholder (same header, same position), and register it so no log or message can show it.

OAuth2 client credentials deviates from httpx's model in one place, on purpose: a refused
answer (Bronto's 403 to a revoked token) is not retried inside the flow, because httpx reads a
refused answer's whole body before it retries and our reader caps every body
(``exchange.py``). The flow lets the answer through; the sender asks ``renew_after`` whether to
send once more, and the auth fetches a new token for that round.
"""

from __future__ import annotations

from collections.abc import Generator, Mapping

import httpx

from app.logs import register_secret
from app.providers.auth import AuthSpec, BasicAuth, ClientCredentials, HeaderAuth
from app.transport.exchange import CancelToken, Deadline
from app.transport.oauth import OAuthTokens
from app.transport.result import SendResult

__all__ = ["ProviderAuth", "StaticAuth", "TokenAuth", "auth_for"]


class ProviderAuth(httpx.Auth):
    """An auth the sender drives: ``renew_after`` may ask for one more round."""

    # Set while a token is being fetched: a cancel or a timeout then means nothing was sent.
    fetching = False
    # Whose tokens, for messages, and where from.
    service = ""
    token_url = ""

    def renew_after(self, result: SendResult) -> bool:
        """Whether to send again after ``result`` (new credentials for the next round); may
        add a note to the result or say in its message what the refusal means."""
        return False


class StaticAuth(ProviderAuth):
    """One header whose value is fixed for the send (HTTP Basic, a bearer token, an API key)."""

    def __init__(self, header: str, value: str) -> None:
        self._header = header
        self._value = value
        register_secret(value)
        register_secret(value.partition(" ")[2])

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        request.headers[self._header] = self._value
        yield request


class TokenAuth(ProviderAuth):
    """OAuth2 client credentials: a cached (or fetched) bearer token on every request, within
    the send's deadline; one new token after the declared refusal of a cached one."""

    def __init__(
        self,
        spec: ClientCredentials,
        secrets: Mapping[str, str | None],
        tokens: OAuthTokens,
        client: httpx.Client,
        deadline: Deadline,
        cancel: CancelToken,
    ) -> None:
        self.spec = spec
        self.service = spec.service
        self.token_url = spec.token_url
        self._client_id = secrets.get(spec.client_id) or ""
        self._client_secret = secrets.get(spec.client_secret) or ""
        self._tokens = tokens
        self._client = client
        self._deadline = deadline
        self._cancel = cancel
        self._fresh = False
        self._renewed = False

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        self.fetching = True
        try:
            # Raises TokenError (no token could be had), which the sender reports.
            token, self._fresh = self._tokens.obtain(
                self._client,
                self.spec.token_url,
                self._client_id,
                self._client_secret,
                deadline=self._deadline,
                cancel=self._cancel,
                service=self.spec.service,
            )
        finally:
            self.fetching = False
        register_secret(token)
        request.headers[self.spec.header] = f"Bearer {token}"
        yield request

    def renew_after(self, result: SendResult) -> bool:
        if result.status != self.spec.refused_status:
            return False
        said = result.problems[0][1] if result.problems else "no reason given"
        if not self._fresh and not self._renewed:
            # A revoked or expired token: a new one (refresh grant, else the client
            # credentials) and one more try.
            self._tokens.invalidate(self.spec.token_url, self._client_id)
            self._renewed = True
            result.notes.append(f"{self.spec.service} refused the token ({said}); got a new one.")
            return True
        status = f"{result.status} {result.reason}".strip()
        result.message = (
            f"{status} with a token fetched just now ({said}): the client ID's scope or "
            f"credentials do not allow this call. {self.spec.scope_hint}"
        ).strip()
        return False


def auth_for(
    spec: AuthSpec | None,
    secrets: Mapping[str, str | None],
    *,
    tokens: OAuthTokens,
    client: httpx.Client,
    deadline: Deadline,
    cancel: CancelToken,
) -> ProviderAuth | None:
    """The ``httpx.Auth`` that sends ``spec`` with ``secrets`` (secret name → value)."""
    if spec is None:
        return None
    if isinstance(spec, ClientCredentials):
        return TokenAuth(spec, secrets, tokens, client, deadline, cancel)
    values = {name: secrets.get(name) or "" for name in spec.secret_names()}
    assert isinstance(spec, BasicAuth | HeaderAuth)
    return StaticAuth(spec.header, spec.header_value(values))
