"""The Problems list under the request: every rule the cart breaks (and why raw JSON does not
parse), each with the path of its field or cell; activating one asks to go there."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QLabel, QListWidget, QListWidgetItem, QVBoxLayout, QWidget

from app.ui.accessibility import announce

if TYPE_CHECKING:
    from app.domain.validation import Validation
    from app.service.session import ComposerSession
    from app.ui.controller import ComposerController

__all__ = ["ProblemsPanel"]


class ProblemsPanel(QWidget):
    go_to = Signal(str)  # a problem's path: "email", "items[2].price", "" for the cart

    def __init__(
        self,
        session: ComposerSession,
        controller: ComposerController,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._session = session
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.title = QLabel()
        layout.addWidget(self.title)
        self.list = QListWidget()
        self.list.setObjectName("validationSummary")
        self.list.setWordWrap(True)
        layout.addWidget(self.list, 1)
        self.list.itemActivated.connect(self._on_item)
        self.list.itemClicked.connect(self._on_item)
        controller.validation_changed.connect(self.show_problems)
        controller.raw_changed.connect(self.show_problems)
        self._said: int | None = None  # the number of problems a screen reader was told
        self.show_problems()

    def show_problems(self, *_: object) -> None:
        validation: Validation = self._session.validation
        self.list.clear()
        raw_error = self._session.raw_error
        if raw_error:
            self._add(f"✖ JSON: {raw_error}", "")
        for issue in validation.issues:
            self._add(f"✖ {issue.message}", issue.path, issue.path or "the cart")
        for path, message in validation.warnings.items():
            self._add(f"⚠ {message}", path)
        count = len(validation.errors) + (1 if raw_error else 0)
        if self._session.checking:
            self.list.clear()
            self.title.setText("<b>Problems</b> — checking the line items…")
            return
        if count:
            self.title.setText(f"<b>Problems</b> ({count}) — click one to go to it")
        else:
            self.title.setText("<b>Problems</b> — none: the cart follows the API's rules")
        if count != self._said:
            # Said to a screen reader when the number changes, not at every keystroke.
            self._said = count
            announce(self.list, f"{count} problem{'s' * (count != 1)}" if count else "No problems")

    def _add(self, text: str, path: str, tip: str | None = None) -> None:
        item = QListWidgetItem(text)
        item.setData(Qt.ItemDataRole.UserRole, path)
        if tip is not None:
            item.setToolTip(tip)
        self.list.addItem(item)

    def _on_item(self, item: QListWidgetItem) -> None:
        self.go_to.emit(str(item.data(Qt.ItemDataRole.UserRole) or ""))
