"""The Journeys tab: a scenario's steps (edit, open, save), a run with a live timeline (pause,
resume, cancel, speed), and bulk sends of sample carts with progress. The work runs on worker
threads; what they report arrives here through queued signals."""

from __future__ import annotations

from collections.abc import Callable
from html import escape
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDoubleSpinBox,
    QFileDialog,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QListWidget,
    QProgressBar,
    QPushButton,
    QSpinBox,
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
from app.scenarios.model import SUFFIX, parse_scenario, step_kinds
from app.service.bulk import BulkProgress, BulkRun, sample_carts
from app.service.sender import Overrides, Sender
from app.ui.focus import switch
from app.ui.theme import set_tone
from app.ui.widgets import rows_follow_font
from app.ui.workers import run_with_progress

__all__ = ["JourneysView"]

_MARK = {"done": "✔", "failed": "✖", "cancelled": "■", "waiting": "…", "started": "…"}


class JourneysView(QWidget):
    history_written = Signal()  # a step or a bulk request added rows to the history

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
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self._scenario_box())
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
        self.steps = QTableWidget(0, 2)
        self.steps.setObjectName("scenarioSteps")
        self.steps.setTabKeyNavigation(False)  # Tab leaves the table; arrows move in it
        self.steps.setHorizontalHeaderLabels(["Step", "Settings (JSON)"])
        self.steps.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        rows_follow_font(self.steps, 8)
        # Small minimums: the tab shares a 700-pixel-high window with the request preview.
        self.steps.setMinimumHeight(48)
        column.addWidget(self.steps, 2)
        edit = QHBoxLayout()
        for text, name, slot in (
            ("Add step", "stepAdd", self.add_step),
            ("Remove step", "stepRemove", self.remove_step),
        ):
            button = QPushButton(text)
            button.setObjectName(name)
            button.clicked.connect(slot)
            edit.addWidget(button)
        edit.addStretch(1)
        column.addLayout(edit)
        # Running is a row of its own, so the tab fits a 1024-pixel window beside the form.
        edit = QHBoxLayout()
        edit.addWidget(QLabel("Speed x"))
        self.speed = QDoubleSpinBox()
        self.speed.setObjectName("scenarioSpeed")
        self.speed.setRange(1, 100_000)
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
        edit.addStretch(1)
        for button in (self.run_button, self.pause_button, self.stop_button):
            edit.addWidget(button)
        column.addLayout(edit)
        self.timeline = QListWidget()
        self.timeline.setObjectName("scenarioTimeline")
        self.timeline.setMinimumHeight(48)
        column.addWidget(self.timeline, 2)
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
        row.addWidget(QLabel("Carts"))
        row.addWidget(self.bulk_count)
        row.addWidget(self.bulk_provider, 1)
        column.addLayout(row)
        buttons = QHBoxLayout()
        self.bulk_button = QPushButton("Send")
        self.bulk_button.setObjectName("bulkSend")
        self.bulk_button.clicked.connect(self.run_bulk)
        self.bulk_cancel = QPushButton("Cancel")
        self.bulk_cancel.setObjectName("bulkCancel")
        self.bulk_cancel.setEnabled(False)
        self.bulk_cancel.clicked.connect(self.cancel_bulk)
        buttons.addWidget(self.bulk_button)
        buttons.addWidget(self.bulk_cancel)
        buttons.addStretch(1)
        column.addLayout(buttons)
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
        self.steps.setRowCount(0)
        for step in scenario.steps:
            self._add_row(step.kind, dict(step.values))
        self.timeline.clear()

    def _add_row(self, kind: str, values: dict[str, Any]) -> None:
        row = self.steps.rowCount()
        self.steps.insertRow(row)
        choice = QComboBox()
        choice.addItems(list(step_kinds()))
        choice.setCurrentText(kind)
        self.steps.setCellWidget(row, 0, choice)
        self.steps.setItem(row, 1, QTableWidgetItem(jsonfmt.dumps(values, indent=None)))

    def add_step(self) -> None:
        self._add_row("wait", {"minutes": 5})

    def remove_step(self) -> None:
        row = self.steps.currentRow()
        if row >= 0:
            self.steps.removeRow(row)

    def scenario(self) -> Scenario:
        """The steps as edited; ``ScenarioError`` names the step that is wrong."""
        steps = []
        for row in range(self.steps.rowCount()):
            choice = self.steps.cellWidget(row, 0)
            kind = choice.currentText() if isinstance(choice, QComboBox) else "note"
            item = self.steps.item(row, 1)
            text = item.text() if item is not None else ""
            try:
                values = jsonfmt.loads(text) if text.strip() else {}
            except jsonfmt.JsonSyntaxError as exc:
                raise ScenarioError(f"Step {row + 1}: the settings are not JSON ({exc}).") from None
            if not isinstance(values, dict):
                raise ScenarioError(f"Step {row + 1}: the settings must be a JSON object.")
            steps.append({"do": kind, **values})
        data: dict[str, Any] = {
            "name": self._title,
            "description": self._description,
            "steps": steps,
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

    def open_dialog(self) -> None:
        name, _ = QFileDialog.getOpenFileName(
            self, "Open a scenario", "", f"Scenarios (*{SUFFIX});;All files (*)"
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
            self.timeline.addItem(f"✖ {exc}")
            return False
        self.timeline.clear()
        self.timeline.addItem(
            f"{scenario.name}: {len(scenario.steps)} steps, speed x{self.speed.value():g}"
        )
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

    def _on_step(self, event: object) -> None:
        assert isinstance(event, StepEvent)
        if event.state == "started":
            return
        if event.status is not None:
            self.history_written.emit()
        status = f" {event.status}" if event.status is not None else ""
        what = event.message if event.state == "waiting" else event.step.describe()
        tail = (
            f" — {event.message}"
            if event.message and event.state in ("done", "failed", "cancelled")
            else ""
        )
        if event.step.kind == "note":
            tail = ""
        self.timeline.addItem(
            f"{event.at:7.2f}s  {event.index + 1:>2}. {_MARK[event.state]}{status} {what}{tail}"
        )
        self.timeline.scrollToBottom()

    def _scenario_done(self, ok: object) -> None:
        runner, self.runner = self.runner, None
        self._set_running(False)
        done = sum(1 for e in runner.events if e.state == "done") if runner else 0
        total = len(runner.scenario.steps) if runner else 0
        self.timeline.addItem(f"{'Finished' if ok else 'Stopped'}: {done} of {total} steps done.")
        self.timeline.scrollToBottom()

    def _scenario_failed(self, error: BaseException) -> None:
        self.runner = None
        self._set_running(False)
        self.timeline.addItem(f"✖ {error}")

    def _pause(self, on: bool) -> None:
        if self.runner is None:
            return
        if on:
            self.runner.pause()
            self.timeline.addItem("⏸ Paused after the current step.")
        else:
            self.runner.resume()
            self.timeline.addItem("▶ Resumed.")

    def cancel_scenario(self) -> None:
        if self.runner is not None:
            self.runner.cancel()

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
