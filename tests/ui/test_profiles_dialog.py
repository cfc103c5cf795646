"""Manage profiles: a profile and its secrets saved, masked, revealed, tested; the banner."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QCheckBox, QComboBox, QLineEdit
from pytestqt.qtbot import QtBot

from app.domain.errors import SecretStoreError
from app.profiles import ProfileStore, new_profile
from app.providers.bronto import emulator as bronto_sandbox
from app.providers.drip import emulator as drip_sandbox
from app.sandbox.runtime import EmbeddedSandbox, embedded_server
from app.secrets import MemorySecretStore
from app.service.sender import Sender
from app.ui.application import create_main_window
from app.ui.profiles_dialog import ProfilesDialog
from tests.ui.conftest import FakeAsker


def make_dialog(qtbot: QtBot) -> tuple[ProfilesDialog, MemorySecretStore, ProfileStore]:
    store = MemorySecretStore()
    profiles = ProfileStore()
    dialog = ProfilesDialog(profiles, Sender(store, environ={}, sandbox=EmbeddedSandbox()))
    qtbot.addWidget(dialog)
    return dialog, store, profiles


def test_a_drip_profile_is_saved_with_its_secret_and_tested(qtbot: QtBot, home: Path) -> None:
    dialog, store, profiles = make_dialog(qtbot)
    assert dialog.banner.text().startswith("No usable system keyring")
    dialog.new_profile()
    dialog.name.setText("qa-drip")
    dialog.provider.setCurrentIndex(dialog.provider.findData("drip"))
    dialog.base_url.setText(embedded_server().url)
    dialog.setting_widget("account_id").setText(drip_sandbox.ACCOUNT_ID)
    secret = dialog.secrets["drip_api_key"]
    secret.setText(drip_sandbox.API_KEY)
    assert secret.echoMode() == QLineEdit.EchoMode.Password
    dialog.reveal.setChecked(True)
    assert secret.echoMode() == QLineEdit.EchoMode.Normal
    assert not dialog.secrets["bronto_client_secret"].isEnabled()
    assert dialog.save_profile()
    assert profiles.get("qa-drip").base_url == embedded_server().url
    assert store.get("qa-drip", "drip_api_key") == drip_sandbox.API_KEY
    assert (
        dialog.status_label.text() == "✔ Saved qa-drip; its secrets are in memory for this session."
    )
    assert drip_sandbox.API_KEY not in (home / "profiles.json").read_text()

    dialog.test_connection()
    qtbot.waitUntil(lambda: dialog.test_button.isEnabled(), timeout=10_000)
    assert dialog.status_label.text() == (
        "✔ Connected: account 9999999 is among the key's accounts."
    )
    secret.setText("wrong-key")
    dialog.test_connection()
    qtbot.waitUntil(lambda: dialog.test_button.isEnabled(), timeout=10_000)
    assert dialog.status_label.text() == "✖ Drip refused the API key (401 Unauthorized)."


def test_a_bronto_profile_test_fetches_a_token(qtbot: QtBot, home: Path) -> None:
    dialog, _, _ = make_dialog(qtbot)
    dialog.new_profile()
    dialog.name.setText("qa-bronto")
    dialog.provider.setCurrentIndex(dialog.provider.findData("bronto"))
    url = embedded_server().url
    dialog.base_url.setText(url)
    dialog.setting_widget("token_url").setText(f"{url}/oauth2/token")
    dialog.secrets["bronto_client_id"].setText(bronto_sandbox.CLIENT_ID)
    dialog.secrets["bronto_client_secret"].setText("not-the-secret")
    dialog.test_connection()
    qtbot.waitUntil(lambda: dialog.test_button.isEnabled(), timeout=10_000)
    assert dialog.status_label.text().startswith(
        "✖ Bronto refused the client ID and secret (401 Unauthorized: Unknown client or secret)."
    )
    dialog.secrets["bronto_client_secret"].setText(bronto_sandbox.CLIENT_SECRET)
    dialog.test_connection()
    qtbot.waitUntil(lambda: dialog.test_button.isEnabled(), timeout=10_000)
    assert dialog.status_label.text() == "✔ Connected: Bronto accepted the client ID and secret."


def test_builtin_profiles_are_read_only(qtbot: QtBot, home: Path) -> None:
    dialog, _, _ = make_dialog(qtbot)
    dialog.list.setCurrentRow(0)
    assert dialog.name.text() == "sandbox-drip"
    assert not dialog.delete_button.isEnabled() and not dialog.save_button.isEnabled()
    assert not dialog.base_url.isEnabled()
    # What the built-in profile sends with: its sandbox's account, read-only.
    account = dialog.setting_widget("account_id")
    assert isinstance(account, QLineEdit)
    assert (account.text(), account.isEnabled()) == (drip_sandbox.ACCOUNT_ID, False)
    dialog.test_connection()
    qtbot.waitUntil(lambda: dialog.test_button.isEnabled(), timeout=10_000)
    assert dialog.status_label.text().startswith("✔ Connected")


def test_the_window_shows_a_banner_for_in_memory_secrets(
    qtbot: QtBot, home: Path, asker: FakeAsker
) -> None:
    from app.profiles import new_profile

    ProfileStore().add(new_profile("mine", "drip", account_id="1"))
    window = create_main_window(
        asker=asker, sender=Sender(MemorySecretStore(), environ={}, sandbox=EmbeddedSandbox())
    )
    qtbot.addWidget(window)
    window.show()
    assert window.profile_selector.findData("mine") >= 0
    assert window.profile_selector.itemText(window.profile_selector.count() - 1) == (
        "Manage profiles…"
    )
    assert window.banner.isHidden()
    window.session.set_profile("mine")
    qtbot.waitUntil(lambda: window.banner.isVisible(), timeout=5000)
    assert "kept in memory for this session only" in window.banner.text()
    window.session.set_profile("sandbox-drip")
    assert window.banner.isHidden()


def test_a_plain_http_url_to_another_machine_is_warned_about_while_typed(
    qtbot: QtBot, home: Path
) -> None:
    dialog, _, _ = make_dialog(qtbot)
    dialog.new_profile()
    dialog.provider.setCurrentIndex(dialog.provider.findData("bronto"))
    dialog.setting_widget("token_url").setText("https://auth.bronto.com/oauth2/token")
    dialog.base_url.setText("http://rest.bronto.com")  # the Java example's plain http
    assert dialog.url_warning.isVisibleTo(dialog)
    assert dialog.url_warning.text() == (
        "⚠ http://rest.bronto.com is plain http:// to another machine: the Bronto client ID "
        "and Bronto client secret sent with it would travel in clear. Use https://."
    )
    dialog.base_url.setText("https://rest.bronto.com")
    assert not dialog.url_warning.isVisibleTo(dialog)
    dialog.base_url.setText("http://127.0.0.1:8765")  # a local sandbox: nothing leaves
    assert not dialog.url_warning.isVisibleTo(dialog)


def test_a_host_no_lookup_can_take_is_said_beside_the_url_and_not_saved(
    qtbot: QtBot, home: Path
) -> None:
    dialog, _, profiles = make_dialog(qtbot)
    dialog.new_profile()
    dialog.name.setText("typo")
    dialog.provider.setCurrentIndex(dialog.provider.findData("drip"))
    dialog.setting_widget("account_id").setText("5")
    dialog.base_url.setText("https://api..getdrip.com")
    assert dialog.url_warning.isVisibleTo(dialog)
    said = (
        "✖ The host of the base URL “https://api..getdrip.com” has an empty part between two "
        "dots. A base URL looks like https://api.getdrip.com."
    )
    assert dialog.url_warning.text() == said
    assert dialog.base_url.property("invalid") is True  # the form's red border
    assert not dialog.save_profile()
    assert dialog.status_label.text() == said
    assert "typo" not in [p.name for p in profiles.all()]
    # The refusal is about the URL as it was: the next keystroke takes it away.
    qtbot.keyClick(dialog.base_url, Qt.Key.Key_Backspace)
    assert dialog.status_label.text() == ""
    dialog.base_url.setText("https://api.getdrip.com")
    assert not dialog.url_warning.isVisibleTo(dialog)
    assert dialog.base_url.property("invalid") is False
    assert dialog.save_profile()
    assert profiles.get("typo").base_url == "https://api.getdrip.com"
    # A URL setting is marked itself, the base URL not.
    dialog.new_profile()
    dialog.name.setText("bronto-typo")
    dialog.provider.setCurrentIndex(dialog.provider.findData("bronto"))
    token = dialog.setting_widget("token_url")
    assert isinstance(token, QLineEdit)
    token.setText("https://auth bronto.com/oauth2/token")
    assert dialog.url_warning.text() == (
        "✖ The host of the token URL “https://auth bronto.com/oauth2/token” has a space or an "
        "invisible character. A token URL looks like https://auth.bronto.com/oauth2/token."
    )
    assert token.property("invalid") is True
    assert dialog.base_url.property("invalid") is False


def test_a_secret_the_keyring_cannot_read_is_said_when_its_profile_is_shown(
    qtbot: QtBot, home: Path
) -> None:
    class Locked(MemorySecretStore):
        def get(self, profile: str, name: str) -> str | None:
            raise SecretStoreError(f"The keyring could not read {name} of {profile}: locked.")

    profiles = ProfileStore()
    profiles.add(new_profile("shop", "drip", account_id="5"))
    dialog = ProfilesDialog(profiles, Sender(Locked(), environ={}, sandbox=EmbeddedSandbox()))
    qtbot.addWidget(dialog)
    dialog.reload("shop")
    # Before: set, then cleared a line later; the secret showed empty and nothing said why.
    assert (
        dialog.status_label.text() == "✖ The keyring could not read drip_api_key of shop: locked."
    )
    assert dialog.secrets["drip_api_key"].text() == ""


def test_each_provider_shows_its_own_settings_and_secrets(qtbot: QtBot, home: Path) -> None:
    dialog, _, profiles = make_dialog(qtbot)
    dialog.new_profile()
    dialog.name.setText("qa-oauth")
    dialog.provider.setCurrentIndex(dialog.provider.findData("drip"))
    auth = dialog.setting_widget("auth")
    assert isinstance(auth, QComboBox)
    assert [auth.itemText(i) for i in range(auth.count())] == [
        "API key (Basic)",
        "OAuth access token (Bearer)",
    ]
    shown = {name for name, field in dialog.secrets.items() if field.isVisibleTo(dialog)}
    assert shown == {"drip_api_key", "drip_access_token"}
    assert dialog.secrets["drip_api_key"].isEnabled()
    assert not dialog.secrets["drip_access_token"].isEnabled()
    auth.setCurrentIndex(auth.findData("oauth"))
    # The choice decides which secret the profile sends.
    assert not dialog.secrets["drip_api_key"].isEnabled()
    assert dialog.secrets["drip_access_token"].isEnabled()
    dialog.setting_widget("account_id").setText("1234567")
    dialog.secrets["drip_access_token"].setText("tok-1234")
    assert dialog.save_profile(), dialog.status_label.text()
    assert profiles.get("qa-oauth").settings == {"account_id": "1234567", "auth": "oauth"}
    dialog.provider.setCurrentIndex(dialog.provider.findData("bronto"))
    create = dialog.setting_widget("create_contact")
    assert isinstance(create, QCheckBox) and create.text() == "Create contact (createContact)"
    shown = {name for name, field in dialog.secrets.items() if field.isVisibleTo(dialog)}
    assert shown == {"bronto_client_id", "bronto_client_secret"}


def test_from_the_window_the_dialog_lists_the_composers_provider_only(
    qtbot: QtBot, home: Path
) -> None:
    profiles = ProfileStore()
    profiles.add(new_profile("staging-klaviyo", "klaviyo"))
    profiles.add(new_profile("staging-drip", "drip", account_id="123"))
    dialog = ProfilesDialog(
        profiles,
        Sender(MemorySecretStore(), environ={}, sandbox=EmbeddedSandbox()),
        only_provider="klaviyo",
        select="staging-klaviyo",
    )
    qtbot.addWidget(dialog)
    listed = [dialog.list.item(n).text() for n in range(dialog.list.count())]
    assert len(listed) == 2 and all("laviyo" in text for text in listed), listed
    assert dialog.name.text() == "staging-klaviyo"  # the one asked for, shown first
    # Only Klaviyo's settings and secrets are rows of the form.
    form = dialog._form
    shown = [name for name, field in dialog.secrets.items() if form.isRowVisible(field)]
    assert shown == ["klaviyo_api_key"]
    dialog.new_profile()
    assert dialog.provider.currentData() == "klaviyo"  # a new one is the composer's kind
    assert dialog.all_providers.isVisibleTo(dialog) and not dialog.all_providers.isChecked()
    dialog.all_providers.setChecked(True)
    assert dialog.list.count() > 2  # every provider's, the built-in ones too
    everything = [dialog.list.item(n).text() for n in range(dialog.list.count())]
    assert any("staging-drip" in text for text in everything), everything
