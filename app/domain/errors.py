"""The app's exception tree. Messages are written for the person at the keyboard.

    CartComposerError
     ├── CartFileError      a .cart.json file that cannot be read or written
     ├── TargetError        a base URL or account id that cannot make a request URL
     └── PayloadError       a draft value that has no JSON form (NaN, a Python object)

Secrets never appear in a message: nothing here is ever given one.
"""

from __future__ import annotations

__all__ = ["CartComposerError", "CartFileError", "PayloadError", "TargetError"]


class CartComposerError(Exception):
    """Base of every error the app raises on purpose."""


class CartFileError(CartComposerError):
    """A cart document could not be loaded or saved; the message says why and where."""


class TargetError(CartComposerError):
    """The request target (base URL, account id) is not usable."""


class PayloadError(CartComposerError):
    """The payload holds a value that cannot be written as JSON."""
