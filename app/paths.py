"""Where the app's files live: its own resources, the config folder (profiles), the data folder
(history). ``CART_COMPOSER_HOME`` puts config and data in one folder (tests, scripted use)."""

from __future__ import annotations

import os
from importlib.resources import files
from pathlib import Path

from app.domain.errors import MissingResource

__all__ = [
    "HOME_ENV",
    "config_dir",
    "data_dir",
    "is_bundled",
    "log_dir",
    "resource",
    "resources_dir",
    "sample_cart",
]

HOME_ENV = "CART_COMPOSER_HOME"
_APP_NAME = "cart-composer"


def resources_dir() -> Path:
    """``app/resources``: the sample carts, the scenarios, the catalog and the guide, found
    through the package's own resource reader, so a wheel, an editable install and a
    PyInstaller bundle find them the same way. Every one of those keeps them as real files
    (a zipped install would not: the app is not run from a zip)."""
    return Path(str(files("app") / "resources"))


def resource(*parts: str) -> Path:
    """One of the app's own files, which must be there: ``MissingResource`` names it if not
    (an installation that lost it, a bundle built without it)."""
    path = resources_dir().joinpath(*parts)
    if not path.exists():
        raise MissingResource(path)
    return path


def is_bundled(path: Path) -> bool:
    """Whether ``path`` is one of the app's own files (a shipped cart or scenario): those open
    as untitled copies, so a save never changes what every later start opens."""
    try:
        return path.resolve().is_relative_to(resources_dir().resolve())
    except OSError:
        return False


def sample_cart(provider: str) -> Path:
    """The shipped example cart for ``provider`` (the vendor document's own example)."""
    return resource("samples", f"{provider}-example.cart.json")


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


def log_dir() -> Path:
    """Where the optional log goes: the platform's place for an app's logs
    (``~/.local/state/cart-composer/log`` on Linux, ``~/Library/Logs/cart-composer`` on macOS,
    ``%LOCALAPPDATA%\\cart-composer\\Logs`` on Windows)."""
    home = _home()
    if home is not None:
        return home
    from platformdirs import user_log_path

    return user_log_path(_APP_NAME, appauthor=False)


def data_dir() -> Path:
    """What the app keeps (the history database)."""
    home = _home()
    if home is not None:
        return home
    from platformdirs import user_data_path

    return user_data_path(_APP_NAME, appauthor=False)
