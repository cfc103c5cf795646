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
        # The job (and all it holds) is let go as soon as it has run: PySide may keep this
        # object itself for as long as the pool lives.
        job, self._job = self._job, _done
        try:
            value = job()
        except BaseException as exc:  # reported to the GUI thread, never lost
            self.signals.errored.emit(exc)
        else:
            self.signals.returned.emit(value)
        finally:
            self.signals.finished.emit()


_running: dict[int, Worker] = {}


def _done() -> None:
    raise RuntimeError("this worker has already run")


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
    # Once finished, the worker drops its connections: a slot that holds the worker makes a
    # cycle through Qt (worker → signals → slot → worker) that Python's collector cannot see,
    # and every worker, with all its job held, would otherwise stay in memory for good.
    key = id(worker)

    def release() -> None:
        _running.pop(key, None)
        signals = worker.signals
        for signal in (signals.returned, signals.errored, signals.finished):
            signal.disconnect()  # the callbacks (and what they hold) go with them

    worker.signals.finished.connect(release)
    _running[key] = worker
    (pool or QThreadPool.globalInstance()).start(worker)
    return worker
