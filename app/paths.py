"""Where the app's files live: bundled resources now; config, data and history come later."""

from __future__ import annotations

from pathlib import Path

__all__ = ["resources_dir", "sample_cart"]

_PACKAGE = Path(__file__).resolve().parent


def resources_dir() -> Path:
    """``resources/``: inside the package when installed from a wheel, at the repo top in a
    source checkout or an editable install."""
    installed = _PACKAGE / "resources"
    return installed if installed.is_dir() else _PACKAGE.parent / "resources"


def sample_cart(provider: str) -> Path:
    """The bundled example cart for ``provider`` (the vendor document's own example)."""
    return resources_dir() / "samples" / f"{provider}-example.cart.json"
