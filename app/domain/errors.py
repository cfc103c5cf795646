"""The app's exception tree. Messages are written for the person at the keyboard.

    CartComposerError
     ├── CartFileError      a .cart.json file that cannot be read or written
     ├── TargetError        a base URL or account id that cannot make a request URL
     ├── PayloadError       a draft value that has no JSON form (NaN, a Python object)
     ├── SecretStoreError   the keyring refused, or a secret is missing (secrets/store.py)
     │    └── SecretValueError  a secret an HTTP header cannot carry (domain/secret_text.py)
     ├── UnknownProvider    a provider key no installed provider has (also a ValueError)
     ├── MissingResource    one of the app's own files is not in this installation
     └── UnknownAction      a cart action the provider does not declare (also a ValueError)

Secrets never appear in a message: nothing here is ever given one.
"""

from __future__ import annotations

__all__ = [
    "CartComposerError",
    "CartFileError",
    "MissingResource",
    "PayloadError",
    "SecretStoreError",
    "SecretValueError",
    "TargetError",
    "UnknownAction",
    "UnknownProvider",
]


class CartComposerError(Exception):
    """Base of every error the app raises on purpose."""


class CartFileError(CartComposerError):
    """A cart document could not be loaded or saved; the message says why and where."""


class TargetError(CartComposerError):
    """The request target (base URL, account id) is not usable."""


class PayloadError(CartComposerError):
    """The payload holds a value that cannot be written as JSON."""


class UnknownProvider(CartComposerError, ValueError):
    """No installed provider has this key. A ``ValueError`` too, so a pydantic validator that
    meets it reports it as a field's error."""

    def __init__(self, key: object, known: tuple[str, ...]) -> None:
        shown = key if isinstance(key, str) and len(key) <= 40 else repr(key)[:40]
        from app.domain.rules import spoken_choices

        super().__init__(f"Unknown provider “{shown}”: use {spoken_choices(known)}.")
        self.key = key


class MissingResource(CartComposerError):
    """One of the app's own files (``app/resources/…``) is not where the installation keeps
    it: the message names it, so a broken install or bundle says what it lacks."""

    def __init__(self, path: object) -> None:
        super().__init__(
            f"This installation of Cart Composer lacks one of its own files: {path}. "
            "Reinstall it (or rebuild the bundle with its resources)."
        )
        self.path = path


class UnknownAction(CartComposerError, ValueError):
    """The provider declares no cart action by this name; the message lists its actions."""


class SecretStoreError(CartComposerError):
    """The keyring refused an operation; the message says what to do, never the secret."""


class SecretValueError(SecretStoreError):
    """A secret that cannot go into an HTTP header as it is (a stray line break, a control
    character, text outside Latin-1). The message names the secret, never shows it."""
