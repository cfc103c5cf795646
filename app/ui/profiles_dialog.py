""" "Manage profiles…": edit profiles and their secrets, and test a connection.

Secrets go to the secret store (the OS keyring, or this session's memory with a banner that says
so); they are shown masked, with a toggle to reveal them.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from pydantic.fields import FieldInfo
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractSpinBox,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.domain.errors import CartComposerError
from app.profiles import BUILTIN_PROFILES, Profile, ProfileStore, new_profile
from app.providers.base import setting_choices, setting_kind
from app.providers.registry import get_provider, providers
from app.secrets.store import secret_label, secret_names
from app.service.sender import Sender
from app.ui.theme import set_box, set_invalid
from app.ui.workers import run_in_background

__all__ = ["ProfilesDialog"]


def _setting_widget(info: FieldInfo) -> QWidget:
    """The editor for one provider setting: a check box, a choice, or a line of text."""
    kind = setting_kind(info)
    if kind == "bool":
        return QCheckBox(info.title or "")
    if kind == "choice":
        combo = QComboBox()
        for value, label in setting_choices(info):
            combo.addItem(label, value)
        return combo
    field = QLineEdit()
    if kind == "url":
        field.setPlaceholderText(str(info.default or "https://…"))
    return field


def _show_setting(widget: QWidget, value: Any) -> None:
    if isinstance(widget, QCheckBox):
        widget.setChecked(bool(value))
    elif isinstance(widget, QComboBox):
        widget.setCurrentIndex(max(widget.findData(value), 0))
    elif isinstance(widget, QLineEdit):
        widget.setText("" if value is None else str(value))


def _setting_value(widget: QWidget) -> Any:
    """What a setting's editor holds; None for an empty text (the setting's default)."""
    if isinstance(widget, QCheckBox):
        return widget.isChecked()
    if isinstance(widget, QComboBox):
        return widget.currentData()
    if isinstance(widget, QLineEdit):
        return widget.text().strip() or None
    return None


def _on_user_edit(widget: QWidget, slot: Callable[[], None]) -> None:
    """``slot`` when a person changes ``widget`` (not when the dialog fills it in)."""
    if isinstance(widget, QAbstractButton):
        widget.clicked.connect(lambda *_: slot())
    elif isinstance(widget, QComboBox):
        widget.activated.connect(lambda *_: slot())
    elif isinstance(widget, QLineEdit):
        widget.textEdited.connect(lambda *_: slot())
    elif isinstance(widget, QAbstractSpinBox):
        widget.editingFinished.connect(slot)


def _on_change(widget: QWidget, slot: Callable[[], None]) -> None:
    if isinstance(widget, QCheckBox):
        widget.toggled.connect(lambda *_: slot())
    elif isinstance(widget, QComboBox):
        widget.currentIndexChanged.connect(lambda *_: slot())
    elif isinstance(widget, QLineEdit):
        widget.textChanged.connect(lambda *_: slot())


class ProfilesDialog(QDialog):
    def __init__(
        self,
        profiles: ProfileStore,
        sender: Sender,
        parent: QWidget | None = None,
        *,
        only_provider: str | None = None,
        select: str | None = None,
        presenting: bool = False,
    ):
        """``only_provider``: list only its profiles (the composer's provider; "All providers"
        shows the rest), a new one being one of its; ``select``: the profile to show first."""
        super().__init__(parent)
        self._only = only_provider
        self.setObjectName("profilesDialog")
        self.setWindowTitle("Profiles")
        from app.ui.theme import stylesheet

        self.setStyleSheet(stylesheet())  # its notice box, standing alone or in the window
        self.resize(760, 520)
        self._profiles = profiles
        self._sender = sender
        self.changed = False

        self.banner = QLabel()
        self.banner.setObjectName("secretsBanner")
        self.banner.setWordWrap(True)
        self.list = QListWidget()
        self.list.setObjectName("profileList")
        self.list.setMaximumWidth(220)
        self.all_providers = QCheckBox("All providers")
        self.all_providers.setObjectName("allProviders")
        self.all_providers.setToolTip("Every provider's profiles, not only the composer's")
        self.all_providers.setChecked(only_provider is None)
        self.all_providers.setVisible(only_provider is not None)

        self.name = QLineEdit()
        self.name.setObjectName("profileName")
        self.title = QLineEdit()
        self.provider = QComboBox()
        self.provider.setObjectName("profileProvider")
        for provider in providers().values():
            self.provider.addItem(provider.title, provider.key)
        self.base_url = QLineEdit()
        self.base_url.setObjectName("profileBaseUrl")
        self.timeout = QDoubleSpinBox()
        self.timeout.setRange(1, 600)
        self.timeout.setSuffix(" s")
        self.secrets: dict[str, QLineEdit] = {}
        form = QFormLayout()
        form.addRow("Name", self.name)
        form.addRow("Shown as", self.title)
        form.addRow("Provider", self.provider)
        form.addRow("Base URL", self.base_url)
        # Each provider's own settings (Provider.settings_model): rows of this form, those of
        # the chosen provider shown, so they line up with the rest.
        self.settings: dict[str, dict[str, QWidget]] = {}
        for provider in providers().values():
            widgets = self.settings[provider.key] = {}
            for name, info in provider.settings_model.model_fields.items():
                widget = _setting_widget(info)
                widget.setObjectName(f"profileSetting_{name}")
                widget.setToolTip(info.description or "")
                widgets[name] = widget
                label = "" if isinstance(widget, QCheckBox) else (info.title or name)
                form.addRow(label, widget)
        # Next to the URLs it is about: a secret that would travel over plain http.
        self.url_warning = QLabel()
        self.url_warning.setObjectName("profileUrlWarning")
        self.url_warning.setWordWrap(True)
        self.url_warning.setProperty("tone", "error")
        self.url_warning.hide()
        form.addRow("", self.url_warning)
        form.addRow("Timeout", self.timeout)
        self._form = form
        for name in secret_names():
            field = QLineEdit()
            field.setObjectName(f"secret_{name}")
            field.setEchoMode(QLineEdit.EchoMode.Password)
            self.secrets[name] = field
            form.addRow(secret_label(name), field)
        self.reveal = QCheckBox("Show secrets")
        self.reveal.setObjectName("revealSecrets")
        if presenting:  # an audience is watching: secrets stay dots
            self.reveal.setEnabled(False)
            self.reveal.setToolTip("Hidden while presenting (View → Presenter mode)")
        form.addRow("", self.reveal)

        self.new_button = QPushButton("New")
        self.delete_button = QPushButton("Delete")
        self.delete_button.setObjectName("deleteProfileButton")
        self.save_button = QPushButton("Save")
        self.save_button.setObjectName("saveProfileButton")
        self.test_button = QPushButton("Test connection")
        self.test_button.setObjectName("testConnectionButton")
        self.status_label = QLabel()
        self.status_label.setObjectName("connectionResult")
        self.status_label.setWordWrap(True)
        buttons = QHBoxLayout()
        for button in (self.new_button, self.delete_button, self.save_button, self.test_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        right = QVBoxLayout()
        right.addLayout(form)
        right.addLayout(buttons)
        right.addWidget(self.status_label)
        right.addStretch(1)
        body = QHBoxLayout()
        column = QVBoxLayout()
        column.addWidget(self.list, 1)
        column.addWidget(self.all_providers)
        body.addLayout(column)
        body.addLayout(right, 1)
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.banner)
        layout.addLayout(body, 1)
        layout.addWidget(close)

        self.list.currentItemChanged.connect(lambda item, _: self._show(item))
        self.all_providers.toggled.connect(lambda _: self.reload(self.name.text()))
        self.reveal.toggled.connect(self._on_reveal)
        self.provider.currentIndexChanged.connect(lambda _: self._enable_fields())
        self.base_url.textChanged.connect(self._check_urls)
        for widgets in self.settings.values():
            for widget in widgets.values():
                _on_change(widget, self._enable_fields)
        self.new_button.clicked.connect(self.new_profile)
        self.delete_button.clicked.connect(self.delete_profile)
        self.save_button.clicked.connect(self.save_profile)
        self.test_button.clicked.connect(self.test_connection)
        # What Save or Test connection said is about the fields as they were: a person's next
        # edit takes it away ("✖ The host … has an empty part" once the URL is fixed).
        editable = [self.name, self.title, self.provider, self.base_url, self.timeout]
        editable += [w for widgets in self.settings.values() for w in widgets.values()]
        for widget in [*editable, *self.secrets.values()]:
            _on_user_edit(widget, lambda: self.status_label.setText(""))
        self._show_banner()
        self.reload(select)

    # --- list ------------------------------------------------------------------------------

    def reload(self, select: str | None = None) -> None:
        self.list.clear()
        try:
            profiles = self._profiles.all()
        except CartComposerError as exc:
            self.status_label.setText(str(exc))
            profiles = list(BUILTIN_PROFILES.values())
        if self._only is not None and not self.all_providers.isChecked():
            profiles = [p for p in profiles if p.provider == self._only]
        for profile in profiles:
            item = QListWidgetItem(profile.display_name)
            item.setData(256, profile.name)
            self.list.addItem(item)
        names = [p.name for p in profiles]
        if names:
            self.list.setCurrentRow(names.index(select) if select in names else 0)
        else:
            self.new_profile()

    def _show_banner(self) -> None:
        store = self._sender.store
        self.banner.setText(store.notice)
        set_box(self.banner, "safe" if store.persistent else "notice")

    def _show(self, item: QListWidgetItem | None) -> None:
        if item is None:
            return
        profile = self._profiles.get(str(item.data(256)))
        self.name.setText(profile.name)
        self.title.setText(profile.title)
        self.provider.setCurrentIndex(self.provider.findData(profile.provider))
        self.base_url.setText(profile.base_url or "(the embedded sandbox)")
        shown = dict(profile.settings)
        if profile.sandbox:
            # What the built-in profile sends with: its sandbox's account, its token endpoint.
            spec = get_provider(profile.provider)
            fields = spec.settings_model.model_fields
            for name, value in spec.sandbox_settings("").items():
                url = name in fields and setting_kind(fields[name]) == "url"
                shown[name] = "(the embedded sandbox)" if url else value
        for name, widget in self.settings[profile.provider].items():
            _show_setting(widget, shown.get(name))
        self.timeout.setValue(profile.timeout)
        self.status_label.setText("")
        for name, field in self.secrets.items():
            value = None
            if not profile.sandbox and name in profile.secret_names():
                try:
                    value = self._sender.store.get(profile.name, name)
                except CartComposerError as exc:
                    # Said, and kept: it was cleared right after, so a locked keyring showed
                    # empty secrets and no word why.
                    self.status_label.setText(f"✖ {exc}")
            field.setText(value or "")
        self._enable_fields()

    def _enable_fields(self) -> None:
        builtin = self.name.text() in BUILTIN_PROFILES
        key = str(self.provider.currentData())
        for widget in (self.name, self.title, self.provider, self.base_url, self.timeout):
            widget.setEnabled(not builtin)
        for owner, widgets in self.settings.items():
            for editor in widgets.values():
                self._form.setRowVisible(editor, owner == key)
                editor.setEnabled(not builtin)
        own = {spec.name for spec in get_provider(key).secrets}
        needed = set(get_provider(key).needed_secrets(self._draft_settings()))
        for name, field in self.secrets.items():
            # Only this provider's secrets are shown; those its settings do not use are off.
            self._form.setRowVisible(field, name in own)
            field.setEnabled(not builtin and name in needed)
        self.delete_button.setEnabled(not builtin)
        self.save_button.setEnabled(not builtin)
        self._check_urls()

    def _check_urls(self, *_: object) -> None:
        """Say while the URL is typed, beside it, what no request could be sent to ("✖ The host
        of the base URL … has an empty part between two dots") and which secret would go out
        in clear ("⚠ … plain http://"), not after Send."""
        lines: list[str] = []
        wrong: set[str] = set()
        if self.name.text() not in BUILTIN_PROFILES:
            try:
                profile = self.draft(name="draft")
            except CartComposerError:
                profile = None  # another field still being typed: its own error comes on Save
            if profile is not None:
                problems = profile.url_problems()
                wrong = {field for field, _ in problems}
                lines = [f"✖ {problem}" for _, problem in problems]
                if not problems:
                    lines = [f"⚠ {warning}" for warning in profile.cleartext_warnings()]
        self.url_warning.setText("\n".join(lines))
        self.url_warning.setVisible(bool(lines))
        # The editor each ✖ is about gets the form's red border.
        editors = {"base_url": self.base_url, **self.settings[str(self.provider.currentData())]}
        for field, editor in editors.items():
            set_invalid(editor, field in wrong)

    def setting_widget(self, name: str) -> QWidget:
        """The editor of the current provider's setting ``name``."""
        return self.settings[str(self.provider.currentData())][name]

    def _draft_settings(self) -> dict[str, Any]:
        """The current provider's settings as typed (an empty text: its default)."""
        widgets = self.settings.get(str(self.provider.currentData()), {})
        values = {name: _setting_value(widget) for name, widget in widgets.items()}
        return {name: value for name, value in values.items() if value is not None}

    def _on_reveal(self, on: bool) -> None:
        mode = QLineEdit.EchoMode.Normal if on else QLineEdit.EchoMode.Password
        for field in self.secrets.values():
            field.setEchoMode(mode)

    # --- actions ---------------------------------------------------------------------------

    def new_profile(self) -> None:
        self.list.clearSelection()
        self.name.setText("")
        self.title.setText("")
        self.base_url.setText("")
        for key, widgets in self.settings.items():
            defaults = get_provider(key).settings({}).model_dump()
            for name, widget in widgets.items():
                _show_setting(widget, defaults.get(name))
        self.timeout.setValue(30)
        for field in self.secrets.values():
            field.setText("")
        if self._only is not None:
            self.provider.setCurrentIndex(self.provider.findData(self._only))
        self._enable_fields()
        self.name.setFocus()

    def draft(self, name: str | None = None) -> Profile:
        """The profile the fields describe (``name`` in place of the typed one, if given)."""
        provider = str(self.provider.currentData())
        values: dict[str, Any] = {
            "title": self.title.text().strip(),
            "base_url": self.base_url.text().strip() or None,
            "timeout": self.timeout.value(),
            **self._draft_settings(),
        }
        name = name or self.name.text().strip()
        return new_profile(name, provider, **values)

    def _draft_secrets(self, profile: Profile) -> dict[str, str | None]:
        return {name: self.secrets[name].text() or None for name in profile.secret_names()}

    def save_profile(self) -> bool:
        try:
            profile = self.draft()
            profile.check_urls()  # a profile no request could be sent to is not kept
            self._profiles.add(profile, replace=True)
            for name, value in self._draft_secrets(profile).items():
                if value:
                    self._sender.store.set(profile.name, name, value)
                else:
                    self._sender.store.delete(profile.name, name)
        except CartComposerError as exc:
            self.status_label.setText(f"✖ {exc}")
            return False
        self.changed = True
        where = "the keyring" if self._sender.store.persistent else "memory for this session"
        self.reload(select=profile.name)
        self.status_label.setText(f"✔ Saved {profile.name}; its secrets are in {where}.")
        return True

    def delete_profile(self) -> None:
        name = self.name.text()
        try:
            self._profiles.remove(name)
            self._sender.store.delete_profile(name)
        except CartComposerError as exc:
            self.status_label.setText(f"✖ {exc}")
            return
        self.changed = True
        self.reload()
        self.status_label.setText(f"Deleted {name} and its secrets.")

    def test_connection(self) -> None:
        name = self.name.text()
        try:
            profile = BUILTIN_PROFILES.get(name) or self.draft()
        except CartComposerError as exc:
            self.status_label.setText(f"✖ {exc}")
            return
        secrets = None if profile.sandbox else self._draft_secrets(profile)
        # Disabled while it runs; its focus is parked on the list, not handed to a field.
        self._refocus = self.test_button.hasFocus()
        if self._refocus:
            self.list.setFocus(Qt.FocusReason.OtherFocusReason)
        self.test_button.setEnabled(False)
        self.status_label.setText("Testing…")
        run_in_background(
            lambda: self._sender.test_connection(profile, secrets),
            self._on_tested,
            lambda error: self._on_tested_error(error),
        )

    def _tested(self) -> None:
        self.test_button.setEnabled(True)
        if getattr(self, "_refocus", False) and self.list.hasFocus():
            self.test_button.setFocus(Qt.FocusReason.OtherFocusReason)
        self._refocus = False

    def _on_tested(self, check: object) -> None:
        self._tested()
        ok, message = getattr(check, "ok", False), getattr(check, "message", "")
        self.status_label.setText(f"{'✔' if ok else '✖'} {message}")

    def _on_tested_error(self, error: BaseException) -> None:
        self._tested()
        self.status_label.setText(f"✖ {error}")
