"""One folder is one provider: a throwaway provider that exists only in the test suite
(``tests/providers/toyshop/``, copied to a temporary folder on ``app.providers``' path, found
the way a real one is) works everywhere — the window's provider selector, form and items table,
the preview, Send through its own emulator with its own auth, the history, cURL, its cart
actions, the command line and a scenario — with no file of ``app/`` knowing it."""

from __future__ import annotations

import shutil
import sys
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

import app.providers as package
from app.domain import jsonfmt
from app.history import HistoryStore
from app.profiles import BUILTIN_PROFILES, ProfileStore
from app.providers import CartDocument, get_provider, providers, registry, save_cart
from app.sandbox.runtime import EmbeddedSandbox, embedded_server, stop_embedded
from app.scenarios import ScenarioRunner
from app.scenarios.model import parse_scenario
from app.secrets import MemorySecretStore
from app.service.sender import Sender
from app.ui.application import create_main_window
from app.ui.asking import ScriptedAsker

TOY = Path(__file__).parent / "providers" / "toyshop"


def _forget() -> None:
    registry.providers.cache_clear()
    registry.secret_specs.cache_clear()
    for name in [n for n in sys.modules if n.startswith("app.providers.toyshop")]:
        del sys.modules[name]
    stop_embedded()  # the next embedded sandbox is made with the registry as it is then


@pytest.fixture
def toyshop(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    monkeypatch.setenv("CART_COMPOSER_HOME", str(tmp_path / "home"))
    folder = tmp_path / "plugins"
    shutil.copytree(TOY, folder / "toyshop")
    package.__path__.append(str(folder))
    _forget()
    try:
        yield "toyshop"
    finally:
        package.__path__.remove(str(folder))
        _forget()


def toy_cart() -> CartDocument:
    attributes = {
        "email": "ada@example.com",
        "cart_id": "t-1",
        "total": Decimal("7.5"),
        "items": [{"name": "Kite", "price": Decimal("2.5"), "quantity": 3}],
    }
    payload = {"data": {"type": "cart", "attributes": attributes}}
    return CartDocument(provider="toyshop", payload=payload)


def test_the_toy_provider_is_found_and_has_a_sandbox_profile(toyshop: str) -> None:
    assert list(providers()) == ["drip", "bronto", "klaviyo", "mailchimp", "toyshop"]
    assert BUILTIN_PROFILES["sandbox-toyshop"].title == "Sandbox · Toy shop"
    assert get_provider("toyshop").needed_secrets({}) == ("toyshop_key",)


def test_the_window_composes_previews_sends_records_and_acts_on_a_toy_cart(
    qtbot: QtBot, toyshop: str
) -> None:
    # Nothing here asks a question (a complete cart, an action without a confirmation): the
    # scripted asker would say no to any.
    asker = ScriptedAsker()
    window = create_main_window(
        asker=asker, sender=Sender(MemorySecretStore(), environ={}, sandbox=EmbeddedSandbox())
    )
    qtbot.addWidget(window)
    window.show()
    selector = window.provider_selector
    assert selector.findData("toyshop") >= 0
    selector.setCurrentIndex(selector.findData("toyshop"))
    selector.activated.emit(selector.currentIndex())
    assert window.session.provider.key == "toyshop"
    assert window.session.profile.name == "sandbox-toyshop"
    # Its form and its items table, from its model: fields of nested objects by their paths.
    assert list(window.form.editors) == [
        "data.type",
        "data.attributes.email",
        "data.attributes.cart_id",
        "data.attributes.total",
    ]
    title = window.items.title.text().replace("\u200b", "")  # a break may follow a dot
    assert title == "<b>Line items</b> <small>(data.attributes.items)</small>"
    window.fill_sample()
    model = window.items_model
    headers = [model.headerData(c, Qt.Orientation.Horizontal) for c in range(model.columnCount())]
    assert headers[:3] == ["Name *", "Price *", "Quantity"]  # required ones marked
    assert model.rowCount() >= 2
    window.session.refresh_now()
    preview = window.preview.toPlainText()
    head, _, body = preview.partition("\n\n")
    assert head.split("\n")[0] == f"POST {embedded_server().url}/v1/carts"
    assert "Authorization: Toy ••••••••" in head.split("\n")
    # Send: its own emulator answers, with its own auth (a wrong key would get 401).
    with qtbot.waitSignal(window.controller.send_finished, timeout=15_000) as sent:
        window.send()
    result = sent.args[0]
    assert (result.status, result.provider_id) == (201, "toy-1"), result.message
    toys = embedded_server().sandbox.emulators["toyshop"]
    wire = jsonfmt.loads(body)
    assert wire["data"]["type"] == "cart"
    assert toys.carts["toy-1"] == wire["data"]["attributes"]  # type: ignore[attr-defined]
    # The history row, under the provider's own operation name.
    history = window.session.history
    assert history is not None
    (entry,) = history.query()
    assert (entry.provider, entry.operation, entry.status) == ("toyshop", "toy_cart", 201)
    # cURL, with its own auth header.
    command = window.session.curl_for_entry(entry)
    assert f"curl -sS -X POST {embedded_server().url}/v1/carts" in command
    assert '-H "Authorization: Toy $CART_COMPOSER_TOYSHOP_KEY"' in command
    # Its cart action, from its declaration: the id came from the send's answer.
    assert window.cart_actions_button.isVisible()
    assert window.session.remote_cart_id == "toy-1"
    with qtbot.waitSignal(window.controller.send_finished, timeout=15_000) as deleted:
        window.cart_actions["delete"].trigger()
    assert deleted.args[0].status == 204
    assert toys.carts == {}  # type: ignore[attr-defined]
    assert window.session.remote_cart_id == ""
    assert [e.operation for e in history.query()] == ["delete", "toy_cart"]
    window.session.cancel()


def test_a_toy_scenario_and_the_command_line(
    toyshop: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    cart = tmp_path / "toy.cart.json"
    save_cart(toy_cart(), cart)
    scenario = parse_scenario(
        {
            "name": "toy",
            "steps": [
                {"do": "send", "cart": str(cart), "expect": 201},
                {"do": "toyshop", "action": "delete", "expect": 204},
            ],
        }
    )
    history = HistoryStore(tmp_path / "history.sqlite3")
    sender = Sender(MemorySecretStore(), environ={}, sandbox=EmbeddedSandbox())
    runner = ScenarioRunner(scenario, sender, ProfileStore(), history, speed=float("inf"))
    assert runner.run(), [e.message for e in runner.events]
    assert [r.status for r in runner.results] == [201, 204]
    assert [e.operation for e in history.query()] == ["delete", "toy_cart"]
    history.close()

    from app.cli.main import main

    assert main(["validate", str(cart)]) == 0
    assert main(["curl", str(cart)]) == 0
    printed = capsys.readouterr().out
    assert "# Needs these variables set: CART_COMPOSER_TOYSHOP_KEY" in printed
    assert '-H "Authorization: Toy $CART_COMPOSER_TOYSHOP_KEY"' in printed
    assert main(["send", str(cart), "--json"]) == 0
    sent = jsonfmt.loads(capsys.readouterr().out)
    assert sent["status"] == 201 and sent["provider_id"].startswith("toy-")
    toys = embedded_server().sandbox.emulators["toyshop"]
    assert list(toys.carts) == [sent["provider_id"]]  # type: ignore[attr-defined]
    # The provider's action command, made from its declarations.
    assert main(["toyshop", "delete", "--cart-id", sent["provider_id"]]) == 0
    assert "Deleted." in capsys.readouterr().out
    assert toys.carts == {}  # type: ignore[attr-defined]
