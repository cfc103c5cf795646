"""Providers: each vendor's payload model and request builder, behind one registry.

get_provider("drip").validate(payload)       → Validation (errors by field path)
build_request(document, target, credentials) → OutgoingRequest (what Send puts on the wire)
"""

from __future__ import annotations

from app.providers.base import Credentials, OutgoingRequest, Provider, Target
from app.providers.document import (
    CartDocument,
    LoadedCart,
    dumps_cart,
    load_cart,
    loads_cart,
    save_cart,
)
from app.providers.registry import get_provider, provider_keys, providers

__all__ = [
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
    "provider_keys",
    "providers",
    "save_cart",
]


def build_request(
    document: CartDocument, target: Target, credentials: Credentials | None = None
) -> OutgoingRequest:
    """The request Send will make for ``document``; the preview calls it with no credentials."""
    provider = get_provider(document.provider)
    return provider.build_request(document.payload, target, document.options, credentials)
