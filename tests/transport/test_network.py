"""What the app takes from the environment: the system proxy (honoured, never for loopback,
shown with every answer) and certificates (SSL_CERT_FILE, shown too); and the warning for a
user profile whose secret would travel over plain http."""

from __future__ import annotations

import ssl
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import certifi
import pytest

from app.domain.urls import plain_http_warning
from app.paths import sample_cart
from app.profiles import BUILTIN_PROFILES, new_profile
from app.providers import load_cart
from app.providers.drip import emulator as drip_sandbox
from app.sandbox.runtime import EmbeddedSandbox
from app.secrets import MemorySecretStore
from app.service.sender import Overrides, Sender
from app.transport.network import route_for
from app.transport.send import make_client
from tests.recorder import recording_server

DRIP = load_cart(sample_cart("drip")).document


@pytest.fixture
def proxy() -> Iterator[tuple[str, list[dict[str, Any]]]]:
    with recording_server("via-proxy") as recorded:
        yield recorded


@pytest.fixture(autouse=True)
def no_proxy_from_the_machine(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in (
        "HTTP_PROXY",
        "HTTPS_PROXY",
        "ALL_PROXY",
        "NO_PROXY",
        "SSL_CERT_FILE",
        "SSL_CERT_DIR",
    ):
        monkeypatch.delenv(name, raising=False)
        monkeypatch.delenv(name.lower(), raising=False)


def shop_profile(url: str) -> tuple[Sender, Any]:
    store = MemorySecretStore()
    store.set("shop", "drip_api_key", drip_sandbox.API_KEY)
    return Sender(store, environ={}, sandbox=EmbeddedSandbox()), new_profile(
        "shop", "drip", base_url=url, account_id=drip_sandbox.ACCOUNT_ID
    )


def test_the_sandbox_on_loopback_never_goes_through_the_proxy(
    proxy: tuple[str, list[dict[str, Any]]], monkeypatch: pytest.MonkeyPatch
) -> None:
    address, seen = proxy
    monkeypatch.setenv("HTTP_PROXY", f"http://{address}")
    monkeypatch.setenv("HTTPS_PROXY", f"http://{address}")
    result = Sender(MemorySecretStore(), environ={}, sandbox=EmbeddedSandbox()).send(
        DRIP, BUILTIN_PROFILES["sandbox-drip"]
    )
    assert result.status == 202
    assert result.route == "direct"
    # Before: the proxy received the sandbox's Basic credentials over plain http.
    assert seen == []


def test_a_remote_host_goes_through_the_system_proxy_and_the_answer_says_so(
    proxy: tuple[str, list[dict[str, Any]]], monkeypatch: pytest.MonkeyPatch
) -> None:
    address, seen = proxy
    monkeypatch.setenv("HTTP_PROXY", f"http://user:hunter2@{address}")
    sender, profile = shop_profile("http://shop.example")
    result = sender.send(DRIP, profile)
    assert result.status == 202 and result.provider_id == "via-proxy"
    assert (
        seen[0]["target"]
        == f"http://shop.example/v3/{drip_sandbox.ACCOUNT_ID}/shopper_activity/cart"
    )
    assert seen[0]["headers"]["Proxy-Authorization"].startswith("Basic ")
    # The proxy's own credentials are never shown.
    assert result.route == f"via proxy http://••••@{address}"
    assert "hunter2" not in result.route
    # Plain http to another machine: the key went in clear, and the result says so.
    assert any("plain http://" in note and "Drip API key" in note for note in result.notes)


def test_no_proxy_is_honoured(
    proxy: tuple[str, list[dict[str, Any]]], monkeypatch: pytest.MonkeyPatch
) -> None:
    address, seen = proxy
    monkeypatch.setenv("HTTP_PROXY", f"http://{address}")
    monkeypatch.setenv("NO_PROXY", "shop.invalid")
    assert route_for("http://shop.invalid/v3").describe() == "direct"
    assert route_for("http://other.example/v3").describe() == f"via proxy http://{address}"
    sender, profile = shop_profile("http://shop.invalid")
    result = sender.send(DRIP, profile)
    assert str(result.error_kind) == "dns"
    assert seen == []


def test_certificates_from_the_environment_are_used_and_shown(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    # Shown where TLS is spoken; plain http to the sandbox has no certificates to trust.
    monkeypatch.setenv("SSL_CERT_FILE", certifi.where())
    assert route_for("https://api.getdrip.com/v3").describe() == (
        f"direct; certificates from SSL_CERT_FILE={certifi.where()}"
    )
    result = Sender(MemorySecretStore(), environ={}, sandbox=EmbeddedSandbox()).send(
        DRIP, BUILTIN_PROFILES["sandbox-drip"]
    )
    assert result.status == 202 and result.route == "direct"
    # And used: a file with no certificate in it makes every TLS connection fail.
    empty = tmp_path / "none.pem"
    empty.write_text("")
    monkeypatch.setenv("SSL_CERT_FILE", str(empty))
    with pytest.raises(ssl.SSLError):
        make_client()


@pytest.mark.parametrize(
    ("url", "warned"),
    [
        ("http://shop.example.com", True),
        ("http://10.0.0.5:8080", True),
        ("https://shop.example.com", False),
        ("http://127.0.0.1:8765", False),
        ("http://localhost:8765", False),
        ("http://[::1]:8765", False),
    ],
)
def test_plain_http_to_another_machine_is_warned_about(url: str, warned: bool) -> None:
    warning = plain_http_warning(url, "Drip API key")
    assert (warning is not None) is warned
    if warning:
        assert warning == (
            f"{url} is plain http:// to another machine: the Drip API key sent with it would "
            "travel in clear. Use https://."
        )


def test_a_sandbox_profile_on_loopback_gets_no_warning_elsewhere_it_does() -> None:
    # To a sandbox on this machine its secrets are the sandbox's public values: nothing to
    # protect. Pointed at another host it sends the environment's secret: that one is warned of.
    quiet = Sender(MemorySecretStore(), environ={}, sandbox=EmbeddedSandbox()).send(
        DRIP, BUILTIN_PROFILES["sandbox-drip"], Overrides(base_url="http://127.0.0.1:9")
    )
    assert quiet.status is None and quiet.notes == []
    env = {"CART_COMPOSER_DRIP_API_KEY": "a-real-key-1234"}
    overrides = Overrides(
        base_url="http://sandbox.invalid:9", settings={"account_id": "1"}, timeout=1
    )
    warned = Sender(MemorySecretStore(), environ=env, sandbox=EmbeddedSandbox()).send(
        DRIP, BUILTIN_PROFILES["sandbox-drip"], overrides
    )
    assert any("plain http://" in note for note in warned.notes)


def test_the_tls_trust_store_is_parsed_once_a_process(monkeypatch: pytest.MonkeyPatch) -> None:
    """Building a TLS context holds the GIL for tens of milliseconds (every CA certificate is
    parsed in C): once per client, it froze the window at each new window's first send."""
    from app.transport.network import RoutingTransport, shared_ssl_context

    first, second = RoutingTransport(), RoutingTransport()
    assert first._ssl is second._ssl is shared_ssl_context()
    monkeypatch.setenv("SSL_CERT_DIR", "/nonexistent-certs")  # another trust store: its own
    assert shared_ssl_context() is not first._ssl
