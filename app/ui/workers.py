"""Off the GUI thread and back: a QRunnable worker whose signals always end with ``finished``.

A worker gets plain data and returns plain data; it never touches a widget. Its signals are
delivered on the GUI thread (queued), where the callbacks run — but only while their owner (the
widget or controller that asked) still exists: a window closed mid-send is not called back.
A job that reports along the way (``run_with_progress``) is handed a ``report(value)`` to call
from the worker; each value reaches ``on_progress`` on the GUI thread, in order, under the same
rule.
"""

from __future__ import annotations

import gc
from collections.abc import Callable
from typing import Any

import shiboken6
from PySide6.QtCore import (
    QCoreApplication,
    QMetaObject,
    QObject,
    QRunnable,
    QThreadPool,
    QTimer,
    Signal,
)

__all__ = [
    "Worker",
    "WorkerSignals",
    "collect_on_gui_thread",
    "run_in_background",
    "run_with_progress",
]

# How often the GUI thread looks whether a collection is due (see ``collect_on_gui_thread``).
COLLECT_EVERY_MS = 500


class _Collector(QObject):
    """Python's cyclic garbage collection, run on the GUI thread only.

    Left to itself the collector runs on whichever thread allocates when a generation fills —
    often a worker — and Qt objects caught in a cycle are then destroyed there. A worker once
    hung the suite that way (py-spy: the worker in ``gc_collect_main`` → ``QObject::disconnect``
    waiting for the GIL; the GUI thread, holding the GIL, in ``QObject::connect`` waiting for
    the lock the worker held). So automatic collection is off while the app runs, and this
    timer collects each generation when its count says Python would have."""

    def __init__(self, parent: QObject) -> None:
        super().__init__(parent)
        self._thresholds = gc.get_threshold()
        gc.disable()
        self._timer = QTimer(self)
        self._timer.timeout.connect(self.collect)
        self._timer.start(COLLECT_EVERY_MS)

    def collect(self) -> None:
        first, second, third = gc.get_count()
        if first <= self._thresholds[0]:
            return
        gc.collect(0)
        if second > self._thresholds[1]:
            gc.collect(1)
            if third > self._thresholds[2]:
                gc.collect(2)


_collector: _Collector | None = None


def collect_on_gui_thread() -> None:
    """Make garbage collection the GUI thread's (once per application): see ``_Collector``.
    Called on the GUI thread before any worker starts."""
    global _collector
    if _collector is not None and shiboken6.isValid(_collector):
        return
    app = QCoreApplication.instance()
    if app is not None:
        _collector = _Collector(app)


class WorkerSignals(QObject):
    returned = Signal(object)
    errored = Signal(object)
    progressed = Signal(object)
    finished = Signal()


class Worker(QRunnable):
    """Runs ``job()`` — or, one that ``reports``, ``job(report)`` — once, on the pool."""

    def __init__(
        self,
        job: Callable[[], Any] | Callable[[Callable[[Any], None]], Any],
        *,
        reports: bool = False,
    ) -> None:
        super().__init__()
        # The pool deletes it once it has run: PySide otherwise keeps every runnable it was
        # given for as long as the pool lives (~0.6 KB each, without end over a session).
        self.setAutoDelete(True)
        self._job: Callable[..., Any] = job
        self._reports = reports
        self.signals: WorkerSignals | None = WorkerSignals()

    def run(self) -> None:
        # The job (and all it holds) is let go as soon as it has run; the signals go on the
        # GUI thread, once delivered (``release``).
        job, self._job = self._job, _done
        signals = self.signals
        assert signals is not None, "this worker has already run"
        try:
            value = job(signals.progressed.emit) if self._reports else job()
        except BaseException as exc:  # reported to the GUI thread, never lost
            signals.errored.emit(exc)
        else:
            signals.returned.emit(value)
        finally:
            signals.finished.emit()


