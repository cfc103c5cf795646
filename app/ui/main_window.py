"""The window: the cart tabs (each a composer of its own, app/ui/cart_tab.py), and beside
them as pages of the window's whole height the history, journeys and bulk sends; the menus,
which act on the current tab; the theme, the text size, presenter mode; what is kept for the
next start (size, splitters, the open tabs)."""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from html import escape
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QByteArray, QRect, QSettings, QSize, Qt, QTimer
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QDialog, QLabel, QMainWindow, QWidget

from app.domain.errors import CartComposerError
from app.domain.sandbox_marks import REAL, SandboxMode
from app.ui.asking import Asker, DialogAsker, documents_folder
from app.ui.workers import run_in_background

if TYPE_CHECKING:
    from PySide6.QtGui import QAction, QCloseEvent, QDragEnterEvent, QDropEvent, QShowEvent
    from PySide6.QtWidgets import QTabWidget

    from app.history import HistoryEntry, HistoryStore
    from app.profiles import ProfileStore
    from app.service.sender import Sender
    from app.ui.cart_tab import CartTab
    from app.ui.controller import ComposerController

# The window paints its frame before the heavy half of the app is imported (pydantic models,
# httpx, sqlite): the modules that need those are imported where they are first used, in
# ``attach()`` and the actions, so that importing this module stays cheap.

__all__ = ["MainWindow"]

# What a first start leaves of the screen's height for a window manager's title bar and frame
# (openbox's is 26 px; fit_to_screen corrects it once the real frame is known).
_FRAME_ALLOWANCE = 32

# How long after the window is first shown fit_to_screen runs: the frame a window manager adds
# is known once the window is mapped.
FIT_DELAY_MS = 150
# How many tabs a next start reopens at most (a hand-edited window.ini is not trusted).
_TABS_KEPT = 20

# The current tab's parts, by the names the window has always given them (tests, the menus).
_TAB_PARTS = frozenset(
    {
        "controller",
        "session",
        "request_panel",
        "preview",
        "raw_button",
        "raw_editor",
        "toolbar",
        "provider_selector",
        "profile_selector",
        "sample_button",
        "new_id_button",
        "send_button",
        "cancel_button",
        "cart_actions_button",
        "form",
        "items",
        "items_model",
        "items_table",
        "custom",
        "problems",
        "summary",
        "summary_title",
        "response",
        "bottom_tabs",
        "several_panel",
        "cart_actions",
    }
)
# What the current tab does when the window is asked (menus, shortcuts, tests).
_TAB_COMMANDS = frozenset(
    {
        "send",
        "send_as_update",
        "send_to_several",
        "undo",
        "redo",
        "add_item",
        "apply_cart_totals",
        "fill_sample",
        "new_cart_id",
        "focus_path",
        "choose_provider",
        "choose_profile",
        "cart_name",
        "new_cart",
        "open_dropped",
        "table_index",
        "run_cart_action",
    }
)


