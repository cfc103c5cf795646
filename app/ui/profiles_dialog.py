""" "Manage profiles…": edit profiles and their secrets, and test a connection.

Secrets go to the secret store (the OS keyring, or this session's memory with a banner that says
so); they are shown masked, with a toggle to reveal them.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
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
from app.secrets.store import secret_label, secret_names
from app.transport import Sender
from app.ui.workers import run_in_background

__all__ = ["ProfilesDialog"]


class ProfilesDialog(QDialog):
    def __init__(self, profiles: ProfileStore, sender: Sender, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("profilesDialog")
        self.setWindowTitle("Profiles")
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

        self.name = QLineEdit()
        self.name.setObjectName("profileName")
        self.title = QLineEdit()
        self.provider = QComboBox()
        self.provider.addItem("Drip", "drip")
        self.provider.addItem("Bronto", "bronto")
        self.base_url = QLineEdit()
        self.base_url.setObjectName("profileBaseUrl")
        self.token_url = QLineEdit()
        self.account_id = QLineEdit()
        self.account_id.setObjectName("profileAccountId")
        self.drip_auth = QComboBox()
        self.drip_auth.addItem("API key (Basic)", "api_key")
        self.drip_auth.addItem("OAuth access token (Bearer)", "oauth")
        self.create_contact = QCheckBox("Create contact (createContact)")
        self.ignore_tid = QCheckBox("Ignore invalid tracking (ignoreInvalidTid)")
        self.timeout = QDoubleSpinBox()
        self.timeout.setRange(1, 600)
        self.timeout.setSuffix(" s")
        self.secrets: dict[str, QLineEdit] = {}
        form = QFormLayout()
        form.addRow("Name", self.name)
        form.addRow("Shown as", self.title)
        form.addRow("Provider", self.provider)
        form.addRow("Base URL", self.base_url)
        form.addRow("Token URL (Bronto)", self.token_url)
        # Next to the URLs it is about: a secret that would travel over plain http.
        self.url_warning = QLabel()
        self.url_warning.setObjectName("profileUrlWarning")
        self.url_warning.setWordWrap(True)
        self.url_warning.setStyleSheet("color: #c62828;")
        self.url_warning.hide()
        form.addRow("", self.url_warning)
        form.addRow("Account ID (Drip)", self.account_id)
        form.addRow("Drip authentication", self.drip_auth)
        form.addRow("", self.create_contact)
        form.addRow("", self.ignore_tid)
        form.addRow("Timeout", self.timeout)
        for name in secret_names():
            field = QLineEdit()
            field.setObjectName(f"secret_{name}")
            field.setEchoMode(QLineEdit.EchoMode.Password)
            self.secrets[name] = field
            form.addRow(secret_label(name), field)
        self.reveal = QCheckBox("Show secrets")
        self.reveal.setObjectName("revealSecrets")
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
        body.addWidget(self.list)
        body.addLayout(right, 1)
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.banner)
        layout.addLayout(body, 1)
        layout.addWidget(close)

        self.list.currentItemChanged.connect(lambda item, _: self._show(item))
        self.reveal.toggled.connect(self._on_reveal)
        self.provider.currentIndexChanged.connect(lambda _: self._enable_fields())
        self.drip_auth.currentIndexChanged.connect(lambda _: self._enable_fields())
        for url_field in (self.base_url, self.token_url):
            url_field.textChanged.connect(self._check_urls)
        self.new_button.clicked.connect(self.new_profile)
        self.delete_button.clicked.connect(self.delete_profile)
        self.save_button.clicked.connect(self.save_profile)
        self.test_button.clicked.connect(self.test_connection)
        self._show_banner()
        self.reload()

    # --- list ------------------------------------------------------------------------------

    def reload(self, select: str | None = None) -> None:
        self.list.clear()
        try:
            profiles = self._profiles.all()
        except CartComposerError as exc:
            self.status_label.setText(str(exc))
            profiles = list(BUILTIN_PROFILES.values())
        for profile in profiles:
            item = QListWidgetItem(profile.display_name)
            item.setData(256, profile.name)
            self.list.addItem(item)
        names = [p.name for p in profiles]
        self.list.setCurrentRow(names.index(select) if select in names else 0)

    def _show_banner(self) -> None:
        store = self._sender.store
        self.banner.setText(store.notice)
        colour = "#e8f5e9" if store.persistent else "#fff3e0"
        self.banner.setStyleSheet(f"background:{colour}; padding:6px; border-radius:4px;")

    def _show(self, item: QListWidgetItem | None) -> None:
        if item is None:
            return
        profile = self._profiles.get(str(item.data(256)))
        self.name.setText(profile.name)
        self.title.setText(profile.title)
        self.provider.setCurrentIndex(self.provider.findData(profile.provider))
        self.base_url.setText(profile.base_url or "(the embedded sandbox)")
        self.token_url.setText(profile.token_url)
        self.account_id.setText(profile.account_id)
        self.drip_auth.setCurrentIndex(self.drip_auth.findData(profile.drip_auth))
        self.create_contact.setChecked(profile.create_contact)
        self.ignore_tid.setChecked(profile.ignore_invalid_tid)
        self.timeout.setValue(profile.timeout)
        for name, field in self.secrets.items():
            value = None
            if not profile.sandbox and name in profile.secret_names():
                try:
                    value = self._sender.store.get(profile.name, name)
                except CartComposerError as exc:
                    self.status_label.setText(str(exc))
            field.setText(value or "")
        self.status_label.setText("")
        self._enable_fields()

    def _enable_fields(self) -> None:
        builtin = self.name.text() in BUILTIN_PROFILES
        bronto = self.provider.currentData() == "bronto"
        for widget in (self.name, self.title, self.provider, self.base_url, self.timeout):
            widget.setEnabled(not builtin)
        self.token_url.setEnabled(not builtin and bronto)
        self.account_id.setEnabled(not builtin and not bronto)
        self.drip_auth.setEnabled(not builtin and not bronto)
        self.create_contact.setEnabled(not builtin and bronto)
        self.ignore_tid.setEnabled(not builtin and bronto)
        needed = set(self._draft_needs())
        for name, field in self.secrets.items():
            field.setEnabled(not builtin and name in needed)
        self.delete_button.setEnabled(not builtin)
        self.save_button.setEnabled(not builtin)
        self._check_urls()

    def _check_urls(self, *_: object) -> None:
        """Warn while the URL is typed, not after the secret went out in clear."""
        warnings: list[str] = []
        if self.name.text() not in BUILTIN_PROFILES:
            try:
                warnings = self.draft(name="draft").cleartext_warnings()
            except CartComposerError:
                warnings = []  # a field still being typed: its own error comes on Save
        self.url_warning.setText("⚠ " + "\n⚠ ".join(warnings) if warnings else "")
        self.url_warning.setVisible(bool(warnings))

    def _draft_needs(self) -> tuple[str, ...]:
        if self.provider.currentData() == "bronto":
            return ("bronto_client_id", "bronto_client_secret")
        if self.drip_auth.currentData() == "oauth":
            return ("drip_access_token",)
        return ("drip_api_key",)

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
        self.token_url.setText("")
        self.account_id.setText("")
        self.timeout.setValue(30)
        for field in self.secrets.values():
            field.setText("")
        self._enable_fields()
        self.name.setFocus()

    def draft(self, name: str | None = None) -> Profile:
        """The profile the fields describe (``name`` in place of the typed one, if given)."""
        provider = str(self.provider.currentData())
        values: dict[str, Any] = {
            "title": self.title.text().strip(),
            "base_url": self.base_url.text().strip() or None,
            "timeout": self.timeout.value(),
        }
        if provider == "bronto":
            values |= {
                "token_url": self.token_url.text().strip() or None,
                "create_contact": self.create_contact.isChecked(),
                "ignore_invalid_tid": self.ignore_tid.isChecked(),
            }
        else:
            values |= {
                "account_id": self.account_id.text().strip(),
                "drip_auth": self.drip_auth.currentData(),
            }
        name = name or self.name.text().strip()
        return new_profile(name, provider, **values)

    def _draft_secrets(self, profile: Profile) -> dict[str, str | None]:
        return {name: self.secrets[name].text() or None for name in profile.secret_names()}

    def save_profile(self) -> bool:
        try:
            profile = self.draft()
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
