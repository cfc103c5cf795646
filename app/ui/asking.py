"""The questions the window asks a person — a dialog each (``DialogAsker``), or the safe answer
at once for runs nobody watches (``ScriptedAsker``); tests answer them with their own."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from PySide6.QtWidgets import QWidget

if TYPE_CHECKING:
    from app.providers import Provider
    from app.providers.actions import CartAction

__all__ = ["FILE_FILTER", "Asker", "DialogAsker", "ScriptedAsker", "documents_folder"]

FILE_FILTER = "Cart files (*.cart.json);;JSON files (*.json);;All files (*)"
IMPORT_FILTER = (
    "Requests (*.har *.json *.sh *.curl *.txt);;HAR files (*.har);;"
    "Postman collections (*.json);;cURL commands (*.sh *.curl *.txt);;All files (*)"
)


class Asker(Protocol):
    """The questions the window asks a person; tests answer them without dialogs."""

    def save_changes(self, name: str) -> str: ...  # "save" | "discard" | "cancel"
    def send_incomplete(self, missing: Sequence[str]) -> bool: ...  # what is missing, in words
    def send_as_is(self, error: str) -> bool: ...
    # A file to open, or to import (a cURL, HAR or Postman file); the dialog starts in ``folder``.
    def open_path(self, folder: str) -> Path | None: ...
    def save_path(self, suggested: str) -> Path | None: ...
    # The provider's id for the cart (Bronto's cartId), typed or pasted.
    def cart_id(self, current: str, provider: Provider) -> str | None: ...
    def leave_invalid_raw(self, error: str) -> bool: ...  # True: discard the text, False: stay
    # An action that asks first (Delete): True goes ahead.
    def confirm_action(self, provider: Provider, action: CartAction, cart_id: str) -> bool: ...
    def warn(self, title: str, message: str) -> None: ...
    def inform(self, title: str, message: str) -> None: ...  # Help's texts
    def import_path(self, folder: str) -> Path | None: ...
    # Which of several requests (their labels): its index, or None.
    def pick_request(self, labels: Sequence[str]) -> int | None: ...
    # The secrets an import found (their labels): the profile to keep them in, or None.
    def keep_secrets(
        self, found: Sequence[str], profiles: Sequence[str], suggested: str, where: str
    ) -> str | None: ...


class DialogAsker:
    def __init__(self, parent: QWidget) -> None:
        self._parent = parent

    def save_changes(self, name: str) -> str:
        from PySide6.QtWidgets import QMessageBox

        answer = QMessageBox.question(
            self._parent,
            "Unsaved changes",
            f"Save the changes to {name}?",
            QMessageBox.StandardButton.Save
            | QMessageBox.StandardButton.Discard
            | QMessageBox.StandardButton.Cancel,
        )
        return {
            QMessageBox.StandardButton.Save: "save",
            QMessageBox.StandardButton.Discard: "discard",
        }.get(answer, "cancel")

    def send_incomplete(self, missing: Sequence[str]) -> bool:
        from PySide6.QtWidgets import QMessageBox

        listed = "\n".join(f"• {message}" for message in missing[:8])
        more = f"\n… and {len(missing) - 8} more" if len(missing) > 8 else ""
        answer = QMessageBox.question(
            self._parent,
            "Required fields are missing",
            f"{listed}{more}\n\nSend anyway to see the server's answer?",
        )
        return answer == QMessageBox.StandardButton.Yes

    def leave_invalid_raw(self, error: str) -> bool:
        from PySide6.QtWidgets import QMessageBox

        box = QMessageBox(
            QMessageBox.Icon.Warning,
            "The raw JSON does not parse",
            f"{error}.\n\nLeaving Raw JSON now throws this text away; the form keeps the last "
            "cart that parsed.",
            parent=self._parent,
        )
        keep = box.addButton("Keep editing", QMessageBox.ButtonRole.RejectRole)
        box.addButton("Discard the text", QMessageBox.ButtonRole.DestructiveRole)
        box.setDefaultButton(keep)
        box.exec()
        return box.clickedButton() is not keep

    def confirm_action(self, provider: Provider, action: CartAction, cart_id: str) -> bool:
        from PySide6.QtWidgets import QMessageBox

        answer = QMessageBox.question(
            self._parent,
            f"{action.title} the cart at {provider.title}?",
            action.confirm.format(id=cart_id) + f"\n\n{action.title} it?",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
            QMessageBox.StandardButton.Cancel,
        )
        return answer == QMessageBox.StandardButton.Yes

    def warn(self, title: str, message: str) -> None:
        from PySide6.QtWidgets import QMessageBox

        QMessageBox.warning(self._parent, title, message)

    def inform(self, title: str, message: str) -> None:
        from PySide6.QtWidgets import QMessageBox

        QMessageBox.information(self._parent, title, message)

    def send_as_is(self, error: str) -> bool:
        from PySide6.QtWidgets import QMessageBox

        answer = QMessageBox.question(
            self._parent,
            "The JSON does not parse",
            f"{error}\n\nSend the text as is, exactly as typed?",
        )
        return answer == QMessageBox.StandardButton.Yes

    def open_path(self, folder: str) -> Path | None:
        from PySide6.QtWidgets import QFileDialog

        name, _ = QFileDialog.getOpenFileName(self._parent, "Open a cart", folder, FILE_FILTER)
        return Path(name) if name else None

    def import_path(self, folder: str) -> Path | None:
        from PySide6.QtWidgets import QFileDialog

        name, _ = QFileDialog.getOpenFileName(
            self._parent, "Import a request (cURL, HAR, Postman)", folder, IMPORT_FILTER
        )
        return Path(name) if name else None

    def pick_request(self, labels: Sequence[str]) -> int | None:
        from PySide6.QtWidgets import QInputDialog

        text, ok = QInputDialog.getItem(
            self._parent,
            "Import which request?",
            f"The file holds {len(labels)} cart requests. Import:",
            list(labels),
            0,
            False,
        )
        return list(labels).index(text) if ok and text in labels else None

    def keep_secrets(
        self, found: Sequence[str], profiles: Sequence[str], suggested: str, where: str
    ) -> str | None:
        from PySide6.QtWidgets import QInputDialog

        what = " and ".join(found)
        text, ok = QInputDialog.getItem(
            self._parent,
            "Keep the secrets?",
            f"The import holds the {what}; the cart never does.\n\n"
            f"Keep them in {where} for this profile — a new name makes\n"
            "a profile from the request's URL — or Cancel to leave them out:",
            [suggested, *[p for p in profiles if p != suggested]],
            0,
            True,
        )
        return text.strip() or None if ok else None

    def save_path(self, suggested: str) -> Path | None:
        from PySide6.QtWidgets import QFileDialog

        name, _ = QFileDialog.getSaveFileName(self._parent, "Save the cart", suggested, FILE_FILTER)
        if not name:
            return None
        path = Path(name)
        return path if path.name.endswith(".json") else path.with_name(path.name + ".cart.json")

    def cart_id(self, current: str, provider: Provider) -> str | None:
        from PySide6.QtWidgets import QInputDialog

        name = provider.action_id_name
        text, ok = QInputDialog.getText(
            self._parent,
            f"{provider.title} {name}",
            f"The {name} {provider.title} gave the cart:",
            text=current,
        )
        return text.strip() if ok else None


class ScriptedAsker:
    """For ``--screenshot`` and other runs nobody watches: every question gets its safe answer
    at once (nothing sent, saved or dropped), and a warning goes to standard error and is
    kept, for the caller to act on (exit 2). Nothing waits for a person."""

    def __init__(self) -> None:
        self.warnings: list[str] = []

    def save_changes(self, name: str) -> str:
        return "cancel"

    def send_incomplete(self, missing: Sequence[str]) -> bool:
        return False

    def send_as_is(self, error: str) -> bool:
        return False

    def open_path(self, folder: str) -> Path | None:
        return None

    def save_path(self, suggested: str) -> Path | None:
        return None

    def cart_id(self, current: str, provider: Provider) -> str | None:
        return None

    def leave_invalid_raw(self, error: str) -> bool:
        return False

    def confirm_action(self, provider: Provider, action: CartAction, cart_id: str) -> bool:
        return False

    def warn(self, title: str, message: str) -> None:
        import sys

        self.warnings.append(f"{title}: {message}")
        print(f"{title}: {message}", file=sys.stderr)

    def inform(self, title: str, message: str) -> None:
        return  # nobody watches: nothing to tell

    def import_path(self, folder: str) -> Path | None:
        return None

    def pick_request(self, labels: Sequence[str]) -> int | None:
        return None

    def keep_secrets(
        self, found: Sequence[str], profiles: Sequence[str], suggested: str, where: str
    ) -> str | None:
        return None  # nothing is stored that nobody chose to


def start_folder(path: Path | None) -> str:
    """Where an Open dialog begins: the folder of the file in hand, else the documents folder
    (as Save does), never the folder the app happened to be started from."""
    return str(path.parent if path is not None else documents_folder())


def documents_folder() -> Path:
    """Where a new cart is saved by default: the user's documents folder."""
    from PySide6.QtCore import QStandardPaths

    found = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
    return Path(found) if found and Path(found).is_dir() else Path.home()
