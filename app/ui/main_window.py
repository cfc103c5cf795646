"""The composer window: provider and profile, the cart form and line items on the left; the live
request preview, the problems, and the response on the right."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from html import escape
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QByteArray, QRect, QSettings, QSize, Qt, QTimer
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QDialog, QLabel, QMainWindow, QSplitter, QWidget

from app.domain.errors import CartComposerError
from app.domain.sandbox_marks import REAL, SandboxMode
from app.ui.asking import Asker, DialogAsker, documents_folder
from app.ui.workers import run_in_background

if TYPE_CHECKING:
    from PySide6.QtCore import QModelIndex
    from PySide6.QtGui import QAction, QCloseEvent, QDragEnterEvent, QDropEvent, QShowEvent

    from app.domain.validation import Validation
    from app.history import HistoryEntry, HistoryStore
    from app.profiles import Profile, ProfileStore
    from app.service.sender import Sender
    from app.transport import SendResult
    from app.ui.controller import ComposerController

# The window paints its frame before the heavy half of the app is imported (pydantic models,
# httpx, sqlite): the modules that need those are imported where they are first used, in
# ``attach()`` and the actions, so that importing this module stays cheap.

__all__ = ["MainWindow"]

# What a first start leaves of the screen's height for a window manager's title bar and frame
# (openbox's is 26 px; fit_to_screen corrects it once the real frame is known).
_FRAME_ALLOWANCE = 32


class MainWindow(QMainWindow):
    def __init__(self, asker: Asker | None = None, settings: QSettings | None = None) -> None:
        """Only the frame (title, size, a "Starting…" placeholder) until ``attach()``: that is
        how start-up paints before the heavy modules are loaded."""
        super().__init__()
        self.setObjectName("mainWindow")
        self.asker: Asker = asker or DialogAsker(self)
        self.settings = settings
        self.splitters: tuple[QSplitter, ...] = ()
        self.resize(self.first_size())
        self._fitted = False
        self.setWindowTitle("Cart Composer")
        placeholder = QLabel("Starting Cart Composer…")
        placeholder.setObjectName("startingPlaceholder")
        placeholder.setAlignment(Qt.AlignmentFlag.AlignCenter)
        placeholder.setStyleSheet("color: #757575; font-size: 15px;")
        self.setCentralWidget(placeholder)
        self.statusBar().showMessage("Loading…")

    def first_size(self, area: QRect | None = None) -> QSize:
        """A first start's size: 1280 x 800, or the screen's available ``area`` where that
        is smaller (a 1024 x 700 laptop), less room for a window manager's frame."""
        if area is None:
            screen = self.screen() or QGuiApplication.primaryScreen()
            if screen is None:
                return QSize(1280, 800)
            area = screen.availableGeometry()
        return QSize(min(1280, area.width() - 8), min(800, area.height() - _FRAME_ALLOWANCE))

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if not self._fitted:
            self._fitted = True
            # The frame a window manager adds is known once the window is mapped.
            QTimer.singleShot(150, self.fit_to_screen)

    def fit_to_screen(self) -> None:
        """Keep the whole window — title bar and status bar — on the screen it is on: a size
        restored from a larger screen, or a frame taller than allowed for, is made to fit."""
        screen = self.screen()
        if screen is None or self.isMaximized() or self.isFullScreen():
            return
        area = screen.availableGeometry()
        frame = self.frameGeometry()
        if area.contains(frame):
            return
        extra_w = frame.width() - self.width()
        extra_h = frame.height() - self.height()
        width = min(self.width(), area.width() - extra_w)
        height = min(self.height(), area.height() - extra_h)
        self.resize(max(width, self.minimumSizeHint().width()), max(height, 400))
        frame = self.frameGeometry()
        x = min(max(frame.x(), area.x()), area.right() - frame.width() + 1)
        y = min(max(frame.y(), area.y()), area.bottom() - frame.height() + 1)
        self.move(max(x, area.x()), max(y, area.y()))

    @property
    def history(self) -> HistoryStore | None:
        """The history this window records to and shows (None: unavailable this session)."""
        return self._history

    @property
    def attached(self) -> bool:
        return hasattr(self, "controller")

    def attach(
        self,
        controller: ComposerController,
        *,
        sender: Sender,
        profiles: ProfileStore,
        history: HistoryStore | None,
    ) -> None:
        """Build the composer around ``controller`` (once), with what the panels beside the
        composer work with: the sender and the profiles (Journeys, Bulk, the Profiles dialog,
        the secret store's notice) and the history (its tab)."""
        if self.attached:
            raise RuntimeError("the window already has a controller")
        self.controller = controller
        self.session = controller.session
        self._sender, self._profiles, self._history = sender, profiles, history
        self.setAcceptDrops(True)
        from app.ui.theme import notifier, stylesheet

        self.setStyleSheet(stylesheet())
        notifier().changed.connect(self._on_theme_changed)
        from app.ui.request_panel import RequestPanel

        self.request_panel = RequestPanel(self.session, controller, self.asker, self._say)
        # Its widgets by the names the window has always given them.
        self.preview = self.request_panel.preview
        self.raw_button = self.request_panel.raw_button
        self.raw_editor = self.request_panel.raw_editor
        self._build_toolbar()
        self._build_body()
        # Says, while it is not the default, how the built-in sandbox answers.
        self.sandbox_mode_label = QLabel("")
        self.sandbox_mode_label.setObjectName("sandboxModeLabel")
        self.sandbox_mode_label.setToolTip("Sandbox menu: how the built-in sandbox answers")
        self.sandbox_mode_label.hide()
        self.statusBar().addPermanentWidget(self.sandbox_mode_label)
        self._build_menus()
        from app.ui.accessibility import name_widgets

        name_widgets(self)
        self._connect()
        self._on_document_replaced()
        self._on_profile_changed(self.session.profile)
        self._on_validation_changed(self.session.validation)
        self._update_title()
        self.statusBar().showMessage("Ready")

    # --- building --------------------------------------------------------------------------

    def _build_toolbar(self) -> None:
        from app.ui.cart_actions import CartActionsButton
        from app.ui.toolbar import CartToolbar

        self.cart_actions_button = CartActionsButton(
            self.session,
            self.asker,
            show_request=self.request_panel.show_request,
            restore_preview=self.request_panel.restore_preview,
            say=self._say,
        )
        self._cart_state_text = ""
        self.toolbar = CartToolbar(self.session, self.controller, self.cart_actions_button)
        self.addToolBar(self.toolbar)
        # Its widgets by the names the window has always given them.
        bar = self.toolbar
        self.provider_selector, self.profile_selector = bar.provider_selector, bar.profile_selector
        self.sample_button, self.new_id_button = bar.sample_button, bar.new_id_button
        self.send_button, self.cancel_button = bar.send_button, bar.cancel_button

    def send_to_several(self) -> None:
        """The cart to each provider ticked in the Side by side tab (all, until some are
        unticked)."""
        if self.session.sending:
            return
        chosen = self.several_panel.chosen()
        if not chosen:
            self.bottom_tabs.setCurrentWidget(self.several_panel)
            self.statusBar().showMessage("Tick at least one provider to send to.", 8000)
            return
        self.session.send_to_several(chosen)

    def _on_several_finished(self, result: object) -> None:
        from app.service.session import SeveralResult

        self._send_done()
        assert isinstance(result, SeveralResult)
        self.several_panel.show_result(result)
        self.bottom_tabs.setCurrentWidget(self.several_panel)
        count = len(result.answers)
        self.statusBar().showMessage(f"Sent to {count} provider{'s' * (count != 1)}.", 8000)

    @property
    def cart_actions(self) -> dict[str, QAction]:
        return self.cart_actions_button.actions_by_key

    def run_cart_action(self, operation: str) -> None:
        self.cart_actions_button.run(operation)

    def _on_remote_cart_changed(self, cart_id: str = "") -> None:
        provider = self.session.provider
        self.cart_actions_button.refresh()
        self.send_update_action.setEnabled(provider.update_values() is not None)

    def _on_cart_state(self, state: object) -> None:
        describe = getattr(state, "describe", None)
        self._cart_state_text = describe() if callable(describe) else ""

    def _build_body(self) -> None:
        from PySide6.QtWidgets import (
            QScrollArea,
            QTabWidget,
            QVBoxLayout,
        )

        from app.ui.cart_form import CartForm
        from app.ui.custom_attributes import CustomAttributesEditor
        from app.ui.history_view import HistoryView
        from app.ui.items_panel import ItemsPanel
        from app.ui.problems_panel import ProblemsPanel
        from app.ui.response_view import ResponseView

        self.form = CartForm()
        scroll = QScrollArea()
        scroll.setObjectName("cartFormScroll")
        scroll.setWidgetResizable(True)
        scroll.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # Tab goes to the fields themselves
        scroll.setWidget(self.form)

        self.items = ItemsPanel(self.controller)
        # Its parts by the names the window has always given them.
        self.items_model, self.items_table = self.items.model, self.items.table

        self.custom = CustomAttributesEditor(self.controller)
        left = QSplitter(Qt.Orientation.Vertical)
        left.setObjectName("leftSplitter")
        left.addWidget(scroll)
        left.addWidget(self.items)
        left.addWidget(self.custom)
        left.setStretchFactor(0, 3)
        left.setStretchFactor(1, 2)

        self.problems = ProblemsPanel(self.session, self.controller)
        self.summary, self.summary_title = self.problems.list, self.problems.title

        self.response = ResponseView()
        self.history_view = HistoryView(
            self._history,
            curl_for=self.session.curl_for_entry,
            current_request=self._current_request_text,
        )
        self.bottom_tabs = QTabWidget()
        self.bottom_tabs.setObjectName("bottomTabs")
        self.bottom_tabs.addTab(self.response, "Response")
        from app.ui.several_panel import SeveralPanel

        self.several_panel = SeveralPanel()
        self.several_panel.send_requested.connect(self.send_to_several)
        self.bottom_tabs.addTab(self.several_panel, "Side by side")
        from app.ui.journeys_view import JourneysView

        self.journeys = JourneysView(self._sender, self._profiles, self._history)
        self.journeys.history_written.connect(self.history_view.refresh)
        right = QSplitter(Qt.Orientation.Vertical)
        right.setObjectName("rightSplitter")
        right.addWidget(self.request_panel)
        right.addWidget(self.problems)
        right.addWidget(self.bottom_tabs)
        right.setStretchFactor(0, 5)
        right.setStretchFactor(1, 1)
        right.setStretchFactor(2, 3)

        main = QSplitter(Qt.Orientation.Horizontal)
        main.setObjectName("mainSplitter")
        main.addWidget(left)
        main.addWidget(right)
        main.setStretchFactor(0, 11)
        main.setStretchFactor(1, 9)
        # Stretch factors alone leave a fresh splitter's first pane tiny: give it real sizes.
        main.setSizes([700, 580])
        # In proportion: at 1280 x 800 the items table shows eight rows; the form scrolls.
        left.setSizes([260, 320, 120])
        right.setSizes([350, 90, 300])
        # The composer, and beside it (each the window's whole height) what is not one
        # cart's: the history, journeys, bulk.
        self.pages = QTabWidget()
        self.pages.setObjectName("pages")
        self.pages.setDocumentMode(True)
        self.composer_page = main
        # Reached by Ctrl+1 to Ctrl+4 (View menu): Alt and a letter are the menus'.
        for number, (page, title) in enumerate(
            (
                (main, "Composer"),
                (self.history_view, "History"),
                (self.journeys, "Journeys"),
                (self.journeys.bulk_panel, "Bulk"),
            ),
            start=1,
        ):
            self.pages.addTab(page, title)
            self.pages.setTabToolTip(number - 1, f"{title} (Ctrl+{number})")
        self.splitters = (main, left, right, self.history_view.splitter)
        self._notices: list[str] = []
        self._store_notice = ""
        self.banner = QLabel()
        self.banner.setObjectName("secretsBanner")
        self.banner.setWordWrap(True)
        self.banner.setProperty("box", "notice")
        self.banner.hide()
        central = QWidget()
        central_layout = QVBoxLayout(central)
        central_layout.setContentsMargins(4, 4, 4, 0)
        # While presenting: which profile the audience sees sending (View → Presenter mode).
        self.presenter_banner = QLabel()
        self.presenter_banner.setObjectName("presenterBanner")
        self.presenter_banner.setProperty("box", "safe")
        self.presenter_banner.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.presenter_banner.hide()
        central_layout.addWidget(self.presenter_banner)
        central_layout.addWidget(self.banner)
        central_layout.addWidget(self.pages, 1)
        self.setCentralWidget(central)

    def _build_menus(self) -> None:
        from PySide6.QtGui import QAction, QKeySequence

        def action(
            text: str, slot: object, shortcut: QKeySequence.StandardKey | str | None = None
        ) -> QAction:
            act = QAction(text, self)
            if shortcut is not None:
                act.setShortcut(QKeySequence(shortcut))
            act.triggered.connect(slot)
            return act

        file_menu = self.menuBar().addMenu("&File")
        file_menu.addAction(action("&New", self.new_cart, QKeySequence.StandardKey.New))
        file_menu.addAction(action("&Open…", self.open_cart, QKeySequence.StandardKey.Open))
        self.recent_menu = file_menu.addMenu("Open &Recent")
        self.recent_menu.setObjectName("recentMenu")
        from app.ui.recent_files import RecentFiles

        self.recent = RecentFiles(self.settings, self.recent_menu, self.open_cart)
        file_menu.addAction(action("&Save", self.save_cart, QKeySequence.StandardKey.Save))
        file_menu.addAction(action("Save &As…", self.save_cart_as, QKeySequence.StandardKey.SaveAs))
        file_menu.addSeparator()
        file_menu.addAction(action("&Quit", self.close, QKeySequence.StandardKey.Quit))
        file_menu.insertAction(
            file_menu.actions()[-1], action("&Profiles…", self.manage_profiles, "Ctrl+,")
        )
        edit_menu = self.menuBar().addMenu("&Edit")
        self.undo_action = action("&Undo", self.undo, QKeySequence.StandardKey.Undo)
        self.undo_action.setObjectName("undoAction")
        self.redo_action = action("&Redo", self.redo, QKeySequence.StandardKey.Redo)
        self.redo_action.setObjectName("redoAction")
        # Ctrl+Shift+Z everywhere, as well as the platform's own (Ctrl+Y on Windows).
        redo_keys = [QKeySequence(QKeySequence.StandardKey.Redo), QKeySequence("Ctrl+Shift+Z")]
        self.redo_action.setShortcuts(list(dict.fromkeys(redo_keys)))
        edit_menu.addAction(self.undo_action)
        edit_menu.addAction(self.redo_action)
        self._on_undo_changed()
        edit_menu.addSeparator()
        # On whichever text field or pane has the keyboard (a field's own keys do the same).
        self.clipboard_actions: dict[str, QAction] = {}
        for key, title, keys in (
            ("cut", "Cu&t", QKeySequence.StandardKey.Cut),
            ("copy", "&Copy", QKeySequence.StandardKey.Copy),
            ("paste", "&Paste", QKeySequence.StandardKey.Paste),
            ("selectAll", "Select &all", QKeySequence.StandardKey.SelectAll),
        ):
            act = action(title, lambda _=False, key=key: self._to_focused(key), keys)
            # The field's own key handling, not the menu's, where a field has the keyboard.
            act.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
            edit_menu.addAction(act)
            self.clipboard_actions[key] = act
        edit_menu.addSeparator()
        bar = self.request_panel.find_bar
        self.find_action = action("&Find in the request…", bar.open, QKeySequence.StandardKey.Find)
        self.find_next_action = action(
            "Find &next", lambda: bar.find_text(), QKeySequence.StandardKey.FindNext
        )
        self.find_previous_action = action(
            "Find pre&vious",
            lambda: bar.find_text(backward=True),
            QKeySequence.StandardKey.FindPrevious,
        )
        for act in (self.find_action, self.find_next_action, self.find_previous_action):
            edit_menu.addAction(act)
        self._build_view_menu(action)
        cart_menu = self.menuBar().addMenu("&Cart")
        cart_menu.addAction(action("&Fill with a sample cart", self.fill_sample))
        cart_menu.addAction(action("New cart &id", self.new_cart_id))
        cart_menu.addAction(action("Add &item", self.add_item, "Ctrl+I"))
        cart_menu.addSeparator()
        self.send_action = action("&Send", self.send, "Ctrl+Return")
        self.cancel_action = action("&Cancel sending", self.session.cancel, "Esc")
        self.cancel_action.setEnabled(False)
        self.send_update_action = action(
            "Send as an &update (same cart id, time now)", self.send_as_update, "Ctrl+Shift+Return"
        )
        self.send_update_action.setObjectName("sendAsUpdateAction")
        self.send_several_action = action("Send to se&veral providers", self.send_to_several)
        self.send_several_action.setObjectName("sendSeveralAction")
        self.send_several_action.setToolTip("To each provider ticked in the Side by side tab")
        cart_menu.addAction(self.send_action)
        cart_menu.addAction(self.send_update_action)
        cart_menu.addAction(self.send_several_action)
        cart_menu.addAction(self.cancel_action)
        sandbox_menu = self.menuBar().addMenu("Sand&box")
        sandbox_menu.setToolTipsVisible(True)
        self.explain_action = QAction("&Explain refusals (the sandbox's words)", self)
        self.explain_action.setObjectName("explainAction")

        self.strict_action = QAction("&Strict checks (refuse what the service lets through)", self)
        self.strict_action.setObjectName("strictAction")

        self._describe_sandbox_modes()
        for act in (self.explain_action, self.strict_action):
            act.setCheckable(True)
            act.toggled.connect(self._on_sandbox_mode)
            sandbox_menu.addAction(act)

        help_menu = self.menuBar().addMenu("&Help")
        self.shortcuts_action = action("&Keyboard shortcuts", self.show_shortcuts, "F1")
        self.about_action = action("&About Cart Composer", self.show_about)
        help_menu.addAction(self.shortcuts_action)
        help_menu.addAction(self.about_action)

    def _to_focused(self, command: str) -> None:
        """Cut, copy, paste or select all in the text field or pane that has the keyboard."""
        from PySide6.QtWidgets import QApplication

        focused = QApplication.focusWidget()
        method = getattr(focused, command, None)
        if callable(method):
            method()

    def _build_view_menu(self, action: Callable[..., QAction]) -> None:
        from PySide6.QtGui import QActionGroup, QKeySequence

        from app.ui.theme import THEMES, current_theme

        view_menu = self.menuBar().addMenu("&View")
        view_menu.setObjectName("viewMenu")
        self.page_actions: list[QAction] = []
        for number in range(self.pages.count()):
            page = self.pages.widget(number)
            title = self.pages.tabText(number)
            act = action(
                title, lambda _=False, page=page: self.show_page(page), f"Ctrl+{number + 1}"
            )
            view_menu.addAction(act)
            self.page_actions.append(act)
        view_menu.addSeparator()
        theme_menu = view_menu.addMenu("&Theme")
        theme_menu.setObjectName("themeMenu")
        group = QActionGroup(self)
        group.setExclusive(True)
        self.theme_actions: dict[str, QAction] = {}
        for key, title in THEMES.items():
            act = action(title, lambda _=False, key=key: self.set_theme(key))
            act.setCheckable(True)
            act.setChecked(key == current_theme())
            group.addAction(act)
            theme_menu.addAction(act)
            self.theme_actions[key] = act
        view_menu.addSeparator()
        self.presenter_action = action("&Presenter mode", self.set_presenter, "Ctrl+Shift+P")
        self.presenter_action.setCheckable(True)
        self.presenter_action.setToolTip(
            "Large text, the profile's name in a banner, secrets never shown: for demos"
        )
        view_menu.addAction(self.presenter_action)
        view_menu.addSeparator()
        self.zoom_in_action = action(
            "Zoom &in", lambda: self.zoom(+1), QKeySequence.StandardKey.ZoomIn
        )
        # Ctrl+= as well: on most keyboards "+" needs Shift.
        self.zoom_in_action.setShortcuts(
            [QKeySequence(QKeySequence.StandardKey.ZoomIn), QKeySequence("Ctrl+=")]
        )
        self.zoom_out_action = action(
            "Zoom &out", lambda: self.zoom(-1), QKeySequence.StandardKey.ZoomOut
        )
        self.zoom_reset_action = action("&Actual size", lambda: self.zoom(0), "Ctrl+0")
        for act in (self.zoom_in_action, self.zoom_out_action, self.zoom_reset_action):
            view_menu.addAction(act)

    def set_theme(self, key: str) -> None:
        """Light, dark, or the system's, kept for the next start."""
        from app.ui.theme import apply_theme

        apply_theme(key)
        self.theme_actions[key].setChecked(True)
        if self.settings is not None:
            self.settings.setValue("view/theme", key)

    def zoom(self, step: int) -> None:
        """The text a size larger (+1), smaller (-1), or the system's (0), kept."""
        from app.ui.theme import ZOOMS, apply_zoom, current_zoom

        if step == 0:
            percent = 100
        else:
            at = ZOOMS.index(current_zoom())
            percent = ZOOMS[min(max(at + step, 0), len(ZOOMS) - 1)]
        apply_zoom(percent)
        self.statusBar().showMessage(f"Text at {percent}%.", 3000)
        if self.settings is not None:
            self.settings.setValue("view/zoom", percent)

    @property
    def presenting(self) -> bool:
        return self.attached and self.presenter_action.isChecked()

    def set_presenter(self, on: bool) -> None:
        """For a demo: the text at 150% (the size before comes back after), the profile in
        a banner above everything, and no secret shown anywhere (the Profiles dialog's Show
        secrets is off; the preview, history and exports mask them always)."""
        from app.ui.theme import apply_zoom, current_zoom

        if self.presenter_action.isChecked() != on:
            self.presenter_action.setChecked(on)
        if on:
            self._zoom_before = current_zoom()
            apply_zoom(max(150, self._zoom_before))
        else:
            apply_zoom(getattr(self, "_zoom_before", 100))
        self._show_presenter_banner()

    def _show_presenter_banner(self) -> None:
        on = self.presenting
        if on:
            profile = self.session.profile
            where = "the built-in sandbox" if profile.sandbox else "a real account"
            self.presenter_banner.setText(
                f"Presenting · <b>{escape(profile.display_name)}</b> · "
                f"{escape(self.session.provider.title)}, {where}"
            )
        self.presenter_banner.setVisible(on)

    def _on_theme_changed(self) -> None:
        from app.ui.theme import stylesheet

        sheet = stylesheet()
        if sheet != self.styleSheet():
            self.setStyleSheet(sheet)

    def shortcuts_text(self) -> str:
        """Every menu command that has a shortcut, by menu, as the menus name them."""
        from PySide6.QtGui import QKeySequence
        from PySide6.QtWidgets import QMenu

        lines = []
        for menu_action in self.menuBar().actions():
            menu = menu_action.menu()
            if not isinstance(menu, QMenu):
                continue
            for act in menu.actions():
                keys = act.shortcut().toString(QKeySequence.SequenceFormat.NativeText)
                if keys and not act.isSeparator():
                    title = menu_action.text().replace("&", "")
                    lines.append(f"{keys}\t{title} → {act.text().replace('&', '')}")
        return "\n".join(lines)

    def show_shortcuts(self) -> None:
        from html import escape

        rows = "".join(
            f"<tr><td style='padding-right:16px'><b>{escape(keys)}</b></td>"
            f"<td>{escape(command)}</td></tr>"
            for keys, _, command in (
                line.partition("\t") for line in self.shortcuts_text().splitlines()
            )
        )
        self.asker.inform("Keyboard shortcuts", f"<table>{rows}</table>")

    def about_text(self) -> str:
        import platform

        import PySide6
        from PySide6.QtCore import qVersion

        from app import __version__

        return (
            f"Cart Composer {__version__}\n\nCompose a shopping-cart event, watch its request "
            "build, send it to the built-in sandbox or a real account, and read the answer "
            f"and the history.\n\nQt {qVersion()} · PySide6 {PySide6.__version__} · Python "
            f"{platform.python_version()}"
        )

    def show_about(self) -> None:
        self.asker.inform("About Cart Composer", self.about_text())

    def _describe_sandbox_modes(self) -> None:
        """The modes' tooltips, from what each emulated provider says of them."""
        from app.providers.registry import sandbox_mode_notes

        real = "; ".join(f"{title}: {note}" for title, note in sandbox_mode_notes("real"))
        self.explain_action.setToolTip(
            f"The built-in sandbox answers as the services most likely do ({real}). Explain "
            "mode answers every problem field by field instead, and marks each such answer as "
            "the sandbox's own."
        )
        strict = " ".join(f"{title}: {note}." for title, note in sandbox_mode_notes("strict"))
        self.strict_action.setToolTip(strict or "Strict mode refuses what a service lets through.")

    def _connect(self) -> None:
        c = self.controller
        c.document_replaced.connect(self._on_document_replaced)
        c.validation_changed.connect(self._on_validation_changed)
        # Bound methods, never lambdas, for the controller's signals: Qt drops a connection to
        # a method of a deleted window, while a lambda would still run and touch it.
        c.dirty_changed.connect(self._update_title)
        c.path_changed.connect(self._update_title)
        c.profile_changed.connect(self._on_profile_changed)
        c.send_started.connect(self._on_send_started)
        c.send_finished.connect(self._on_send_finished)
        c.send_failed.connect(self._on_send_failed)
        self.form.field_edited.connect(self.session.set_field)
        self.form.option_toggled.connect(self.session.set_option)
        self.toolbar.provider_chosen.connect(self.choose_provider)
        self.toolbar.profile_chosen.connect(self.choose_profile)
        self.toolbar.manage_chosen.connect(self.manage_profiles)
        self.sample_button.clicked.connect(self.fill_sample)
        self.new_id_button.clicked.connect(self.new_cart_id)
        self.send_button.clicked.connect(self.send)
        self.items.apply_cart_button.clicked.connect(self.apply_cart_totals)
        self.items_table.selectionModel().currentRowChanged.connect(
            lambda current, _: self.custom.select_item(current.row())
        )
        self.problems.go_to.connect(self.focus_path)
        self.response.problem_activated.connect(self.focus_path)
        c.payload_replaced.connect(self._on_payload_replaced)
        c.undo_changed.connect(self._on_undo_changed)
        c.history_changed.connect(self._on_history_changed)
        c.notice.connect(self.show_notice)
        c.status.connect(self._show_status)
        c.remote_cart_changed.connect(self._on_remote_cart_changed)
        c.cart_state_changed.connect(self._on_cart_state)
        c.several_finished.connect(self._on_several_finished)
        self.history_view.open_requested.connect(self.open_history_entry)
        self.history_view.resend_requested.connect(self.resend_history_entry)

    # --- reacting to the controller --------------------------------------------------------

    def _chain_tab_order(self) -> None:
        """Tab follows the screen: the toolbar, the form's fields top to bottom, the line
        items, custom attributes, the request preview, the problems, the answers. The form is
        rebuilt per provider, and a widget made later would otherwise come last."""
        from PySide6.QtWidgets import QComboBox

        fields = [
            widget
            for widget in self.form.findChildren(QWidget)
            if widget.focusPolicy() & Qt.FocusPolicy.TabFocus == Qt.FocusPolicy.TabFocus
            and widget.window() is self  # not a combo's pop-up list
            and not isinstance(widget.parentWidget(), QComboBox)  # an editable combo's line
        ]
        chain = [
            self.toolbar.cancel_button,
            *fields,
            self.items.apply_line_button,
            self.items.apply_cart_button,
            self.items.add_button,
        ]
        for before, after in itertools.pairwise(chain):
            QWidget.setTabOrder(before, after)

    def _on_document_replaced(self) -> None:
        session = self.session
        self.response.mark_previous()  # an answer on screen is the previous cart's now
        if self.form.provider_key != session.provider.key:
            self.form.rebuild(session.provider)
            self._chain_tab_order()
        document = session.document()
        self.form.fill(document.payload, document.options)
        self._on_remote_cart_changed()

    def _on_profile_changed(self, profile: Profile) -> None:
        if self.presenting:
            self._show_presenter_banner()
        if profile.sandbox:
            self._store_notice = ""
            self._show_banner()
            return
        # Opening the keyring can take a moment (D-Bus): ask off the GUI thread.
        run_in_background(
            lambda: self._sender.store,
            self._show_store_notice,
            lambda error: self._show_store_notice(None),
        )

    def _show_status(self, text: str) -> None:
        if text:
            self.statusBar().showMessage(text)
        else:
            self.statusBar().clearMessage()

    def show_notice(self, text: str) -> None:
        """A standing message above the composer (history or profiles trouble); each said once."""
        if text not in self._notices:
            self._notices.append(text)
        self._show_banner()

    def _show_store_notice(self, store: object) -> None:
        persistent = getattr(store, "persistent", False)
        notice = getattr(store, "notice", "The secret store could not be opened.")
        sandbox = self.session.profile.sandbox
        self._store_notice = "" if persistent or sandbox else notice
        self._show_banner()

    def _show_banner(self) -> None:
        lines = [line for line in (self._store_notice, *self._notices) if line]
        self.banner.setText("\n".join(lines))
        self.banner.setVisible(bool(lines))

    def profiles_dialog(self) -> QWidget:
        """The Profiles dialog for the composer's provider and profile (secrets never shown
        while presenting)."""
        from app.ui.profiles_dialog import ProfilesDialog

        session = self.session
        return ProfilesDialog(
            self._profiles,
            self._sender,
            self,
            only_provider=session.provider.key,
            select=session.profile.name,
            presenting=self.presenting,
        )

    def manage_profiles(self) -> None:
        dialog = self.profiles_dialog()
        assert isinstance(dialog, QDialog)
        dialog.exec()
        self.toolbar.fill_profiles()

    def _on_validation_changed(self, validation: Validation) -> None:
        self.form.show_errors(validation)

    def _current_request_text(self) -> str:
        return self.session.preview_text

    def show_page(self, page: QWidget) -> None:
        self.pages.setCurrentWidget(page)

    def _on_history_changed(self, _row: int = 0) -> None:
        self.history_view.refresh()

    def _say(self, text: str, ms: int = 0) -> None:
        self.statusBar().showMessage(text, ms)

    def cart_name(self) -> str | None:
        """The cart's name as the title shows it; None for a new, untitled cart."""
        path, copy_of = self.session.path, self.session.copy_of
        if path is not None:
            return path.name
        return f"{copy_of} (sample copy)" if copy_of else None  # Save asks where to

    def _update_title(self, *_: object) -> None:
        name = self.cart_name() or "Untitled cart"
        mark = "*" if self.session.dirty else ""
        self.setWindowTitle(f"{name}{mark} — Cart Composer")

    def _on_send_started(self) -> None:
        self.toolbar.set_sending(True)
        self.send_action.setEnabled(False)
        self.cancel_action.setEnabled(True)
        url = self.session.preview_text.split("\n", 1)[0].partition(" ")[2]
        self.response.show_sending(url)
        self.statusBar().showMessage("Sending…")

    def _send_done(self) -> None:
        self.toolbar.set_sending(False)
        self.send_action.setEnabled(True)
        self.cancel_action.setEnabled(False)

    def _on_send_finished(self, result: SendResult) -> None:
        self._send_done()
        self.response.show_result(result)
        operation, self.cart_actions_button.pending = self.cart_actions_button.pending, None
        meaning = ""
        if operation is not None and result.status is not None:
            said = operation.meanings.get(result.status, f"answered {result.status}.")
            meaning = f"{operation.title}: {said}"
        state, self._cart_state_text = self._cart_state_text, ""
        if operation is not None or state:
            self.response.show_cart(meaning, state)
        self.bottom_tabs.setCurrentWidget(self.response)
        self.statusBar().showMessage(result.message, 10000)

    def _on_send_failed(self, message: str) -> None:
        self._send_done()
        self.response.show_failure(message)
        self.statusBar().showMessage(message, 10000)

    # --- user actions ----------------------------------------------------------------------

    def send(self) -> None:
        if self.session.sending:
            return
        if self.request_panel.raw_mode:
            self.request_panel.apply_raw()
        raw_error = self.session.raw_error
        if raw_error:
            if self.asker.send_as_is(raw_error):
                self.session.send(as_is=True)
            return
        self.session.refresh_now()
        missing = [i.message for i in self.session.validation.issues if i.code == "presence_error"]
        if missing and not self.asker.send_incomplete(missing):
            return
        self.session.send()

    def send_as_update(self) -> None:
        """The cart again as an update, where the provider has one (Drip: "updated",
        occurred_at now — a journey's next step)."""
        if self.session.sending or self.session.provider.update_values() is None:
            return
        self.session.mark_as_update()
        self.form.fill(self.session.document().payload, self.session.document().options)
        self.send()

    def undo(self) -> None:
        label = self.session.undo_label
        if self.session.undo():
            self.statusBar().showMessage(f"Undid: {label}.", 5000)

    def redo(self) -> None:
        label = self.session.redo_label
        if self.session.redo():
            self.statusBar().showMessage(f"Redid: {label}.", 5000)

    def _on_undo_changed(self) -> None:
        undo, redo = self.session.undo_label, self.session.redo_label
        self.undo_action.setText(f"&Undo {undo}" if undo else "&Undo")
        self.undo_action.setEnabled(bool(undo))
        self.redo_action.setText(f"&Redo {redo}" if redo else "&Redo")
        self.redo_action.setEnabled(bool(redo))

    def _on_payload_replaced(self) -> None:
        document = self.session.document()
        self.form.fill(document.payload, document.options)
        self.items_model.refresh()

    def add_item(self) -> None:
        self.items.add_item()

    def apply_cart_totals(self) -> None:
        from app.domain import jsonfmt

        suggested = self.session.apply_cart_totals()
        if not suggested:
            self.statusBar().showMessage("The items' amounts are incomplete: nothing to apply.")
            return
        self.form.fill(self.session.document().payload, self.session.document().options)
        shown = ", ".join(f"{k} = {jsonfmt.format_decimal(v)}" for k, v in suggested.items())
        self.statusBar().showMessage(f"Applied {shown}.", 8000)

    def fill_sample(self) -> None:
        # Undoable, so nothing typed is lost: no question first.
        self.session.fill_sample()

    def new_cart_id(self) -> None:
        fresh = self.session.new_cart_id()
        self.form.fill(self.session.document().payload, self.session.document().options)
        self.statusBar().showMessage(f"New cart id: {fresh}", 5000)

    def focus_path(self, path: str) -> None:
        """Go to the field or cell a path names (``email``, ``items[2].price``,
        ``customer.email_address``)."""
        key = self.session.provider.items_key
        if path.startswith(f"{key}["):
            row_text, _, rest = path[len(key) + 1 :].partition("]")
            if row_text.isdigit():
                row = int(row_text)
                name = rest.lstrip(".").split(".", 1)[0].split("[", 1)[0]
                self.items.focus_cell(row, name)
                return
        # The longest field path the problem's path starts with (``customer.email_address``
        # for ``customer.email_address``, ``email`` for ``email``).
        field = path.split("[", 1)[0]
        while field and not self.form.focus_field(field):
            field = field.rpartition(".")[0]

    def choose_provider(self, key: str) -> None:
        """The cart as a ``key`` cart (the session keeps each provider's draft), and a status
        line of what was carried across."""
        from app.providers import get_provider

        if key == self.session.provider.key:
            return
        notes = self.session.switch_provider(key)
        carried = f"Switched to {get_provider(key).title}."
        self.statusBar().showMessage(" ".join([carried, *notes]), 20000)

    def choose_profile(self, name: str) -> None:
        try:
            self.session.set_profile(name)
        except CartComposerError as exc:
            self.statusBar().showMessage(str(exc), 8000)

    # --- files -----------------------------------------------------------------------------

    def _may_discard(self) -> bool:
        if not self.session.dirty:
            return True
        answer = self.asker.save_changes(self.cart_name() or "this cart")
        if answer == "save":
            return self.save_cart()
        return answer == "discard"

    def new_cart(self) -> None:
        from app.service.session import empty_document

        if self._may_discard():
            self.session.replace_document(empty_document(self.session.provider.key))

    def open_cart(self, path: Path | None = None) -> bool:

        if not self._may_discard():
            return False
        path = path or self.asker.open_path()
        if path is None:
            return False
        try:
            notes = self.session.open(path)
        except CartComposerError as exc:
            self.asker.warn("Cannot open the cart", str(exc))
            return False
        self.recent.remember(path)
        self.statusBar().showMessage(" ".join([f"Opened {path.name}.", *notes]), 10000)
        return True

    def save_cart(self) -> bool:
        if self.session.path is None:
            return self.save_cart_as()
        return self._save_to(self.session.path)

    def save_cart_as(self) -> bool:
        name = self.session.copy_of or "untitled.cart.json"
        suggested = str(self.session.path or documents_folder() / name)
        path = self.asker.save_path(suggested)
        return path is not None and self._save_to(path)

    def _save_to(self, path: Path) -> bool:
        try:
            self.session.save(path)
        except CartComposerError as exc:
            self.asker.warn("Cannot save the cart", str(exc))
            return False
        self.recent.remember(path)
        self.statusBar().showMessage(f"Saved {path}.", 5000)
        return True

    # --- history ---------------------------------------------------------------------------

    def open_history_entry(self, entry: HistoryEntry) -> bool:
        """Put a sent cart back in the composer, with its provider, options and profile."""
        from app.service.recording import entry_document

        try:
            document = entry_document(entry)
        except CartComposerError as exc:
            self.statusBar().showMessage(str(exc), 10000)
            return False
        if not self._may_discard():
            return False
        self.session.replace_document(document, saved=False)
        try:
            self.session.set_profile(entry.profile)
            note = ""
        except CartComposerError:
            note = f" The profile {entry.profile} no longer exists; using the sandbox."
        self.statusBar().showMessage(f"Opened history entry #{entry.id}.{note}", 8000)
        self.show_page(self.composer_page)  # where it is now, and where its answer will be
        return True

    def resend_history_entry(self, entry: HistoryEntry) -> None:
        if self.open_history_entry(entry):
            self.bottom_tabs.setCurrentWidget(self.response)
            self.send()

    # --- recent files and drops ------------------------------------------------------------

    def recent_files(self) -> list[Path]:
        return self.recent.files()

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        urls = event.mimeData().urls()
        if urls and all(u.isLocalFile() and u.toLocalFile().endswith(".json") for u in urls):
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:
        urls = event.mimeData().urls()
        if urls:
            event.acceptProposedAction()
            self.open_dropped(Path(urls[0].toLocalFile()))

    def open_dropped(self, path: Path) -> bool:
        """A dropped ``.cart.json`` opens; a bare payload becomes the current provider's cart."""
        from app.domain import jsonfmt
        from app.files import FileReadError, read_bounded
        from app.providers.document import CART_CAP, is_cart_document

        try:
            raw = read_bounded(path, CART_CAP, "cart file")
            data = jsonfmt.loads(raw)
        except (FileReadError, jsonfmt.JsonSyntaxError) as exc:
            self.statusBar().showMessage(f"Cannot use {path.name}: {exc}", 10000)
            return False
        if is_cart_document(data):
            return self.open_cart(path)
        if not self._may_discard():
            return False
        error, notes = self.session.apply_raw(raw.decode("utf-8-sig", errors="replace"))
        if error:
            self.statusBar().showMessage(f"Cannot use {path.name}: {error}", 10000)
            return False
        title = self.session.provider.title
        self.statusBar().showMessage(
            " ".join([f"Loaded the payload from {path.name} as a {title} cart.", *notes]), 10000
        )
        return True

    # --- window state ----------------------------------------------------------------------

    def _on_sandbox_mode(self) -> None:
        mode = SandboxMode(
            explain=self.explain_action.isChecked(), strict=self.strict_action.isChecked()
        )
        self.session.set_sandbox_mode(mode)
        self.journeys.sandbox_mode = mode
        self.sandbox_mode_label.setText("" if mode == REAL else f"Sandbox: {mode.label}")
        self.sandbox_mode_label.setVisible(mode != REAL)
        if self.settings is not None:
            self.settings.setValue("sandbox/mode", mode.label)

    def restore_state(self, settings: QSettings) -> None:
        if self.attached:
            from app.ui.theme import THEMES

            theme = str(settings.value("view/theme", "system"))
            if theme in THEMES and theme != "system":
                self.set_theme(theme)
            try:
                percent = int(str(settings.value("view/zoom", 100)))
            except ValueError:
                percent = 100
            if percent != 100:
                from app.ui.theme import apply_zoom

                apply_zoom(percent)  # the nearest of the sizes there are
            try:
                mode = SandboxMode.parse(str(settings.value("sandbox/mode", "real")))
            except ValueError:
                mode = REAL
            self.explain_action.setChecked(mode.explain)
            self.strict_action.setChecked(mode.strict)
        geometry = settings.value("window/geometry")
        if isinstance(geometry, QByteArray):
            self.restoreGeometry(geometry)
        for splitter in self.splitters:
            state = settings.value(f"window/{splitter.objectName()}")
            if isinstance(state, QByteArray):
                splitter.restoreState(state)

    def save_state(self, settings: QSettings) -> None:
        settings.setValue("window/geometry", self.saveGeometry())
        for splitter in self.splitters:
            settings.setValue(f"window/{splitter.objectName()}", splitter.saveState())

    def closeEvent(self, event: QCloseEvent) -> None:
        if not self.attached:
            event.accept()
            return
        if self.session.sending:
            self.session.cancel()
        if not self._may_discard():
            event.ignore()
            return
        event.accept()
        # Hang up the sender's connections now, not when the garbage collector gets to them
        # (a socket collected before its client is closed warns, ResourceWarning); a send
        # after this opens a new client.
        self._sender.close()

    def table_index(self, row: int, name: str) -> QModelIndex:
        return self.items.index(row, name)
