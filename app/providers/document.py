"""Cart documents (`*.cart.json`): ``{"provider": ..., "payload": {...}, "options": {...}}``.

The payload is kept as the JSON object that will be sent (valid or not: QA engineers save
deliberately broken carts too), in the document's key order. Saving then loading gives back an
equal document, and loading then saving a file this module wrote gives back the same bytes.
"""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator

from app.domain import jsonfmt
from app.domain.errors import CartFileError
from app.domain.rules import spoken_choices
from app.domain.validation import Issue

__all__ = [
    "CartDocument",
    "LoadedCart",
    "dumps_cart",
    "is_cart_document",
    "load_cart",
    "loads_cart",
    "save_cart",
]

SUFFIX = ".cart.json"
_DOCUMENT_KEYS = frozenset({"provider", "payload", "options"})


def is_cart_document(raw: Any) -> bool:
    """Whether parsed JSON is a cart document rather than a bare payload (which might itself
    have a ``provider`` key: Drip's carts do)."""
    return isinstance(raw, dict) and "payload" in raw and set(raw) <= _DOCUMENT_KEYS


class CartDocument(BaseModel):
    """A draft cart: which API, the payload as it will be sent, and the request options."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    provider: str  # a registered provider's key
    payload: dict[str, Any] = Field(default_factory=dict)
    options: dict[str, Any] = Field(default_factory=dict)

    @field_validator("provider")
    @classmethod
    def _registered(cls, value: str) -> str:
        from app.providers.registry import get_provider

        return get_provider(value).key


@dataclass(frozen=True)
class LoadedCart:
    document: CartDocument
    # What loading changed, e.g. Drip's old item key "discount" renamed to "discounts".
    notes: tuple[Issue, ...] = ()


def loads_cart(text: str | bytes) -> LoadedCart:
    """Parse a cart document; ``CartFileError`` says what is wrong and where."""
    from app.providers import get_provider

    try:
        raw = jsonfmt.loads(text)
    except jsonfmt.JsonSyntaxError as exc:
        raise CartFileError(f"The cart file is not valid JSON: {exc}.") from None
    if not isinstance(raw, dict):
        from app.providers.registry import provider_keys

        raise CartFileError(
            "The cart file must hold a JSON object like "
            f'{{"provider": "{provider_keys()[0]}", "payload": {{…}}}}.'
        )
    unknown = sorted(set(raw) - {"provider", "payload", "options"})
    if unknown:
        raise CartFileError(f"The cart file has unknown keys: {', '.join(unknown)}.")
    from app.providers.registry import provider_keys

    provider_key = raw.get("provider")
    known = provider_keys()
    if provider_key not in known:
        raise CartFileError(
            f"The cart file's “provider” must be {spoken_choices(known)}, not "
            f"{_shown(provider_key)}."
        )
    payload = raw.get("payload", {})
    if not isinstance(payload, dict):
        raise CartFileError("The cart file's “payload” must be a JSON object.")
    options = raw.get("options", {})
    if not isinstance(options, dict):
        raise CartFileError("The cart file's “options” must be a JSON object.")
    provider = get_provider(provider_key)
    try:
        typed = provider.options(options)
    except ValueError as exc:
        raise CartFileError(f"The cart file's options are wrong: {exc}") from None
    upgraded, notes = provider.upgrade(payload)
    document = CartDocument(
        provider=provider_key,
        payload=provider.canonical(upgraded),
        options=typed.model_dump() if typed is not None else {},
    )
    return LoadedCart(document, notes)


def _shown(value: Any) -> str:
    try:
        return jsonfmt.dumps(value, indent=None)
    except (TypeError, ValueError):
        return repr(value)


def dumps_cart(document: CartDocument) -> str:
    """The file text of ``document``: 2-space JSON, payload in the document's order."""
    from app.providers import get_provider

    provider = get_provider(document.provider)
    typed = provider.options(document.options)
    body = {
        "provider": document.provider,
        "payload": provider.canonical(document.payload),
        "options": typed.model_dump() if typed is not None else {},
    }
    return jsonfmt.dumps(body) + "\n"


# The largest cart file read: many thousands of line items, far past what any API takes in one
# request, and not the gigabytes of a wrong file (or /dev/zero).
CART_CAP = 64 * 1024 * 1024


def load_cart(path: str | os.PathLike[str]) -> LoadedCart:
    from app.files import FileReadError, read_bounded

    file = Path(path)
    try:
        data = read_bounded(file, CART_CAP, "cart file")
    except FileReadError as exc:
        raise CartFileError(str(exc)) from None
    try:
        return loads_cart(data)
    except CartFileError as exc:
        raise CartFileError(f"{file}: {exc}") from None


def save_cart(document: CartDocument, path: str | os.PathLike[str]) -> Path:
    """Write atomically (a temporary file renamed over the target), so a crash never leaves half
    a cart behind."""
    file = Path(path)
    try:
        text = dumps_cart(document)
    except ValueError as exc:
        raise CartFileError(f"The cart cannot be saved: {exc}") from None
    temp_name: str | None = None
    try:
        handle, temp_name = tempfile.mkstemp(
            dir=file.parent, prefix=f".{file.name}.", suffix=".tmp"
        )
        with os.fdopen(handle, "w", encoding="utf-8", newline="\n") as out:
            out.write(text)
        os.replace(temp_name, file)
    except OSError as exc:
        if temp_name is not None:
            Path(temp_name).unlink(missing_ok=True)
        raise CartFileError(f"The cart could not be saved to {file}: {exc.strerror}.") from None
    return file
