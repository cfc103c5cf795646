""" "Send to several providers": the providers a person ticks, each one's answer to the same cart,
side by side."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QCheckBox, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from app.providers import providers
from app.service.session import SeveralResult
from app.ui.response_view import ResponseView

__all__ = ["SeveralPanel"]


class SeveralPanel(QWidget):
    """A tick and a column per provider with a built-in sandbox: its title, the profile it went
    to, and its answer (or why it could not be sent). Unticked providers' columns are hidden;
    ``send_requested`` asks for a send to the ticked ones."""

    send_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("severalPanel")
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        choose = QHBoxLayout()
        choose.addWidget(QLabel("Send to:"))
        self.ticks: dict[str, QCheckBox] = {}
        for key, provider in providers().items():
            if provider.has_emulator:
                tick = QCheckBox(provider.title)
                tick.setObjectName(f"several_{key}")
                tick.setChecked(True)
                tick.toggled.connect(self._chosen_changed)
                self.ticks[key] = tick
                choose.addWidget(tick)
        choose.addStretch(1)
        self.send_button = QPushButton("Send to these")
        self.send_button.setObjectName("sendSeveralButton")
        self.send_button.setToolTip(
            "Send this cart to each ticked provider: yours to the chosen profile, the others to "
            "their sandbox (Cart → Send to several providers)"
        )
        self.send_button.clicked.connect(self.send_requested)
        choose.addWidget(self.send_button)
        outer.addLayout(choose)
        self.notes = QLabel(
            "Each ticked provider gets this cart, mapped through the fields they share: your "
            "provider's to the chosen profile, the others' to their sandbox."
        )
        self.notes.setObjectName("severalNotes")
        self.notes.setWordWrap(True)
        outer.addWidget(self.notes)
        row = QHBoxLayout()
        self.titles: dict[str, QLabel] = {}
        self.views: dict[str, ResponseView] = {}
        self.columns: dict[str, QWidget] = {}
        for key in self.ticks:
            column = QWidget()
            layout = QVBoxLayout(column)
            layout.setContentsMargins(0, 0, 0, 0)
            self.titles[key] = QLabel(f"<b>{providers()[key].title}</b>")
            self.views[key] = ResponseView(
                idle="Not sent yet.", title=f"{providers()[key].title}'s response"
            )
            self.views[key].setObjectName(f"several_view_{key}")
            layout.addWidget(self.titles[key])
            layout.addWidget(self.views[key], 1)
            self.columns[key] = column
            row.addWidget(column, 1)
        outer.addLayout(row, 1)

    def chosen(self) -> list[str]:
        """The ticked providers, in the registry's order."""
        return [key for key, tick in self.ticks.items() if tick.isChecked()]

    def _chosen_changed(self) -> None:
        for key, column in self.columns.items():
            column.setVisible(self.ticks[key].isChecked())
        self.send_button.setEnabled(bool(self.chosen()))

    def show_result(self, result: SeveralResult) -> None:
        for key, answer in result.answers.items():
            if key not in self.views:
                continue
            profile = result.profiles[key]
            self.titles[key].setText(f"<b>{providers()[key].title}</b> · {profile}")
            if isinstance(answer, str):
                self.views[key].show_failure(answer)
            else:
                self.views[key].show_result(answer)
        self.notes.setText(" ".join(result.notes) or "All sent; each is a history row.")
