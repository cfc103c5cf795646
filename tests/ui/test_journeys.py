"""The Journeys tab: a shipped scenario opened, edited, saved and run against the embedded
sandbox with a live timeline; bulk sample carts with progress; bad steps explained."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from app.domain import jsonfmt
from app.domain.sandbox_marks import SandboxMode
from app.scenarios import load_scenario
from app.ui.asking import documents_folder
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
    assert journeys.run_status.text() == "Finished: 10 of 10 steps done."
    assert journeys.timeline.rowCount() == 10  # a row a step, in the order they ran
    # Step 3, the abandon: its status, what the status means, in columns of their own.
    assert journeys.timeline_text(2, "Step") == "3. Bronto: abandon"
    assert journeys.timeline_text(2, "Status") == "✔ 204"
    assert journeys.timeline_text(2, "What it means") == (
        "Abandoned: the cart is ABANDONED, which starts “Cart Is Abandoned” workflows."
    )
    assert journeys.timeline_text(3, "Cart") == "status ABANDONED, phase SHOPPING"
    assert journeys.timeline_text(9, "Cart") == "status COMPLETE, phase ORDER_COMPLETE"
    assert journeys.timeline_text(1, "Status") == "✔ waited"
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
    # For power users, a step as JSON; a problem shows next to the form and stops a run.
    assert journeys.steps.currentRow() == 5  # the step just added, in its form
    editor = journeys.step_editor
    editor.json_button.setChecked(True)
    assert jsonfmt.loads(editor.json_text.toPlainText()) == {"do": "wait", "minutes": 5}
    editor.json_text.setPlainText('{"do": "wait", "minutes": -1}')
    assert editor.problem.isVisibleTo(editor)
    assert editor.problem.text() == "“minutes” must be a number of 0 or more."
    journeys.steps.setCurrentCell(0, 0)
    assert not journeys.run_scenario()
    assert journeys.run_status.text() == (
        "✖ the scenario, step 6: “minutes” must be a number of 0 or more."
    )
    assert journeys.steps.currentRow() == 5  # the step the problem names, shown
    editor.json_text.setPlainText("{minutes: 5")
    assert editor.problem.text().startswith("Not JSON yet:")


def test_a_running_scenario_is_cancelled_between_steps(qtbot: QtBot, window: MainWindow) -> None:
    journeys = window.journeys
    open_sample(window, "Drip: cart abandoned after an update")
    journeys.speed.setValue(1)  # the 5-minute wait really waits
    assert journeys.run_scenario()

    # The wait counts down in its row and above the timeline.
    qtbot.waitUntil(
        lambda: journeys.timeline_text(1, "Status").startswith("… 4 min"), timeout=10_000
    )
    first = journeys.timeline_text(1, "Status")
    assert journeys.run_status.text().startswith("Step 2: waiting, 4 min")
    qtbot.waitUntil(lambda: journeys.timeline_text(1, "Status") != first, timeout=3_000)
    journeys.cancel_scenario()
    qtbot.waitUntil(lambda: journeys.run_button.isEnabled(), timeout=5_000)
    assert journeys.run_status.text() == "Stopped: 1 of 5 steps done."
    assert journeys.timeline_text(1, "Status") == "■"
    assert journeys.timeline_text(2, "Status") == "not yet"
    history = window.session.history
    assert history is not None and len(history.query()) == 1


def test_bulk_from_the_window(qtbot: QtBot, window: MainWindow) -> None:
    journeys = window.journeys
    journeys.bulk_count.setValue(25)
    assert journeys.run_bulk()
    qtbot.waitUntil(lambda: journeys.bulk_button.isEnabled(), timeout=30_000)
    assert journeys.bulk_progress.value() == 25
    assert journeys.bulk_status.text().startswith("25 carts: 25 accepted, 0 failed, 1 request in ")


def test_the_bulk_line_reads_as_a_sentence_and_its_labels_lead_to_their_boxes(
    qtbot: QtBot, window: MainWindow
) -> None:
    journeys = window.journeys
    window.show()
    window.activateWindow()
    window.show_page(journeys.bulk_panel)
    qtbot.waitExposed(window)
    # Carts [100] to [Drip (batches of 1,000)] [Send] [Cancel], on one line, left to right.
    line = [journeys.bulk_count, journeys.bulk_provider, journeys.bulk_button, journeys.bulk_cancel]
    lefts = [w.mapTo(journeys.bulk_panel, w.rect().topLeft()).x() for w in line]
    tops = {w.mapTo(journeys.bulk_panel, w.rect().center()).y() for w in line}
    assert lefts == sorted(lefts) and max(tops) - min(tops) <= 2
    # The provider's box is as wide as its longest choice, not the whole page.
    assert journeys.bulk_provider.width() < journeys.bulk_panel.width() // 2
    longest = max(
        journeys.bulk_provider.fontMetrics().horizontalAdvance(journeys.bulk_provider.itemText(i))
        for i in range(journeys.bulk_provider.count())
    )
    assert journeys.bulk_provider.width() > longest
    for keys, box in (("Alt+T", journeys.bulk_provider), ("Alt+A", journeys.bulk_count)):
        qtbot.keyClick(window, keys[-1], Qt.KeyboardModifier.AltModifier)
        qtbot.waitUntil(box.hasFocus, timeout=5_000)
    assert journeys.bulk_count.accessibleName() == "Carts to send"


def test_open_starts_in_the_scenarios_folder_or_the_documents_folder(
    qtbot: QtBot, window: MainWindow, tmp_path: Path
) -> None:
    journeys = window.journeys
    assert journeys.start_folder() == str(documents_folder())  # before: the working folder
    open_sample(window, "Bronto: abandon and recover")  # a shipped one: a copy, not its file
    assert journeys.start_folder() == str(documents_folder())
    mine = tmp_path / "mine.scenario.json"
    mine.write_text('{"name": "mine", "steps": [{"do": "note", "text": "hi"}]}')
    assert journeys.open_path(mine)
    assert journeys.start_folder() == str(tmp_path)


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
    assert journeys.run_status.text() == "Finished: 1 of 1 steps done."
    saved = tmp_path / "saved.scenario.json"
    assert journeys.save(saved)
    assert load_scenario(saved).sandbox_mode == SandboxMode(explain=True)
    # Strict checks from the menu replace the scenario's mode: no explanation, Drip's 202.
    window.strict_action.trigger()
    assert journeys.sandbox_mode == SandboxMode(strict=True)
    assert journeys.run_scenario()
    qtbot.waitUntil(lambda: journeys.run_button.isEnabled(), timeout=15_000)
    said = journeys.timeline_text(0, "What it means")
    assert said.startswith("expected 422, got 202"), said
    assert journeys.timeline_text(0, "Status") == "✖ 202"


def _saved(journeys: object, tmp_path: Path, name: str = "saved.scenario.json") -> dict:
    path = tmp_path / name
    assert journeys.save(path)  # type: ignore[attr-defined]
    data = jsonfmt.loads(path.read_bytes())
    assert isinstance(data, dict)
    return data


def test_every_shipped_scenario_round_trips_through_the_step_forms(
    qtbot: QtBot, window: MainWindow, tmp_path: Path
) -> None:
    from app.paths import resources_dir

    journeys = window.journeys
    for path in sorted((resources_dir() / "scenarios").glob("*.scenario.json")):
        assert journeys.open_path(path)
        original = jsonfmt.loads(path.read_bytes())
        for row in range(journeys.steps.rowCount()):  # each step shown in its form
            journeys.steps.setCurrentCell(row, 0)
            assert journeys.step_editor.isEnabled()
            assert not journeys.step_editor.problem.isVisibleTo(journeys.step_editor)
        saved = _saved(journeys, tmp_path, path.name)
        assert saved == original, path.name
        # The same keys in the same order: a file a person wrote stays as they wrote it.
        assert [list(step) for step in saved["steps"]] == [
            list(step) for step in original["steps"]
        ], path.name


def test_the_step_forms_write_the_scenario_a_marketer_means(
    qtbot: QtBot, window: MainWindow, tmp_path: Path
) -> None:
    journeys = window.journeys
    editor = journeys.step_editor
    open_sample(window, "Bronto: abandon and recover")
    # Step 1 in its form: the cart, a new id, the status it expects.
    journeys.steps.setCurrentCell(0, 0)
    assert editor.pages.currentIndex() == 0
    assert editor.send_cart.currentText() == "bronto-example.cart.json"
    assert editor.send_new_id.isChecked() and editor.send_expect.value() == 201
    assert editor.send_event.currentIndex() == -1  # "as it is"
    editor.send_expect.setValue(202)
    # Step 7: Bronto's Update, with the phase it moves the cart to.
    journeys.steps.setCurrentCell(6, 0)
    assert editor.action_choice.currentData() == "update"
    table = editor.action_set.table
    assert (table.item(0, 0).text(), table.item(0, 1).text()) == ("phase", "PAYMENT")
    editor.action_set.add_row()
    table.item(1, 0).setText("grandTotal")
    table.item(1, 1).setText("4.27")
    assert journeys.steps.item(6, 1).text().endswith("grandTotal = 4.27")
    # Step 2: a wait, in minutes.
    journeys.steps.setCurrentCell(1, 0)
    assert editor.wait_minutes.value() == 10
    editor.wait_minutes.setValue(2.5)
    assert journeys.steps.item(1, 1).text() == "wait 150 s"
    # New steps from the Add menu: a note, and a Bronto action (its first action to begin).
    journeys.add_step("note")
    qtbot.keyClicks(editor.note_text, "The shopper opens the email.")  # typed, as a person does
    journeys.add_step("bronto")
    editor.action_choice.setCurrentIndex(editor.action_choice.findData("delete"))
    saved = _saved(journeys, tmp_path)["steps"]
    assert saved[0] == {
        "do": "send",
        "cart": "bronto-example.cart.json",
        "new_cart_id": True,
        "expect": 202,
    }
    assert saved[1] == {"do": "wait", "minutes": 2.5}
    assert saved[6] == {
        "do": "bronto",
        "action": "update",
        "set": {"phase": "PAYMENT", "grandTotal": Decimal("4.27")},  # exactly as typed
        "expect": 200,
    }
    assert saved[-2:] == [
        {"do": "note", "text": "The shopper opens the email."},
        {"do": "bronto", "action": "delete"},
    ]
    # Typed values: text stays text, numbers and true/false are JSON; "5" in quotes is text.
    from app.ui.step_editor import field_value, shown_value

    assert [field_value(t) for t in ("PAYMENT", "5", '"5"', "true", "a b")] == [
        "PAYMENT",
        5,
        "5",
        True,
        "a b",
    ]
    assert [shown_value(v) for v in ("PAYMENT", "5", 5, True)] == ["PAYMENT", '"5"', "5", "true"]
    # Steps move and go.
    journeys.steps.setCurrentCell(len(saved) - 1, 0)
    journeys.move_step(-1)
    journeys.remove_step()
    kinds = [step["do"] for step in _saved(journeys, tmp_path)["steps"]]
    assert kinds[-1] == "note" and len(kinds) == len(saved) - 1


def test_a_finished_run_exports_its_requests(
    qtbot: QtBot, window: MainWindow, tmp_path: Path
) -> None:
    journeys = window.journeys
    open_sample(window, "Mailchimp: abandoned cart")
    journeys.speed.setValue(100_000)
    assert not journeys.export_button.isEnabled()  # nothing run yet
    assert journeys.run_scenario()
    qtbot.waitUntil(lambda: journeys.run_button.isEnabled(), timeout=30_000)
    assert journeys.export_button.isEnabled()
    har = tmp_path / "run.har"
    with qtbot.waitSignal(journeys.exported, timeout=10_000) as done:
        assert journeys.export_run("har", har)
    sent = [step for step in journeys.last_run.scenario.steps if step.kind not in ("wait", "note")]  # type: ignore[union-attr]
    assert done.args == [len(sent), str(har)]
    entries = jsonfmt.loads(har.read_bytes())["log"]["entries"]
    methods = [entry["request"]["method"] for entry in entries]
    assert methods == ["POST", "PATCH", "GET", "DELETE", "GET"]
    assert [entry["response"]["status"] for entry in entries][-1] == 404
    lines = tmp_path / "run.jsonl"
    with qtbot.waitSignal(journeys.exported, timeout=10_000):
        assert journeys.export_run("jsonl", lines)
    assert len(lines.read_text().splitlines()) == len(sent)
    assert journeys.run_status.text() == f"Exported {len(sent)} requests to run.jsonl."
