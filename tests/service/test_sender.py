"""Sending end to end over loopback against the sandbox server, with the app's own sender."""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Iterator
from decimal import Decimal

import pytest

from app.domain.errors import TargetError
from app.paths import sample_cart
from app.profiles import BUILTIN_PROFILES, Profile, new_profile
from app.providers import CartDocument, load_cart
from app.providers.bronto import emulator as bronto_sandbox
from app.providers.drip import emulator as drip_sandbox
from app.sandbox import Fault, Sandbox, SandboxConfig, SandboxServer
from app.sandbox.config import SandboxMode
from app.sandbox.runtime import EmbeddedSandbox
from app.secrets import MemorySecretStore
from app.service.sender import MissingSecrets, Overrides, Sender
from app.transport import CancelToken, ErrorKind, OAuthTokens
from tests.sandbox.conftest import FakeClock

DRIP = load_cart(sample_cart("drip")).document
BRONTO = load_cart(sample_cart("bronto")).document


@pytest.fixture
def server() -> Iterator[SandboxServer]:
    with SandboxServer() as running:
        yield running


def user_profiles(url: str) -> tuple[Profile, Profile]:
    drip = new_profile("my-drip", "drip", base_url=url, account_id=drip_sandbox.ACCOUNT_ID)
    bronto = new_profile("my-bronto", "bronto", base_url=url, token_url=f"{url}/oauth2/token")
    return drip, bronto


def stocked_store() -> MemorySecretStore:
    store = MemorySecretStore()
    store.set("my-drip", "drip_api_key", drip_sandbox.API_KEY)
    store.set("my-bronto", "bronto_client_id", bronto_sandbox.CLIENT_ID)
    store.set("my-bronto", "bronto_client_secret", bronto_sandbox.CLIENT_SECRET)
    return store


def with_cart_id(document: CartDocument, cart_id: str) -> CartDocument:
    return document.model_copy(update={"payload": {**document.payload, "customerCartId": cart_id}})


def test_the_sandbox_profiles_work_with_no_setup() -> None:
    sender = Sender(MemorySecretStore(), environ={}, sandbox=EmbeddedSandbox())
    drip = sender.send(DRIP, BUILTIN_PROFILES["sandbox-drip"])
    assert drip.ok and drip.status == 202
    assert uuid.UUID(drip.provider_id or "").version == 4
    bronto = sender.send(BRONTO, BUILTIN_PROFILES["sandbox-bronto"])
    assert bronto.ok and bronto.status == 201
    assert bronto.message == f"201 Created · {bronto.provider_id}"


def test_a_user_profile_sends_with_its_stored_secrets(server: SandboxServer) -> None:
    drip_profile, bronto_profile = user_profiles(server.url)
    sender = Sender(stocked_store(), environ={}, sandbox=EmbeddedSandbox())
    assert sender.send(DRIP, drip_profile).status == 202
    assert sender.send(BRONTO, bronto_profile).status == 201
    accepted = server.sandbox.emulators["drip"].accepted
    assert accepted[0]["grand_total"] == Decimal("16.99")
    sent = server.sandbox.requests()[0]
    assert dict(sent.headers)["authorization"] == "Basic ••••••••"
    assert dict(sent.headers)["user-agent"] == "CartComposer/0.1.0"


def test_missing_secrets_stop_before_anything_is_sent(server: SandboxServer) -> None:
    _, bronto_profile = user_profiles(server.url)
    sender = Sender(MemorySecretStore(), environ={}, sandbox=EmbeddedSandbox())
    with pytest.raises(MissingSecrets) as caught:
        sender.send(BRONTO, bronto_profile)
    assert caught.value.names == ["bronto_client_id", "bronto_client_secret"]
    assert str(caught.value) == (
        "The profile “my-bronto” has no Bronto client ID, Bronto client secret yet. Set it with "
        "`cart-composer profiles set-secret my-bronto` or the CART_COMPOSER_* variables."
    )
    assert server.sandbox.requests() == []


