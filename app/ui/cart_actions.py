"""The Cart actions menu: the current provider's declared actions (providers/actions.py) on
the cart it already has. Rebuilt when the provider changes; shown only when it has any."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMenu, QToolButton, QWidget

from app.domain.errors import CartComposerError
from app.providers import OutgoingRequest
from app.providers.actions import CartAction
from app.service.session import ComposerSession

if TYPE_CHECKING:
    from app.ui.asking import Asker

__all__ = ["CartActionsButton"]


class CartActionsButton(QToolButton):
    """The toolbar button and its menu. Given what it works with: the session, the asker
    (a typed id, a confirmation), ``show_request(title, request)`` to put a request in the
    Request pane before it leaves, ``restore_preview()`` when it does not, and ``say(text,
    ms)`` for the status bar."""

    def __init__(
        self,
        session: ComposerSession,
        asker: Asker,
        *,
        show_request: Callable[[str, OutgoingRequest], None],
        restore_preview: Callable[[], None],
        say: Callable[[str, int], None],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("cartActionsButton")
        # A button that looks like one (the tool bar keeps it framed), with its menu's arrow,
        # opened by Alt+A as well.
        self.setText("Cart &actions")
        self.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        self.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self._session = session
        self._asker = asker
        self._show_request = show_request
        self._restore_preview = restore_preview
        self._say = say
        self._menu = QMenu(self)
        self._menu.setToolTipsVisible(True)
        self.setMenu(self._menu)
        self.actions_by_key: dict[str, QAction] = {}
        self.cart_id_item: QAction | None = None
        self._built_for = ""
        # The action under way, for the response pane's "what this answer means".
        self.pending: CartAction | None = None

    def refresh(self) -> None:
        """The menu for the current provider and the id it has for the cart."""
        provider = self._session.provider
        if self._built_for != provider.key:
            self._build()
        cart_id = self._session.remote_cart_id
        name = provider.action_id_name
        assert self.cart_id_item is not None
        self.cart_id_item.setText(
            f"{name}: {cart_id}" if cart_id else f"{name}: none yet — send the cart first"
        )
        for spec in provider.actions:
            self.actions_by_key[spec.key].setEnabled(spec.by == "cart" or bool(cart_id))
        by_cart = "".join(
            f", or {a.title.lower()} by {', '.join(a.query.values())}"
            for a in provider.actions
            if a.by == "cart"
        )
        self.setToolTip(
            f"{provider.title}'s cart actions for {name} {cart_id}"
            if cart_id
            else f"{provider.title}'s cart actions: {provider.send_title} (Send) first{by_cart}"
        )

    def _build(self) -> None:
        provider = self._session.provider
        self._built_for = provider.key
        self._menu.clear()
        self.actions_by_key = {}
        self.cart_id_item = self._menu.addAction("")
        self.cart_id_item.setEnabled(False)
        self._menu.addSeparator()
        for spec in provider.actions:
            action = self._menu.addAction(spec.title)
            action.setObjectName(f"cartAction_{spec.key}")
            action.setToolTip(spec.tooltip)
            action.triggered.connect(lambda _=False, key=spec.key: self.run(key))
            self.actions_by_key[spec.key] = action
        self._menu.addSeparator()
        self._menu.addAction(f"Use a {provider.action_id_name}…", self.ask_cart_id)

    def ask_cart_id(self) -> None:
        answer = self._asker.cart_id(self._session.remote_cart_id, self._session.provider)
        if answer is not None:
            self._session.set_remote_cart_id(answer)

    def run(self, operation: str) -> None:
        """One of the provider's cart actions: its request is shown in the Request pane before
        it leaves, and an action that declares a question (Delete) asks it first."""
        session = self._session
        if session.sending:
            return
        provider = session.provider
        try:
            action = provider.action(operation)
            planned = session.preview_operation(operation)
        except CartComposerError as exc:
            self._say(str(exc), 10000)
            return
        self._show_request(f"{provider.title}'s {action.title}", planned)
        if action.confirm and not self._asker.confirm_action(
            provider, action, session.remote_cart_id
        ):
            self._restore_preview()
            self._say(f"Not {action.title.lower()}d.", 5000)
            return
        self.pending = action
        if not session.operate(operation):
            self.pending = None
