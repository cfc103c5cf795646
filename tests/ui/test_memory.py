"""Sends leave nothing behind in memory but their history rows: no worker, no cancel token, no
request closure outlives its send."""

from __future__ import annotations

import gc

from pytestqt.qtbot import QtBot

from app.transport import CancelToken, SendResult
from app.ui import workers
from app.ui.main_window import MainWindow


def test_twenty_sends_leave_no_worker_token_or_result_behind(
    qtbot: QtBot, window: MainWindow
) -> None:
    for _ in range(20):
        with qtbot.waitSignal(window.controller.send_finished, timeout=15_000):
            window.send()
    qtbot.waitUntil(lambda: not workers._running, timeout=5_000)
    gc.collect()
    live = gc.get_objects()
    assert sum(isinstance(o, CancelToken) for o in live) == 0
    # The response pane keeps the last answer; the history keeps rows on disk, not results.
    assert sum(isinstance(o, SendResult) for o in live) <= 1
    history = window.session.history
    assert history is not None and len(history.query()) == 20