def test_environment_variables_supply_secrets(server: SandboxServer) -> None:
    drip_profile, _ = user_profiles(server.url)
    env = {"CART_COMPOSER_DRIP_API_KEY": drip_sandbox.API_KEY}
    assert (
        Sender(MemorySecretStore(), environ=env, sandbox=EmbeddedSandbox())
        .send(DRIP, drip_profile)
        .status
        == 202
    )


def test_one_bronto_token_serves_several_sends(server: SandboxServer) -> None:
    _, bronto_profile = user_profiles(server.url)
    sender = Sender(stocked_store(), environ={}, sandbox=EmbeddedSandbox())
    for n in range(3):
        assert sender.send(with_cart_id(BRONTO, f"c-{n}"), bronto_profile).status == 201
    assert sender.tokens.fetches == 1
    paths = [r.path for r in server.sandbox.requests()]
    assert paths == ["/oauth2/token", "/carts", "/carts", "/carts"]


def test_the_token_is_refreshed_after_it_expires() -> None:
    config = SandboxConfig(settings={"bronto": {"token_lifetime": 1.0}})
    with SandboxServer(Sandbox(config)) as server:
        _, bronto_profile = user_profiles(server.url)
        sender = Sender(stocked_store(), environ={}, sandbox=EmbeddedSandbox())
        assert sender.send(with_cart_id(BRONTO, "a"), bronto_profile).status == 201
        time.sleep(1.05)
        assert sender.send(with_cart_id(BRONTO, "b"), bronto_profile).status == 201
        grants = [
            r.body.split("&")[0] for r in server.sandbox.requests() if r.path == "/oauth2/token"
        ]
    assert grants == ["grant_type=client_credentials", "grant_type=refresh_token"]


@pytest.mark.parametrize(
    ("mode", "said"),
    [(None, "no reason given"), (SandboxMode(explain=True), "The access token has expired")],
    ids=["real", "explain"],
)
def test_a_403_for_an_expired_token_leads_to_one_reauth_and_success(
    mode: SandboxMode | None, said: str
) -> None:
    clock = FakeClock()
    with SandboxServer(Sandbox(SandboxConfig(clock=clock)), mode=mode) as server:
        _, bronto_profile = user_profiles(server.url)
        # The app's cache believes its token is fresh; the service has expired it.
        sender = Sender(
            stocked_store(),
            environ={},
            tokens=OAuthTokens(clock=lambda: 0.0),
            sandbox=EmbeddedSandbox(),
        )
        assert sender.send(with_cart_id(BRONTO, "a"), bronto_profile).status == 201
        clock.advance(7200)
        result = sender.send(with_cart_id(BRONTO, "b"), bronto_profile)
        log = [(r.path, r.status) for r in server.sandbox.requests()]
    assert result.status == 201
    assert result.notes == [f"Bronto refused the token ({said}); got a new one."]
    assert log == [
        ("/oauth2/token", 200),
        ("/carts", 201),
        ("/carts", 403),
        ("/oauth2/token", 200),
        ("/carts", 201),
    ]


def test_a_409_shows_the_x_reason_text() -> None:
    sender = Sender(MemorySecretStore(), environ={}, sandbox=EmbeddedSandbox())
    profile = BUILTIN_PROFILES["sandbox-bronto"]
    document = with_cart_id(BRONTO, f"dup-{uuid.uuid4()}")
    assert sender.send(document, profile).status == 201
    again = sender.send(document, profile)
    assert again.status == 409 and again.error_kind is ErrorKind.HTTP_STATUS
    cart_id = document.payload["customerCartId"]
    assert again.problems == (("", f"A cart with customerCartId {cart_id} already exists"),)
    assert again.message == f"409 Conflict: A cart with customerCartId {cart_id} already exists"


