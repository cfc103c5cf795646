"""The providers this installation has, found rather than listed.

Every subpackage of ``app.providers`` with a ``provider`` module that defines ``PROVIDER`` (an
instance of ``Provider``) is a provider: adding one is adding its folder. They are listed by
``Provider.position`` (then key), which is the order menus and choices show them in. A
provider can also ship as its own distribution, named in the ``cart_composer.providers``
entry point group.
"""

from __future__ import annotations

import functools
import importlib
import importlib.metadata
import importlib.util
import pkgutil

from app.domain.errors import UnknownProvider
from app.logs import log
from app.providers.base import Provider, SecretSpec

__all__ = [
    "get_provider",
    "provider_keys",
    "provider_title",
    "providers",
    "sandbox_mode_notes",
    "secret_env",
    "secret_label",
    "secret_names",
    "secret_specs",
]


# A provider shipped as its own distribution says so in its metadata:
#   [project.entry-points."cart_composer.providers"]
#   toyshop = "toyshop_provider.provider:PROVIDER"
ENTRY_POINTS = "cart_composer.providers"


@functools.cache
def providers() -> dict[str, Provider]:
    """Every provider, by key, in display order: each subpackage of ``app.providers`` whose
    ``provider`` module has a ``PROVIDER``, then each one an installed distribution names in
    the ``cart_composer.providers`` entry point group (a folder's wins over a namesake)."""
    import app.providers as package

    found: dict[str, Provider] = {}
    for module in pkgutil.iter_modules(package.__path__):
        if not module.ispkg:
            continue
        name = f"{package.__name__}.{module.name}.provider"
        if importlib.util.find_spec(name) is None:
            continue
        provider = getattr(importlib.import_module(name), "PROVIDER", None)
        if isinstance(provider, Provider):
            found.setdefault(provider.key, provider)
    for point in importlib.metadata.entry_points(group=ENTRY_POINTS):
        try:
            provider = point.load()
        except Exception as exc:  # a broken plug-in must not stop the app: said, skipped
            log.warning(
                "the provider %s (%s) could not be loaded: %s", point.name, point.value, exc
            )
            continue
        if isinstance(provider, Provider):
            found.setdefault(provider.key, provider)
        else:
            log.warning("the entry point %s does not name a Provider", point.value)
    ordered = sorted(found.values(), key=lambda p: (p.position, p.key))
    return {p.key: p for p in ordered}


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


# Which secrets there are, their labels and environment overrides come from the providers
# (``Provider.secrets``). The overrides are for headless use (never command-line arguments:
# those show in `ps`).
def secret_names() -> tuple[str, ...]:
    return tuple(secret_specs())


def secret_label(name: str) -> str:
    """``Drip API key``: what a person calls the secret."""
    return secret_specs()[name].label


def secret_env(name: str) -> str:
    """The environment variable that overrides the keyring for this secret."""
    return secret_specs()[name].env


def sandbox_mode_notes(mode: str) -> list[tuple[str, str]]:
    """(title, note) for each provider the sandbox emulates that says what its emulator does in
    ``mode`` ("real", "strict"): for the modes' help and tooltips."""
    return [
        (p.title, p.sandbox_mode_notes[mode])
        for p in providers().values()
        if p.has_emulator and mode in p.sandbox_mode_notes
    ]


def provider_title(key: str) -> str:
    """What a person calls the provider ``key``: its title, or for one no longer installed
    (an old history row), the key in title case."""
    provider = providers().get(key)
    return provider.title if provider is not None else key.title()


def provider_keys() -> tuple[str, ...]:
    return tuple(providers())


def get_provider(key: str) -> Provider:
    """The provider called ``key``; ``UnknownProvider`` names the ones there are."""
    try:
        return providers()[key]
    except (KeyError, TypeError):
        raise UnknownProvider(key, provider_keys()) from None
