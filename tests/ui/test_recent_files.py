"""File → Open Recent."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QMenu
from pytestqt.qtbot import QtBot

from app.ui.recent_files import KEEP, RecentFiles


def test_the_newest_comes_first_once_and_the_oldest_go(qtbot: QtBot, tmp_path: Path) -> None:
    settings = QSettings(str(tmp_path / "window.ini"), QSettings.Format.IniFormat)
    opened: list[Path] = []
    menu = QMenu()
    recent = RecentFiles(settings, menu, opened.append)
    paths = [tmp_path / f"cart-{n}.cart.json" for n in range(KEEP + 2)]
    for path in paths:
        recent.remember(path)
    recent.remember(paths[5])  # again: it moves to the top, not in twice
    expected = [paths[5], *reversed([p for p in paths[2:] if p != paths[5]])]
    assert recent.files() == expected and len(expected) == KEEP
    menu.aboutToShow.emit()
    assert [a.text() for a in menu.actions()] == [str(p) for p in expected]
    menu.actions()[1].trigger()
    assert opened == [expected[1]]
    # Another window (the next start) reads the same list.
    again = RecentFiles(
        QSettings(str(tmp_path / "window.ini"), QSettings.Format.IniFormat), QMenu(), print
    )
    assert again.files() == expected


def test_without_settings_nothing_is_kept(qtbot: QtBot) -> None:
    menu = QMenu()
    recent = RecentFiles(None, menu, print)
    recent.remember(Path("/tmp/x.cart.json"))
    assert recent.files() == []
    menu.aboutToShow.emit()
    assert [(a.text(), a.isEnabled()) for a in menu.actions()] == [("(none yet)", False)]
