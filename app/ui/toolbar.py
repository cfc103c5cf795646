"""The window's toolbar: which provider and profile, Fill with a sample cart, New cart id, the
provider's cart actions, and Send / Cancel with the progress of a send.

Given the session (to read), the controller (to follow the cart and the profile) and the cart
actions button; it says what the person chose through its signals, and the window acts."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QSignalBlocker, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QSizePolicy,
    QToolBar,
    QToolButton,
    QWidget,
)

from app.providers import providers
from app.ui.widgets import button

if TYPE_CHECKING:
    from app.service.session import ComposerSession
    from app.ui.controller import ComposerController

__all__ = ["MANAGE", "CartToolbar"]

MANAGE = "__manage_profiles__"  # the profile selector's last entry: open the Profiles dialog


class _ProgressSlot(QWidget):
    """Room for the busy bar, of a fixed width and height: showing or hiding the bar inside
    asks nothing of the layouts above (a slot fixed in width only still passed its child's
    show up to the window, laying out every page at each send's start and end). The height
    follows the text size."""

    def __init__(self, progress: QProgressBar) -> None:
        super().__init__()
        self.setObjectName("sendProgressSlot")
        self._progress = progress
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(progress)
        self._fit()

    def _fit(self) -> None:
        self._progress.ensurePolished()
        self.setFixedSize(120, self._progress.sizeHint().height())

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() in (QEvent.Type.FontChange, QEvent.Type.StyleChange):
            self._fit()


class CartToolbar(QToolBar):
    provider_chosen = Signal(str)  # a provider's key, another than the cart's
    profile_chosen = Signal(str)  # a profile's name
    manage_chosen = Signal()  # "Manage profiles…"

    def __init__(
        self,
        session: ComposerSession,
        controller: ComposerController,
        cart_actions: QWidget,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__("Cart", parent)
        self._session = session
        self.setObjectName("mainToolbar")
        self.setMovable(False)
        self.addWidget(QLabel(" Provider "))
        self.provider_selector = QComboBox()
        self.provider_selector.setObjectName("providerSelector")
        for key, provider in providers().items():
            self.provider_selector.addItem(provider.title, key)
        self.addWidget(self.provider_selector)
        self.addWidget(QLabel("  Profile "))
        self.profile_selector = QComboBox()
        self.profile_selector.setObjectName("profileSelector")
        self.profile_selector.setMinimumContentsLength(18)
        self.addWidget(self.profile_selector)
        self.addSeparator()
        self.sample_button = button(
            "Fill with a sample cart", "sampleButton", "A realistic cart from the sample catalog"
        )
        self.new_id_button = button(
            "New cart id", "newCartIdButton", "A fresh cart id, to send the same cart again"
        )
        self.addWidget(self.sample_button)
        self.addWidget(self.new_id_button)
        self._cart_actions = self.addWidget(cart_actions)
        if isinstance(cart_actions, QToolButton):
            cart_actions.setAutoRaise(False)  # a tool bar makes its tool buttons flat
        spacer = QWidget()
        spacer.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        self.addWidget(spacer)
        self.progress = QProgressBar()
        self.progress.setObjectName("sendProgress")
        self.progress.setRange(0, 0)
        # In a slot of its own that keeps its size whether the bar shows or not: showing it at
        # each send used to lay out (and repaint) the whole composer under the tool bar.
        self.progress.hide()
        self.addWidget(_ProgressSlot(self.progress))
        self.send_button = button("&Send", "sendButton", "Send the cart (Ctrl+Return)")
        self.send_button.setDefault(True)
        self.cancel_button = button("Cancel", "cancelButton", "Stop waiting for the answer (Esc)")
        self.cancel_button.setEnabled(False)
        self.addWidget(self.send_button)
        self.addWidget(self.cancel_button)

        self.provider_selector.activated.connect(self._on_provider_activated)
        self.profile_selector.activated.connect(self._on_profile_activated)
        self.cancel_button.clicked.connect(session.cancel)
        controller.document_replaced.connect(self.show_cart)
        controller.profile_changed.connect(self.fill_profiles)
        self.show_cart()  # the session's cart now (a new tab's was made before this bar)

    def show_cart(self) -> None:
        """The cart's provider selected, its profiles listed, its cart actions shown if any."""
        provider = self._session.provider
        self.provider_selector.setCurrentIndex(self.provider_selector.findData(provider.key))
        self._cart_actions.setVisible(bool(provider.actions))
        self.fill_profiles()

    def fill_profiles(self, *_: object) -> None:
        current = self._session.profile.name
        with QSignalBlocker(self.profile_selector):
            self.profile_selector.clear()
            for profile in self._session.profiles():
                self.profile_selector.addItem(profile.display_name, profile.name)
            self.profile_selector.insertSeparator(self.profile_selector.count())
            self.profile_selector.addItem("Manage profiles…", MANAGE)
            self.profile_selector.setCurrentIndex(self.profile_selector.findData(current))

    def set_sending(self, sending: bool) -> None:
        """Send gives way to Cancel (the focus with it) while a send is under way."""
        from app.ui.focus import switch

        if sending:
            switch(self.cancel_button, self.send_button)
        else:
            switch(self.send_button, self.cancel_button)
        self.progress.setVisible(sending)

    def _on_provider_activated(self, index: int) -> None:
        key = str(self.provider_selector.itemData(index))
        if key != self._session.provider.key:
            self.provider_chosen.emit(key)

    def _on_profile_activated(self, index: int) -> None:
        name = str(self.profile_selector.itemData(index))
        if name == MANAGE:
            self.manage_chosen.emit()
        else:
            self.profile_chosen.emit(name)
