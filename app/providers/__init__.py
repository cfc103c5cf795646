"""Providers: each vendor's payload model and request builder, behind one registry.

get_provider("drip").validate(payload)       → Validation (errors by field path)
build_request(document, target, settings) → OutgoingRequest (what Send puts on the wire)
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from app.providers.base import OutgoingRequest, Provider, Target
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
    document: CartDocument, target: Target, settings: Mapping[str, Any] | None = None
) -> OutgoingRequest:
    """The request Send makes for ``document`` to a profile with ``settings``: its auth header
    holds a placeholder, which the transport's auth replaces on the wire."""
    provider = get_provider(document.provider)
    request = provider.build_request(document.payload, target, document.options)
    return request.with_auth(provider.auth(settings or {}))
