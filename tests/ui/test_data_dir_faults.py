"""The app's own files in trouble: a read-only data folder, a disk that fills up mid-session, a
damaged profiles file. Each gives a plain message, sending keeps working, nothing typed is lost,
and a history that is fine is never moved aside."""

from __future__ import annotations

import contextlib
import sqlite3
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from app.history import HistoryStore
from app.paths import data_dir
from app.ui.application import create_main_window
from app.ui.main_window import MainWindow
from tests.ui.conftest import FakeAsker
from tests.unwritable import unwritable


def read_only(folder: Path) -> contextlib.AbstractContextManager[None]:
    """Make ``folder`` and its files unwritable, also for root (the immutable attribute)."""
    return unwritable(folder, *folder.rglob("*"))


def _open(qtbot: QtBot, asker: FakeAsker) -> MainWindow:
    window = create_main_window(asker=asker)
    qtbot.addWidget(window)
    window.show()
    return window


def _send(qtbot: QtBot, window: MainWindow) -> int | None:
    with qtbot.waitSignal(window.controller.send_finished, timeout=15_000) as blocker:
        window.send()
    status: int | None = blocker.args[0].status
    return status


def test_a_read_only_data_folder(qtbot: QtBot, home: Path, asker: FakeAsker) -> None:
    earlier = HistoryStore()
    window = _open(qtbot, asker)  # a first session leaves one sent cart in the history
    assert _send(qtbot, window) == 202
    window.close()
    earlier.close()
    history_file = data_dir() / "history.sqlite3"
    before = history_file.read_bytes()
    with read_only(home):
        window = _open(qtbot, asker)
        assert window.banner.isVisible()
        assert "The history is unavailable, so sends are not recorded" in window.banner.text()
        assert f"{home / 'history.sqlite3'} is read-only" in window.banner.text()
        window.session.set_field("email", "still-here@example.com")
        assert _send(qtbot, window) == 202  # sending works without a history
        assert window.response.badge.text() == "202"
        assert window.session.value("email") == "still-here@example.com"
    assert history_file.read_bytes() == before  # left alone: not "damaged", not moved aside
    assert not list(history_file.parent.glob("*.corrupt-*"))
    assert len(HistoryStore().query()) == 1


@pytest.mark.parametrize(
    ("pragma", "words"),
    [("max_page_count", "database or disk is full"), ("query_only", "readonly database")],
    ids=["disk-full", "file-turned-read-only"],
)
def test_the_history_failing_mid_session(
    qtbot: QtBot, home: Path, asker: FakeAsker, pragma: str, words: str
) -> None:
    window = _open(qtbot, asker)
    history = window.session.history
    assert history is not None
    db = history._db  # sqlite's own limits stand in for a full disk / a read-only file
    if pragma == "max_page_count":
        pages = db.execute("PRAGMA page_count").fetchone()[0]
        db.execute(f"PRAGMA max_page_count={pages + 4}")
        db.execute("CREATE TABLE filler(x)")
        with contextlib.suppress(sqlite3.OperationalError):
            while True:  # use up every free byte of the file, as a full disk would
                db.execute("INSERT INTO filler VALUES (zeroblob(200))")
    else:
        db.execute("PRAGMA query_only=1")
    window.session.set_field("email", "typed@example.com")
    template = dict(window.session.items()[0])
    for row in range(40):  # a cart bigger than a database page: it needs new pages
        window.items_model.insert_item(row, dict(template))
    assert _send(qtbot, window) == 202  # the cart still goes, and its answer is shown
    assert window.response.badge.text() == "202"
    assert window.banner.isVisible()
    assert "The history could not be saved" in window.banner.text()
    assert words in window.banner.text()
    assert window.session.value("email") == "typed@example.com"
    assert history.query() == []
    if pragma == "max_page_count":
        db.execute("PRAGMA max_page_count=1073741823")
    else:
        db.execute("PRAGMA query_only=0")
    assert _send(qtbot, window) == 202  # space again: the next send is recorded
    (entry,) = history.query()
    assert entry.state == "succeeded" and entry.email == "typed@example.com"


def test_a_damaged_profiles_file(qtbot: QtBot, home: Path, asker: FakeAsker) -> None:
    home.mkdir(parents=True, exist_ok=True)
    damaged = home / "profiles.json"
    damaged.write_text('{"profiles": [{"name": 1}', encoding="utf-8")
    window = _open(qtbot, asker)
    assert window.banner.isVisible()
    assert f"The profiles file {damaged} is damaged" in window.banner.text()
    assert window.profile_selector.currentData() == "sandbox-drip"
    assert _send(qtbot, window) == 202
    assert damaged.read_text(encoding="utf-8") == '{"profiles": [{"name": 1}'  # not overwritten
