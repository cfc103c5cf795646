"""Arbitrary input over real HTTP: the sandbox answers 4xx for anything wrong, never a 5xx."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.domain import jsonfmt
from app.providers.bronto import emulator as bronto_sandbox
from app.providers.drip import emulator as drip_sandbox
from app.sandbox import SandboxServer
from tests.conftest import golden_text
from tests.sandbox.conftest import drip_basic

leaf = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(10**30), max_value=10**30)
    | st.decimals(allow_nan=False, allow_infinity=False, places=4)
    | st.text(max_size=40)
)
json_values = st.recursive(
    leaf,
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner, max_size=4)
    ),
    max_leaves=20,
)
DRIP = jsonfmt.loads(golden_text("drip-doc-example.expected.json"))
BRONTO = jsonfmt.loads(golden_text("bronto-java-example.expected.json"))
FIELDS = sorted({*DRIP, *DRIP["items"][0], *BRONTO, *BRONTO["lineItems"][0]})


def mutated(base: dict[str, Any], changes: dict[str, Any], item_changes: dict[str, Any]) -> bytes:
    payload = jsonfmt.loads(jsonfmt.dumps(base))
    payload.update(changes)
    key = "items" if "items" in base else "lineItems"
    if isinstance(payload.get(key), list) and payload[key] and isinstance(payload[key][0], dict):
        payload[key][0].update(item_changes)
    return jsonfmt.dumps(payload).encode()


bodies = (
    st.binary(max_size=200)
    | json_values.map(lambda v: jsonfmt.dumps(v).encode())
    | st.builds(
        mutated,
        st.sampled_from([DRIP, BRONTO]),
        st.dictionaries(st.sampled_from(FIELDS), json_values, max_size=4),
        st.dictionaries(st.sampled_from(FIELDS), json_values, max_size=3),
    )
)


@pytest.fixture(scope="module")
def client() -> Iterator[httpx.Client]:
    with SandboxServer() as server, httpx.Client(base_url=server.url, timeout=10) as http:
        yield http


def bronto_token(client: httpx.Client) -> str:
    form = {
        "grant_type": "client_credentials",
        "client_id": bronto_sandbox.CLIENT_ID,
        "client_secret": bronto_sandbox.CLIENT_SECRET,
    }
    token = client.post("/oauth2/token", data=form).json()["access_token"]
    assert isinstance(token, str)
    return token


@settings(
    max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(body=bodies, batch=st.booleans())
def test_drip_never_answers_5xx(client: httpx.Client, body: bytes, batch: bool) -> None:
    path = f"/v3/{drip_sandbox.ACCOUNT_ID}/shopper_activity/cart" + ("/batch" if batch else "")
    if batch and body.startswith(b"{"):
        body = b'{"carts": [' + body + b"]}"
    response = client.post(path, content=body, headers={"Authorization": drip_basic()})
    assert response.status_code in (202, 400, 422, 429), response.text


@settings(
    max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    body=bodies,
    update=st.booleans(),
    options=st.sampled_from(
        ["", "?createContact=true", "?ignoreInvalidTid=true", "?createContact=maybe"]
    ),
)
def test_bronto_never_answers_5xx(
    client: httpx.Client, body: bytes, update: bool, options: str
) -> None:
    headers = {"Authorization": f"Bearer {bronto_token(client)}"}
    path = "/carts"
    if update:
        cart = jsonfmt.loads(golden_text("bronto-java-example.expected.json"))
        cart["customerCartId"] = f"fuzz-{id(body)}-{len(body)}"
        created = client.post(
            "/carts?createContact=true",
            content=jsonfmt.dumps(cart).encode(),
            headers={**headers, "Content-Type": "application/json"},
        )
        if created.status_code == 201:
            path = f"/carts/{created.json()['cartId']}"
    response = client.post(path + options, content=body, headers=headers)
    assert response.status_code in (200, 201, 400, 409), response.headers.get("x-reason")


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    form=st.dictionaries(
        st.sampled_from(["grant_type", "client_id", "client_secret", "refresh_token", "scope"]),
        st.text(max_size=30),
        max_size=5,
    )
)
def test_the_token_endpoint_never_answers_5xx(client: httpx.Client, form: dict[str, str]) -> None:
    response = client.post("/oauth2/token", data=form)
    assert response.status_code in (200, 400, 401), response.text
