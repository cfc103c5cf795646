"""Secrets with characters an HTTP header cannot carry — a stray CR/LF from a file saved on
Windows, a control character, text outside Latin-1 — are refused where they are read (the
environment, the keyring, the token endpoint), with a message that names the secret and shows
none of it; nothing is sent, and no message, history row or log line holds the secret."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from app.paths import sample_cart
from app.profiles import BUILTIN_PROFILES, ProfileStore, new_profile
from app.providers import load_cart
from app.providers.drip import emulator as drip_sandbox
from app.sandbox import SandboxServer
from app.sandbox.runtime import EmbeddedSandbox
from app.secrets import MemorySecretStore, SecretValueError, check_secret
from app.service.sender import Overrides, Sender
from app.transport import ErrorKind
from tests.hostile import HostileServer

DRIP = load_cart(sample_cart("drip")).document
BRONTO = load_cart(sample_cart("bronto")).document


def cli(home: Path, *args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("CART_COMPOSER_")}
    clean.pop("DBUS_SESSION_BUS_ADDRESS", None)
    return subprocess.run(
        [sys.executable, "-m", "app", *args],
        capture_output=True,
        text=True,
        timeout=60,
        env={**clean, "CART_COMPOSER_HOME": str(home), "CART_COMPOSER_LOG": "debug", **env},
    )


def everything_written(home: Path, done: subprocess.CompletedProcess[str]) -> bytes:
    files = [p.read_bytes() for p in home.rglob("*") if p.is_file()]
    return b"\n".join([done.stdout.encode(), done.stderr.encode(), *files])


@pytest.mark.parametrize(
    ("variable", "value", "said"),
    [
        (
            "CART_COMPOSER_DRIP_API_KEY",
            "k3y-from-windows-file\r\n",
            "The Drip API key from $CART_COMPOSER_DRIP_API_KEY has a carriage return (CR) at "
            "character 22 (a file saved on Windows?). Nothing was sent: set "
            "$CART_COMPOSER_DRIP_API_KEY again without it.",
        ),
        (
            "CART_COMPOSER_DRIP_API_KEY",
            "k3y-with\x07bell-1234",
            "The Drip API key from $CART_COMPOSER_DRIP_API_KEY has a control character (U+0007) at "
            "character 9.",
        ),
        (
            "CART_COMPOSER_DRIP_API_KEY",
            "k3y-€uro-1234",
            "has a character HTTP headers cannot carry (U+20AC, not Latin-1) at character 5.",
        ),
    ],
)
def test_a_bad_key_in_the_environment_is_refused_before_anything_is_sent(
    tmp_path: Path, variable: str, value: str, said: str
) -> None:
    home = tmp_path / "home"
    with SandboxServer() as server:
        added = cli(
            home,
            "profiles",
            "add",
            "shop",
            "--provider",
            "drip",
            "--base-url",
            server.url,
            "--account-id",
            drip_sandbox.ACCOUNT_ID,
            env={},
        )
        assert added.returncode == 0, added.stderr
        done = cli(
            home, "send", str(sample_cart("drip")), "--profile", "shop", env={variable: value}
        )
        assert server.sandbox.requests() == []  # nothing left the app
    assert done.returncode == 4, done.stderr
    assert said in done.stderr
    assert "Traceback" not in done.stderr
    written = everything_written(home, done)
    assert value.strip().encode() not in written
    assert value.encode("utf-8").split(b"\r")[0].split(b"\x07")[0] not in written


@pytest.mark.parametrize("which", ["bronto_client_id", "bronto_client_secret"])
def test_a_bad_secret_in_the_keyring_is_refused_when_read(which: str) -> None:
    store = MemorySecretStore()
    store.set("shop", "bronto_client_id", "client-1234")
    store.set("shop", "bronto_client_secret", "secret-1234")
    # Written by another tool (or an older version), bypassing set()'s check.
    store._values[("shop", which)] = "from-a-windows-file-5678\r\n"
    profile = new_profile("shop", "bronto", base_url="https://rest.bronto.com")
    with pytest.raises(SecretValueError) as caught:
        Sender(store, environ={}, sandbox=EmbeddedSandbox()).send(BRONTO, profile)
    label = "client ID" if which.endswith("id") else "client secret"
    assert str(caught.value) == (
        f"The Bronto {label} from this session's memory has a carriage return (CR) at character "
        "25 (a file saved on Windows?). Nothing was sent: store it again without it."
    )
    assert "from-a-windows-file" not in str(caught.value)


def test_storing_a_bad_secret_is_refused_and_says_why() -> None:
    with pytest.raises(SecretValueError, match=r"carriage return.*type it again without it"):
        MemorySecretStore().set("shop", "drip_api_key", "pasted-key\r")


@pytest.mark.parametrize(
    ("path", "what"),
    [
        ("/crlf-token", "a carriage return (CR) at character 9"),
        ("/unicode-token", "(U+20AC, not Latin-1) at character 5"),
    ],
)
def test_a_token_that_cannot_go_into_a_header_is_refused(path: str, what: str) -> None:
    with SandboxServer() as server, HostileServer() as hostile:
        overrides = Overrides(base_url=server.url, settings={"token_url": hostile.url + path})
        result = Sender(MemorySecretStore(), environ={}, sandbox=EmbeddedSandbox()).send(
            BRONTO, BUILTIN_PROFILES["sandbox-bronto"], overrides
        )
        assert [r for r in server.sandbox.requests() if r.path == "/carts"] == []
    assert result.error_kind is ErrorKind.INVALID_RESPONSE
    assert result.message.startswith("The access token from Bronto's token endpoint has ")
    assert what in result.message
    assert result.message.endswith("Nothing was sent with it.")
    assert "4f1d" not in result.message


def test_a_latin1_token_goes_out_as_latin1_without_a_traceback(home_dir: Path) -> None:
    # HTTP/1.1 header values are Latin-1: such a token is sent (and refused by the sandbox).
    store = MemorySecretStore()
    store.set("oauth", "drip_access_token", "jeton-é-1234")
    with SandboxServer() as server:
        profile = new_profile(
            "oauth", "drip", base_url=server.url, account_id=drip_sandbox.ACCOUNT_ID, auth="oauth"
        )
        result = Sender(store, environ={}, sandbox=EmbeddedSandbox()).send(DRIP, profile)
    assert result.status == 401


@pytest.fixture
def home_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("CART_COMPOSER_HOME", str(tmp_path))
    ProfileStore()
    return tmp_path


def test_check_secret_lets_ordinary_secrets_through() -> None:
    for value in ("sandbox-drip-api-key", "596d469a-a65b-4e22-b18e-4f3de5b8ccb8", "clé-ß"):
        assert check_secret("Drip API key", value, "the keyring") == value
