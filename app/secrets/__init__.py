"""Secrets (API keys, client secrets): in the OS keyring or, without one, in memory only.

Never on disk, never in a message. ``open_secret_store()`` picks the keyring when a usable one
exists and says which it picked.
"""

from __future__ import annotations

from app.secrets.store import (
    SERVICE,
    KeyringSecretStore,
    MemorySecretStore,
    MissingSecrets,
    SecretStore,
    SecretStoreError,
    SecretValueError,
    check_secret,
    open_secret_store,
    secret_env,
    secret_label,
    secret_names,
)

__all__ = [
    "SERVICE",
    "KeyringSecretStore",
    "MemorySecretStore",
    "MissingSecrets",
    "SecretStore",
    "SecretStoreError",
    "SecretValueError",
    "check_secret",
    "open_secret_store",
    "secret_env",
    "secret_label",
    "secret_names",
]
