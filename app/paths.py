"""Where the app's files live: bundled resources, the config folder (profiles), the data folder
(history). ``CART_COMPOSER_HOME`` puts config and data in one folder (tests, scripted use)."""

from __future__ import annotations

import os
from pathlib import Path

__all__ = ["HOME_ENV", "config_dir", "data_dir", "is_bundled", "resources_dir", "sample_cart"]

HOME_ENV = "CART_COMPOSER_HOME"
_PACKAGE = Path(__file__).resolve().parent
_APP_NAME = "cart-composer"


def resources_dir() -> Path:
    """``resources/``: inside the package when installed from a wheel, at the repo top in a
    source checkout or an editable install."""
    installed = _PACKAGE / "resources"
    return installed if installed.is_dir() else _PACKAGE.parent / "resources"


def is_bundled(path: Path) -> bool:
    """Whether ``path`` is one of the app's own files (a shipped cart or scenario): those open
    as untitled copies, so a save never changes what every later start opens."""
    try:
        return path.resolve().is_relative_to(resources_dir().resolve())
    except OSError:
        return False


def sample_cart(provider: str) -> Path:
    """The bundled example cart for ``provider`` (the vendor document's own example)."""
    return resources_dir() / "samples" / f"{provider}-example.cart.json"


def _home() -> Path | None:
    value = os.environ.get(HOME_ENV, "").strip()
    return Path(value).expanduser() if value else None


def config_dir() -> Path:
    """Non-secret settings (profiles). Not created here: writers create it when they write."""
    home = _home()
    if home is not None:
        return home
    from platformdirs import user_config_path

    return user_config_path(_APP_NAME, appauthor=False)


def data_dir() -> Path:
    """What the app keeps (the history database)."""
    home = _home()
    if home is not None:
        return home
    from platformdirs import user_data_path

    return user_data_path(_APP_NAME, appauthor=False)
