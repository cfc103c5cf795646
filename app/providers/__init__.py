"""Providers: each vendor's payload model and request builder, behind one registry.

get_provider("drip").validate(payload)       → Validation (errors by field path)
build_request(document, target, credentials) → OutgoingRequest (what Send puts on the wire)
"""

from __future__ import annotations

from app.providers.base import Credentials, OutgoingRequest, Provider, Target
from app.providers.bronto.provider import BrontoProvider
from app.providers.document import (
    CartDocument,
    LoadedCart,
    dumps_cart,
    load_cart,
    loads_cart,
    save_cart,
)
from app.providers.drip.provider import DripProvider

__all__ = [
    "PROVIDERS",
    "CartDocument",
    "Credentials",
    "LoadedCart",
    "OutgoingRequest",
    "Provider",
    "Target",
    "build_request",
    "dumps_cart",
    "get_provider",
    "load_cart",
    "loads_cart",
    "save_cart",
]

PROVIDERS: dict[str, Provider] = {p.key: p for p in (DripProvider(), BrontoProvider())}


def get_provider(key: str) -> Provider:
    try:
        return PROVIDERS[key]
    except KeyError:
        raise ValueError(f"Unknown provider “{key}”: use drip or bronto.") from None


def build_request(
    document: CartDocument, target: Target, credentials: Credentials | None = None
) -> OutgoingRequest:
    """The request Send will make for ``document``; the preview calls it with no credentials."""
    provider = get_provider(document.provider)
    return provider.build_request(document.payload, target, document.options, credentials)
