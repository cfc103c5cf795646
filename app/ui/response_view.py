"""The response pane: a coloured status badge, reason, time, size, the provider's complaints in
plain words (each linked to the field it names), headers, and the pretty body."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFontDatabase
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app.domain import jsonfmt
from app.domain.sizes import size_text
from app.transport import ErrorKind, SendResult
from app.ui.json_preview import JsonHighlighter
from app.ui.widgets import Insulated, fix_to_content

__all__ = ["PREVIOUS", "ResponseView"]

PREVIOUS = "The previous cart's answer (not this cart's): "

_HINTS = {
    ErrorKind.DNS: "Check the base URL in the profile.",
    # The message itself asks whether the server is running.
    ErrorKind.CONNECTION_REFUSED: "Check the base URL and port.",
    ErrorKind.TIMEOUT: "Try again, or raise the profile's timeout.",
    ErrorKind.TLS: "Check http:// versus https:// in the base URL.",
    ErrorKind.CONNECTION_LOST: "Look in the history or the service before sending again.",
    ErrorKind.INVALID_RESPONSE: "The service answered something that is not its API's JSON.",
    ErrorKind.AUTH: "Check the profile's client ID and secret.",
    ErrorKind.CANCELLED: "",
    ErrorKind.NETWORK: "Check the network and the base URL.",
}


def _badge_colour(result: SendResult) -> str:
    if result.status is None or result.error_kind not in (None, ErrorKind.HTTP_STATUS):
        return "#6d4c41"
    if 200 <= result.status < 300:
        return "#2e7d32"
    if 400 <= result.status < 500:
        return "#e65100"
    return "#c62828"


# The pane shows at most this much of a body (the history keeps up to 2 MB), with lines folded
# at FOLD characters: laying out megabytes, or one line of 64 KB (60 ms), holds up the window.
DISPLAY_LIMIT = 64 * 1024
FOLD = 1000


def body_text(body: bytes, size: int) -> str:
    """The body for the pane: pretty JSON when it is small enough, else its start; long lines
    folded; a note at the end says what was left out or folded."""
    whole = len(body) <= DISPLAY_LIMIT and size <= len(body)
    text = jsonfmt.pretty(body) if whole else body[:DISPLAY_LIMIT].decode("utf-8", "replace")
    shown = min(len(body), DISPLAY_LIMIT)
    notes = [] if whole else [f"the first {size_text(shown)} of {size_text(size)}"]
    lines = text.split("\n")
    if any(len(line) > FOLD for line in lines):
        text = "\n".join(
            line[start : start + FOLD] for line in lines for start in range(0, len(line) or 1, FOLD)
        )
        notes.append(f"lines over {FOLD:,} characters folded")
    return text + (
        f"\n\n… {'; '.join(notes)} (the history keeps the body as received)." if notes else ""
    )


class ResponseView(QWidget):
    """Empty until the first send; then the latest result."""

    problem_activated = Signal(str)  # the attribute (field path) a complaint names

    def __init__(
        self,
        parent: QWidget | None = None,
        *,
        idle: str = "Nothing sent yet. Press Send (Ctrl+Return).",
        title: str = "Response",
    ) -> None:
        super().__init__(parent)
        self.setObjectName("responseView")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        head = QHBoxLayout()
        self.badge = QLabel("—")
        self.badge.setObjectName("statusBadge")
        self.badge.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.summary = QLabel(idle)
        self.summary.setObjectName("responseSummary")
        self.summary.setWordWrap(True)
        self.summary.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        # Both change at each send's start and end: fixed to their content (the summary in a
        # row of its own), they do not lay out and repaint the whole window each time (about
        # 17 ms each here, many times that on a loaded machine).
        self._summary_row = Insulated(self.summary)
        head.addWidget(self.badge, 0, Qt.AlignmentFlag.AlignTop)
        head.addWidget(self._summary_row, 1)
        layout.addLayout(head)
        self.cart_state = QLabel()
        self.cart_state.setObjectName("cartState")
        self.cart_state.setWordWrap(True)
        self.cart_state.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.cart_state.hide()
        layout.addWidget(self.cart_state)
        self.problems = QListWidget()
        self.problems.setObjectName("responseProblems")
        self.problems.setWordWrap(True)
        self.problems.setMaximumHeight(90)
        self.problems.hide()
        self.problems.itemActivated.connect(self._on_problem)
        self.problems.itemClicked.connect(self._on_problem)
        layout.addWidget(self.problems)
        self.tabs = QTabWidget()
        fixed = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
        self.body = QPlainTextEdit(readOnly=True)
        self.body.setObjectName("responseBody")
        self.body.setFont(fixed)
        self._highlighter = JsonHighlighter(self.body.document())
        self.headers = QPlainTextEdit(readOnly=True)
        self.headers.setObjectName("responseHeaders")
        self.headers.setFont(fixed)
        self.tabs.addTab(self.body, "Body")
        self.tabs.addTab(self.headers, "Headers")
        layout.addWidget(self.tabs, 1)
        # What a screen reader calls each part (``title``: whose answer, side by side).
        for part, name in (
            (self.summary, f"{title} status"),
            (self.cart_state, f"{title}: the cart"),
            (self.problems, f"{title}: the server's problems, each a link to its field"),
            (self.tabs, f"{title} body and headers"),
            (self.body, f"{title} body"),
            (self.headers, f"{title} headers"),
        ):
            part.setAccessibleName(name)
        self._set_badge("—", "#9e9e9e")
        self._shown = False  # an answer (or a failure) is on screen

    def _set_badge(self, text: str, colour: str) -> None:
        self.badge.setText(text)
        self.badge.setStyleSheet(
            f"background:{colour}; color:white; border-radius:4px; padding:3px 8px; "
            "font-weight:600;"
        )
        fix_to_content(self.badge, 56)

    def _say(self, text: str) -> None:
        self.summary.setText(text)
        self._summary_row.refit()

    def mark_previous(self) -> None:
        """Another cart is in the composer: an answer still shown is said to be the previous
        cart's (greyed), so it is never taken for this one's."""
        if not self._shown:
            return
        self._set_badge(self.badge.text(), "#9e9e9e")
        said = self.summary.text().removeprefix(PREVIOUS)
        self._say(PREVIOUS + said)
        self.cart_state.hide()

    def show_sending(self, url: str) -> None:
        self._set_badge("…", "#1565c0")
        self._say(f"Sending to {url} …")
        self.problems.clear()
        self.problems.hide()

    def show_failure(self, message: str) -> None:
        self._shown = True
        self._set_badge("Not sent", "#6d4c41")
        self._say(message)
        self.problems.hide()
        self.body.setPlainText("")
        self.headers.setPlainText("")

    def show_cart(self, meaning: str, state: str) -> None:
        """For a Bronto cart action: what the answer means, and the cart's status and phase."""
        lines = [line for line in (meaning, f"<b>Cart:</b> {state}" if state else "") if line]
        self.cart_state.setText("<br>".join(lines))
        self.cart_state.setVisible(bool(lines))

    def show_result(self, result: SendResult) -> None:
        self._shown = True
        self.cart_state.hide()
        elapsed = f"{result.elapsed * 1000:.0f} ms"
        if result.route and result.route != "direct":  # a proxy, or certificates of the user's
            elapsed += f" · {result.route}"
        if result.status is None or result.error_kind not in (None, ErrorKind.HTTP_STATUS):
            label = str(result.error_kind or "failed").replace("_", " ")
            self._set_badge(label, _badge_colour(result))
            hint = _HINTS.get(result.error_kind, "") if result.error_kind else ""
            self._say(f"{result.message} {hint}".strip() + f"  ({elapsed})")
        else:
            self._set_badge(str(result.status), _badge_colour(result))
            size = size_text(result.body_size)
            cut = " (cut for display)" if result.truncated else ""
            ident = f" · {result.provider_id}" if result.provider_id else ""
            self._say(f"{result.reason}{ident} · {elapsed} · {size}{cut}")
        # retries, a refused token, a secret sent over plain http; what the sandbox says of
        # its own answer (Explain mode's wording, its assumptions)
        notes = [*result.notes, *result.sandbox_notes]
        if notes:
            self._say(self.summary.text() + "\n" + "\n".join(notes))
        self.problems.clear()
        for attribute, message in result.problems:
            item = QListWidgetItem(f"{attribute}: {message}" if attribute else message)
            item.setData(Qt.ItemDataRole.UserRole, attribute)
            if attribute:
                item.setToolTip("Click to go to the field")
            self.problems.addItem(item)
        self.problems.setVisible(bool(result.problems))
        self.headers.setPlainText("\n".join(f"{name}: {value}" for name, value in result.headers))
        self.body.setPlainText(body_text(result.body, result.body_size))
        # An empty body is an answer too (Klaviyo's 202, a Delete's 204): said, not blank.
        if result.status is None:
            self.body.setPlaceholderText("Nothing came back.")
        else:
            answered = f"{result.status} {result.reason}".strip()
            self.body.setPlaceholderText(f"No body: the answer was {answered}, with nothing in it.")

    def _on_problem(self, item: QListWidgetItem) -> None:
        attribute = item.data(Qt.ItemDataRole.UserRole)
        if attribute:
            self.problem_activated.emit(str(attribute))
