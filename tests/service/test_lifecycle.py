"""Bronto's cart lifecycle through the sender, over loopback HTTP to the sandbox: each operation
with its success and its error codes, and the cart's status and phase read from the answers."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from app.domain.errors import PayloadError, TargetError
from app.paths import sample_cart
from app.profiles import Profile, new_profile
from app.providers import get_provider, load_cart
from app.providers.bronto import emulator as bronto_sandbox
from app.providers.bronto.lifecycle import CartOperation, cart_state
from app.sandbox import SandboxServer
from app.sandbox.runtime import EmbeddedSandbox
from app.secrets import MemorySecretStore
from app.service.sender import Sender
from app.transport import SendResult

BRONTO = load_cart(sample_cart("bronto")).document
Op = CartOperation
BRONTO_API = get_provider("bronto")


@pytest.fixture
def server() -> Iterator[SandboxServer]:
    with SandboxServer() as running:
        yield running


@pytest.fixture
def profile(server: SandboxServer) -> Profile:
    return new_profile(
        "qa-bronto", "bronto", base_url=server.url, token_url=f"{server.url}/oauth2/token"
    )


@pytest.fixture
def sender() -> Iterator[Sender]:
    store = MemorySecretStore()
    store.set("qa-bronto", "bronto_client_id", bronto_sandbox.CLIENT_ID)
    store.set("qa-bronto", "bronto_client_secret", bronto_sandbox.CLIENT_SECRET)
    made = Sender(store, environ={}, sandbox=EmbeddedSandbox())
    yield made
    made.close()


def state(result: SendResult) -> tuple[int | None, str | None, str | None]:
    found = cart_state(result.status or 0, result.body)
    return result.status, found.status, found.phase


def test_the_whole_lifecycle(server: SandboxServer, profile: Profile, sender: Sender) -> None:
    added = sender.send(BRONTO, profile)
    assert added.status == 201 and added.provider_id
    cart_id = added.provider_id
    assert state(added) == (201, "ACTIVE", "SHOPPING")

    def do(op: Op, **kwargs: object) -> SendResult:
        return sender.operate(op, profile, cart_id=cart_id, **kwargs)  # type: ignore[arg-type]

    assert state(do(Op.GET)) == (200, "ACTIVE", "SHOPPING")
    assert do(Op.ABANDON).status == 204
    assert state(do(Op.GET)) == (200, "ABANDONED", "SHOPPING")
    assert do(Op.FIDDLE).status == 204
    assert state(do(Op.GET)) == (200, "ACTIVE", "SHOPPING")
    checkout = BRONTO.model_copy(update={"payload": {**BRONTO.payload, "phase": "PAYMENT"}})
    updated = do(Op.UPDATE, document=checkout)
    assert state(updated) == (200, "ACTIVE", "PAYMENT")
    found = sender.operate(Op.SEARCH, profile, document=BRONTO)
    assert found.status == 200
    assert cart_state(200, found.body, search=True).count == 1
    assert cart_state(200, found.body, search=True).cart_id == cart_id
    assert do(Op.DELETE).status == 204
    assert do(Op.GET).status == 404
    none = sender.operate(Op.SEARCH, profile, document=BRONTO)
    assert none.status == 204 and cart_state(204, none.body, search=True).count == 0
    assert do(Op.DELETE).status == 204  # "will always be returned", unknown ids too
    sent = [(r.method, r.path) for r in server.sandbox.requests() if r.path != "/oauth2/token"]
    assert sent == [
        ("POST", "/carts"),
        ("GET", f"/carts/{cart_id}"),
        ("PUT", f"/carts/{cart_id}/abandon"),
        ("GET", f"/carts/{cart_id}"),
        ("PUT", f"/carts/{cart_id}/fiddle"),
        ("GET", f"/carts/{cart_id}"),
        ("POST", f"/carts/{cart_id}"),
        ("GET", "/carts"),
        ("DELETE", f"/carts/{cart_id}"),
        ("GET", f"/carts/{cart_id}"),
        ("GET", "/carts"),
        ("DELETE", f"/carts/{cart_id}"),
    ]


@pytest.mark.parametrize("op", [Op.UPDATE, Op.ABANDON, Op.FIDDLE])
def test_an_expired_cart_cannot_change(
    server: SandboxServer, profile: Profile, sender: Sender, op: Op
) -> None:
    cart_id = sender.send(BRONTO, profile).provider_id
    httpx.put(f"{server.url}/_sandbox/bronto/carts/{cart_id}", json={"status": "EXPIRED"})
    result = sender.operate(op, profile, cart_id=str(cart_id), document=BRONTO)
    assert result.status == 409
    assert BRONTO_API.action(op).meanings[409].startswith("The cart is EXPIRED or COMPLETE")
    assert result.problems and "EXPIRED" in result.problems[0][1]


@pytest.mark.parametrize("op", [Op.GET, Op.ABANDON, Op.FIDDLE])
def test_an_unknown_cart_is_404(profile: Profile, sender: Sender, op: Op) -> None:
    result = sender.operate(op, profile, cart_id="00000000-0000-0000-0000-000000000000")
    assert result.status == 404
    assert BRONTO_API.action(op).meanings[404] == "Bronto has no cart with that cartId."


def test_what_is_missing_is_said_before_anything_leaves(
    server: SandboxServer, profile: Profile, sender: Sender
) -> None:
    with pytest.raises(PayloadError, match="Abandon needs Bronto's cartId"):
        sender.operate(Op.ABANDON, profile)
    with pytest.raises(PayloadError, match="Search needs a customerCartId"):
        sender.operate(Op.SEARCH, profile)
    drip = new_profile("qa-drip", "drip", base_url=server.url, account_id="9999999")
    with pytest.raises(TargetError) as caught:
        sender.operate(Op.GET, drip, cart_id="x")
    assert str(caught.value) == (
        "“qa-drip” is a Drip profile: Drip has no cart action “get”: it has no cart actions."
    )
    assert server.sandbox.requests() == []


def test_expire_an_abandoned_cart(profile: Profile, sender: Sender) -> None:
    cart_id = str(sender.send(BRONTO, profile).provider_id)
    early = sender.operate(Op.EXPIRE, profile, cart_id=cart_id)
    assert early.status == 409
    assert BRONTO_API.action(Op.EXPIRE).meanings[409] == (
        "Only an ABANDONED cart can be expired (abandon it first)."
    )
    assert sender.operate(Op.ABANDON, profile, cart_id=cart_id).status == 204
    expired = sender.operate(Op.EXPIRE, profile, cart_id=cart_id)
    assert (expired.request.method, expired.request.url.rsplit("/", 2)[1:]) == (
        "POST",
        [cart_id, "expire"],
    )
    assert expired.status == 204
    got = sender.operate(Op.GET, profile, cart_id=cart_id)
    assert cart_state(got.status or 0, got.body).status == "EXPIRED"


def test_update_sends_the_documented_update_body(
    server: SandboxServer, profile: Profile, sender: Sender
) -> None:
    """Update's body has no customerCartId (the cart is named by its cartId), and nothing in it
    is required; the sandbox never lets an update rename the cart."""
    from app.domain import jsonfmt
    from app.providers.bronto.provider import BrontoProvider

    cart_id = str(sender.send(BRONTO, profile).provider_id)
    renamed = {**BRONTO.payload, "customerCartId": "another-id", "grandTotal": 1}
    document = BRONTO.model_copy(update={"payload": renamed})
    planned = sender.preview_operation(Op.UPDATE, profile, cart_id=cart_id, document=document)
    assert "customerCartId" not in jsonfmt.loads(planned.body)
    result = sender.operate(Op.UPDATE, profile, cart_id=cart_id, document=document)
    assert result.status == 200
    kept = jsonfmt.loads(result.body)
    assert kept["customerCartId"] == BRONTO.payload["customerCartId"] and kept["grandTotal"] == 1
    bronto = BrontoProvider()
    assert bronto.validate_update({"grandTotal": 2}).ok
    assert not bronto.validate({"grandTotal": 2}).ok  # Add Cart needs a customerCartId
    bad = bronto.validate_update({"emailAddress": "nope"})
    assert list(bad.errors) == ["emailAddress"]