def test_explain_mode_gives_a_422_with_attribute_and_message_and_says_whose_words() -> None:
    broken = DRIP.model_copy(update={"payload": {**DRIP.payload, "email": "nope"}})
    explain = Overrides(sandbox_mode=SandboxMode(explain=True))
    sender = Sender(MemorySecretStore(), environ={}, sandbox=EmbeddedSandbox())
    result = sender.send(broken, BUILTIN_PROFILES["sandbox-drip"], explain)
    assert result.status == 422
    assert result.problems == (
        (
            "email",
            "Email must be a valid address like name@example.com. "
            "An email address must have an @-sign.",
        ),
    )
    assert result.sandbox_notes == ["Explain mode: sandbox explanation, not Drip's wording."]
    # The real answer, from the same embedded sandbox through its default door: Drip queues it.
    real = sender.send(broken, BUILTIN_PROFILES["sandbox-drip"])
    assert (real.status, real.sandbox_notes) == (202, [])
    assert real.request.url.split("/v3/")[0] != result.request.url.split("/v3/")[0]


def test_429_with_retry_after_is_retried_only_when_allowed(server: SandboxServer) -> None:
    drip_profile, _ = user_profiles(server.url)
    sender = Sender(stocked_store(), environ={}, sandbox=EmbeddedSandbox())
    server.sandbox.add_fault(Fault(status=429, retry_after=1))
    once = sender.send(DRIP, drip_profile)
    assert (once.status, once.attempts) == (429, 1)
    assert once.header("Retry-After") == "1"
    server.sandbox.add_fault(Fault(status=429, retry_after=1))
    started = time.perf_counter()
    retried = sender.send(DRIP, drip_profile, retry=True)
    assert (retried.status, retried.attempts) == (202, 2)
    assert time.perf_counter() - started >= 1.0
    assert retried.notes == ["Try 1: 429 Too Many Requests; waiting 1 s as the server asked."]


def test_other_client_errors_are_never_retried(server: SandboxServer) -> None:
    drip_profile, _ = user_profiles(server.url)
    broken = DRIP.model_copy(update={"payload": {**DRIP.payload, "grand_total": "16.99"}})
    result = Sender(stocked_store(), environ={}, sandbox=EmbeddedSandbox()).send(
        broken, drip_profile, retry=True
    )
    assert (result.status, result.attempts) == (400, 1)
    assert result.sandbox_notes == [
        "Sandbox assumption: Drip's schema errors show no status in any source; the sandbox "
        "answers 400."
    ]


def test_a_send_can_be_cancelled_from_another_thread(server: SandboxServer) -> None:
    drip_profile, _ = user_profiles(server.url)
    server.sandbox.add_fault(Fault(latency_ms=3000))
    cancel = CancelToken()
    threading.Timer(0.2, cancel.cancel).start()
    started = time.perf_counter()
    result = Sender(stocked_store(), environ={}, sandbox=EmbeddedSandbox()).send(
        DRIP, drip_profile, cancel=cancel
    )
    assert result.error_kind is ErrorKind.CANCELLED
    assert time.perf_counter() - started < 1.5


def test_the_profiles_options_apply_under_the_carts_and_the_overrides(
    server: SandboxServer,
) -> None:
    profile = new_profile(
        "p",
        "bronto",
        base_url=server.url,
        token_url=f"{server.url}/oauth2/token",
        create_contact=True,
        ignore_invalid_tid=True,
    )
    sender = Sender(MemorySecretStore(), environ={}, sandbox=EmbeddedSandbox())
    plain = CartDocument(provider="bronto", payload={"customerCartId": "x"})
    assert "createContact=true&ignoreInvalidTid=true" in sender.preview(plain, profile).url
    cart_says = plain.model_copy(update={"options": {"createContact": False}})
    assert "createContact=false" in sender.preview(cart_says, profile).url
    flag = Overrides(options={"createContact": True})
    assert "createContact=true" in sender.preview(cart_says, profile, flag).url


def test_a_cart_for_the_other_provider_is_refused() -> None:
    with pytest.raises(Exception, match="The cart is for Drip but the profile “sandbox-bronto”"):
        Sender(MemorySecretStore(), environ={}, sandbox=EmbeddedSandbox()).send(
            DRIP, BUILTIN_PROFILES["sandbox-bronto"]
        )


