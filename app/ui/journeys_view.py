"""The Journeys tab: a scenario's steps (edit, open, save), a run with a live timeline (pause,
resume, cancel, speed), and bulk sends of sample carts with progress. The work runs on worker
threads; what they report arrives here through queued signals."""

from __future__ import annotations

import contextlib
import re
from collections.abc import Callable
from html import escape
from pathlib import Path
from typing import Any

from PySide6.QtCore import QSignalBlocker, Qt, QTimer, Signal
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDoubleSpinBox,
    QFileDialog,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMenu,
    QProgressBar,
    QPushButton,
    QSpinBox,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.domain import jsonfmt
from app.domain.errors import CartComposerError
from app.domain.sandbox_marks import REAL, SandboxMode
from app.history import HistoryStore
from app.paths import resources_dir
from app.profiles import ProfileStore
from app.providers import providers
from app.scenarios import Scenario, ScenarioError, ScenarioRunner, StepEvent, load_scenario
from app.scenarios.model import SUFFIX, Step, parse_scenario, step_kinds
from app.service.bulk import BulkProgress, BulkRun, sample_carts
from app.service.sender import Overrides, Sender
from app.ui.focus import switch
from app.ui.step_editor import StepEditor
from app.ui.theme import set_tone
from app.ui.theme import tone as theme_tone
from app.ui.widgets import rows_follow_font
from app.ui.workers import run_with_progress

__all__ = ["JourneysView"]

_MARK = {"done": "✔", "failed": "✖", "cancelled": "■", "waiting": "…", "started": "…"}


# What each kind of step is called where it is added and listed.
_KIND_TITLES = {"send": "Send the cart", "wait": "Wait", "note": "Note"}
_TIMELINE = ("Time", "Step", "Status", "What it means", "Cart")


