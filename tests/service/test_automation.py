"""The automation path: ``cart-composer send CART --base-url URL`` with the secrets in the
environment is a user target — the environment's secret goes on the wire, never the sandbox's
public one; without it, a host other than this machine is refused and the variable named."""

from __future__ import annotations

import base64
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl

import httpx
import pytest

from app.domain import jsonfmt
from app.paths import sample_cart
from app.profiles import BUILTIN_PROFILES
from app.providers import load_cart
from app.providers.bronto import emulator as bronto_sandbox
from app.providers.drip import emulator as drip_sandbox
from app.sandbox.runtime import EmbeddedSandbox
from app.secrets import MemorySecretStore, MissingSecrets
from app.service.sender import Overrides, Sender
from tests.recorder import recording_server

DRIP = load_cart(sample_cart("drip")).document
BRONTO = load_cart(sample_cart("bronto")).document
REAL_KEY = "k-real-7f3a9c"


@pytest.fixture
def recorder() -> Iterator[tuple[str, list[dict[str, Any]]]]:
    with recording_server() as (address, seen):
        yield f"http://{address}", seen


def test_the_environments_key_goes_on_the_wire_from_the_command_line(
    recorder: tuple[str, list[dict[str, Any]]], tmp_path: Path
) -> None:
    url, seen = recorder
    env = {k: v for k, v in os.environ.items() if not k.startswith("CART_COMPOSER_")}
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "app",
            "send",
            str(sample_cart("drip")),
            "--base-url",
            url,
            "--account-id",
            "777",
        ],
        capture_output=True,
        text=True,
        timeout=60,
        env={**env, "CART_COMPOSER_HOME": str(tmp_path), "CART_COMPOSER_DRIP_API_KEY": REAL_KEY},
    )
    assert done.returncode == 0, done.stderr
    (request,) = seen
    assert request["target"] == "/v3/777/shopper_activity/cart"
    # Before: the sandbox's public key, and a 401 with no hint.
    expected = "Basic " + base64.b64encode(f"{REAL_KEY}:".encode()).decode()
    assert request["headers"]["Authorization"] == expected


def test_a_real_host_without_the_variable_is_refused_naming_it() -> None:
    sender = Sender(MemorySecretStore(), environ={}, sandbox=EmbeddedSandbox())
    overrides = Overrides(base_url="https://api.getdrip.com", settings={"account_id": "777"})
    with pytest.raises(MissingSecrets) as caught:
        sender.send(DRIP, BUILTIN_PROFILES["sandbox-drip"], overrides)
    assert str(caught.value) == (
        "https://api.getdrip.com is not a sandbox, so the sandbox's public Drip API key is not "
        "sent there: set CART_COMPOSER_DRIP_API_KEY (or use --profile NAME with its stored "
        "secrets)."
    )


def test_the_command_line_says_which_variable_to_set(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CART_COMPOSER_")}
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "app",
            "send",
            str(sample_cart("bronto")),
            "--base-url",
            "https://rest.bronto.invalid",
            "--auth-url",
            "https://auth.bronto.invalid/oauth2/token",
        ],
        capture_output=True,
        text=True,
        timeout=60,
        env={**env, "CART_COMPOSER_HOME": str(tmp_path)},
    )
    assert done.returncode == 4
    assert "set CART_COMPOSER_BRONTO_CLIENT_ID and CART_COMPOSER_BRONTO_CLIENT_SECRET" in (
        done.stderr
    )


def test_bronto_sends_the_environments_client_form_encoded() -> None:
    seen: list[httpx.Request] = []

    def service(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        if request.url.path == "/oauth2/token":
            body = {"access_token": "a-1", "refresh_token": "r-1", "expires_in": 3600}
            return httpx.Response(200, content=jsonfmt.dumps(body).encode())
        return httpx.Response(201, content=b'{"cartId": "c-1"}')

    env = {
        "CART_COMPOSER_BRONTO_CLIENT_ID": "real-client",
        "CART_COMPOSER_BRONTO_CLIENT_SECRET": "real-secret-9",
    }
    sender = Sender(
        MemorySecretStore(),
        environ=env,
        transport=httpx.MockTransport(service),
        sandbox=EmbeddedSandbox(),
    )
    overrides = Overrides(
        base_url="https://rest.bronto.example",
        settings={"token_url": "https://auth.bronto.example/oauth2/token"},
    )
    assert sender.send(BRONTO, BUILTIN_PROFILES["sandbox-bronto"], overrides).status == 201
    token = seen[0]
    assert token.headers["content-type"] == "application/x-www-form-urlencoded"
    form = dict(parse_qsl(token.content.decode()))
    assert (form["client_id"], form["client_secret"]) == ("real-client", "real-secret-9")
    assert bronto_sandbox.CLIENT_SECRET not in token.content.decode()


def test_a_standalone_sandbox_on_this_machine_still_gets_its_public_values(
    recorder: tuple[str, list[dict[str, Any]]],
) -> None:
    url, seen = recorder
    sender = Sender(MemorySecretStore(), environ={}, sandbox=EmbeddedSandbox())
    result = sender.send(DRIP, BUILTIN_PROFILES["sandbox-drip"], Overrides(base_url=url))
    assert result.status == 202
    expected = "Basic " + base64.b64encode(f"{drip_sandbox.API_KEY}:".encode()).decode()
    assert seen[0]["headers"]["Authorization"] == expected
