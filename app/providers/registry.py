"""The providers this installation has, found rather than listed.

Every subpackage of ``app.providers`` with a ``provider`` module that defines ``PROVIDER`` (an
instance of ``Provider``) is a provider: adding one is adding its folder. They are listed by
``Provider.position`` (then key), which is the order menus and choices show them in.
"""

from __future__ import annotations

import functools
import importlib
import importlib.util
import pkgutil

from app.domain.errors import UnknownProvider
from app.providers.base import Provider, SecretSpec

__all__ = ["get_provider", "provider_keys", "providers", "secret_specs"]


@functools.cache
def providers() -> dict[str, Provider]:
    """Every provider, by key, in display order."""
    import app.providers as package

    found: list[Provider] = []
    for module in pkgutil.iter_modules(package.__path__):
        if not module.ispkg:
            continue
        name = f"{package.__name__}.{module.name}.provider"
        if importlib.util.find_spec(name) is None:
            continue
        provider = getattr(importlib.import_module(name), "PROVIDER", None)
        if isinstance(provider, Provider):
            found.append(provider)
    found.sort(key=lambda p: (p.position, p.key))
    return {p.key: p for p in found}


@functools.cache
def secret_specs() -> dict[str, SecretSpec]:
    """Every secret any provider uses, by name (names are unique across providers)."""
    specs: dict[str, SecretSpec] = {}
    for provider in providers().values():
        for spec in provider.secrets:
            if spec.name in specs:
                raise RuntimeError(f"Two providers use the secret name {spec.name!r}.")
            specs[spec.name] = spec
    return specs


def provider_keys() -> tuple[str, ...]:
    return tuple(providers())


def get_provider(key: str) -> Provider:
    """The provider called ``key``; ``UnknownProvider`` names the ones there are."""
    try:
        return providers()[key]
    except (KeyError, TypeError):
        raise UnknownProvider(key, provider_keys()) from None
