"""An edit repaints what it changed, not the whole window."""

from __future__ import annotations

from collections import Counter
from decimal import Decimal
from pathlib import Path

from PySide6.QtCore import QEvent, QObject
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot

from app.ui.main_window import MainWindow
from tests.ui.conftest import FakeAsker, wait_until_quiet


class _Paints(QObject):
    def __init__(self) -> None:
        super().__init__()
        self.seen: Counter[str] = Counter()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint and isinstance(watched, QWidget):
            self.seen[watched.objectName()] += 1
        return False


def test_a_price_typed_does_not_repaint_the_whole_window(qtbot: QtBot, window: MainWindow) -> None:
    app = QApplication.instance()
    assert app is not None
    model = window.items_model
    price = model.column_of("price")

    def edit(n: int) -> None:
        model.setData(model.index(0, price), str(Decimal("20.00") + n))
        window.session.refresh_now()  # what the debounce timer calls
        for _ in range(3):
            app.processEvents()

    for n in range(10):  # the first edit marks the cart changed (its tab's title, a "*")
        edit(n)
    paints = _Paints()
    app.installEventFilter(paints)
    try:
        wait_until_quiet(qtbot, paints.seen)  # however quick the edits above were
        for n in range(10, 15):
            edit(n)
    finally:
        app.removeEventFilter(paints)
    assert "34.00" in window.preview.toPlainText()
    # The tab's unchanged title was set again on each edit, which laid the tab bar out and
    # repainted the whole window (~13 ms an edit of a one-item cart).
    assert paints.seen["mainToolbar"] == 0
    assert paints.seen["sendButton"] == 0
    assert paints.seen["mainWindow"] == 0


def test_the_tab_tooltip_follows_a_save_to_the_same_name_elsewhere(
    window: MainWindow, asker: FakeAsker, tmp_path: Path
) -> None:
    # The title (the file's name) stays the same, so the tab's text is not set again; its
    # tooltip, the file's full path, still changes.
    for folder in ("a", "b"):
        (tmp_path / folder).mkdir()
        asker.save_answer_path = tmp_path / folder / "mine.cart.json"
        assert window.save_cart_as()
        index = window.cart_tabs.indexOf(window.tab)
        assert window.cart_tabs.tabToolTip(index) == str(tmp_path / folder / "mine.cart.json")
