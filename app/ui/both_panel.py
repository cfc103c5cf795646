""" "Send to every provider": each sandboxed provider's answer to the same cart, side by side."""

from __future__ import annotations

from PySide6.QtWidgets import QHBoxLayout, QLabel, QVBoxLayout, QWidget

from app.providers import providers
from app.service.session import BothResult
from app.ui.response_view import ResponseView

__all__ = ["BothPanel"]


class BothPanel(QWidget):
    """A column per provider with a built-in sandbox: its title, the profile it went to, and
    its answer (or why it could not be sent)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("bothPanel")
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        self.notes = QLabel(
            "Cart → Send to every provider sends this cart to each provider's sandbox (its "
            "own provider's to the chosen profile), mapped through the fields they share."
        )
        self.notes.setObjectName("bothNotes")
        self.notes.setWordWrap(True)
        outer.addWidget(self.notes)
        row = QHBoxLayout()
        self.titles: dict[str, QLabel] = {}
        self.views: dict[str, ResponseView] = {}
        for key, provider in providers().items():
            if not provider.has_emulator:
                continue
            column = QVBoxLayout()
            self.titles[key] = QLabel(f"<b>{provider.title}</b>")
            self.views[key] = ResponseView()
            self.views[key].setObjectName(f"both_{key}")
            column.addWidget(self.titles[key])
            column.addWidget(self.views[key], 1)
            row.addLayout(column, 1)
        outer.addLayout(row, 1)

    def show_result(self, result: BothResult) -> None:
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
