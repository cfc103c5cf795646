"""The window under every network fault: the right error kind and message, a completed history
row, and a GUI event loop that never stalls for more than 100 ms while it waits."""

from __future__ import annotations

import gc
import itertools
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QTimer
from pytestqt.qtbot import QtBot

from app.profiles import ProfileStore, new_profile
from app.providers.drip import emulator as drip_sandbox
from app.sandbox import Fault, SandboxServer
from app.sandbox.runtime import EmbeddedSandbox
from app.secrets import MemorySecretStore
from app.service.sender import Sender
from app.transport.network import shared_ssl_context
from app.ui.application import create_main_window
from app.ui.main_window import MainWindow
from tests.ui.conftest import FakeAsker


@pytest.fixture
def server() -> Iterator[SandboxServer]:
    with SandboxServer() as running:
        yield running


def window_for(qtbot: QtBot, base_url: str, asker: FakeAsker) -> MainWindow:
    ProfileStore().add(
        new_profile(
            "faulty", "drip", base_url=base_url, account_id=drip_sandbox.ACCOUNT_ID, timeout=0.5
        ),
        replace=True,
    )
    store = MemorySecretStore()
    store.set("faulty", "drip_api_key", drip_sandbox.API_KEY)
    window = create_main_window(
        asker=asker, sender=Sender(store, environ={}, sandbox=EmbeddedSandbox())
    )
    qtbot.addWidget(window)
    # Shown and painted before anything is measured: a window's first paint (60 ms here) is
    # not a fault freezing it, and counted in the gaps below it made them fail on slow runs.
    with qtbot.waitExposed(window):
        window.show()
    window.session.set_profile("faulty")
    qtbot.wait(100)
    return window


def test_a_host_no_lookup_can_take_is_said_before_sending_and_nothing_is_recorded(
    qtbot: QtBot, home: Path, asker: FakeAsker
) -> None:
    # A profile saved before hosts were checked. Before: the preview showed the URL, and Send
    # said "Sending failed unexpectedly: UnicodeError: encoding with 'idna' codec failed".
    window = window_for(qtbot, "http://a..b", asker)
    said = (
        "The host of the base URL “http://a..b” has an empty part between two dots. A base URL "
        "looks like https://api.getdrip.com."
    )
    qtbot.waitUntil(lambda: said in window.preview.toPlainText(), timeout=5_000)
    assert window.preview.toPlainText().startswith("# No request can be built yet:")
    window.send()
    qtbot.waitUntil(lambda: window.response.badge.text() == "Not sent", timeout=5_000)
    assert window.response.summary.text() == said
    history = window.session.history
    assert history is not None and history.query() == []


# Measures pauses of the GUI thread: never beside another such test (pyproject: "timing").
@pytest.mark.xdist_group("timing")
@pytest.mark.parametrize(
    ("fault", "kind", "status", "words"),
    [
        (Fault(latency_ms=3000), "timeout", None, "within 0.5 s"),
        (Fault(status=429, retry_after=30), "http_status", 429, "429 Too Many Requests"),
        (Fault(status=500), "http_status", 500, "500 Internal Server Error"),
        (Fault(status=502), "http_status", 502, "502 Bad Gateway"),
        (Fault(status=503, retry_after=5), "http_status", 503, "503 Service Unavailable"),
        (Fault(drop=True), "connection_lost", None, "closed the connection without answering"),
        (Fault(malformed=True), "invalid_response", 202, "the body is not valid JSON"),
        (
            Fault(body_bytes=10 * 1024 * 1024),
            "invalid_response",
            202,
            "with a body of 10 MB, more than the 2 MB kept",
        ),
        (Fault(trickle_ms=100), "timeout", None, "answered but was still sending after 0.5 s"),
        ("dead-host", "dns", None, "Could not find the host cart-composer.invalid"),
        ("closed-port", "connection_refused", None, "(connection refused)"),
        ("tls", "tls", None, "The secure (TLS) connection"),
    ],
    ids=[
        "timeout",
        "429",
        "500",
        "502",
        "503",
        "drop",
        "malformed",
        "10MB-body",
        "trickle",
        "dead-host",
        "closed-port",
        "tls",
    ],
)
def test_each_fault_is_reported_recorded_and_never_freezes_the_window(
    qtbot: QtBot,
    home: Path,
    asker: FakeAsker,
    server: SandboxServer,
    fault: Fault | str,
    kind: str,
    status: int | None,
    words: str,
) -> None:
    base = server.url
    if fault == "dead-host":
        base = "http://cart-composer.invalid"
    elif fault == "tls":
        base = base.replace("http://", "https://")
    elif fault == "closed-port":
        with SandboxServer() as other:
            base = other.url
    elif isinstance(fault, Fault):
        server.sandbox.add_fault(fault)
    window = window_for(qtbot, base, asker)
    # As the app does a second after start-up (application._warm_tls): the TLS trust store is
    # parsed once per process, holding the GIL for tens of milliseconds. On two workers this
    # could be the first test of its worker to need it, and that pause was counted (102 ms).
    shared_ssl_context()
    # As the app does after start-up (application.run), what exists now is frozen out of the
    # garbage collector's full passes: earlier tests' objects must not pause this one's loop.
    gc.collect()
    gc.freeze()
    ticks: list[float] = []
    timer = QTimer()
    timer.setInterval(10)
    timer.timeout.connect(lambda: ticks.append(time.perf_counter()))
    timer.start()
    with qtbot.waitSignal(window.controller.send_finished, timeout=15_000) as blocker:
        window.send()
    qtbot.wait(50)
    timer.stop()
    result = blocker.args[0]
    assert str(result.error_kind) == kind
    assert result.status == status
    assert words in result.message
    assert words in window.response.summary.text() or window.response.badge.text() == str(status)
    if isinstance(fault, Fault) and fault.body_bytes:  # the pane shows the start, and says so
        assert "… the first 64 KB of 10 MB; lines over 1,000 characters folded" in (
            window.response.body.toPlainText()
        )
    gc.unfreeze()
    gaps = [b - a for a, b in itertools.pairwise(ticks)]
    assert ticks and max(gaps) < 0.1, max(gaps)
    history = window.session.history
    assert history is not None
    (entry,) = history.query(limit=1)
    assert entry.state == ("http_error" if status and kind == "http_status" else "network_error")
    if kind != "http_status":
        assert entry.error_kind == kind
    window.session.cancel()
