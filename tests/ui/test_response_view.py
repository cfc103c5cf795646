"""The response pane's words: the timing line says which way the request went, notes are shown,
and a failure's hint does not repeat the message."""

from __future__ import annotations

from pytestqt.qtbot import QtBot

from app.providers import OutgoingRequest
from app.transport import ErrorKind, SendResult
from app.ui.response_view import ResponseView

REQUEST = OutgoingRequest("POST", "http://shop.example/v3/1/shopper_activity/cart", b"{}", ())


def test_the_timing_line_names_the_proxy_and_shows_the_notes(qtbot: QtBot) -> None:
    view = ResponseView()
    qtbot.addWidget(view)
    result = SendResult(
        REQUEST,
        status=202,
        reason="Accepted",
        elapsed=0.031,
        body=b" " * 40,
        body_size=40,
        provider_id="abc",
        route="via proxy http://proxy.corp:3128",
        notes=["http://shop.example is plain http:// to another machine: …"],
    )
    view.show_result(result)
    first, second = view.summary.text().split("\n")
    assert first == "Accepted · abc · 31 ms · via proxy http://proxy.corp:3128 · 40 B"
    assert second.startswith("http://shop.example is plain http://")


def test_a_direct_route_is_not_spelled_out(qtbot: QtBot) -> None:
    view = ResponseView()
    qtbot.addWidget(view)
    view.show_result(
        SendResult(REQUEST, status=202, reason="Accepted", elapsed=0.005, route="direct")
    )
    assert view.summary.text() == "Accepted · 5 ms · 0 B"


def test_a_refused_connection_asks_once_whether_the_server_runs(qtbot: QtBot) -> None:
    view = ResponseView()
    qtbot.addWidget(view)
    message = "Nothing is listening at 127.0.0.1:9 (connection refused). Is the server running?"
    view.show_result(
        SendResult(REQUEST, error_kind=ErrorKind.CONNECTION_REFUSED, message=message, elapsed=0.002)
    )
    text = view.summary.text()
    assert text.count("Is the server running?") == 1, text
    assert text == f"{message} Check the base URL and port.  (2 ms)"