class JourneysView(QWidget):
    history_written = Signal()  # a step or a bulk request added rows to the history
    exported = Signal(int, str)  # a run's export: how many requests, to which file

    def __init__(
        self,
        sender: Sender,
        profiles: ProfileStore,
        history: HistoryStore | None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("journeysView")
        self.cart_sender = sender
        self.profiles = profiles
        self.history = history
        self.path: Path | None = None
        # What the scenario says besides its steps, kept through editing and saving.
        self._folder: Path | None = None
        self._title = "Scenario"
        self._description = ""
        self._sandbox: SandboxMode | None = None  # the scenario's own sandbox mode
        self._copy_of: str | None = None  # the shipped scenario an untitled copy came from
        # The window's sandbox mode (Sandbox menu); REAL leaves the scenario's own.
        self.sandbox_mode: SandboxMode = REAL
        self.runner: ScenarioRunner | None = None
        self.bulk_run: BulkRun | None = None
        self._steps: list[tuple[str, dict[str, Any]]] = []  # (kind, values) as edited
        self.last_run: ScenarioRunner | None = None  # the finished run an export writes
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        # The steps and the chosen one's form; beside them the run and its timeline.
        split = QSplitter(Qt.Orientation.Horizontal)
        split.setObjectName("journeysSplitter")
        split.addWidget(self._scenario_box())
        split.addWidget(self._run_box())
        split.setStretchFactor(0, 2)
        split.setStretchFactor(1, 3)
        split.setSizes([420, 600])
        layout.addWidget(split)
        # The bulk sender is a tab of its own (see ``bulk_panel``): side by side, the two would
        # make the window wider than a 1280-pixel screen.
        self.bulk_panel = self._bulk_box()

    # --- building ----------------------------------------------------------------------------

    def _scenario_box(self) -> QGroupBox:
        box = QGroupBox("Scenario")
        column = QVBoxLayout(box)
        row = QHBoxLayout()
        self.samples = QComboBox()
        self.samples.setObjectName("scenarioSamples")
        self.samples.addItem("Open a shipped scenario…", None)
        for path in sorted((resources_dir() / "scenarios").glob(f"*{SUFFIX}")):
            self.samples.addItem(load_scenario(path).name, str(path))
        self.samples.activated.connect(self._open_sample)
        # Sized to a short name, not the longest shipped one: the tab must fit a narrow window.
        self.samples.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self.samples.setMinimumContentsLength(16)
        row.addWidget(self.samples, 1)
        for text, name, slot in (
            ("Open…", "scenarioOpen", self.open_dialog),
            ("Save As…", "scenarioSave", self.save_dialog),
        ):
            button = QPushButton(text)
            button.setObjectName(name)
            button.clicked.connect(slot)
            row.addWidget(button)
        column.addLayout(row)
        self.name = QLabel("<i>No scenario yet: open one, or add steps.</i>")
        self.name.setObjectName("scenarioName")
        self.name.setWordWrap(True)
        column.addWidget(self.name)
        # The steps, one line each in words; the chosen one's form below.
        self.steps = QTableWidget(0, 2)
        self.steps.setObjectName("scenarioSteps")
        self.steps.setTabKeyNavigation(False)  # Tab leaves the table; arrows move in it
        self.steps.setHorizontalHeaderLabels(["Step", "What it does"])
        self.steps.horizontalHeader().setSectionResizeMode(
            0, QHeaderView.ResizeMode.ResizeToContents
        )
        self.steps.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.steps.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.steps.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.steps.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.steps.setWordWrap(False)
        self.steps.verticalHeader().hide()  # the Step column numbers them
        rows_follow_font(self.steps, 8)
        self.steps.setMinimumHeight(60)
        column.addWidget(self.steps, 3)
        edit = QHBoxLayout()
        self.add_button = QPushButton("Add step")
        self.add_button.setObjectName("stepAdd")
        adding = QMenu(self.add_button)
        for kind in step_kinds():
            adding.addAction(_KIND_TITLES.get(kind) or f"{providers()[kind].title} cart action")
            adding.actions()[-1].triggered.connect(lambda _=False, k=kind: self.add_step(k))
        self.add_button.setMenu(adding)
        edit.addWidget(self.add_button)
        for text, name, slot, tip in (
            ("Remove", "stepRemove", self.remove_step, "Remove the chosen step"),
            ("↑", "stepUp", lambda: self.move_step(-1), "Move the chosen step up"),
            ("↓", "stepDown", lambda: self.move_step(+1), "Move the chosen step down"),
        ):
            button = QPushButton(text)
            button.setObjectName(name)
            button.setToolTip(tip)
            button.setAccessibleName(tip)
            button.clicked.connect(slot)
            if len(text) == 1:  # an arrow: as narrow as it reads
                button.setFixedWidth(button.fontMetrics().horizontalAdvance("↑") + 28)
            edit.addWidget(button)
        edit.addStretch(1)
        column.addLayout(edit)
        self.step_editor = StepEditor(lambda: [p.name for p in self.profiles.all()])
        self.step_editor.clear()
        self.step_editor.changed.connect(self._on_step_edited)
        column.addWidget(self.step_editor, 4)
        self.steps.currentCellChanged.connect(lambda row, *_: self._show_step(row))
        return box

    def _run_box(self) -> QGroupBox:
        box = QGroupBox("Run")
        column = QVBoxLayout(box)
        edit = QHBoxLayout()
        edit.addWidget(QLabel("Speed x"))
        self.speed = QDoubleSpinBox()
        self.speed.setObjectName("scenarioSpeed")
        self.speed.setRange(1, 100_000)
        self.speed.setDecimals(1)
        self.speed.setValue(60)
        self.speed.setToolTip("Waits are divided by this: 60 makes a minute a second")
        edit.addWidget(self.speed)
        self.run_button = QPushButton("Run")
        self.run_button.setObjectName("scenarioRun")
        self.run_button.clicked.connect(self.run_scenario)
        self.pause_button = QPushButton("Pause")
        self.pause_button.setObjectName("scenarioPause")
        self.pause_button.setCheckable(True)
        self.pause_button.toggled.connect(self._pause)
        self.stop_button = QPushButton("Cancel")
        self.stop_button.setObjectName("scenarioCancel")
        self.stop_button.clicked.connect(self.cancel_scenario)
        self.export_button = QPushButton("Export run")
        self.export_button.setObjectName("scenarioExport")
        self.export_button.setToolTip("The run's requests and answers, as HAR 1.2 or JSON lines")
        exporting = QMenu(self.export_button)
        self.export_actions = {"har": exporting.addAction("HAR 1.2…")}
        self.export_actions["jsonl"] = exporting.addAction("JSON lines…")
        for kind, act in self.export_actions.items():
            act.triggered.connect(lambda _=False, k=kind: self.export_dialog(k))
        self.export_button.setMenu(exporting)
        self.export_button.setEnabled(False)
        edit.addStretch(1)
        for button in (self.run_button, self.pause_button, self.stop_button, self.export_button):
            edit.addWidget(button)
        column.addLayout(edit)
        self.run_status = QLabel("Run the scenario to see each step's answer here.")
        self.run_status.setObjectName("scenarioRunStatus")
        self.run_status.setWordWrap(True)
        column.addWidget(self.run_status)
        self.timeline = QTableWidget(0, len(_TIMELINE))
        self.timeline.setObjectName("scenarioTimeline")
        self.timeline.setHorizontalHeaderLabels(list(_TIMELINE))
        header = self.timeline.horizontalHeader()
        for number, mode in enumerate(
            (
                QHeaderView.ResizeMode.ResizeToContents,
                QHeaderView.ResizeMode.Interactive,
                QHeaderView.ResizeMode.ResizeToContents,
                QHeaderView.ResizeMode.Stretch,
                QHeaderView.ResizeMode.Interactive,
            )
        ):
            header.setSectionResizeMode(number, mode)
        # What it means takes the room left; the step and the cart wrap in theirs.
        self.timeline.setColumnWidth(1, 160)
        self.timeline.setColumnWidth(4, 130)
        self.timeline.verticalHeader().hide()
        self.timeline.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.timeline.setTabKeyNavigation(False)
        # Long words wrap in their cell and the row grows: nothing is cut off.
        self.timeline.setWordWrap(True)
        self.timeline.setTextElideMode(Qt.TextElideMode.ElideNone)  # an id wraps, not "…"
        self.timeline.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.timeline.setMinimumHeight(60)
        column.addWidget(self.timeline, 1)
        self._countdown = QTimer(self)
        self._countdown.setInterval(100)
        self._countdown.timeout.connect(self._tick)
        self._waiting: tuple[int, float] | None = None  # (row, monotonic end) of a wait
        self._set_running(False)
        return box

    def _bulk_box(self) -> QGroupBox:
        box = QGroupBox("Bulk: many sample carts")
        column = QVBoxLayout(box)
        row = QHBoxLayout()
        self.bulk_count = QSpinBox()
        self.bulk_count.setObjectName("bulkCount")
        self.bulk_count.setRange(1, 100_000)
        self.bulk_count.setValue(100)
        self.bulk_count.setGroupSeparatorShown(True)
        self.bulk_provider = QComboBox()
        self.bulk_provider.setObjectName("bulkProvider")
        for provider in providers().values():
            if not provider.has_emulator:
                continue
            how = f"batches of {provider.batch_size:,}" if provider.batch_size else "one by one"
            self.bulk_provider.addItem(f"{provider.title} ({how})", provider.key)
        # One line that reads as a sentence, "Carts [100] to [Drip …] [Send] [Cancel]", the
        # combo box as wide as its longest choice; each label leads to its box (Alt+A, Alt+T).
        carts = QLabel("C&arts")
        carts.setBuddy(self.bulk_count)
        to = QLabel("&to")
        to.setBuddy(self.bulk_provider)
        self.bulk_provider.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        row.addWidget(carts)
        row.addWidget(self.bulk_count)
        row.addWidget(to)
        row.addWidget(self.bulk_provider)
        self.bulk_button = QPushButton("Send")
        self.bulk_button.setObjectName("bulkSend")
        self.bulk_button.clicked.connect(self.run_bulk)
        self.bulk_cancel = QPushButton("Cancel")
        self.bulk_cancel.setObjectName("bulkCancel")
        self.bulk_cancel.setEnabled(False)
        self.bulk_cancel.clicked.connect(self.cancel_bulk)
        row.addWidget(self.bulk_button)
        row.addWidget(self.bulk_cancel)
        row.addStretch(1)
        column.addLayout(row)
        self.bulk_progress = QProgressBar()
        self.bulk_progress.setObjectName("bulkProgress")
        column.addWidget(self.bulk_progress)
        self.bulk_status = QLabel(
            "Sample carts from the catalog, each with its own cart id and "
            "shopper email, to the provider's sandbox profile."
        )
        self.bulk_status.setObjectName("bulkStatus")
        self.bulk_status.setWordWrap(True)
        self.bulk_status.setAlignment(Qt.AlignmentFlag.AlignTop)
        column.addWidget(self.bulk_status, 1)
        return box

    # --- the scenario: steps in the table ----------------------------------------------------

    def show_scenario(self, scenario: Scenario) -> None:
        # The file's words, shown as text (escaped: a name is not markup).
        set_tone(self.name, None)
        self.name.setText(
            f"<b>{escape(scenario.name)}</b><br><small>{escape(scenario.description)}</small>"
        )
        self._folder = scenario.folder
        self._title = scenario.name
        self._description = scenario.description
        self._sandbox = scenario.sandbox_mode
        self._steps = [(step.kind, dict(step.values)) for step in scenario.steps]
        self._fill_steps(select=0)
        self.timeline.setRowCount(0)
        self.run_status.setText("Run the scenario to see each step's answer here.")
        set_tone(self.run_status, None)
        self.last_run = None
        self.export_button.setEnabled(False)

    def _fill_steps(self, select: int | None = None) -> None:
        with QSignalBlocker(self.steps):
            self.steps.setRowCount(0)
            for number, (kind, values) in enumerate(self._steps):
                self.steps.insertRow(number)
                self._fill_step_row(number, kind, values)
        if select is not None and self._steps:
            self.steps.setCurrentCell(min(select, len(self._steps) - 1), 0)
            self._show_step(self.steps.currentRow())
        elif not self._steps:
            self.step_editor.clear()

    def _fill_step_row(self, row: int, kind: str, values: dict[str, Any]) -> None:
        title = _KIND_TITLES.get(kind) or (
            f"{providers()[kind].title} action" if kind in providers() else kind
        )
        said = Step(kind, values).describe() if kind in step_kinds() else kind
        for column, text in enumerate((f"{row + 1}. {title}", said)):
            item = QTableWidgetItem(text)
            item.setToolTip(text)
            self.steps.setItem(row, column, item)

    def _show_step(self, row: int) -> None:
        if 0 <= row < len(self._steps):
            kind, values = self._steps[row]
            self.step_editor.show_step(row + 1, kind, values)
        else:
            self.step_editor.clear()

    def _on_step_edited(self) -> None:
        row = self.steps.currentRow()
        if 0 <= row < len(self._steps):
            kind, values = self.step_editor.step()
            self._steps[row] = (kind, values)
            # A step still being typed may not read yet: its problem shows in the form.
            with contextlib.suppress(CartComposerError, KeyError, TypeError, ValueError):
                self._fill_step_row(row, kind, values)

    def add_step(self, kind: str = "wait") -> None:
        """A new step at the end, with what its kind needs to run, and its form shown."""
        values: dict[str, Any]
        if kind == "wait":
            values = {"minutes": 5}
        elif kind == "note":
            values = {"text": ""}
        elif kind == "send":
            values = {} if self._steps else {"cart": f"{next(iter(providers()))}-example.cart.json"}
        else:
            values = {"action": providers()[kind].actions[0].key}
        self._steps.append((kind, values))
        self._fill_steps(select=len(self._steps) - 1)
        self.step_editor.focus_first()

    def remove_step(self) -> None:
        row = self.steps.currentRow()
        if 0 <= row < len(self._steps):
            del self._steps[row]
            self._fill_steps(select=max(row - 1, 0))

    def move_step(self, by: int) -> None:
        row = self.steps.currentRow()
        to = row + by
        if 0 <= row < len(self._steps) and 0 <= to < len(self._steps):
            self._steps[row], self._steps[to] = self._steps[to], self._steps[row]
            self._fill_steps(select=to)

    def scenario(self) -> Scenario:
        """The steps as edited; ``ScenarioError`` names the step that is wrong."""
        data: dict[str, Any] = {
            "name": self._title,
            "description": self._description,
            "steps": [{"do": kind, **values} for kind, values in self._steps],
        }
        if self._sandbox is not None:
            data["sandbox"] = self._sandbox.label
        return parse_scenario(data, self._folder, "the scenario")

    def open_path(self, path: Path) -> bool:
        """Open a scenario; a shipped one opens as an untitled copy (Save As never writes over
        the app's own file)."""
        from app.paths import is_bundled

        try:
            self.show_scenario(load_scenario(path))
        except ScenarioError as exc:
            self._say_problem(str(exc))
            return False
        # The name of the shipped scenario this untitled one is a copy of, if it is one.
        self._copy_of = path.name if is_bundled(path) else None
        self.path = None if self._copy_of else path
        return True

    def _say_problem(self, text: str) -> None:
        set_tone(self.name, "error")
        self.name.setText(escape(text))

    def suggested_save_path(self) -> str:
        from app.ui.asking import documents_folder

        name = self._copy_of or f"journey{SUFFIX}"
        return str(self.path or documents_folder() / name)

    def _open_sample(self, index: int) -> None:
        value = self.samples.itemData(index)
        if value:
            self.open_path(Path(str(value)))
        self.samples.setCurrentIndex(0)

    def start_folder(self) -> str:
        """Where Open begins (``asking.start_folder`` of the scenario's file)."""
        from app.ui.asking import start_folder

        return start_folder(self.path)

    def open_dialog(self) -> None:
        name, _ = QFileDialog.getOpenFileName(
            self, "Open a scenario", self.start_folder(), f"Scenarios (*{SUFFIX});;All files (*)"
        )
        if name:
            self.open_path(Path(name))

    def save(self, path: Path) -> bool:
        try:
            scenario = self.scenario()
        except ScenarioError as exc:
            self._say_problem(str(exc))
            return False
        data: dict[str, Any] = {"name": scenario.name, "description": scenario.description}
        if scenario.sandbox_mode is not None:
            data["sandbox"] = scenario.sandbox_mode.label
        data["steps"] = [{"do": s.kind, **s.values} for s in scenario.steps]
        try:
            path.write_text(jsonfmt.dumps(data) + "\n", encoding="utf-8")
        except OSError as exc:
            self._say_problem(f"Cannot save {path}: {exc.strerror}.")
            return False
        self.path = path
        return True

    def save_dialog(self) -> None:
        suggested = self.suggested_save_path()
        name, _ = QFileDialog.getSaveFileName(
            self, "Save the scenario", suggested, f"Scenarios (*{SUFFIX})"
        )
        if name:
            path = Path(name)
            self.save(path if path.name.endswith(".json") else path.with_name(path.name + SUFFIX))

    # --- running a scenario ------------------------------------------------------------------

    def _set_running(self, running: bool) -> None:
        if running:
            self.pause_button.setEnabled(True)
            switch(self.stop_button, self.run_button)
        else:
            switch(self.run_button, self.stop_button)
            if self.pause_button.hasFocus():
                self.run_button.setFocus()
            self.pause_button.setEnabled(False)
            self.pause_button.setChecked(False)

    def run_scenario(self) -> bool:
        if self.runner is not None:
            return False
        try:
            scenario = self.scenario()
        except ScenarioError as exc:
            self._say_run(f"✖ {exc}", "error")
            self._select_step_named_in(str(exc))
            return False
        self.timeline.setRowCount(0)
        for step in scenario.steps:  # every step's row at once, filled in as it runs
            self._timeline_row(step, "", "not yet", "")
        self._say_run(
            f"{scenario.name}: {len(scenario.steps)} steps at x{self.speed.value():g}…", None
        )
        self.last_run = None
        self.export_button.setEnabled(False)
        chosen = None if self.sandbox_mode == REAL else Overrides(sandbox_mode=self.sandbox_mode)
        runner = self.runner = ScenarioRunner(
            scenario,
            self.cart_sender,
            self.profiles,
            self.history,
            speed=self.speed.value(),
            overrides=chosen,
        )

        def job(report: Callable[[object], None]) -> bool:
            runner.on_event = report  # each step's event, to the GUI thread
            return runner.run()

        self._set_running(True)
        run_with_progress(job, self._on_step, self._scenario_done, self._scenario_failed)
        return True

    def _say_run(self, text: str, tone: str | None) -> None:
        self.run_status.setText(text)
        set_tone(self.run_status, tone)

    def _select_step_named_in(self, message: str) -> None:
        """Show the step a problem names ("…, step 6: …") in its form."""
        found = re.search(r"step (\d+)", message)
        if found and 0 < int(found.group(1)) <= len(self._steps):
            self.steps.setCurrentCell(int(found.group(1)) - 1, 0)

    def _timeline_row(self, step: Step, at: str, status: str, meaning: str) -> None:
        row = self.timeline.rowCount()
        self.timeline.insertRow(row)
        what = step.describe()
        for column, text in enumerate((at, f"{row + 1}. {what}", status, meaning, "")):
            item = QTableWidgetItem(text)
            item.setToolTip(text)
            self.timeline.setItem(row, column, item)

    def timeline_text(self, row: int, column: str) -> str:
        """A cell of the timeline by its column's name (Time, Step, Status, …)."""
        item = self.timeline.item(row, _TIMELINE.index(column))
        return item.text() if item is not None else ""

    def _set_cell(self, row: int, column: str, text: str, tone: str | None = None) -> None:
        item = self.timeline.item(row, _TIMELINE.index(column))
        if item is None:
            return
        item.setText(text)
        item.setToolTip(text)
        if tone is not None:
            item.setForeground(QBrush(QColor(theme_tone(tone))))

    def _on_step(self, event: object) -> None:
        assert isinstance(event, StepEvent)
        row = event.index
        if row >= self.timeline.rowCount():
            return
        if event.status is not None:
            self.history_written.emit()
        if event.state == "started":
            self._set_cell(row, "Time", f"{event.at:.2f} s")
            self._set_cell(row, "Status", "…", "info")
            first = self.timeline.item(row, 0)
            if first is not None:
                self.timeline.scrollToItem(first)
            return
        self._set_cell(row, "Time", f"{event.at:.2f} s")
        if event.state == "waiting":
            import time

            self._waiting = (row, time.monotonic() + event.wait_seconds)
            self._tick()
            self._countdown.start()
            return
        if self._waiting is not None and self._waiting[0] == row:
            self._waiting = None
            self._countdown.stop()
        tone = {"done": "ok", "failed": "error", "cancelled": "muted"}.get(event.state)
        code = f" {event.status}" if event.status is not None else ""
        self._set_cell(row, "Status", f"{_MARK[event.state]}{code}", tone)
        if event.step.kind == "wait" and event.state == "done":
            self._set_cell(row, "Status", "✔ waited", tone)
        meaning = event.meaning or event.message
        if event.step.kind in ("note", "wait") and event.state == "done":
            meaning = ""
        self._set_cell(row, "What it means", meaning)
        self._set_cell(row, "Cart", event.cart)

    def _tick(self) -> None:
        """A wait's countdown, in its Status cell and above the timeline."""
        import time

        if self._waiting is None:
            self._countdown.stop()
            return
        row, end = self._waiting
        left = max(end - time.monotonic(), 0.0)
        shown = f"{left:.1f} s" if left < 60 else f"{int(left // 60)} min {int(left % 60):02d} s"
        self._set_cell(row, "Status", f"… {shown} left", "info")
        self._say_run(f"Step {row + 1}: waiting, {shown} to go.", None)

    def _scenario_done(self, ok: object) -> None:
        runner, self.runner = self.runner, None
        self._set_running(False)
        self._waiting = None
        self._countdown.stop()
        done = sum(1 for e in runner.events if e.state == "done") if runner else 0
        total = len(runner.scenario.steps) if runner else 0
        self._say_run(
            f"{'Finished' if ok else 'Stopped'}: {done} of {total} steps done.",
            "ok" if ok else "warn",
        )
        self.last_run = runner
        self.export_button.setEnabled(bool(runner and runner.history_ids and self.history))

    def _scenario_failed(self, error: BaseException) -> None:
        self.runner = None
        self._set_running(False)
        self._waiting = None
        self._countdown.stop()
        self._say_run(f"✖ {error}", "error")

    def _pause(self, on: bool) -> None:
        if self.runner is None:
            return
        if on:
            self.runner.pause()
            self._say_run("⏸ Paused after the current step.", None)
        else:
            self.runner.resume()
            self._say_run("▶ Resumed.", None)

    def cancel_scenario(self) -> None:
        if self.runner is not None:
            self.runner.cancel()

    # --- exporting a run ---------------------------------------------------------------------

    def export_dialog(self, kind: str) -> None:
        suffix = "har" if kind == "har" else "jsonl"
        from app.ui.asking import documents_folder

        suggested = str(documents_folder() / f"journey-run.{suffix}")
        name, _ = QFileDialog.getSaveFileName(self, "Export the run", suggested, f"*.{suffix}")
        if name:
            self.export_run(kind, Path(name))

    def export_run(self, kind: str, path: Path) -> bool:
        """The last run's requests and answers from the history, as HAR or JSON lines, on a
        worker; ``exported`` says how many when it is written."""
        from app.history.export import write_har, write_jsonl
        from app.ui.workers import run_in_background

        store, run = self.history, self.last_run
        if store is None or run is None or not run.history_ids:
            return False
        ids = list(run.history_ids)

        def job() -> int:
            entries = [e for e in (store.get(i) for i in ids) if e is not None]
            return write_har(entries, path) if kind == "har" else write_jsonl(entries, path)

        def done(count: object) -> None:
            self._say_run(f"Exported {count} requests to {path.name}.", "ok")
            self.exported.emit(int(str(count)), str(path))

        def failed(error: BaseException) -> None:
            self._say_run(f"Export failed: {error}", "error")
            self.exported.emit(0, "")

        run_in_background(job, done, failed)
        return True

    # --- bulk --------------------------------------------------------------------------------

    def run_bulk(self) -> bool:
        if self.bulk_run is not None:
            return False
        provider = str(self.bulk_provider.currentData())
        count = self.bulk_count.value()
        try:
            profile = self.profiles.get(f"sandbox-{provider}")
        except CartComposerError as exc:
            self.bulk_status.setText(str(exc))
            return False
        documents = sample_carts(provider, count)
        chosen = None if self.sandbox_mode == REAL else Overrides(sandbox_mode=self.sandbox_mode)
        run = self.bulk_run = BulkRun(
            self.cart_sender,
            profile,
            documents,
            overrides=chosen,
            history=self.history,
        )

        def job(report: Callable[[object], None]) -> BulkProgress:
            # A copy each time (the run goes on changing its own), without the ids.
            run.on_progress = lambda now: report(BulkProgress(**{**now.__dict__, "ids": []}))
            return run.run()

        self.bulk_progress.setRange(0, count)
        self.bulk_progress.setValue(0)
        switch(self.bulk_cancel, self.bulk_button)
        self.bulk_status.setText(f"Sending {count:,} sample {provider} carts to {profile.name}…")
        run_with_progress(job, self._on_bulk, self._bulk_done, self._bulk_failed)
        return True

    def cancel_bulk(self) -> None:
        if self.bulk_run is not None:
            self.bulk_run.cancel()

    def _on_bulk(self, progress: object) -> None:
        assert isinstance(progress, BulkProgress)
        self.bulk_progress.setValue(progress.sent)
        counts = f"{progress.accepted:,} accepted · {progress.failed:,} failed"
        self.bulk_status.setText(f"{progress.sent:,} of {progress.total:,} sent · {counts}")

    def _bulk_done(self, progress: object) -> None:
        assert isinstance(progress, BulkProgress)
        self.bulk_run = None
        switch(self.bulk_button, self.bulk_cancel)
        self.bulk_progress.setValue(progress.sent)
        self.bulk_status.setText(progress.summary())
        self.history_written.emit()

    def _bulk_failed(self, error: BaseException) -> None:
        self.bulk_run = None
        switch(self.bulk_button, self.bulk_cancel)
        self.bulk_status.setText(f"Not sent: {error}")
