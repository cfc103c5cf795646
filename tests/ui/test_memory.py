"""Sends leave nothing behind in memory but their history rows: no worker, no cancel token, no
request closure outlives its send."""

from __future__ import annotations

import gc

import shiboken6
from PySide6.QtCore import QCoreApplication, QEvent
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
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    gc.collect()
    live = gc.get_objects()
    assert sum(isinstance(o, CancelToken) for o in live) == 0
    # PySide keeps a runnable it was not let delete for as long as the pool lives, and with it
    # its signals object: neither may outlive its job (the pool deletes each worker once run).
    assert sum(isinstance(o, workers.WorkerSignals) for o in live) == 0
    assert [o for o in live if isinstance(o, workers.Worker) and shiboken6.isValid(o)] == []
    # The response pane keeps the last answer; the history keeps rows on disk, not results.
    assert sum(isinstance(o, SendResult) for o in live) <= 1
    history = window.session.history
    assert history is not None and len(history.query()) == 20