class _Delivery(QObject):
    """Hands a worker's answer to the callbacks on the GUI thread. A child of the owner, so it
    dies with it, and Qt drops the connections to it: nothing calls into a deleted widget."""

    def __init__(
        self,
        owner: QObject | None,
        on_success: Callable[[Any], None],
        on_failure: Callable[[BaseException], None],
        on_progress: Callable[[Any], None] | None = None,
    ) -> None:
        super().__init__(owner)
        self._on_success: Callable[[Any], None] | None = on_success
        self._on_failure: Callable[[BaseException], None] | None = on_failure
        self._on_progress: Callable[[Any], None] | None = on_progress

    def returned(self, value: object) -> None:
        if self._on_success is not None:
            self._on_success(value)

    def progressed(self, value: object) -> None:
        if self._on_progress is not None:
            self._on_progress(value)

    def errored(self, error: object) -> None:
        if self._on_failure is not None:
            assert isinstance(error, BaseException)
            self._on_failure(error)

    def release(self) -> None:
        # The callbacks (and what they hold) go now; the object itself at the next turn.
        self._on_success = self._on_failure = self._on_progress = None
        self.deleteLater()


_running: dict[int, Worker] = {}


def _done() -> None:
    raise RuntimeError("this worker has already run")


def _owner_of(callback: Callable[..., Any]) -> QObject | None:
    bound = getattr(callback, "__self__", None)
    return bound if isinstance(bound, QObject) else None


def run_in_background(
    job: Callable[[], Any],
    on_success: Callable[[Any], None],
    on_failure: Callable[[BaseException], None],
    pool: QThreadPool | None = None,
    *,
    owner: QObject | None = None,
) -> Worker:
    """Run ``job`` on the pool; then ``on_success(value)`` or ``on_failure(error)`` on the GUI
    thread, unless ``owner`` is gone by then (default: the object ``on_success`` is a method
    of, if it is a QObject). The worker is kept referenced until it has finished."""
    return _start(job, on_success, on_failure, None, pool, owner)


def run_with_progress(
    job: Callable[[Callable[[Any], None]], Any],
    on_progress: Callable[[Any], None],
    on_success: Callable[[Any], None],
    on_failure: Callable[[BaseException], None],
    pool: QThreadPool | None = None,
    *,
    owner: QObject | None = None,
) -> Worker:
    """``run_in_background`` for a job that reports: it is called with ``report``; each value
    it reports reaches ``on_progress`` on the GUI thread, before the outcome does."""
    return _start(job, on_success, on_failure, on_progress, pool, owner)


def _start(
    job: Callable[[], Any] | Callable[[Callable[[Any], None]], Any],
    on_success: Callable[[Any], None],
    on_failure: Callable[[BaseException], None],
    on_progress: Callable[[Any], None] | None,
    pool: QThreadPool | None,
    owner: QObject | None,
) -> Worker:
    owner = owner if owner is not None else _owner_of(on_success)
    if owner is not None and not shiboken6.isValid(owner):
        raise RuntimeError("the owner of this background job is already deleted")
    collect_on_gui_thread()  # before the first worker runs: no collection on a worker
    worker = Worker(job, reports=on_progress is not None)
    delivery = _Delivery(owner, on_success, on_failure, on_progress)
    signals = worker.signals
    assert signals is not None
    key = id(worker)
    connections: list[QMetaObject.Connection] = []

    def release() -> None:
        # Once finished, the worker drops its connections: a slot that holds the worker makes a
        # cycle through Qt (worker → signals → slot → worker) that Python's collector cannot
        # see, and every worker, with all its job held, would otherwise stay in memory for good.
        # Each connection is dropped by its handle: disconnecting a signal whose receiver is
        # already gone (a closed window) must not fail.
        ran = _running.pop(key, None)
        for connection in connections:
            QObject.disconnect(connection)
        connections.clear()
        if shiboken6.isValid(delivery):
            delivery.release()
        # The signals object goes here, on the GUI thread it lives in (the worker itself may
        # already be deleted on the pool's thread): it has emitted its last signal.
        if ran is not None:
            ran.signals = None
        if shiboken6.isValid(signals):
            signals.deleteLater()

    connections.append(signals.progressed.connect(delivery.progressed))
    connections.append(signals.returned.connect(delivery.returned))
    connections.append(signals.errored.connect(delivery.errored))
    connections.append(signals.finished.connect(release))
    _running[key] = worker
    (pool or QThreadPool.globalInstance()).start(worker)
    return worker
