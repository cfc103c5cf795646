"""The secret store: the OS keyring when a usable one exists, else memory for this session.

Entries live under service ``cart-composer``, one per profile and secret name
(username ``"<profile>:<secret name>"``). A file is never used: keyrings.alt's file backends
are refused like the fail backend, because "secrets never touch disk" is the promise.
"""

from __future__ import annotations

import sys
import threading
from abc import ABC, abstractmethod
from collections.abc import Iterable, Mapping
from typing import Any

from app.domain.errors import SecretStoreError, SecretValueError
from app.domain.secret_text import TOKEN_ENDPOINT, TYPED, check_secret
from app.providers.registry import secret_env, secret_label, secret_names

__all__ = [
    "SERVICE",
    "TOKEN_ENDPOINT",
    "TYPED",
    "KeyringSecretStore",
    "MemorySecretStore",
    "MissingSecrets",
    "SecretStore",
    "SecretStoreError",
    "SecretValueError",
    "check_secret",
    "open_secret_store",
    "read_secrets",
    "secret_env",
    "secret_label",
    "secret_names",
]

SERVICE = "cart-composer"


# Backends that are a real OS keyring (module path prefixes inside the keyring package).
_SYSTEM_BACKENDS = (
    "keyring.backends.SecretService",
    "keyring.backends.libsecret",
    "keyring.backends.kwallet",
    "keyring.backends.macOS",
    "keyring.backends.Windows",
)


class MissingSecrets(SecretStoreError):
    """A profile's secrets are not set (or the keyring could not give them); with ``target``,
    a sandbox profile pointed at a real host, whose secrets must come from the environment."""

    def __init__(self, profile: str, names: list[str], target: str | None = None) -> None:
        labels = ", ".join(secret_label(n) for n in names)
        variables = " and ".join(secret_env(n) for n in names)
        if target is not None:
            message = (
                f"{target} is not a sandbox, so the sandbox's public {labels} is not sent there: "
                f"set {variables} (or use --profile NAME with its stored secrets)."
            )
        else:
            message = (
                f"The profile “{profile}” has no {labels} yet. Set it with "
                f"`cart-composer profiles set-secret {profile}` or the CART_COMPOSER_* variables."
            )
        super().__init__(message)
        self.profile = profile
        self.names = names


class SecretStore(ABC):
    """Where secrets are kept. ``notice`` says so in plain words for a banner or the CLI."""

    backend_name: str = ""
    is_system: bool = False
    persistent: bool = False
    notice: str = ""

    @abstractmethod
    def get(self, profile: str, name: str) -> str | None: ...

    @abstractmethod
    def set(self, profile: str, name: str, value: str) -> None: ...

    @abstractmethod
    def delete(self, profile: str, name: str) -> None: ...

    def delete_profile(self, profile: str) -> None:
        for name in secret_names():
            self.delete(profile, name)


def _check(name: str) -> None:
    if name not in secret_names():
        raise ValueError(f"Unknown secret name {name!r}; use one of {', '.join(secret_names())}.")


class MemorySecretStore(SecretStore):
    """Secrets for this process only: forgotten when it exits."""

    backend_name = "memory"

    def __init__(self, reason: str = "") -> None:
        self._values: dict[tuple[str, str], str] = {}
        self._lock = threading.Lock()
        self.reason = reason
        why = f" ({reason})" if reason else ""
        self.notice = (
            f"No usable system keyring{why}: secrets are kept in memory for this session only "
            "and are forgotten when the app closes. Nothing is written to disk."
        )

    def get(self, profile: str, name: str) -> str | None:
        _check(name)
        with self._lock:
            return self._values.get((profile, name))

    def set(self, profile: str, name: str, value: str) -> None:
        _check(name)
        check_secret(secret_label(name), value, TYPED)
        with self._lock:
            self._values[(profile, name)] = value

    def delete(self, profile: str, name: str) -> None:
        _check(name)
        with self._lock:
            self._values.pop((profile, name), None)


