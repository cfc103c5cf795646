""" "Test connection": the cheapest authenticated call each API has. Drip: ``GET /v2/accounts``
(is the profile's account among the key's accounts?). Bronto: fetch a token."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import httpx

from app.domain import jsonfmt
from app.domain.errors import TargetError
from app.profiles import Profile
from app.providers.drip.provider import basic_authorization
from app.transport.exchange import Deadline, exchange, megabytes
from app.transport.oauth import BrontoTokens, TokenError
from app.transport.result import classify
from app.transport.send import make_client

# GET /v2/accounts lists the key's accounts: kilobytes. Past this, it is not Drip's answer.
ANSWER_CAP = 1024 * 1024

__all__ = ["ConnectionCheck", "check_connection"]


@dataclass(frozen=True)
class ConnectionCheck:
    ok: bool
    message: str


def check_connection(
    profile: Profile,
    base_url: str,
    token_url: str,
    account_id: str,
    secrets: Mapping[str, str | None],
    timeout: float = 15.0,
    transport: httpx.BaseTransport | None = None,
) -> ConnectionCheck:
    """Whether the profile's URL and secrets work; the message says what was found."""
    with make_client(timeout, transport) as client:
        if profile.provider == "bronto":
            try:
                BrontoTokens().obtain(
                    client,
                    token_url,
                    secrets.get("bronto_client_id") or "",
                    secrets.get("bronto_client_secret") or "",
                    deadline=Deadline.after(timeout),
                )
            except TokenError as exc:
                return ConnectionCheck(False, str(exc))
            return ConnectionCheck(True, "Connected: Bronto accepted the client ID and secret.")
        return _drip(client, base_url, account_id, secrets, timeout)


def _drip(
    client: httpx.Client,
    base_url: str,
    account_id: str,
    secrets: Mapping[str, str | None],
    timeout: float,
) -> ConnectionCheck:
    from app.providers import Target

    try:
        base = Target(base_url).checked_base()
    except TargetError as exc:
        return ConnectionCheck(False, str(exc))
    token = secrets.get("drip_access_token")
    authorization = (
        f"Bearer {token}" if token else basic_authorization(secrets.get("drip_api_key") or "")
    )
    url = f"{base}/v2/accounts"
    try:
        request = client.build_request(
            "GET", url, headers={"Authorization": authorization, "Accept": "application/json"}
        )
        answer = exchange(client, request, cap=ANSWER_CAP, deadline=Deadline.after(timeout))
    except httpx.HTTPError as exc:
        return ConnectionCheck(False, classify(exc, url, timeout)[1])
    response = answer.response
    if answer.cut:
        return ConnectionCheck(
            False,
            f"The answer to GET {url} was larger than {megabytes(ANSWER_CAP)}: this is not "
            "Drip's API. Check the profile's base URL.",
        )
    if response.status_code == 401:
        return ConnectionCheck(False, "Drip refused the API key (401 Unauthorized).")
    if response.status_code != 200:
        return ConnectionCheck(
            False, f"Drip answered {response.status_code} {response.reason_phrase}."
        )
    try:
        accounts = jsonfmt.loads(answer.body).get("accounts", [])
        ids = [str(a.get("id")) for a in accounts if isinstance(a, dict)]
    except (jsonfmt.JsonSyntaxError, AttributeError):
        return ConnectionCheck(False, "Drip's answer to GET /v2/accounts is not the usual JSON.")
    listed = ", ".join(ids) or "none"
    if account_id in ids:
        return ConnectionCheck(
            True, f"Connected: account {account_id} is among the key's accounts."
        )
    return ConnectionCheck(
        False,
        f"The key works, but account {account_id or '(none set)'} is not among its accounts "
        f"({listed}).",
    )
