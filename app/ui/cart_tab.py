"""One cart in its tab: its own composer session (provider, profile, file, undo history,
response), its tool bar (provider, profile, Send), the form and line items on the left, the
live request preview, the problems and the answers on the right.

The window holds several and routes its menus and shortcuts to the current one; a tab tells
the window what changed (``changed``) and what to say (``say``)."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QSplitter, QVBoxLayout, QWidget

from app.domain.errors import CartComposerError
from app.ui.accessibility import announce
from app.ui.asking import Asker, documents_folder, start_folder

if TYPE_CHECKING:
    from PySide6.QtCore import QModelIndex
    from PySide6.QtGui import QAction

    from app.domain.validation import Validation
    from app.history import HistoryEntry
    from app.providers import Provider
    from app.transport import SendResult
    from app.ui.controller import ComposerController

__all__ = ["CartTab"]


class CartTab(QWidget):
    # The title, the dirty mark, undo/redo, sending or the provider changed: the window
    # refreshes what it shows of the current tab.
    changed = Signal()
    # The tool bar's "Manage profiles…": the window's Profiles dialog.
    manage_requested = Signal()
    # A file opened or saved (Path): the window's recent files.
    file_used = Signal(object)

    def __init__(
        self,
        controller: ComposerController,
        asker: Asker,
        say: Callable[[str, int], None],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("cartTab")
        self.controller = controller
        self.session = controller.session
        self.asker = asker
        self._say_to_window = say
        from app.ui.request_panel import RequestPanel

        self.request_panel = RequestPanel(self.session, controller, asker, self._say)
        # Its widgets by the names the window has always given them.
        self.preview = self.request_panel.preview
        self.raw_button = self.request_panel.raw_button
        self.raw_editor = self.request_panel.raw_editor
        self._build_toolbar()
        self._build_body()
        self._connect()
        self._on_document_replaced()
        self._on_validation_changed(self.session.validation)

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
        # Its widgets by the names the window has always given them.
        bar = self.toolbar
        self.provider_selector, self.profile_selector = bar.provider_selector, bar.profile_selector
        self.sample_button, self.new_id_button = bar.sample_button, bar.new_id_button
        self.send_button, self.cancel_button = bar.send_button, bar.cancel_button

    def _build_body(self) -> None:
        from PySide6.QtWidgets import QScrollArea, QTabWidget

        from app.ui.cart_form import CartForm
        from app.ui.custom_attributes import CustomAttributesEditor
        from app.ui.items_panel import ItemsPanel
        from app.ui.problems_panel import ProblemsPanel
        from app.ui.response_view import ResponseView
        from app.ui.several_panel import SeveralPanel

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
        self.bottom_tabs = QTabWidget()
        self.bottom_tabs.setObjectName("bottomTabs")
        self.bottom_tabs.addTab(self.response, "Response")
        self.several_panel = SeveralPanel()
        self.several_panel.send_requested.connect(self.send_to_several)
        self.bottom_tabs.addTab(self.several_panel, "Side by side")
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
        self.splitters = (main, left, right)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addWidget(self.toolbar)
        layout.addWidget(main, 1)

    def _connect(self) -> None:
        c = self.controller
        # Bound methods, never lambdas, for the controller's signals: Qt drops a connection to
        # a method of a deleted tab, while a lambda would still run and touch it.
        c.document_replaced.connect(self._on_document_replaced)
        c.validation_changed.connect(self._on_validation_changed)
        c.dirty_changed.connect(self._changed)
        c.path_changed.connect(self._changed)
        c.profile_changed.connect(self._changed)
        c.send_started.connect(self._on_send_started)
        c.send_finished.connect(self._on_send_finished)
        c.send_failed.connect(self._on_send_failed)
        self.form.field_edited.connect(self.session.set_field)
        self.form.option_toggled.connect(self.session.set_option)
        self.toolbar.provider_chosen.connect(self.choose_provider)
        self.toolbar.profile_chosen.connect(self.choose_profile)
        self.toolbar.manage_chosen.connect(self.manage_requested)
        self.sample_button.clicked.connect(self.fill_sample)
        self.new_id_button.clicked.connect(self.new_cart_id)
        self.send_button.clicked.connect(self.send)
        self.items.apply_cart_button.clicked.connect(self.apply_cart_totals)
        self.items_table.selectionModel().currentRowChanged.connect(self._on_item_row)
        self.problems.go_to.connect(self.focus_path)
        self.response.problem_activated.connect(self.focus_path)
        c.payload_replaced.connect(self._on_payload_replaced)
        c.undo_changed.connect(self._changed)
        c.remote_cart_changed.connect(self._on_remote_cart_changed)
        c.cart_state_changed.connect(self._on_cart_state)
        c.several_finished.connect(self._on_several_finished)

    def _changed(self, *_: object) -> None:
        self.changed.emit()

    def _say(self, text: str, ms: int = 0) -> None:
        self._say_to_window(text, ms)

    def _on_item_row(self, current: QModelIndex, _previous: QModelIndex) -> None:
        self.custom.select_item(current.row())

    # --- reacting to the controller --------------------------------------------------------

    def chain_tab_order(self) -> None:
        """Tab follows the screen: the toolbar, the form's fields top to bottom, the line
        items, custom attributes, the request preview, the problems, the answers. The form is
        rebuilt per provider, and a widget made later would otherwise come last."""
        from PySide6.QtWidgets import QComboBox

        fields = [
            widget
            for widget in self.form.findChildren(QWidget)
            if widget.focusPolicy() & Qt.FocusPolicy.TabFocus == Qt.FocusPolicy.TabFocus
            and widget.window() is self.window()  # not a combo's pop-up list
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
            self.chain_tab_order()
        document = session.document()
        self.form.fill(document.payload, document.options)
        self._on_remote_cart_changed()
        self.changed.emit()

    def _on_validation_changed(self, validation: Validation) -> None:
        self.form.show_errors(validation)

    def _on_remote_cart_changed(self, cart_id: str = "") -> None:
        self.cart_actions_button.refresh()
        self.changed.emit()  # Send as update may have become possible

    def _on_cart_state(self, state: object) -> None:
        describe = getattr(state, "describe", None)
        self._cart_state_text = describe() if callable(describe) else ""

    def _on_payload_replaced(self) -> None:
        document = self.session.document()
        self.form.fill(document.payload, document.options)
        self.items_model.refresh()

    # --- sending ---------------------------------------------------------------------------

    @property
    def cart_actions(self) -> dict[str, QAction]:
        return self.cart_actions_button.actions_by_key

    def run_cart_action(self, operation: str) -> None:
        self.cart_actions_button.run(operation)

    def _on_send_started(self) -> None:
        self.toolbar.set_sending(True)
        url = self.session.preview_text.split("\n", 1)[0].partition(" ")[2]
        self.response.show_sending(url)
        self._say("Sending…")
        self.changed.emit()

    def _send_done(self) -> None:
        self.toolbar.set_sending(False)
        self.changed.emit()

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
        self._say(result.message, 10000)
        announce(self.response, f"Answer: {result.message}")

    def _on_send_failed(self, message: str) -> None:
        self._send_done()
        self.response.show_failure(message)
        self._say(message, 10000)
        announce(self.response, f"Not sent: {message}")

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

    def send_to_several(self) -> None:
        """The cart to each provider ticked in the Side by side tab (all, until some are
        unticked)."""
        if self.session.sending:
            return
        chosen = self.several_panel.chosen()
        if not chosen:
            self.bottom_tabs.setCurrentWidget(self.several_panel)
            self._say("Tick at least one provider to send to.", 8000)
            return
        self.session.send_to_several(chosen)

    def _on_several_finished(self, result: object) -> None:
        from app.service.session import SeveralResult

        self._send_done()
        assert isinstance(result, SeveralResult)
        self.several_panel.show_result(result)
        self.bottom_tabs.setCurrentWidget(self.several_panel)
        count = len(result.answers)
        self._say(f"Sent to {count} provider{'s' * (count != 1)}.", 8000)

    # --- editing ---------------------------------------------------------------------------

    def undo(self) -> None:
        label = self.session.undo_label
        if self.session.undo():
            self._say(f"Undid: {label}.", 5000)

    def redo(self) -> None:
        label = self.session.redo_label
        if self.session.redo():
            self._say(f"Redid: {label}.", 5000)

    def add_item(self) -> None:
        self.items.add_item()

    def apply_cart_totals(self) -> None:
        from app.domain import jsonfmt

        suggested = self.session.apply_cart_totals()
        if not suggested:
            self._say("The items' amounts are incomplete: nothing to apply.")
            return
        self.form.fill(self.session.document().payload, self.session.document().options)
        shown = ", ".join(f"{k} = {jsonfmt.format_decimal(v)}" for k, v in suggested.items())
        self._say(f"Applied {shown}.", 8000)

    def fill_sample(self) -> None:
        # Undoable, so nothing typed is lost: no question first.
        self.session.fill_sample()

    def new_cart_id(self) -> None:
        fresh = self.session.new_cart_id()
        self.form.fill(self.session.document().payload, self.session.document().options)
        self._say(f"New cart id: {fresh}", 5000)

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
        self._say(" ".join([carried, *notes]), 20000)

    def choose_profile(self, name: str) -> None:
        try:
            self.session.set_profile(name)
        except CartComposerError as exc:
            self._say(str(exc), 8000)

    # --- files -----------------------------------------------------------------------------

    def cart_name(self) -> str | None:
        """The cart's name as the title shows it; None for a new, untitled cart."""
        path, copy_of = self.session.path, self.session.copy_of
        if path is not None:
            return path.name
        return f"{copy_of} (sample copy)" if copy_of else None  # Save asks where to

    def title(self) -> str:
        """The tab's title: the cart's name, marked while it has unsaved changes."""
        return (self.cart_name() or "Untitled cart") + ("*" if self.session.dirty else "")

    def may_discard(self) -> bool:
        """True when the cart may go: saved, or the person said to save or discard it."""
        if not self.session.dirty:
            return True
        answer = self.asker.save_changes(self.cart_name() or "this cart")
        if answer == "save":
            return self.save_cart()
        return answer == "discard"

    def new_cart(self) -> None:
        from app.service.session import empty_document

        if self.may_discard():
            self.session.replace_document(empty_document(self.session.provider.key))

    def open_cart(self, path: Path | None = None) -> bool:
        if not self.may_discard():
            return False
        path = path or self.asker.open_path(self.start_folder())
        if path is None:
            return False
        try:
            notes = self.session.open(path)
        except CartComposerError as exc:
            self.asker.warn("Cannot open the cart", str(exc))
            return False
        self.file_used.emit(path)
        self._say(" ".join([f"Opened {path.name}.", *notes]), 10000)
        return True

    def start_folder(self) -> str:
        """Where Open and Import begin (``asking.start_folder`` of this cart's file)."""
        return start_folder(self.session.path)

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
        self.file_used.emit(path)
        self._say(f"Saved {path}.", 5000)
        return True

    def open_history_entry(self, entry: HistoryEntry) -> bool:
        """Put a sent cart back in the composer, with its provider, options and profile."""
        from app.service.recording import entry_document

        try:
            document = entry_document(entry)
        except CartComposerError as exc:
            self._say(str(exc), 10000)
            return False
        if not self.may_discard():
            return False
        self.session.replace_document(document, saved=False)
        try:
            self.session.set_profile(entry.profile)
            note = ""
        except CartComposerError:
            note = f" The profile {entry.profile} no longer exists; using the sandbox."
        self._say(f"Opened history entry #{entry.id}.{note}", 8000)
        return True

    def import_file(self, path: Path | None = None) -> bool:
        """File → Import…: a cURL command, a HAR file or a Postman collection as this cart."""
        from app.files import FileReadError, read_bounded
        from app.transport.captured import MAX_IMPORT_BYTES

        path = path or self.asker.import_path(self.start_folder())
        if path is None:
            return False
        try:
            text = read_bounded(path, MAX_IMPORT_BYTES, "file").decode("utf-8-sig", "replace")
        except FileReadError as exc:
            self.asker.warn("Cannot import", str(exc))
            return False
        return self.import_text(text, path.name)

    def import_text(self, text: str, source: str) -> bool:
        """The cart request in ``text`` (pasted, dropped or read) in the composer: a pick of
        several, the secrets offered for a profile's keyring entry, what was left out said."""
        from app.service.importing import (
            CartImportError,
            cart_requests,
            import_cart,
        )
        from app.transport.captured import ImportFormatError, parse_captured

        try:
            everything = parse_captured(text)
            listed = [r for r in everything if not r.helper]
            # The cart requests, or every request when none is one a provider has.
            carts: list[tuple[int, Provider | None]] = list(cart_requests(listed))
            carts = carts or [(i, None) for i in range(len(listed))]
            index = carts[0][0]
            if len(carts) > 1:
                labels = [f"{listed[i].label} ({p.title if p else '?'})" for i, p in carts]
                picked = self.asker.pick_request(labels)
                if picked is None:
                    return False
                index = carts[picked][0]
            imported = import_cart(listed[index], everything)
        except (ImportFormatError, CartImportError) as exc:
            self.asker.warn(f"Cannot import {source}", str(exc))
            return False
        if not self.may_discard():
            return False
        keep_in = None
        if imported.secrets:
            from app.secrets.store import secret_label

            key = imported.provider.key
            mine = [p.name for p in self.session.profiles(key) if not p.sandbox]
            keep_in = self.asker.keep_secrets(
                [secret_label(n) for n in imported.secrets],
                mine,
                f"imported-{key}",
                self.session.secrets_place(),
            )
        try:
            said = self.session.take_import(imported, keep_in)
        except CartComposerError as exc:
            self.asker.warn("Cannot keep the secrets", str(exc))
            said = ["The secrets were not kept."]
            self.session.take_import(imported)
        offered = "(offered for a profile's keyring entry)"
        left = "; ".join(
            w.replace(offered, "(not kept)")
            for w in imported.left_out
            if not (keep_in and offered in w)  # kept: said above
        )
        words = [f"Imported a {imported.provider.title} cart from {source}.", *said]
        if left:
            words.append(f"Left out: {left}.")
        self._say(" ".join(words), 15000)
        return True

    def open_dropped(self, path: Path) -> bool:
        """A dropped ``.cart.json`` opens; a bare payload becomes the current provider's cart;
        a cURL command, a HAR file or a Postman collection is imported."""
        from app.domain import jsonfmt
        from app.files import FileReadError, read_bounded
        from app.providers.document import CART_CAP, is_cart_document

        try:
            raw = read_bounded(path, CART_CAP, "cart file")
        except FileReadError as exc:
            self._say(f"Cannot use {path.name}: {exc}", 10000)
            return False
        try:
            data = jsonfmt.loads(raw)
        except jsonfmt.JsonSyntaxError as exc:
            if raw.lstrip()[:5].lower() == b"curl ":
                return self.import_text(raw.decode("utf-8-sig", "replace"), path.name)
            self._say(f"Cannot use {path.name}: {exc}", 10000)
            return False
        if isinstance(data, dict) and ("log" in data or {"info", "item"} <= set(data)):
            return self.import_text(raw.decode("utf-8-sig", "replace"), path.name)
        if is_cart_document(data):
            return self.open_cart(path)
        if not self.may_discard():
            return False
        error, notes = self.session.apply_raw(raw.decode("utf-8-sig", errors="replace"))
        if error:
            self._say(f"Cannot use {path.name}: {error}", 10000)
            return False
        title = self.session.provider.title
        self._say(
            " ".join([f"Loaded the payload from {path.name} as a {title} cart.", *notes]), 10000
        )
        return True

    def table_index(self, row: int, name: str) -> QModelIndex:
        return self.items.index(row, name)
