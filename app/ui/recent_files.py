"""File → Open Recent: the last carts opened or saved, kept in the window's settings."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QMenu

__all__ = ["KEEP", "RecentFiles"]

KEEP = 8  # files listed
_KEY = "recent/files"


class RecentFiles:
    """Given the settings it lives in (None: nothing is kept), the menu it fills each time it
    opens, and ``open_cart(path)`` for a chosen file."""

    def __init__(
        self, settings: QSettings | None, menu: QMenu, open_cart: Callable[[Path], object]
    ) -> None:
        self._settings = settings
        self._menu = menu
        self._open_cart = open_cart
        menu.aboutToShow.connect(self.fill_menu)

    def files(self) -> list[Path]:
        if self._settings is None:
            return []
        value: object = self._settings.value(_KEY, [])
        names: list[object] = [value] if isinstance(value, str) else []
        if isinstance(value, list | tuple):
            names = list(value)
        return [Path(name) for name in names if isinstance(name, str)]

    def remember(self, path: Path) -> None:
        """``path`` first, once; the oldest beyond ``KEEP`` go."""
        if self._settings is None:
            return
        names = [str(path.resolve())]
        names += [str(p) for p in self.files() if str(p) != names[0]]
        self._settings.setValue(_KEY, names[:KEEP])

    def fill_menu(self) -> None:
        self._menu.clear()
        files = self.files()
        if not files:
            self._menu.addAction("(none yet)").setEnabled(False)
        for path in files:
            act = self._menu.addAction(str(path))
            act.triggered.connect(lambda _=False, p=path: self._open_cart(p))
