"""The Qt adapter of the composer session: one signal per event, the debounce, the workers."""

from __future__ import annotations

from pytestqt.qtbot import QtBot

from app.service.session import EVENTS
from app.ui.controller import ComposerController
from app.ui.main_window import MainWindow


def test_every_event_of_the_session_is_a_signal_of_the_controller() -> None:
    signals = {
        name for name, value in vars(ComposerController).items() if type(value).__name__ == "Signal"
    }
    # "stale" and "fresh" drive the debounce timer instead.
    assert signals == set(EVENTS) - {"stale", "fresh"}


def test_edits_in_a_row_rebuild_the_preview_once(qtbot: QtBot, window: MainWindow) -> None:
    rebuilt: list[str] = []
    window.controller.preview_changed.connect(rebuilt.append)
    for letter in "abc":
        window.session.set_field("cart_id", f"cart-{letter}")
    assert rebuilt == []  # each edit restarted the pause
    qtbot.waitUntil(lambda: len(rebuilt) == 1, timeout=2000)
    assert '"cart_id": "cart-c"' in rebuilt[0]
    qtbot.wait(120)
    assert len(rebuilt) == 1


def test_a_send_runs_on_a_worker_and_answers_on_the_gui_thread(
    qtbot: QtBot, window: MainWindow
) -> None:
    import threading

    answered: list[bool] = []
    window.controller.send_finished.connect(
        lambda _: answered.append(threading.current_thread() is threading.main_thread())
    )
    assert window.session.send()
    assert window.session.sending  # not done in the call: it is on a worker
    qtbot.waitUntil(lambda: answered != [], timeout=10_000)
    assert answered == [True]
