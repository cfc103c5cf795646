"""Bronto's re-authentication, against a strict stand-in that says no more than the real service
documents: a 403 with no X-Reason. Bronto's own client treats every 403 as an invalid token
(new token, one more try), so the status decides, never the sandbox's invented words."""

from __future__ import annotations

from collections.abc import Callable

import httpx

from app.domain import jsonfmt
from app.paths import sample_cart
from app.profiles import new_profile
from app.providers import load_cart
from app.sandbox.runtime import EmbeddedSandbox
from app.secrets import MemorySecretStore
from app.service.sender import Sender

BRONTO = load_cart(sample_cart("bronto")).document


class StandIn:
    """Tokens t1, t2, …; ``refuse(token)`` says which tokens get a bare 403 on /carts."""

    def __init__(self, refuse: Callable[[str], bool]) -> None:
        self.refuse = refuse
        self.issued = 0
        self.log: list[tuple[str, str]] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        if request.url.path == "/oauth2/token":
            self.issued += 1
            grant = dict(httpx.QueryParams(request.content.decode()))["grant_type"]
            self.log.append(("token", grant))
            body = {
                "access_token": f"t{self.issued}",
                "refresh_token": f"r{self.issued}",
                "expires_in": 3600,
            }
            return httpx.Response(200, content=jsonfmt.dumps(body).encode())
        token = request.headers["authorization"].removeprefix("Bearer ")
        self.log.append(("cart", token))
        if self.refuse(token):
            return httpx.Response(403)  # no X-Reason, no body: nothing to go on but the status
        cart = {"cartId": "c-1", "status": "ACTIVE", "customerCartId": "abc-123"}
        return httpx.Response(201, content=jsonfmt.dumps(cart).encode())


def sender_for(stand_in: StandIn) -> tuple[Sender, object]:
    store = MemorySecretStore()
    store.set("shop", "bronto_client_id", "client-1")
    store.set("shop", "bronto_client_secret", "secret-1")
    profile = new_profile(
        "shop",
        "bronto",
        base_url="https://rest.bronto.example",
        token_url="https://auth.bronto.example/oauth2/token",
    )
    return Sender(
        store, environ={}, transport=httpx.MockTransport(stand_in), sandbox=EmbeddedSandbox()
    ), profile


def test_a_bare_403_to_a_cached_token_gets_one_new_token_and_succeeds() -> None:
    revoked: set[str] = set()
    stand_in = StandIn(lambda token: token in revoked)
    sender, profile = sender_for(stand_in)
    assert sender.send(BRONTO, profile).status == 201  # t1, fetched and cached
    revoked.add("t1")  # revoked by the service; the app's cache still believes in it
    result = sender.send(BRONTO, profile)
    assert result.status == 201
    assert result.notes == ["Bronto refused the token (no reason given); got a new one."]
    # The new one by the refresh grant first, as Bronto's client does.
    assert stand_in.log == [
        ("token", "client_credentials"),
        ("cart", "t1"),
        ("cart", "t1"),
        ("token", "refresh_token"),
        ("cart", "t2"),
    ]


def test_a_403_that_survives_a_fresh_token_is_tried_once_more_only() -> None:
    stand_in = StandIn(lambda token: token != "t1")
    sender, profile = sender_for(stand_in)
    assert sender.send(BRONTO, profile).status == 201
    stand_in.refuse = lambda token: True  # the client lost its permission
    result = sender.send(BRONTO, profile)
    assert result.status == 403
    assert [entry for entry in stand_in.log[2:] if entry[0] == "cart"] == [
        ("cart", "t1"),
        ("cart", "t2"),
    ]
    assert "scope or credentials do not allow this call" in result.message


def test_a_403_to_a_token_fetched_just_now_is_not_retried() -> None:
    stand_in = StandIn(lambda token: True)
    sender, profile = sender_for(stand_in)
    result = sender.send(BRONTO, profile)
    assert result.status == 403
    assert stand_in.log == [("token", "client_credentials"), ("cart", "t1")]
    assert result.message.startswith("403 Forbidden with a token fetched just now (no reason")
    assert "scope or credentials" in result.message
