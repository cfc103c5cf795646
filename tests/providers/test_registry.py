"""The registry finds the providers in their folders; an unknown key is a clear error everywhere
a provider is named."""

from __future__ import annotations

import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest
from pydantic import ValidationError

import app.providers as package
from app.domain.errors import CartComposerError, UnknownProvider
from app.profiles import Profile
from app.providers import CartDocument, get_provider, provider_keys, providers, registry
from app.secrets import MemorySecretStore, secret_env, secret_label, secret_names


def test_the_providers_are_found_in_their_folders_in_display_order() -> None:
    assert provider_keys() == ("drip", "bronto", "klaviyo", "mailchimp")
    assert [p.title for p in providers().values()] == ["Drip", "Bronto", "Klaviyo", "Mailchimp"]
    assert get_provider("bronto") is providers()["bronto"]


def test_an_unknown_provider_is_one_clear_error() -> None:
    with pytest.raises(UnknownProvider) as caught:
        get_provider("shopify")
    assert str(caught.value) == (
        "Unknown provider “shopify”: use drip, bronto, klaviyo or mailchimp."
    )
    assert isinstance(caught.value, CartComposerError) and isinstance(caught.value, ValueError)
    with pytest.raises(
        ValidationError, match=r"Unknown provider “nope”: use drip, bronto, klaviyo or mailchimp\."
    ):
        CartDocument(provider="nope")
    with pytest.raises(ValidationError, match="Unknown provider"):
        Profile(name="x", provider="nope")


@pytest.fixture
def extra_provider(tmp_path: Path) -> Iterator[str]:
    """A provider folder outside the app, on the package's path: found as a real one is."""
    folder = tmp_path / "toycart"
    folder.mkdir()
    (folder / "__init__.py").write_text("")
    (folder / "provider.py").write_text(
        textwrap.dedent("""
        from app.providers.auth import HeaderAuth
        from app.providers.base import Provider, SecretSpec
        from app.providers.drip.models import DripCart

        class ToyProvider(Provider):
            key = "toycart"
            title = "Toy cart"
            position = 15
            secrets = (SecretSpec("toy_token", "Toy token", "CART_COMPOSER_TOY_TOKEN"),)
            model = DripCart

            def auth(self, settings):
                return HeaderAuth("toy_token", scheme="Toy")

            def build_request(self, payload, target, options=None):
                raise NotImplementedError

            def read_response(self, status, headers, body):
                return None, ()

        PROVIDER = ToyProvider()
    """)
    )
    package.__path__.append(str(tmp_path))
    registry.providers.cache_clear()
    registry.secret_specs.cache_clear()
    try:
        yield "toycart"
    finally:
        package.__path__.remove(str(tmp_path))
        sys.modules.pop("app.providers.toycart.provider", None)
        sys.modules.pop("app.providers.toycart", None)
        registry.providers.cache_clear()
        registry.secret_specs.cache_clear()


def test_a_new_provider_is_one_folder(extra_provider: str) -> None:
    assert provider_keys() == ("drip", extra_provider, "bronto", "klaviyo", "mailchimp")
    assert CartDocument(provider=extra_provider).provider == extra_provider
    profile = Profile(name="toy", provider=extra_provider)
    assert profile.secret_names() == ("toy_token",)
    assert secret_names()[2] == "toy_token"
    assert (secret_label("toy_token"), secret_env("toy_token")) == (
        "Toy token",
        "CART_COMPOSER_TOY_TOKEN",
    )
    store = MemorySecretStore()
    store.set("toy", "toy_token", "t-1")  # the store knows the new secret's name
    assert store.get("toy", "toy_token") == "t-1"


def test_the_secrets_are_the_providers_own() -> None:
    assert secret_names() == (
        "drip_api_key",
        "drip_access_token",
        "bronto_client_id",
        "bronto_client_secret",
        "klaviyo_api_key",
        "mailchimp_api_key",
    )
    assert secret_env("bronto_client_secret") == "CART_COMPOSER_BRONTO_CLIENT_SECRET"
    drip = Profile(name="d", provider="drip")
    assert drip.secret_names() == ("drip_api_key",)
    oauth = Profile(name="d", provider="drip", settings={"auth": "oauth"})
    assert oauth.secret_names() == ("drip_access_token",)
    assert Profile(name="b", provider="bronto").secret_names() == (
        "bronto_client_id",
        "bronto_client_secret",
    )


def test_a_provider_from_another_distribution_is_found_by_its_entry_point(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    import importlib.metadata

    group = registry.ENTRY_POINTS
    points = [
        importlib.metadata.EntryPoint(
            "toyshop", "tests.providers.toyshop.provider:PROVIDER", group
        ),
        importlib.metadata.EntryPoint("broken", "no_such_module.provider:PROVIDER", group),
    ]

    def entry_points(**selection: str) -> list[importlib.metadata.EntryPoint]:
        assert selection == {"group": group}
        return points

    monkeypatch.setattr(importlib.metadata, "entry_points", entry_points)
    registry.providers.cache_clear()
    registry.secret_specs.cache_clear()
    try:
        assert provider_keys() == ("drip", "bronto", "klaviyo", "mailchimp", "toyshop")
        assert get_provider("toyshop").title == "Toy shop"
        assert "the provider broken (no_such_module.provider:PROVIDER) could not be loaded" in (
            caplog.text
        )
    finally:
        monkeypatch.undo()
        registry.providers.cache_clear()
        registry.secret_specs.cache_clear()
    assert provider_keys() == ("drip", "bronto", "klaviyo", "mailchimp")