def test_a_large_response_body_is_capped_with_its_size_noted() -> None:
    import httpx

    from app.providers import Target, get_provider
    from app.transport import make_client, send_request
    from app.transport.result import BODY_CAP

    huge = b"<html>" + b"x" * (3 * 1024 * 1024) + b"</html>"
    transport = httpx.MockTransport(lambda request: httpx.Response(500, content=huge))
    drip = get_provider("drip")
    request = drip.build_request(
        DRIP.payload, Target("https://api.getdrip.com", {"account_id": "1"})
    )
    with make_client(5, transport) as client:
        result = send_request(request, client, drip)
    assert result.status == 500
    assert len(result.body) == BODY_CAP
    assert result.body_size == len(huge)
    assert result.truncated
    assert str(result.error_kind) == "http_status" and result.message.startswith("500 ")
    assert result.to_json()["response"]["truncated"] is True


def test_a_429_without_retry_after_is_not_retried_even_with_retry(server: SandboxServer) -> None:
    """Drip's own 429 says "try again in an hour" and carries no Retry-After: a retry seconds
    later would only spend what is left of the allowance."""
    drip_profile, _ = user_profiles(server.url)
    server.sandbox.add_fault(Fault(status=429))
    before = len(server.sandbox.requests())
    result = Sender(stocked_store(), environ={}, sandbox=EmbeddedSandbox()).send(
        DRIP, drip_profile, retry=True
    )
    assert (result.status, result.attempts) == (429, 1)
    assert len(server.sandbox.requests()) == before + 1  # exactly one request
    assert result.notes == [
        "Try 1: 429 Too Many Requests with no Retry-After: not retried (a limit that says "
        "nothing is most likely an hourly allowance used up, which a retry would only spend)."
    ]
    assert "as the server asked" not in " ".join(result.notes)
    assert result.problems[-1] == (
        "",
        "Drip's hourly allowance of 3600 requests is used up; it comes back within the hour.",
    )


def test_a_retry_after_past_two_minutes_is_not_waited_for(server: SandboxServer) -> None:
    drip_profile, _ = user_profiles(server.url)
    server.sandbox.add_fault(Fault(status=429, retry_after=1800))
    started = time.perf_counter()
    result = Sender(stocked_store(), environ={}, sandbox=EmbeddedSandbox()).send(
        DRIP, drip_profile, retry=True
    )
    assert (result.status, result.attempts) == (429, 1)
    assert time.perf_counter() - started < 5
    assert result.notes == [
        "Try 1: 429 Too Many Requests; the server asks to wait 1800 s, longer than the 120 s a "
        "retry waits: not retried."
    ]
    assert result.problems[-1][1].endswith("it comes back in about 30 min.")


def test_the_sandboxs_own_drip_429_has_no_retry_after() -> None:
    config = SandboxConfig(settings={"drip": {"hourly_limit": 1}})
    with SandboxServer(Sandbox(config)) as server:
        drip_profile, _ = user_profiles(server.url)
        sender = Sender(stocked_store(), environ={}, sandbox=EmbeddedSandbox())
        assert sender.send(DRIP, drip_profile).status == 202
        limited = sender.send(DRIP, drip_profile, retry=True)
        assert limited.status == 429 and limited.header("Retry-After") is None
        assert limited.attempts == 1


def test_a_drip_oauth_profile_previews_and_sends_a_bearer_token(server: SandboxServer) -> None:
    profile = new_profile(
        "my-oauth", "drip", base_url=server.url, account_id=drip_sandbox.ACCOUNT_ID, auth="oauth"
    )
    store = MemorySecretStore()
    store.set("my-oauth", "drip_access_token", drip_sandbox.ACCESS_TOKEN)
    sender = Sender(store, environ={}, sandbox=EmbeddedSandbox())
    # The preview names the scheme the profile sends (it once showed Basic for every profile).
    assert sender.preview(DRIP, profile).header("Authorization") == "Bearer ••••••••"
    result = sender.send(DRIP, profile)
    assert result.status == 202, result.message
    (received,) = [r for r in server.sandbox.requests() if r.method == "POST"]
    assert {n.lower(): v for n, v in received.headers}["authorization"] == "Bearer ••••••••"


