"""Both doors of the sandbox behind one fixture: every test runs over real loopback HTTP and
through httpx.MockTransport, proving the two share one core."""

from __future__ import annotations

import base64
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from dataclasses import dataclass

import httpx
import pytest

from app.providers.bronto import emulator as bronto_sandbox
from app.providers.drip import emulator as drip_sandbox
from app.sandbox import Sandbox, SandboxConfig, SandboxServer
from app.sandbox.config import SandboxMode

EXPLAIN = SandboxMode(explain=True)
STRICT = SandboxMode(strict=True)


class FakeClock:
    """A monotonic clock a test moves by hand."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@dataclass
class Door:
    client: httpx.Client
    sandbox: Sandbox
    clock: FakeClock

    def drip_post(
        self, body: bytes, *, auth: str | None = None, batch: bool = False
    ) -> httpx.Response:
        path = f"/v3/{drip_sandbox.ACCOUNT_ID}/shopper_activity/cart" + ("/batch" if batch else "")
        headers = {"Content-Type": "application/json", "Authorization": auth or drip_basic()}
        return self.client.post(path, content=body, headers=headers)

    def bronto_token(
        self, client_id: str = bronto_sandbox.CLIENT_ID, secret: str = bronto_sandbox.CLIENT_SECRET
    ) -> str:
        response = self.client.post(
            "/oauth2/token",
            data={
                "grant_type": "client_credentials",
                "client_id": client_id,
                "client_secret": secret,
            },
        )
        assert response.status_code == 200, response.text
        token = response.json()["access_token"]
        assert isinstance(token, str)
        return token

    def bronto(
        self, method: str, path: str, *, token: str | None = None, body: bytes | None = None
    ) -> httpx.Response:
        headers = {"Authorization": f"Bearer {token or self.bronto_token()}"}
        if body is not None:
            headers["Content-Type"] = "application/json"
        return self.client.request(method, path, content=body, headers=headers)


def drip_basic(key: str = drip_sandbox.API_KEY, colon: bool = True) -> str:
    raw = f"{key}:" if colon else key
    return "Basic " + base64.b64encode(raw.encode()).decode()


DoorFactory = Callable[..., Door]


@pytest.fixture(params=["http", "mock"])
def make_door(request: pytest.FixtureRequest) -> Iterator[DoorFactory]:
    with ExitStack() as stack:

        def make(**settings: object) -> Door:
            clock = FakeClock()
            sandbox = Sandbox(SandboxConfig(clock=clock, **settings))  # type: ignore[arg-type]
            if request.param == "http":
                server = stack.enter_context(SandboxServer(sandbox))
                client = httpx.Client(base_url=server.url, timeout=10)
            else:
                client = httpx.Client(transport=sandbox.transport(), base_url="http://sandbox.test")
            stack.enter_context(client)
            return Door(client, sandbox, clock)

        yield make


@pytest.fixture
def door(make_door: DoorFactory) -> Door:
    """The sandbox in its default mode: the answers the real services most likely give."""
    return make_door()


@pytest.fixture
def explained(make_door: DoorFactory) -> Door:
    """The sandbox in Explain mode: refusals field by field, in its own words."""
    return make_door(mode=EXPLAIN)
