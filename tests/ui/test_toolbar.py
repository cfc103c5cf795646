"""The toolbar on its own: what it lists, what it says was chosen, Send giving way to Cancel."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QEvent, QObject
from PySide6.QtWidgets import QPushButton, QWidget
from pytestqt.qtbot import QtBot

from app.profiles import ProfileStore, new_profile
from app.providers import OutgoingRequest
from app.sandbox.runtime import EmbeddedSandbox
from app.secrets import MemorySecretStore
from app.service.sender import Sender
from app.transport import SendResult
from app.ui.controller import ComposerController
from app.ui.main_window import MainWindow
from app.ui.toolbar import MANAGE, CartToolbar
from tests.ui.conftest import wait_until_quiet


def a_toolbar(qtbot: QtBot, tmp_path: Path) -> tuple[CartToolbar, ComposerController]:
    profiles = ProfileStore(tmp_path / "config")
    profiles.add(new_profile("staging", "drip", base_url="https://staging.example", account_id="1"))
    controller = ComposerController(
        profiles, Sender(MemorySecretStore(), environ={}, sandbox=EmbeddedSandbox())
    )
    toolbar = CartToolbar(controller.session, controller, QPushButton("Cart actions"))
    qtbot.addWidget(toolbar)
    toolbar.show_cart()
    return toolbar, controller


def test_it_lists_the_providers_and_the_carts_profiles(qtbot: QtBot, tmp_path: Path) -> None:
    toolbar, controller = a_toolbar(qtbot, tmp_path)
    providers = toolbar.provider_selector
    assert [providers.itemData(i) for i in range(providers.count())] == [
        "drip",
        "bronto",
        "klaviyo",
        "mailchimp",
    ]
    assert providers.currentData() == "drip"
    profiles = toolbar.profile_selector
    names = [profiles.itemData(i) for i in range(profiles.count())]
    assert names == ["sandbox-drip", "staging", None, MANAGE]  # None: the separator
    assert profiles.currentData() == "sandbox-drip"
    controller.session.set_profile("staging")
    assert profiles.currentData() == "staging"  # it follows the session


def test_it_says_what_was_chosen_and_nothing_for_the_same_provider(
    qtbot: QtBot, tmp_path: Path
) -> None:
    toolbar, _ = a_toolbar(qtbot, tmp_path)
    said: list[str] = []
    toolbar.provider_chosen.connect(said.append)
    toolbar.profile_chosen.connect(lambda name: said.append(f"profile {name}"))
    toolbar.manage_chosen.connect(lambda: said.append("manage"))
    toolbar.provider_selector.activated.emit(0)  # Drip again
    toolbar.provider_selector.activated.emit(1)
    toolbar.profile_selector.activated.emit(1)
    toolbar.profile_selector.activated.emit(toolbar.profile_selector.findData(MANAGE))
    assert said == ["bronto", "profile staging", "manage"]


def test_send_gives_way_to_cancel_while_sending(qtbot: QtBot, tmp_path: Path) -> None:
    # Where the focus goes with it: test_window_safety.py::test_send_hands_focus_to_cancel_…
    toolbar, _ = a_toolbar(qtbot, tmp_path)
    toolbar.resize(1400, 40)  # room for all: no overflow menu
    with qtbot.waitExposed(toolbar):
        toolbar.show()
    assert not toolbar.progress.isVisible()
    toolbar.set_sending(True)
    assert not toolbar.send_button.isEnabled() and toolbar.cancel_button.isEnabled()
    qtbot.waitUntil(toolbar.progress.isVisible, timeout=2000)
    toolbar.set_sending(False)
    assert toolbar.send_button.isEnabled() and not toolbar.cancel_button.isEnabled()
    # It used to keep spinning after the answer: hide() does nothing to a toolbar's widget.
    qtbot.waitUntil(lambda: not toolbar.progress.isVisible(), timeout=2000)


class _LayoutRequests(QObject):
    """Counts the layout requests that reach the widgets it watches."""

    def __init__(self, widgets: list[QWidget]) -> None:
        super().__init__()
        self.seen: list[str] = []
        for widget in widgets:
            widget.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.LayoutRequest:
            self.seen.append(watched.objectName() or type(watched).__name__)
        return False


def test_sending_does_not_lay_out_the_tool_bar_again(qtbot: QtBot, window: MainWindow) -> None:
    # The busy indicator shows in a slot of a fixed size: before, showing it made the tool bar
    # (inside the cart's tab) ask for a new layout, and every page up to the window was laid
    # out and painted again at each send's start and end. Counted rather than measured: a
    # window's geometry on the offscreen screen may change under the test for its own reasons.
    bar = window.toolbar
    chain: list[QWidget] = [bar]
    while (parent := chain[-1].parentWidget()) is not None:
        chain.append(parent)
    requests = _LayoutRequests(chain)
    wait_until_quiet(qtbot, requests.seen, timeout=5000)
    bar.set_sending(True)
    qtbot.wait(50)
    assert bar.progress.isVisible()
    bar.set_sending(False)
    qtbot.wait(50)
    assert not bar.progress.isVisible()
    assert requests.seen == []


def test_the_progress_slot_follows_the_text_size(qtbot: QtBot, window: MainWindow) -> None:
    from app.ui import theme

    bar = window.toolbar
    slot = bar.findChild(QWidget, "sendProgressSlot")
    assert slot is not None and slot.height() == bar.progress.sizeHint().height()
    small = slot.height()
    theme.apply_zoom(150)
    qtbot.waitUntil(lambda: slot.height() == bar.progress.sizeHint().height() > small)


def test_the_answers_badge_and_summary_do_not_lay_out_the_window(
    qtbot: QtBot, window: MainWindow
) -> None:
    # They change at each send's start and end; each change used to lay out and repaint the
    # whole window (17 ms each here). Fixed to their content, they ask nothing above them.
    view = window.response
    chain: list[QWidget] = [view]
    while (parent := chain[-1].parentWidget()) is not None:
        chain.append(parent)
    requests = _LayoutRequests(chain)
    wait_until_quiet(qtbot, requests.seen, timeout=5000)
    view.show_sending("http://127.0.0.1:9/v3/1/shopper_activity/cart")
    qtbot.wait(50)
    after_start = list(requests.seen)
    request = OutgoingRequest("POST", "http://127.0.0.1:9/v3/1/shopper_activity/cart", b"{}", ())
    answer = SendResult(request, status=202, reason="Accepted", body=b"{}", body_size=2)
    view.show_result(answer)
    qtbot.wait(50)
    assert (after_start, requests.seen) == ([], [])
    assert view.badge.text() == "202" and view.summary.text().startswith("Accepted · ")
    # A message that needs more lines still gets them (one new layout, then).
    view.show_failure("A long explanation of what went wrong, " * 8)
    qtbot.waitUntil(lambda: view.summary.height() > 2 * view.badge.height(), timeout=2000)


def test_the_badge_follows_the_text_size(qtbot: QtBot, window: MainWindow) -> None:
    from app.ui import theme

    badge = window.response.badge
    small = badge.height()
    theme.apply_zoom(150)
    qtbot.waitUntil(lambda: badge.height() == badge.sizeHint().height() > small, timeout=3000)