class KeyringSecretStore(SecretStore):
    """A keyring backend (normally the OS's own)."""

    persistent = True

    def __init__(self, backend: Any) -> None:
        self._backend = backend
        module = type(backend).__module__
        self.backend_name = f"{module}.{type(backend).__name__}".removeprefix("keyring.backends.")
        self.is_system = module.startswith(_SYSTEM_BACKENDS)
        where = "the system keyring" if self.is_system else "the keyring backend"
        self.notice = f"Secrets are kept in {where} ({self.backend_name})."

    @staticmethod
    def _user(profile: str, name: str) -> str:
        _check(name)
        return f"{profile}:{name}"

    def _fail(self, action: str, exc: Exception) -> SecretStoreError:
        # The keyring's own message is safe to show: keyring never puts the password in it.
        kind = type(exc).__name__
        return SecretStoreError(
            f"The keyring ({self.backend_name}) could not {action}: {kind}: {exc}. "
            "Unlock it, or set the CART_COMPOSER_* environment variables for this session."
        )

    def get(self, profile: str, name: str) -> str | None:
        from keyring.errors import KeyringError

        try:
            value = self._backend.get_password(SERVICE, self._user(profile, name))
        except KeyringError as exc:
            raise self._fail("read a secret", exc) from None
        return value if isinstance(value, str) else None

    def set(self, profile: str, name: str, value: str) -> None:
        from keyring.errors import KeyringError

        check_secret(secret_label(name), value, TYPED)
        try:
            self._backend.set_password(SERVICE, self._user(profile, name), value)
        except KeyringError as exc:
            raise self._fail("store a secret", exc) from None

    def delete(self, profile: str, name: str) -> None:
        from keyring.errors import KeyringError, PasswordDeleteError

        try:
            self._backend.delete_password(SERVICE, self._user(profile, name))
        except PasswordDeleteError:
            return  # nothing stored: deleting is already done
        except KeyringError as exc:
            raise self._fail("delete a secret", exc) from None


def _unusable(backend: Any) -> str | None:
    """Why ``backend`` must not hold secrets, or None if it may."""
    module = type(backend).__module__
    if module.startswith("keyrings.alt"):
        return f"{type(backend).__name__} writes secrets to a file, which this app never does"
    if module in ("keyring.backends.fail", "keyring.backends.null"):
        return "no keyring service is running"
    if module == "keyring.backends.chainer" and not getattr(backend, "backends", None):
        return "no keyring service is running"
    return None


# The backends keyring itself ships for one platform only, by entry point name: elsewhere they
# are never viable, and loading them costs (on Linux the macOS one looks for its libraries by
# running the compiler: ~50 ms of a command's start).
_OTHER_PLATFORMS = {"macOS": "darwin", "Windows": "win32"}


def detect_backend() -> Any:
    """The backend keyring would choose: the one PYTHON_KEYRING_BACKEND or keyringrc.cfg names,
    else the viable backend of highest priority. Unlike ``keyring.get_keyring()`` it does not
    load the backends keyring ships for other platforms, nor its chainer (which loads every
    backend to learn whether it has two to chain); other distributions' backends load as
    keyring loads them."""
    from importlib.metadata import entry_points

    import keyring.core
    from keyring.backend import KeyringBackend, by_priority
    from keyring.backends import fail

    named = keyring.core.load_env() or keyring.core.load_config()
    if named is not None:
        return named
    for point in entry_points(group="keyring.backends"):
        ours = point.value.startswith("keyring.backends.")  # keyring's own
        if ours and (
            point.name == "chainer"
            or _OTHER_PLATFORMS.get(point.name, sys.platform) != sys.platform
        ):
            continue
        try:
            start = point.load()
            if callable(start):
                start()
        except Exception:  # as keyring does: a broken plug-in is skipped
            continue
    candidates = []
    for kind in KeyringBackend.get_viable_backends():
        if kind.__module__ == "keyring.backends.chainer":
            continue
        try:
            candidates.append(kind())
        except TypeError:  # one that needs arguments cannot be the default (as in keyring)
            continue
    return max(candidates, default=fail.Keyring(), key=by_priority)  # type: ignore[no-untyped-call]


def open_secret_store(backend: Any = None) -> SecretStore:
    """The OS keyring if a usable one answers, else a memory store whose notice says why."""
    from keyring.errors import KeyringError

    chosen = backend if backend is not None else detect_backend()
    reason = _unusable(chosen)
    if reason is not None:
        return MemorySecretStore(reason)
    try:
        # One harmless read: a locked or broken keyring says so now, not in the middle of a send.
        chosen.get_password(SERVICE, "probe:availability")
    except KeyringError as exc:
        return MemorySecretStore(f"the keyring is unavailable: {type(exc).__name__}")
    return KeyringSecretStore(chosen)


def read_secrets(
    store: SecretStore, profile: str, names: Iterable[str], environ: Mapping[str, str]
) -> dict[str, str | None]:
    """Each secret from its environment override if set, else from the store; checked as it is
    read (``SecretValueError`` for one that cannot go into a header)."""
    values: dict[str, str | None] = {}
    for name in names:
        override = environ.get(secret_env(name), "")
        value = override or store.get(profile, name)
        if value:
            kept = "the keyring" if store.persistent else "this session's memory"
            source = f"${secret_env(name)}" if override else kept
            check_secret(secret_label(name), value, source)
        values[name] = value
    return values
