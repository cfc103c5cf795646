"""Background jobs and their callbacks: a callback whose owner is gone is dropped, and nothing
fails when a job finishes after the window that started it was closed."""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QEvent, QObject
from PySide6.QtWidgets import QLabel
from pytestqt.qtbot import QtBot

from app.ui import workers
from app.ui.application import create_main_window
from app.ui.workers import run_in_background, run_with_progress


class Owner(QObject):
    def __init__(self) -> None:
        super().__init__()
        self.got: list[object] = []

    def returned(self, value: object) -> None:
        self.got.append(value)

    def failed(self, error: BaseException) -> None:
        self.got.append(error)


def _delete_now(obj: QObject) -> None:
    obj.deleteLater()
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)


def _job_after(gate: threading.Event, value: object) -> object:
    gate.wait(10)
    return value


def test_a_method_of_a_deleted_object_is_not_called_and_release_does_not_fail(
    qtbot: QtBot,
) -> None:
    owner, gate = Owner(), threading.Event()
    run_in_background(lambda: _job_after(gate, 1), owner.returned, owner.failed)
    _delete_now(owner)
    gate.set()
    # Disconnecting a signal whose receiver Qt already dropped raised SystemError here (a
    # RuntimeWarning turned error) from inside the "finished" slot.
    qtbot.waitUntil(lambda: not workers._running, timeout=5_000)
    qtbot.wait(20)


def test_a_lambda_is_dropped_with_the_owner_it_names(qtbot: QtBot) -> None:
    label, gate = QLabel(), threading.Event()
    calls: list[object] = []

    def show(value: object) -> None:
        calls.append(value)
        label.setText(str(value))  # a deleted label raises RuntimeError

    run_in_background(lambda: _job_after(gate, "late"), show, calls.append, owner=label)
    _delete_now(label)
    gate.set()
    qtbot.waitUntil(lambda: not workers._running, timeout=5_000)
    qtbot.wait(20)
    assert calls == []


def test_a_live_owner_hears_the_answer_and_the_error(qtbot: QtBot) -> None:
    owner = Owner()

    def boom() -> None:
        raise ValueError("no")

    run_in_background(lambda: 42, owner.returned, owner.failed)
    run_in_background(boom, owner.returned, owner.failed)
    qtbot.waitUntil(lambda: len(owner.got) == 2, timeout=5_000)
    assert 42 in owner.got
    assert any(isinstance(g, ValueError) for g in owner.got)


def test_the_controller_outliving_its_window_calls_nothing_on_it(
    qtbot: QtBot, tmp_path: Path, monkeypatch: object
) -> None:
    import pytest

    assert isinstance(monkeypatch, pytest.MonkeyPatch)
    monkeypatch.setenv("CART_COMPOSER_HOME", str(tmp_path))
    window = create_main_window()
    controller = window.controller
    _delete_now(window)
    # What a send's worker does when it finishes after the window closed ("MainWindow already
    # deleted" came from a lambda connected to these).
    controller.history_changed.emit(1)
    controller.dirty_changed.emit(True)
    controller.path_changed.emit(None)
    controller.raw_changed.emit()
    qtbot.wait(20)


def test_progress_arrives_in_order_on_the_gui_thread_before_the_answer(qtbot: QtBot) -> None:
    owner = Owner()
    seen: list[tuple[object, bool]] = []

    def counted(report: Callable[[object], None]) -> str:
        for n in range(5):
            report(n)
        return "done"

    def progressed(value: object) -> None:
        seen.append((value, threading.current_thread() is threading.main_thread()))
        owner.got.append(value)

    run_with_progress(counted, progressed, owner.returned, owner.failed, owner=owner)
    qtbot.waitUntil(lambda: "done" in owner.got, timeout=5_000)
    assert owner.got == [0, 1, 2, 3, 4, "done"]
    assert all(on_gui for _, on_gui in seen)


def test_progress_for_a_deleted_owner_is_dropped(qtbot: QtBot) -> None:
    label, gate = QLabel(), threading.Event()
    calls: list[object] = []

    def counted(report: Callable[[object], None]) -> str:
        report("before")
        gate.wait(10)
        report("after")  # the owner is gone by now
        return "done"

    def show(value: object) -> None:
        calls.append(value)
        label.setText(str(value))

    run_with_progress(counted, show, show, calls.append, owner=label)
    qtbot.waitUntil(lambda: calls == ["before"], timeout=5_000)
    _delete_now(label)
    gate.set()
    qtbot.waitUntil(lambda: not workers._running, timeout=5_000)
    qtbot.wait(20)
    assert calls == ["before"]


def test_garbage_is_collected_on_the_gui_thread_only(qtbot: QtBot) -> None:
    import gc

    owner = Owner()
    run_in_background(lambda: 1, owner.returned, owner.failed)
    assert not gc.isenabled()  # automatic collection is off once workers run
    threads: list[str] = []

    def note(phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            threads.append(threading.current_thread().name)

    gc.callbacks.append(note)
    try:
        done = threading.Event()

        def churn() -> None:  # a worker making cyclic garbage well past the thresholds
            for _ in range(20_000):
                cycle: list[object] = []
                cycle.append(cycle)
            done.set()

        run_in_background(churn, owner.returned, owner.failed)
        qtbot.waitUntil(done.is_set, timeout=10_000)
        qtbot.waitUntil(lambda: bool(threads), timeout=5_000)  # the timer's collection
    finally:
        gc.callbacks.remove(note)
    assert set(threads) == {threading.main_thread().name}
