"""A whole window session with known secrets — Drip and Bronto profiles, sends that succeed and
fail, a refused secret, cURL copied, the history exported, the cart saved, debug logging on —
then every file under CART_COMPOSER_HOME, the log, the clipboard, and every message the app
showed or raised are searched for the secrets: none may be there."""

from __future__ import annotations

import base64
import logging
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtGui import QGuiApplication
from pytestqt.qtbot import QtBot

from app import logs
from app.profiles import ProfileStore, new_profile
from app.providers.bronto import emulator as bronto_sandbox
from app.providers.drip import emulator as drip_sandbox
from app.sandbox import SandboxServer
from app.sandbox.config import SandboxMode
from app.sandbox.runtime import EmbeddedSandbox
from app.secrets import MemorySecretStore
from app.service.sender import Sender
from app.ui.application import create_main_window
from app.ui.main_window import MainWindow
from tests.ui.conftest import FakeAsker

WRONG_SECRET = "wrong-bronto-secret-7f3a9c"


@pytest.fixture
def debug_log(home: Path) -> Iterator[Path]:
    handler = logs.configure("debug")
    assert handler is not None
    yield home / logs.LOG_FILE
    for added in list(logs.log.handlers):
        logs.log.removeHandler(added)
        added.close()
    logs.log.setLevel(logging.NOTSET)


def _send(qtbot: QtBot, window: MainWindow, said: list[str]) -> int | None:
    with qtbot.waitSignal(window.controller.send_finished, timeout=15_000) as blocker:
        window.send()
    result = blocker.args[0]
    said += [result.message, *result.notes, *(m for _, m in result.problems)]
    said += [window.response.summary.text(), window.statusBar().currentMessage()]
    status: int | None = result.status
    return status


def test_no_secret_leaves_the_keyring_or_memory(
    qtbot: QtBot, home: Path, asker: FakeAsker, debug_log: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, logger="cart_composer")
    said: list[str] = []
    # Explain mode: its answers carry more of what was sent (reasons, fields) to leak from.
    with SandboxServer(mode=SandboxMode(explain=True)) as server:
        profiles = ProfileStore()
        profiles.add(
            new_profile("qa-drip", "drip", base_url=server.url, account_id=drip_sandbox.ACCOUNT_ID)
        )
        profiles.add(
            new_profile(
                "qa-bronto", "bronto", base_url=server.url, token_url=f"{server.url}/oauth2/token"
            )
        )
        store = MemorySecretStore()
        store.set("qa-drip", "drip_api_key", drip_sandbox.API_KEY)
        store.set("qa-bronto", "bronto_client_id", bronto_sandbox.CLIENT_ID)
        store.set("qa-bronto", "bronto_client_secret", WRONG_SECRET)
        window = create_main_window(
            asker=asker, sender=Sender(store, environ={}, sandbox=EmbeddedSandbox())
        )
        qtbot.addWidget(window)
        window.show()
        window.controller.send_failed.connect(said.append)
        window.controller.notice.connect(said.append)

        window.session.set_profile("qa-drip")
        assert _send(qtbot, window, said) == 202
        window.session.set_field("email", "not an address")
        assert _send(qtbot, window, said) == 422  # Explain mode refuses it field by field
        window.request_panel.copy_curl()
        clipboard = QGuiApplication.clipboard().text()
        assert clipboard.startswith("curl ") and "$CART_COMPOSER_DRIP_API_KEY" in clipboard

        window.provider_selector.setCurrentIndex(window.provider_selector.findData("bronto"))
        window.provider_selector.activated.emit(window.provider_selector.currentIndex())
        window.session.set_profile("qa-bronto")
        window.session.set_field(window.session.provider.email_field, bronto_sandbox.KNOWN_CONTACT)
        assert _send(qtbot, window, said) is None  # the wrong secret: refused, said plainly
        store.set("qa-bronto", "bronto_client_secret", bronto_sandbox.CLIENT_SECRET)
        assert _send(qtbot, window, said) == 201
        assert _send(qtbot, window, said) == 409  # the same customerCartId again
        tokens = list(server.sandbox.emulators["bronto"]._tokens)
        assert tokens, "the sandbox issued a bearer token"

        history = window.history_view
        for kind, name in (("har", "exported.har"), ("jsonl", "exported.jsonl")):
            with qtbot.waitSignal(history.exported, timeout=10_000) as exported:
                assert history.export(kind, home / name)
            assert exported.args[0] == 5
        asker.save_answer_path = home / "session.cart.json"
        assert window.save_cart_as()
        window.session.cancel()
        window.close()
    said.append(window.banner.text())
    assert any("Bronto refused" in text or "invalid_client" in text for text in said), said

    drip_basic = base64.b64encode(f"{drip_sandbox.API_KEY}:".encode()).decode()
    secrets = [
        drip_sandbox.API_KEY,
        drip_basic,
        bronto_sandbox.CLIENT_SECRET,
        WRONG_SECRET,
        *tokens,
    ]
    files = [path for path in home.rglob("*") if path.is_file()]
    assert debug_log in files and debug_log.stat().st_size > 0
    assert {"exported.har", "exported.jsonl", "session.cart.json", "profiles.json"} <= {
        path.name for path in files
    }
    log_text = debug_log.read_text(encoding="utf-8")
    assert "send POST" in log_text and "Authorization: Basic ••••••••" in log_text
    assert "Authorization: Bearer ••••••••" in log_text
    for secret in secrets:
        for path in files:
            assert secret.encode() not in path.read_bytes(), (secret, path)
        assert secret not in caplog.text
        assert secret not in clipboard
        for text in said:
            assert secret not in text, (secret, text)