class MainWindow(QMainWindow):
    def __init__(self, asker: Asker | None = None, settings: QSettings | None = None) -> None:
        """Only the frame (title, size, a "Starting…" placeholder) until ``attach()``: that is
        how start-up paints before the heavy modules are loaded."""
        super().__init__()
        self.setObjectName("mainWindow")
        self.asker: Asker = asker or DialogAsker(self)
        self.settings = settings
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
            QTimer.singleShot(FIT_DELAY_MS, self.fit_to_screen)

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
        return hasattr(self, "cart_tabs")

    def __getattr__(self, name: str) -> Any:
        # The current tab's parts and commands, as the window's own (see _TAB_PARTS).
        if name in _TAB_PARTS or name in _TAB_COMMANDS:
            tabs = self.__dict__.get("_tabs_list")
            if not tabs:
                raise AttributeError(name)
            return getattr(self.tab, name)
        raise AttributeError(name)

    @property
    def tab(self) -> CartTab:
        """The cart tab in front."""
        from app.ui.cart_tab import CartTab

        current = self.cart_tabs.currentWidget()
        assert isinstance(current, CartTab)
        return current

    @property
    def tabs(self) -> list[CartTab]:
        return list(self._tabs_list)

    def attach(
        self,
        controller: ComposerController,
        *,
        sender: Sender,
        profiles: ProfileStore,
        history: HistoryStore | None,
    ) -> None:
        """Build the window around a first cart's ``controller`` (once), with what the panels
        beside the composer work with: the sender and the profiles (Journeys, Bulk, the
        Profiles dialog, the secret store's notice, new tabs) and the history (its page)."""
        if self.attached:
            raise RuntimeError("the window already has a controller")
        self._sender, self._profiles, self._history = sender, profiles, history
        self._tabs_list: list[CartTab] = []
        self._sandbox_mode = REAL
        self._notice_profile = ""
        self.setAcceptDrops(True)
        from app.ui.theme import notifier, stylesheet

        self.setStyleSheet(stylesheet())
        notifier().changed.connect(self._on_theme_changed)
        self._build_pages()
        self.add_tab(controller)
        # Says, while it is not the default, how the built-in sandbox answers.
        self.sandbox_mode_label = QLabel("")
        self.sandbox_mode_label.setObjectName("sandboxModeLabel")
        self.sandbox_mode_label.setToolTip("Sandbox menu: how the built-in sandbox answers")
        self.sandbox_mode_label.hide()
        self.statusBar().addPermanentWidget(self.sandbox_mode_label)
        self._build_menus()
        from app.ui.accessibility import name_widgets

        name_widgets(self)
        self.cart_tabs.currentChanged.connect(self._on_current_tab)
        self._on_current_tab()
        self.statusBar().showMessage("Ready")

    # --- building --------------------------------------------------------------------------

    def _build_pages(self) -> None:
        from PySide6.QtWidgets import QTabWidget, QToolButton, QVBoxLayout

        from app.ui.history_view import HistoryView
        from app.ui.journeys_view import JourneysView

        # The carts, a tab each (its tab bar shows once there are two).
        self.cart_tabs = QTabWidget()
        self.cart_tabs.setObjectName("cartTabs")
        self.cart_tabs.setDocumentMode(True)
        self.cart_tabs.setTabsClosable(True)
        self.cart_tabs.setMovable(True)
        self.cart_tabs.setTabBarAutoHide(True)
        self.cart_tabs.tabCloseRequested.connect(self.close_tab)
        plus = QToolButton()
        plus.setObjectName("newTabButton")
        plus.setText("+")
        plus.setToolTip("A new cart in a tab of its own (Ctrl+T)")
        plus.setAccessibleName("New cart tab")
        plus.clicked.connect(self.new_tab)
        self.cart_tabs.setCornerWidget(plus, Qt.Corner.TopRightCorner)
        self.history_view = HistoryView(
            self._history,
            curl_for=self._curl_for_entry,
            current_request=self._current_request_text,
            postman_for=lambda entries: self.tab.session.postman_for_entries(entries),
        )
        self.history_view.open_requested.connect(self.open_history_entry)
        self.history_view.resend_requested.connect(self.resend_history_entry)
        self.journeys = JourneysView(self._sender, self._profiles, self._history)
        self.journeys.history_written.connect(self.history_view.refresh)
        # The composer, and beside it (each the window's whole height) what is not one
        # cart's: the history, journeys, bulk.
        self.pages = QTabWidget()
        self.pages.setObjectName("pages")
        self.pages.setDocumentMode(True)
        self.composer_page = self.cart_tabs
        # Reached by Ctrl+1 to Ctrl+4 (View menu): Alt and a letter are the menus'.
        for number, (page, title) in enumerate(
            (
                (self.cart_tabs, "Composer"),
                (self.history_view, "History"),
                (self.journeys, "Journeys"),
                (self.journeys.bulk_panel, "Bulk"),
            ),
            start=1,
        ):
            self.pages.addTab(page, title)
            self.pages.setTabToolTip(number - 1, f"{title} (Ctrl+{number})")
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
        for tabs in (self.pages, self.cart_tabs):
            tabs.currentChanged.connect(lambda _, tabs=tabs: self._size_by_current(tabs))
        self._size_by_current(self.pages)

    @staticmethod
    def _size_by_current(tabs: QTabWidget) -> None:
        """Only the page in view counts for the window's smallest size: a page out of view
        keeps sizes measured with the text size it last had (a journey measured at 150% stayed
        1,100 pixels wide back at 100%, and so would the window)."""
        from PySide6.QtWidgets import QSizePolicy

        current = tabs.currentWidget()
        for index in range(tabs.count()):
            page = tabs.widget(index)
            if page is None:
                continue
            wanted = QSizePolicy.Policy.Preferred if page is current else QSizePolicy.Policy.Ignored
            if page.sizePolicy().horizontalPolicy() != wanted:
                page.setSizePolicy(wanted, wanted)

    @property
    def splitters(self) -> tuple[Any, ...]:
        """The splitters a next start restores: the current tab's, History's, Journeys'."""
        from PySide6.QtWidgets import QSplitter

        if not self.attached:
            return ()  # the frame only, before the composer is attached
        journeys = self.journeys.findChild(QSplitter, "journeysSplitter")
        own = (self.history_view.splitter, *([journeys] if journeys is not None else []))
        return (*self.tab.splitters, *own) if self._tabs_list else own

    # --- tabs ------------------------------------------------------------------------------

    def add_tab(self, controller: ComposerController | None = None) -> CartTab:
        """A cart tab around ``controller`` (a new one of the current tab's provider when
        None), made current."""
        from app.ui.cart_tab import CartTab
        from app.ui.controller import ComposerController

        if controller is None:
            provider = self.tab.session.provider.key if self._tabs_list else None
            controller = ComposerController(
                self._profiles, self._sender, provider, history=self._history
            )
        tab = CartTab(controller, self.asker, self._say)
        if self._sandbox_mode != REAL:
            tab.session.set_sandbox_mode(self._sandbox_mode)
        if self._tabs_list:  # sized as the tab in front is
            for mine, theirs in zip(tab.splitters, self.tab.splitters, strict=True):
                mine.setSizes(theirs.sizes())
        self._tabs_list.append(tab)
        tab.changed.connect(self._on_tab_changed)
        tab.manage_requested.connect(self.manage_profiles)
        tab.file_used.connect(self._remember_file)
        controller.history_changed.connect(self._on_history_changed)
        controller.notice.connect(self.show_notice)
        controller.status.connect(self._show_status)
        index = self.cart_tabs.addTab(tab, tab.title())
        self.cart_tabs.setCurrentIndex(index)
        self._size_by_current(self.cart_tabs)
        from app.ui.accessibility import name_widgets

        name_widgets(tab)
        tab.chain_tab_order()
        return tab

    def new_tab(self) -> CartTab:
        """Ctrl+T: an empty cart of the current provider, in a tab of its own."""
        tab = self.add_tab()
        self.show_page(self.composer_page)
        self._say("A new cart in a tab of its own (Ctrl+W closes it).", 5000)
        return tab

    def close_tab(self, index: int | None = None) -> bool:
        """Ctrl+W: the tab goes once its cart is saved or discarded; the last one is
        replaced by an empty cart (the window always has one)."""
        from app.ui.cart_tab import CartTab

        index = self.cart_tabs.currentIndex() if index is None else index
        tab = self.cart_tabs.widget(index)
        if not isinstance(tab, CartTab):
            return False
        self.cart_tabs.setCurrentIndex(index)  # the question is about the cart in view
        if tab.session.sending:
            tab.session.cancel()
        if not tab.may_discard():
            return False
        if len(self._tabs_list) == 1:
            self.add_tab()
        self._drop_tab(tab)
        return True

    def _drop_tab(self, tab: CartTab) -> None:
        self.cart_tabs.removeTab(self.cart_tabs.indexOf(tab))
        self._tabs_list.remove(tab)
        tab.deleteLater()

    def next_tab(self, step: int = 1) -> None:
        """Ctrl+Tab / Ctrl+Shift+Tab: the next or previous cart tab, round."""
        count = self.cart_tabs.count()
        if count > 1:
            self.cart_tabs.setCurrentIndex((self.cart_tabs.currentIndex() + step) % count)
        self.show_page(self.composer_page)

    def _on_tab_changed(self) -> None:
        from app.ui.cart_tab import CartTab

        tab = self.sender()
        if isinstance(tab, CartTab):
            index = self.cart_tabs.indexOf(tab)
            if index >= 0:
                title = tab.title()
                if self.cart_tabs.tabText(index) != title:
                    # Only a change: setting a tab's text lays the tab bar out again, and with
                    # it the whole window repainted on every keystroke.
                    self.cart_tabs.setTabText(index, title)
                self.cart_tabs.setTabToolTip(index, str(tab.session.path or title))
            if tab is not self.tab:
                return
        self._refresh_for_tab()

    def _on_current_tab(self, _index: int = 0) -> None:
        if self._tabs_list:
            self._refresh_for_tab()

    def _refresh_for_tab(self) -> None:
        """What the window shows of the current tab: title, Undo/Redo, Send/Cancel, Send as
        update, the profile's notices."""
        if not hasattr(self, "send_action"):
            return  # the menus are not built yet
        tab = self.tab
        session = tab.session
        self.setWindowTitle(f"{tab.title()} — Cart Composer")
        undo, redo = session.undo_label, session.redo_label
        self.undo_action.setText(f"&Undo {undo}" if undo else "&Undo")
        self.undo_action.setEnabled(bool(undo))
        self.redo_action.setText(f"&Redo {redo}" if redo else "&Redo")
        self.redo_action.setEnabled(bool(redo))
        self.send_action.setEnabled(not session.sending)
        self.cancel_action.setEnabled(session.sending)
        self.send_update_action.setEnabled(session.provider.update_values() is not None)
        if session.profile.name != self._notice_profile:
            self._notice_profile = session.profile.name
            self._on_profile_changed()
        elif self.presenting:
            self._show_presenter_banner()

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
        file_menu.addAction(
            action("&New", lambda: self.tab.new_cart(), QKeySequence.StandardKey.New)
        )
        self.new_tab_action = action("New &tab", self.new_tab, QKeySequence.StandardKey.AddTab)
        self.close_tab_action = action("&Close tab", lambda: self.close_tab(), "Ctrl+W")
        # Ctrl+W everywhere, and the platform's own as well (Ctrl+F4 on Linux and Windows).
        closing = [
            QKeySequence("Ctrl+W"),
            *QKeySequence.keyBindings(QKeySequence.StandardKey.Close),
        ]
        self.close_tab_action.setShortcuts(list(dict.fromkeys(closing)))
        self.next_tab_action = action("Ne&xt tab", lambda: self.next_tab(1), "Ctrl+Tab")
        self.previous_tab_action = action(
            "Pre&vious tab", lambda: self.next_tab(-1), "Ctrl+Shift+Tab"
        )
        for act in (self.new_tab_action, self.close_tab_action):
            file_menu.addAction(act)
        file_menu.addAction(action("&Open…", self.open_cart, QKeySequence.StandardKey.Open))
        self.recent_menu = file_menu.addMenu("Open &Recent")
        self.recent_menu.setObjectName("recentMenu")
        from app.ui.recent_files import RecentFiles

        self.recent = RecentFiles(self.settings, self.recent_menu, self.open_cart)
        file_menu.addAction(action("&Save", self.save_cart, QKeySequence.StandardKey.Save))
        file_menu.addAction(action("Save &As…", self.save_cart_as, QKeySequence.StandardKey.SaveAs))
        file_menu.addSeparator()
        self.import_action = action("&Import a request…", self.import_request, "Ctrl+Shift+I")
        self.import_action.setStatusTip("A cURL command, a HAR file or a Postman collection")
        file_menu.addAction(self.import_action)
        self.schema_action = action("Export the payload's JSON &Schema…", self.export_schema)
        self.schema_action.setStatusTip("What the app accepts as this provider's payload")
        file_menu.addAction(self.schema_action)
        file_menu.addSeparator()
        file_menu.addAction(action("&Quit", self.close, QKeySequence.StandardKey.Quit))
        file_menu.insertAction(
            file_menu.actions()[-1], action("&Profiles…", self.manage_profiles, "Ctrl+,")
        )
        edit_menu = self.menuBar().addMenu("&Edit")
        self.undo_action = action("&Undo", lambda: self.tab.undo(), QKeySequence.StandardKey.Undo)
        self.undo_action.setObjectName("undoAction")
        self.redo_action = action("&Redo", lambda: self.tab.redo(), QKeySequence.StandardKey.Redo)
        self.redo_action.setObjectName("redoAction")
        # Ctrl+Shift+Z everywhere, as well as the platform's own (Ctrl+Y on Windows).
        redo_keys = [QKeySequence(QKeySequence.StandardKey.Redo), QKeySequence("Ctrl+Shift+Z")]
        self.redo_action.setShortcuts(list(dict.fromkeys(redo_keys)))
        edit_menu.addAction(self.undo_action)
        edit_menu.addAction(self.redo_action)
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
        self.paste_request_action = action(
            "Paste a request as the &cart", self.paste_request, "Ctrl+Shift+V"
        )
        self.paste_request_action.setStatusTip("A cURL command copied from a browser or docs")
        edit_menu.addAction(self.paste_request_action)
        edit_menu.addSeparator()
        # The current tab's find bar (each tab has its own).
        self.find_action = action(
            "&Find in the request…",
            lambda: self.tab.request_panel.find_bar.open(),
            QKeySequence.StandardKey.Find,
        )
        self.find_next_action = action(
            "Find &next",
            lambda: self.tab.request_panel.find_bar.find_text(),
            QKeySequence.StandardKey.FindNext,
        )
        self.find_previous_action = action(
            "Find pre&vious",
            lambda: self.tab.request_panel.find_bar.find_text(backward=True),
            QKeySequence.StandardKey.FindPrevious,
        )
        for act in (self.find_action, self.find_next_action, self.find_previous_action):
            edit_menu.addAction(act)
        self._build_view_menu(action)
        cart_menu = self.menuBar().addMenu("&Cart")
        cart_menu.addAction(action("&Fill with a sample cart", lambda: self.tab.fill_sample()))
        cart_menu.addAction(action("New cart &id", lambda: self.tab.new_cart_id()))
        cart_menu.addAction(action("Add &item", lambda: self.tab.add_item(), "Ctrl+I"))
        self.copy_powershell_action = action("Copy as &PowerShell", self.copy_powershell)
        self.copy_powershell_action.setStatusTip("Invoke-RestMethod; secrets from $env: variables")
        self.postman_action = action("Export as a &Postman collection…", self.export_postman)
        cart_menu.addAction(self.copy_powershell_action)
        cart_menu.addAction(self.postman_action)
        cart_menu.addSeparator()
        self.send_action = action("&Send", lambda: self.tab.send(), "Ctrl+Return")
        self.cancel_action = action("&Cancel sending", lambda: self.tab.session.cancel(), "Esc")
        self.cancel_action.setEnabled(False)
        self.send_update_action = action(
            "Send as an &update (same cart id, time now)",
            lambda: self.tab.send_as_update(),
            "Ctrl+Shift+Return",
        )
        self.send_update_action.setObjectName("sendAsUpdateAction")
        self.send_several_action = action(
            "Send to se&veral providers", lambda: self.tab.send_to_several()
        )
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
        self.guide_action = action("&Guide", self.show_guide)
        help_menu.addAction(self.guide_action)
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
        view_menu.addAction(self.next_tab_action)
        view_menu.addAction(self.previous_tab_action)
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

    def set_presenter(self, on: bool, area: QRect | None = None) -> None:
        """For a demo: the text as large as the screen has room for (150% on 1280 x 800,
        110% on 1024 x 700; the size before comes back after), the profile in a banner above
        everything, and no secret shown anywhere (the Profiles dialog's Show secrets is off;
        the preview, history and exports mask them always)."""
        from app.ui.theme import apply_zoom, current_zoom

        if self.presenter_action.isChecked() != on:
            self.presenter_action.setChecked(on)
        self._show_presenter_banner()
        if not on:
            apply_zoom(getattr(self, "_zoom_before", 100))
            return
        self._zoom_before = before = current_zoom()
        screen = self.screen() or QGuiApplication.primaryScreen()
        room = area or (screen.availableGeometry() if screen else QRect(0, 0, 1280, 800))
        for percent in (150, 125, 110):
            if percent <= before:
                break
            apply_zoom(percent)
            hint = self.minimumSizeHint()
            if hint.width() <= room.width() - 8 and hint.height() <= room.height() - 32:
                break
            apply_zoom(before)  # not even this fits: the text as it was
        self.fit_to_screen()

    def _show_presenter_banner(self) -> None:
        on = self.presenting
        if on:
            profile = self.tab.session.profile
            where = "the built-in sandbox" if profile.sandbox else "a real account"
            self.presenter_banner.setText(
                f"Presenting · <b>{escape(profile.display_name)}</b> · "
                f"{escape(self.tab.session.provider.title)}, {where}"
            )
        self.presenter_banner.setVisible(on)

    def _on_theme_changed(self) -> None:
        from app.ui.theme import stylesheet

        sheet = stylesheet()
        if sheet == self.styleSheet():
            return
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

    def show_guide(self) -> None:
        """The guide (app/resources/guide.md, as the README links it) in a window of its own,
        beside the composer; read off the GUI thread."""
        from app.files import read_bounded
        from app.paths import resource

        def read() -> str:
            return read_bounded(resource("guide.md"), 1024 * 1024, "guide").decode()

        run_in_background(
            read,
            lambda text: self._show_guide(str(text)),
            lambda exc: self._show_guide(f"The guide could not be read: {exc}"),
            owner=self,
        )

    def _show_guide(self, text: str) -> None:
        from app.ui.widgets import browser_dialog

        dialog, browser = browser_dialog(self, "guide", "Cart Composer guide", (720, 640))
        browser.setObjectName("guideText")
        browser.setOpenExternalLinks(False)
        browser.setMarkdown(text)
        dialog.show()
        self.guide_dialog = dialog

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

    # --- the window's notices and pages ----------------------------------------------------

    def _on_profile_changed(self) -> None:
        """The current tab's profile changed (or another tab came in front): its notices."""
        if self.presenting:
            self._show_presenter_banner()
        if self.tab.session.profile.sandbox:
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
        sandbox = self.tab.session.profile.sandbox
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

        session = self.tab.session
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
        for tab in self._tabs_list:
            tab.toolbar.fill_profiles()

    def _current_request_text(self) -> str:
        return self.tab.session.preview_text

    def show_page(self, page: QWidget) -> None:
        self.pages.setCurrentWidget(page)

    def _on_history_changed(self, _row: int = 0) -> None:
        self.history_view.refresh()

    def _say(self, text: str, ms: int = 0) -> None:
        self.statusBar().showMessage(text, ms)

    def _curl_for_entry(self, entry: HistoryEntry) -> str:
        return self.tab.session.curl_for_entry(entry)

    # --- files (the current tab's; the recent list is the window's) -------------------------

    def open_cart(self, path: Path | None = None) -> bool:
        return self.tab.open_cart(path)

    def save_cart(self) -> bool:
        return self.tab.save_cart()

    def import_request(self) -> bool:
        opened = self.tab.import_file()
        if opened:
            self.show_page(self.composer_page)
        return opened

    def export_schema(self) -> Path | None:
        """File → Export the payload's JSON Schema…: the cart's provider's, to a chosen file."""
        from app.providers.json_schema import provider_schema

        key = self.session.provider.key
        return self._save_json(
            provider_schema(key),
            f"{key}.schema.json",
            "the schema",
            f"the {self.session.provider.title} schema",
        )

    def _save_json(self, data: object, suggested: str, what: str, said: str) -> Path | None:
        """``data`` as a JSON file the person chooses (``suggested`` in their documents);
        the status says ``said`` went there, a warning says why it could not."""
        from app.domain import jsonfmt

        path = self.tab.asker.save_path(str(documents_folder() / suggested))
        if path is None:
            return None
        try:
            path.write_text(jsonfmt.dumps(data) + "\n", encoding="utf-8")
        except OSError as exc:
            self.tab.asker.warn(f"Cannot export {what}", f"{path}: {exc.strerror}.")
            return None
        self.statusBar().showMessage(f"Saved {said} to {path}.", 8000)
        return path

    def copy_powershell(self) -> None:
        from PySide6.QtGui import QGuiApplication

        try:
            script = self.session.powershell_text()
        except CartComposerError as exc:
            self.statusBar().showMessage(str(exc), 8000)
            return
        QGuiApplication.clipboard().setText(script)
        self.statusBar().showMessage(
            "Copied a PowerShell script; it reads secrets from $env:CART_COMPOSER_* variables.",
            6000,
        )

    def export_postman(self) -> Path | None:
        """Cart → Export as a Postman collection…: the cart as Send makes it, secrets as
        {{variables}}."""
        try:
            made = self.session.postman_for_cart()
        except CartComposerError as exc:
            self.tab.asker.warn("Cannot export the cart", str(exc))
            return None
        return self._save_json(
            made, "cart.postman_collection.json", "the cart", "a Postman collection of the cart"
        )

    def paste_request(self) -> bool:
        """Edit → Paste a request as the cart: the clipboard's cURL command (or HAR, or
        Postman collection) imported into the cart in front."""
        from PySide6.QtGui import QGuiApplication

        text = QGuiApplication.clipboard().text()
        if not text.strip():
            self.tab.asker.warn("Nothing to paste", "The clipboard holds no text.")
            return False
        opened = self.tab.import_text(text, "the clipboard")
        if opened:
            self.show_page(self.composer_page)
        return opened

    def save_cart_as(self) -> bool:
        return self.tab.save_cart_as()

    def _remember_file(self, path: object) -> None:
        if isinstance(path, Path) and hasattr(self, "recent"):
            self.recent.remember(path)

    # --- history ---------------------------------------------------------------------------

    def open_history_entry(self, entry: HistoryEntry) -> bool:
        """Put a sent cart back in the composer, with its provider, options and profile."""
        opened = self.tab.open_history_entry(entry)
        if opened:
            self.show_page(self.composer_page)  # where it is now, and where its answer will be
        return opened

    def resend_history_entry(self, entry: HistoryEntry) -> None:
        if self.open_history_entry(entry):
            self.tab.bottom_tabs.setCurrentWidget(self.tab.response)
            self.tab.send()

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
            self.tab.open_dropped(Path(urls[0].toLocalFile()))

    # --- window state ----------------------------------------------------------------------

    def _on_sandbox_mode(self) -> None:
        mode = SandboxMode(
            explain=self.explain_action.isChecked(), strict=self.strict_action.isChecked()
        )
        self._sandbox_mode = mode
        for tab in self._tabs_list:
            tab.session.set_sandbox_mode(mode)
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
        self._restore_splitters(self.splitters, settings)

    @staticmethod
    def _restore_splitters(splitters: tuple[Any, ...], settings: QSettings) -> None:
        for splitter in splitters:
            state = settings.value(f"window/{splitter.objectName()}")
            if isinstance(state, QByteArray):
                splitter.restoreState(state)

    def tab_states(self) -> list[dict[str, str]]:
        """What a next start reopens of each tab: its file (or the sample it is an unchanged
        copy of), its provider and profile. An untitled cart is not kept: the unsaved
        question came first."""
        kept = []
        for tab in self._tabs_list:
            session = tab.session
            state = {"provider": session.provider.key, "profile": session.profile.name}
            if session.path is not None:
                state["path"] = str(session.path)
            elif session.copy_of and not session.dirty:
                state["sample"] = session.copy_of
            else:
                continue
            kept.append(state)
        return kept

    def restore_tabs(self, settings: QSettings, *, replace_first: bool = True) -> list[str]:
        """The tabs the last session left open, reopened (the first start's cart gives way
        to them when ``replace_first`` and it is unchanged); what could not be, said."""
        import json

        from app.paths import resources_dir

        try:
            saved = json.loads(str(settings.value("tabs/open", "[]")))
        except ValueError:
            saved = []
        if not isinstance(saved, list):
            saved = []
        first = self._tabs_list[0] if self._tabs_list else None
        problems: list[str] = []
        reopened = 0
        for state in saved[:_TABS_KEPT]:
            if not isinstance(state, dict):
                continue
            path, sample = state.get("path"), state.get("sample")
            if isinstance(path, str) and path:
                target = Path(path)
            elif isinstance(sample, str) and sample == Path(sample).name:
                target = resources_dir() / "samples" / sample
            else:
                continue
            if not target.is_file():
                problems.append(f"{target.name} is gone, so its tab was not reopened.")
                continue
            tab = self.add_tab()
            try:
                tab.session.open(target)
            except CartComposerError as exc:
                problems.append(str(exc))
                self._drop_tab(tab)
                continue
            reopened += 1
            profile = state.get("profile")
            if isinstance(profile, str):
                # A profile gone since: the sandbox profile it opened with.
                with contextlib.suppress(CartComposerError):
                    tab.session.set_profile(profile)
        if reopened and replace_first and first is not None and not first.session.dirty:
            self._drop_tab(first)
        try:
            current = int(str(settings.value("tabs/current", 0)))
        except ValueError:
            current = 0
        if reopened and 0 <= current < self.cart_tabs.count():
            self.cart_tabs.setCurrentIndex(current)
        if problems:
            self._say(" ".join(problems), 15000)
        return problems

    def save_state(self, settings: QSettings) -> None:
        import json

        settings.setValue("window/geometry", self.saveGeometry())
        for splitter in self.splitters:
            settings.setValue(f"window/{splitter.objectName()}", splitter.saveState())
        if self.attached:
            kept = self.tab_states()
            settings.setValue("tabs/open", json.dumps(kept))
            listed = [t for t in self._tabs_list if t.session.path or t.session.copy_of]
            current = self.tab
            settings.setValue("tabs/current", listed.index(current) if current in listed else 0)

    def closeEvent(self, event: QCloseEvent) -> None:
        if not self.attached:
            event.accept()
            return
        # Each cart with unsaved changes is asked about, in view.
        for tab in list(self._tabs_list):
            if tab.session.sending:
                tab.session.cancel()
            if tab.session.dirty:
                self.cart_tabs.setCurrentWidget(tab)
                self.show_page(self.composer_page)
            if not tab.may_discard():
                event.ignore()
                return
        event.accept()
        # Hang up the sender's connections now, not when the garbage collector gets to them
        # (a socket collected before its client is closed warns, ResourceWarning); a send
        # after this opens a new client.
        self._sender.close()
