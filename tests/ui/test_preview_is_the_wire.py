"""Preview = what is sent: for every registered provider, the Request pane's method, URL, masked
headers and body are what the embedded sandbox received when Send was pressed."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from pytestqt.qtbot import QtBot

from app.providers import provider_keys
from app.sandbox.runtime import embedded_server
from app.ui.main_window import MainWindow

# What the HTTP client adds on the way out, which no provider builds.
_TRANSPORT_HEADERS = {"host", "content-length", "accept-encoding", "connection"}


@pytest.mark.parametrize("key", provider_keys())
def test_the_preview_is_what_the_sandbox_received(
    qtbot: QtBot, window: MainWindow, key: str
) -> None:
    if window.session.provider.key != key:
        selector = window.provider_selector
        selector.setCurrentIndex(selector.findData(key))
        selector.activated.emit(selector.currentIndex())
    window.fill_sample()
    window.session.refresh_now()
    preview = window.preview.toPlainText()
    head, _, body = preview.partition("\n\n")
    request_line, *header_lines = head.split("\n")
    method, url = request_line.split(" ", 1)
    shown = [tuple(line.split(": ", 1)) for line in header_lines]
    sandbox = embedded_server().sandbox
    seen = len(sandbox.requests())
    with qtbot.waitSignal(window.controller.send_finished, timeout=15_000) as blocker:
        window.send()
    assert blocker.args[0].ok, blocker.args[0].message
    target = urlsplit(url)
    (received,) = [
        r
        for r in sandbox.requests()[seen:]
        if r.path == target.path and r.query == target.query and r.method == method
    ]
    assert received.body == body  # byte for byte: the body shown is the body sent
    got = [(n, v) for n, v in received.headers if n.lower() not in _TRANSPORT_HEADERS]
    assert sorted((n.lower(), v) for n, v in got) == sorted((n.lower(), v) for n, v in shown)
