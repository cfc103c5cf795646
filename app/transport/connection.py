""" "Test connection": the cheapest authenticated call each API declares
(``Provider.connection_check``, e.g. Drip's ``GET /v2/accounts``); for OAuth2 client
credentials without one, fetching a token is the check."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import httpx

from app.domain.errors import CartComposerError
from app.domain.sizes import size_text
from app.providers.auth import AuthSpec, ClientCredentials
from app.providers.base import Provider, Target
from app.transport.auth import auth_for
from app.transport.exchange import CancelToken, Deadline, exchange
from app.transport.oauth import OAuthTokens, TokenError
from app.transport.result import classify
from app.transport.send import make_client, wire_request

# A check's answer is kilobytes (Drip's list of accounts). Past this, it is not the API.
ANSWER_CAP = 1024 * 1024

__all__ = ["ConnectionCheck", "check_connection"]


@dataclass(frozen=True)
class ConnectionCheck:
    ok: bool
    message: str


def check_connection(
    provider: Provider,
    spec: AuthSpec | None,
    target: Target,
    secrets: Mapping[str, str | None],
    timeout: float = 15.0,
    transport: httpx.BaseTransport | None = None,
) -> ConnectionCheck:
    """Whether the profile's URL and secrets work; the message says what was found."""
    deadline = Deadline.after(timeout)
    with make_client(timeout, transport) as client:
        try:
            request = provider.connection_check(target)
        except CartComposerError as exc:
            return ConnectionCheck(False, str(exc))
        if request is None:
            if not isinstance(spec, ClientCredentials):
                return ConnectionCheck(
                    False,
                    f"{provider.title} has no call to test a connection with; send a cart to "
                    "try the profile.",
                )
            try:
                OAuthTokens().obtain(
                    client,
                    spec.token_url,
                    secrets.get(spec.client_id) or "",
                    secrets.get(spec.client_secret) or "",
                    deadline=deadline,
                    service=spec.service,
                )
            except TokenError as exc:
                return ConnectionCheck(False, str(exc))
            return ConnectionCheck(
                True, f"Connected: {spec.service} accepted the client ID and secret."
            )
        auth = auth_for(
            spec,
            secrets,
            tokens=OAuthTokens(),
            client=client,
            deadline=deadline,
            cancel=CancelToken(),
        )
        try:
            answer = exchange(
                client,
                wire_request(client, request.with_auth(spec)),
                cap=ANSWER_CAP,
                deadline=deadline,
                auth=auth,
            )
        except TokenError as exc:
            return ConnectionCheck(False, str(exc))
        except httpx.HTTPError as exc:
            return ConnectionCheck(False, classify(exc, request.url, timeout)[1])
    if answer.cut:
        return ConnectionCheck(
            False,
            f"The answer to {request.method} {request.url} was larger than "
            f"{size_text(ANSWER_CAP)}: this is not {provider.title}'s API. Check the profile's "
            "base URL.",
        )
    response = answer.response
    ok, message = provider.read_connection_check(
        response.status_code, response.reason_phrase, answer.body, target
    )
    return ConnectionCheck(ok, message)
