"""A request to a host no lookup can take, past the target's check (a URL from elsewhere: a
re-send, a token endpoint), fails as a lookup with its reason: never a traceback out of the
resolver or httpx."""

from __future__ import annotations

import socket

import httpx
import pytest

from app.domain.urls import host_problem
from app.paths import sample_cart
from app.providers import Target, build_request, get_provider, load_cart
from app.transport.result import ErrorKind
from app.transport.send import make_client, send_request

LONG = "x" * 64


def refusals(host: str) -> tuple[bool, bool]:
    """Whether the system resolver raises UnicodeError for ``host``, and httpx InvalidURL."""
    try:
        socket.getaddrinfo(host, 80)
    except UnicodeError:
        resolver = True
    except OSError:
        resolver = False  # looked up and not found: an ordinary failure
    else:
        resolver = False
    try:
        httpx.URL(f"http://{host}/")
    except httpx.InvalidURL:
        return resolver, True
    return resolver, False


@pytest.mark.parametrize(
    ("url", "host", "refused_by"),
    [
        ("http://a..b/v3/5/shopper_activity/cart", "a..b", (True, False)),
        (f"http://{LONG}.com/x", f"{LONG}.com", (True, False)),
        ("http://☃.com/x", "☃.com", (False, True)),
    ],
)
def test_a_request_to_such_a_host_fails_as_a_lookup_not_with_a_traceback(
    url: str, host: str, refused_by: tuple[bool, bool]
) -> None:
    # Past the target's check (a URL from elsewhere: a re-send, a token URL), the resolver
    # raises UnicodeError on some names and httpx InvalidURL on others: which, is checked here
    # first, so the test sees the failure it is about.
    assert refusals(host) == refused_by
    document = load_cart(sample_cart("drip")).document
    planned = build_request(document, Target("http://127.0.0.1:9", {"account_id": "5"}))
    request = type(planned)(planned.method, url, planned.body, planned.wire_headers())
    with make_client() as client:
        result = send_request(request, client, get_provider("drip"), timeout=5)
    assert result.error_kind is ErrorKind.DNS
    why = host_problem(host)
    assert result.message == f"Could not look up the host {host}: it {why}. Check the URL."