def test_the_result_of_a_send_holds_no_secret(server: SandboxServer) -> None:
    drip_profile, bronto_profile = user_profiles(server.url)
    sender = Sender(stocked_store(), environ={}, sandbox=EmbeddedSandbox())
    sent = [sender.send(DRIP, drip_profile), sender.send(with_cart_id(BRONTO, "x"), bronto_profile)]
    assert [r.status for r in sent] == [202, 201]
    secrets = (drip_sandbox.API_KEY, bronto_sandbox.CLIENT_SECRET)
    for result in sent:
        # What the history records and the window shows is the request without its secret:
        # the auth put it on the wire only.
        kept = repr(result.request.wire_headers()) + repr(result.request.headers)
        assert not any(secret in kept for secret in secrets)


def test_test_connection_names_the_status_the_api_answered(server: SandboxServer) -> None:
    drip_profile, _ = user_profiles(server.url)
    sender = Sender(stocked_store(), environ={}, sandbox=EmbeddedSandbox())
    assert sender.test_connection(drip_profile).ok
    server.sandbox.add_fault(Fault(status=500, path_prefix="/v2"))
    check = sender.test_connection(drip_profile)
    assert (check.ok, check.message) == (False, "Drip answered 500 Internal Server Error.")


class RecordingSandbox:
    """A built-in sandbox that says what it was asked, over a real loopback door."""

    def __init__(self) -> None:
        self.asked: list[str] = []
        self.door = SandboxServer()

    def address(self, mode: SandboxMode) -> str:
        self.asked.append("address")
        return self.door.bind()

    def serve(self, mode: SandboxMode) -> None:
        self.asked.append(f"serve (served {len(self.door.sandbox.requests())} before)")
        self.door.start()

    def notes_about(self, answer_id: str) -> list[str]:
        return list(self.door.sandbox.notes_about(answer_id))


def test_a_preview_only_asks_the_sandbox_where_it_is_and_a_send_opens_it_first() -> None:
    sandbox = RecordingSandbox()
    try:
        sender = Sender(MemorySecretStore(), environ={}, sandbox=sandbox)
        request = sender.preview(DRIP, BUILTIN_PROFILES["sandbox-drip"])
        assert request.url.startswith(sandbox.door.url)
        assert sandbox.asked == ["address"] and not sandbox.door.serving
        result = sender.send(DRIP, BUILTIN_PROFILES["sandbox-drip"])
        assert result.status == 202
        assert sandbox.asked == ["address", "address", "serve (served 0 before)"]
        assert len(sandbox.door.sandbox.requests()) == 1
    finally:
        sandbox.door.stop()


def test_without_a_built_in_sandbox_a_sandbox_profile_says_what_to_give() -> None:
    sender = Sender(MemorySecretStore(), environ={})
    with pytest.raises(TargetError, match="“sandbox-drip” is the built-in sandbox, which this"):
        sender.preview(DRIP, BUILTIN_PROFILES["sandbox-drip"])
    with SandboxServer() as elsewhere:  # a `cart-composer sandbox` of its own
        result = sender.send(
            DRIP, BUILTIN_PROFILES["sandbox-drip"], Overrides(base_url=elsewhere.url)
        )
    assert result.status == 202


def test_the_embedded_sandbox_serves_nothing_until_a_request_goes_out() -> None:
    import subprocess
    import sys

    code = """
import threading
from app.paths import sample_cart
from app.profiles import BUILTIN_PROFILES
from app.providers import load_cart
from app.sandbox.runtime import EmbeddedSandbox
from app.secrets import MemorySecretStore
from app.service.sender import Sender

def serving():
    return sorted(t.name for t in threading.enumerate() if t.name == "sandbox-http")

cart = load_cart(sample_cart("drip")).document
sender = Sender(MemorySecretStore(), environ={}, sandbox=EmbeddedSandbox())
sender.preview(cart, BUILTIN_PROFILES["sandbox-drip"])
print("after a preview:", serving())
print("sent:", sender.send(cart, BUILTIN_PROFILES["sandbox-drip"]).status)
print("after a send:", serving())
"""
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True
    )
    assert done.stdout.splitlines() == [
        "after a preview: []",
        "sent: 202",
        "after a send: ['sandbox-http']",
    ]
