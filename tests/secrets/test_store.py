"""The secret store: keyring when usable, memory (and a plain notice) otherwise, never a file."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from keyring.backends import fail

from app.secrets import KeyringSecretStore, MemorySecretStore, SecretStoreError, open_secret_store
from app.secrets.store import read_secrets
from tests.secrets.memkeyring import LockedKeyring, MemoryKeyring, ReadOnlyKeyring


def test_a_usable_keyring_is_used_with_one_entry_per_profile_and_secret() -> None:
    backend = MemoryKeyring()
    store = open_secret_store(backend)
    assert isinstance(store, KeyringSecretStore)
    assert store.persistent and not store.is_system
    store.set("my-drip", "drip_api_key", "k-123")
    store.set("my-bronto", "bronto_client_secret", "s-456")
    assert backend.entries == {
        ("cart-composer", "my-drip:drip_api_key"): "k-123",
        ("cart-composer", "my-bronto:bronto_client_secret"): "s-456",
    }
    assert store.get("my-drip", "drip_api_key") == "k-123"
    store.delete("my-drip", "drip_api_key")
    store.delete("my-drip", "drip_api_key")  # deleting what is not there is fine
    assert store.get("my-drip", "drip_api_key") is None
    store.delete_profile("my-bronto")
    assert backend.entries == {}


def test_no_keyring_service_means_memory_and_a_plain_notice() -> None:
    store = open_secret_store(fail.Keyring())
    assert isinstance(store, MemorySecretStore)
    assert not store.persistent
    assert store.notice == (
        "No usable system keyring (no keyring service is running): secrets are kept in memory "
        "for this session only and are forgotten when the app closes. Nothing is written to disk."
    )
    store.set("p", "drip_api_key", "v")
    assert store.get("p", "drip_api_key") == "v"


def test_a_locked_keyring_means_memory() -> None:
    store = open_secret_store(LockedKeyring())
    assert isinstance(store, MemorySecretStore)
    assert store.reason == "the keyring is unavailable: KeyringLocked"


def test_a_file_backend_is_refused() -> None:
    plaintext = type("PlaintextKeyring", (MemoryKeyring,), {"__module__": "keyrings.alt.file"})
    store = open_secret_store(plaintext())
    assert isinstance(store, MemorySecretStore)
    assert "writes secrets to a file" in store.notice


def test_a_keyring_refusal_is_explained_without_the_secret() -> None:
    store = open_secret_store(ReadOnlyKeyring())
    with pytest.raises(SecretStoreError) as caught:
        store.set("p", "bronto_client_secret", "the-secret-value")
    message = str(caught.value)
    assert "the-secret-value" not in message
    assert message.startswith("The keyring (")
    assert "could not store a secret: PasswordSetError: Prompt dismissed." in message


def test_unknown_secret_names_are_refused() -> None:
    with pytest.raises(ValueError, match="Unknown secret name"):
        MemorySecretStore().set("p", "password", "x")


def test_environment_variables_override_the_store() -> None:
    store = MemorySecretStore()
    store.set("p", "bronto_client_id", "from-store")
    store.set("p", "bronto_client_secret", "secret-from-store")
    env = {"CART_COMPOSER_BRONTO_CLIENT_SECRET": "secret-from-env"}
    assert read_secrets(store, "p", ["bronto_client_id", "bronto_client_secret"], env) == {
        "bronto_client_id": "from-store",
        "bronto_client_secret": "secret-from-env",
    }


# In a fresh process: the backend the app picks, the modules of backends loaded by then, and
# the backend keyring's own detection picks after that.
_CHOSEN = """
import sys
from app.secrets.store import detect_backend, open_secret_store
open_secret_store()
ours = detect_backend()
loaded = sorted(m for m in sys.modules if m.startswith("keyring.backends."))
import keyring
theirs = keyring.get_keyring()
for backend in (ours, theirs):
    print(type(backend).__module__ + "." + type(backend).__name__)
print(" ".join(loaded))
"""


def _chosen(env: dict[str, str]) -> list[str]:
    root = Path(__file__).resolve().parents[2]
    done = subprocess.run(
        [sys.executable, "-c", _CHOSEN],
        env={**os.environ, **env},
        cwd=root,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout.splitlines()


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="Linux's backends")
def test_the_backend_is_found_without_loading_other_platforms_backends() -> None:
    ours, keyrings, loaded = _chosen({"DBUS_SESSION_BUS_ADDRESS": ""})
    assert ours == keyrings  # the backend keyring's own detection picks
    assert "keyring.backends.SecretService" in loaded.split()  # this platform's were asked
    for other in ("macOS", "Windows", "chainer"):
        assert not [m for m in loaded.split() if m.startswith(f"keyring.backends.{other}")]


def test_a_backend_named_in_the_environment_is_the_one_used() -> None:
    backend = "tests.secrets.memkeyring.MemoryKeyring"
    ours, keyrings, _ = _chosen({"PYTHON_KEYRING_BACKEND": backend})
    assert ours == keyrings == backend
