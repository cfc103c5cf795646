"""The Journeys tab: a shipped scenario opened, edited, saved and run against the embedded
sandbox with a live timeline; bulk sample carts with progress; bad steps explained."""

from __future__ import annotations

from pathlib import Path

from pytestqt.qtbot import QtBot

from app.domain.sandbox_marks import SandboxMode
from app.scenarios import load_scenario
from app.ui.main_window import MainWindow


def open_sample(window: MainWindow, name: str) -> None:
    journeys = window.journeys
    index = next(i for i in range(journeys.samples.count()) if journeys.samples.itemText(i) == name)
    journeys._open_sample(index)


def test_a_shipped_scenario_runs_from_the_window(qtbot: QtBot, window: MainWindow) -> None:
    journeys = window.journeys
    open_sample(window, "Bronto: abandon and recover")
    assert journeys.steps.rowCount() == 10
    journeys.speed.setValue(100_000)
    assert journeys.run_scenario()
    assert not journeys.run_button.isEnabled() and journeys.stop_button.isEnabled()
    qtbot.waitUntil(lambda: journeys.run_button.isEnabled(), timeout=30_000)
    lines = [journeys.timeline.item(i).text() for i in range(journeys.timeline.count())]
    assert lines[-1] == "Finished: 10 of 10 steps done.", lines
    assert any("✔ 204 Bronto: abandon" in line for line in lines)
    assert any("cart status COMPLETE, phase ORDER_COMPLETE" in line for line in lines)
    history = window.session.history
    assert history is not None
    qtbot.waitUntil(lambda: window.history_view.model.rowCount() == 7, timeout=5_000)
    assert {e.source for e in history.query()} == {"scenario"}


def test_steps_are_edited_saved_and_checked(
    qtbot: QtBot, window: MainWindow, tmp_path: Path
) -> None:
    journeys = window.journeys
    open_sample(window, "Drip: cart abandoned after an update")
    journeys.add_step()
    saved = tmp_path / "mine.scenario.json"
    assert journeys.save(saved)
    again = load_scenario(saved)
    assert [s.kind for s in again.steps] == ["send", "wait", "send", "wait", "note", "wait"]
    assert again.steps[-1].values == {"minutes": 5}
    journeys.steps.item(5, 1).setText("{minutes: 5")
    assert not journeys.run_scenario()
    assert (
        journeys.timeline.item(journeys.timeline.count() - 1)
        .text()
        .startswith("✖ Step 6: the settings are not JSON")
    )


def test_a_running_scenario_is_cancelled_between_steps(qtbot: QtBot, window: MainWindow) -> None:
    journeys = window.journeys
    open_sample(window, "Drip: cart abandoned after an update")
    journeys.speed.setValue(1)  # the 5-minute wait really waits
    assert journeys.run_scenario()

    def waiting() -> bool:
        return any(
            "waiting" in journeys.timeline.item(i).text() for i in range(journeys.timeline.count())
        )

    qtbot.waitUntil(waiting, timeout=10_000)
    journeys.cancel_scenario()
    qtbot.waitUntil(lambda: journeys.run_button.isEnabled(), timeout=5_000)
    last = journeys.timeline.item(journeys.timeline.count() - 1).text()
    assert last == "Stopped: 1 of 5 steps done."
    history = window.session.history
    assert history is not None and len(history.query()) == 1


def test_bulk_from_the_window(qtbot: QtBot, window: MainWindow) -> None:
    journeys = window.journeys
    journeys.bulk_count.setValue(25)
    assert journeys.run_bulk()
    qtbot.waitUntil(lambda: journeys.bulk_button.isEnabled(), timeout=30_000)
    assert journeys.bulk_progress.value() == 25
    assert journeys.bulk_status.text().startswith("25 carts: 25 accepted, 0 failed, 1 request in ")


def test_the_sandbox_menu_applies_to_journeys_and_a_scenarios_own_mode_is_kept(
    qtbot: QtBot, window: MainWindow, tmp_path: Path
) -> None:
    journeys = window.journeys
    own = tmp_path / "own.scenario.json"
    own.write_text(
        '{"name": "bad email", "sandbox": "explain", "steps": ['
        '{"do": "send", "cart": "drip-example.cart.json", '
        '"set": {"email": "nope"}, "expect": 422}]}'
    )
    assert journeys.open_path(own)
    journeys.speed.setValue(100_000)
    assert journeys.run_scenario()  # the scenario asks for Explain mode itself
    qtbot.waitUntil(lambda: journeys.run_button.isEnabled(), timeout=15_000)
    assert journeys.timeline.item(journeys.timeline.count() - 1).text() == (
        "Finished: 1 of 1 steps done."
    )
    saved = tmp_path / "saved.scenario.json"
    assert journeys.save(saved)
    assert load_scenario(saved).sandbox_mode == SandboxMode(explain=True)
    # Strict checks from the menu replace the scenario's mode: no explanation, Drip's 202.
    window.strict_action.trigger()
    assert journeys.sandbox_mode == SandboxMode(strict=True)
    assert journeys.run_scenario()
    qtbot.waitUntil(lambda: journeys.run_button.isEnabled(), timeout=15_000)
    lines = [journeys.timeline.item(i).text() for i in range(journeys.timeline.count())]
    assert any("expected 422, got 202" in line for line in lines), lines
