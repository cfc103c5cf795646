"""Importing in the window: File → Import…, a paste, a drop; a pick among several requests; the
secrets offered for a profile's keyring entry, never in the cart, the file or the history; and
the imported cart sent to the sandbox over loopback."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtGui import QGuiApplication
from pytestqt.qtbot import QtBot

from app.domain import jsonfmt
from app.paths import data_dir, sample_cart
from app.providers import CartDocument
from app.providers.drip import emulator as drip_sandbox
from app.sandbox import SandboxServer
from app.sandbox.runtime import EmbeddedSandbox
from app.secrets import MemorySecretStore
from app.service.sender import Sender
from app.ui.application import create_main_window
from app.ui.main_window import MainWindow
from tests.ui.conftest import FakeAsker

DRIP_PAYLOAD = jsonfmt.loads(Path(sample_cart("drip")).read_text())["payload"]


@pytest.fixture
def server() -> Iterator[SandboxServer]:
    with SandboxServer() as running:
        yield running


@pytest.fixture
def store() -> MemorySecretStore:
    return MemorySecretStore()


@pytest.fixture
def shown(qtbot: QtBot, home: Path, asker: FakeAsker, store: MemorySecretStore) -> MainWindow:
    window = create_main_window(
        asker=asker, sender=Sender(store, environ={}, sandbox=EmbeddedSandbox())
    )
    qtbot.addWidget(window)
    with qtbot.waitExposed(window):
        window.show()
    return window


def curl_for(url: str, key: str = drip_sandbox.API_KEY) -> str:
    body = jsonfmt.dumps(DRIP_PAYLOAD).replace("'", "'\\''")
    return (
        f"curl '{url}/v3/{drip_sandbox.ACCOUNT_ID}/shopper_activity/cart' \\\n"
        f"  -u '{key}:' -H 'content-type: application/json' -H 'origin: https://x.example' \\\n"
        f"  --data-raw '{body}'\n"
    )


def test_file_import_keeps_the_secret_in_the_profile_and_sends_without_it_on_disk(
    qtbot: QtBot,
    shown: MainWindow,
    asker: FakeAsker,
    store: MemorySecretStore,
    server: SandboxServer,
    tmp_path: Path,
) -> None:
    request = tmp_path / "from-chrome.sh"
    request.write_text(curl_for(server.url))
    asker.import_answer = request
    asker.keep_answer = "qa-imported"
    assert shown.import_action.shortcut().toString() == "Ctrl+Shift+I"
    shown.import_action.trigger()
    assert asker.asked[-2:] == [
        "import_path",
        # No Drip profile of the user's yet; the test's store is memory, and says so.
        "keep_secrets Drip API key [] imported-drip in this session's memory (there is no "
        "keyring to keep them)",
    ]
    assert shown.session.provider.key == "drip"
    assert shown.session.document().payload == DRIP_PAYLOAD
    assert shown.toolbar.profile_selector.currentData() == "qa-imported"
    assert store.get("qa-imported", "drip_api_key") == drip_sandbox.API_KEY
    message = shown.statusBar().currentMessage()
    assert message.startswith("Imported a Drip cart from from-chrome.sh. Made the profile ")
    assert "Stored the Drip API key for qa-imported in this session's memory" in message
    assert message.endswith("Left out: headers the app does not send: origin.")
    # It sends, with the key from the store, to the address the request named.
    with qtbot.waitSignal(shown.controller.send_finished, timeout=15_000) as sent:
        shown.send()
    assert sent.args[0].status == 202
    assert server.sandbox.requests()[-1].path.startswith(f"/v3/{drip_sandbox.ACCOUNT_ID}/")
    saved = tmp_path / "imported.cart.json"
    shown.session.save(saved)
    shown.session.history.close()  # type: ignore[union-attr]
    for file in [saved, *data_dir().rglob("*")]:
        if file.is_file():
            assert drip_sandbox.API_KEY.encode() not in file.read_bytes(), file


def test_a_paste_without_keeping_the_secret_leaves_it_out_and_says_so(
    qtbot: QtBot, shown: MainWindow, asker: FakeAsker, store: MemorySecretStore
) -> None:
    before = CartDocument(provider="drip", payload={"email": "before@example.com"})
    shown.session.replace_document(before)
    QGuiApplication.clipboard().setText(curl_for("https://api.getdrip.com", "real-key-1"))
    asker.keep_answer = None  # Cancel
    assert shown.paste_request_action.shortcut().toString() == "Ctrl+Shift+V"
    shown.paste_request_action.trigger()
    assert shown.session.document().payload == DRIP_PAYLOAD
    assert shown.toolbar.profile_selector.currentData() == "sandbox-drip"  # where it was
    assert store.get("sandbox-drip", "drip_api_key") is None
    assert "Left out: the Drip API key (not kept); headers the app does not send: " in (
        shown.statusBar().currentMessage()
    )
    assert "real-key-1" not in shown.request_panel.preview.toPlainText()
    # Undo brings back the cart from before the import.
    shown.undo_action.trigger()
    assert shown.session.document().payload == before.payload


def test_a_har_with_two_carts_asks_which_and_bad_text_changes_nothing(
    shown: MainWindow, asker: FakeAsker, tmp_path: Path
) -> None:
    klaviyo = jsonfmt.loads(Path(sample_cart("klaviyo")).read_text())["payload"]
    entries = [
        {"request": {"method": "GET", "url": "https://shop.example/", "headers": []}},
        {
            "request": {
                "method": "POST",
                "url": "https://api.getdrip.com/v3/1/shopper_activity/cart",
                "headers": [],
                "postData": {"mimeType": "application/json", "text": jsonfmt.dumps(DRIP_PAYLOAD)},
            }
        },
        {
            "request": {
                "method": "POST",
                "url": "https://a.klaviyo.com/api/events",
                "headers": [{"name": "revision", "value": "2026-07-15"}],
                "postData": {"mimeType": "application/json", "text": jsonfmt.dumps(klaviyo)},
            }
        },
    ]
    har = tmp_path / "checkout.har"
    har.write_text(json.dumps({"log": {"version": "1.2", "entries": entries}}))
    asker.pick_answer = 1
    assert shown.tab.import_file(har)
    assert asker.asked[-1] == (
        "pick_request entry 2: POST https://api.getdrip.com/v3/1/shopper_activity/cart (Drip)"
        " | entry 3: POST https://a.klaviyo.com/api/events (Klaviyo)"
    )
    assert shown.session.provider.key == "klaviyo"
    assert shown.session.document().payload == klaviyo
    before = shown.session.document()
    QGuiApplication.clipboard().setText("wget https://x.example/cart")
    assert not shown.paste_request()
    assert asker.warnings[-1] == (
        "Cannot import the clipboard: The text is not a cURL command, a HAR file or a Postman "
        "collection (it starts with “wget”)."
    )
    assert shown.session.document() == before


def test_a_dropped_curl_file_is_imported(shown: MainWindow, tmp_path: Path) -> None:
    dropped = tmp_path / "request.txt"
    dropped.write_text(curl_for("https://api.getdrip.com", "k"))
    assert shown.tab.open_dropped(dropped)
    assert shown.session.provider.key == "drip"
    assert shown.session.document().payload == DRIP_PAYLOAD


def test_the_payloads_json_schema_is_exported_to_a_chosen_file(
    shown: MainWindow, asker: FakeAsker, tmp_path: Path
) -> None:
    asker.save_answer_path = tmp_path / "drip.schema.json"
    shown.schema_action.trigger()
    schema = json.loads(asker.save_answer_path.read_text())
    assert schema["title"] == "Drip cart_activity payload"
    assert schema["properties"]["grand_total"]["type"] == "number"
    assert shown.statusBar().currentMessage() == (
        f"Saved the Drip schema to {asker.save_answer_path}."
    )


def test_the_cart_as_powershell_and_as_a_postman_collection(
    shown: MainWindow, asker: FakeAsker, tmp_path: Path
) -> None:
    shown.copy_powershell_action.trigger()
    script = QGuiApplication.clipboard().text()
    assert script.startswith("$ErrorActionPreference = 'Stop'\n")
    assert "Invoke-RestMethod -Method POST" in script
    assert "$env:CART_COMPOSER_DRIP_API_KEY" in script
    asker.save_answer_path = tmp_path / "cart.postman_collection.json"
    shown.postman_action.trigger()
    collection = json.loads(asker.save_answer_path.read_text())
    (item,) = collection["item"]
    assert item["name"] == "Drip Send · 456445746"
    assert item["request"]["auth"]["basic"][0]["value"] == "{{drip_api_key}}"
    assert collection["variable"] == [{"key": "drip_api_key", "value": "", "type": "secret"}]


def test_history_entries_export_as_a_postman_collection_that_imports_back(
    qtbot: QtBot, shown: MainWindow, tmp_path: Path
) -> None:
    with qtbot.waitSignal(shown.controller.send_finished, timeout=15_000):
        shown.send()
    view = shown.history_view
    qtbot.waitUntil(lambda: view.model.rowCount() == 1, timeout=5000)
    target = tmp_path / "sent.postman_collection.json"
    with qtbot.waitSignal(view.exported, timeout=10_000) as done:
        assert view.export("postman", target)
    assert done.args == [1, str(target)]
    from app.service.importing import import_text

    back = import_text(target.read_text())
    assert back.document == shown.session.document()


def test_a_curl_command_in_the_raw_editor_says_where_it_is_imported(
    qtbot: QtBot, shown: MainWindow
) -> None:
    shown.raw_button.click()
    shown.raw_editor.setPlainText(curl_for("https://api.getdrip.com", "k"))
    shown.request_panel.apply_raw()
    assert shown.request_panel.raw_status.text() == (
        "✖ This is a cURL command, not the JSON body: Edit → Paste a request as the cart "
        "(Ctrl+Shift+V) imports it, body, URL and all."
    )
