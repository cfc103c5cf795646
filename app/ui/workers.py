"""Off the GUI thread and back: a QRunnable worker whose signals always end with ``finished``.

A worker gets plain data and returns plain data; it never touches a widget. Its signals are
delivered on the GUI thread (queued), where the callbacks run.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal

__all__ = ["Worker", "WorkerSignals", "run_in_background"]


class WorkerSignals(QObject):
    returned = Signal(object)
    errored = Signal(object)
    finished = Signal()


class Worker(QRunnable):
    def __init__(self, job: Callable[[], Any]) -> None:
        super().__init__()
        self.setAutoDelete(False)  # the owner keeps it alive until ``finished``
        self._job = job
        self.signals = WorkerSignals()

    def run(self) -> None:
        try:
            value = self._job()
        except BaseException as exc:  # reported to the GUI thread, never lost
            self.signals.errored.emit(exc)
        else:
            self.signals.returned.emit(value)
        finally:
            self.signals.finished.emit()


_running: set[Worker] = set()


def run_in_background(
    job: Callable[[], Any],
    on_success: Callable[[Any], None],
    on_failure: Callable[[BaseException], None],
    pool: QThreadPool | None = None,
) -> Worker:
    """Run ``job`` on the pool; then ``on_success(value)`` or ``on_failure(error)`` on the GUI
    thread. The worker is kept referenced until it has finished."""
    worker = Worker(job)
    worker.signals.returned.connect(on_success)
    worker.signals.errored.connect(on_failure)
    worker.signals.finished.connect(lambda: _running.discard(worker))
    _running.add(worker)
    (pool or QThreadPool.globalInstance()).start(worker)
    return worker
