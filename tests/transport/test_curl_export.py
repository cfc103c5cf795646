"""The cURL export, read as other tools' cURL importers read it: the body one single-quoted
``--data-raw`` word (a here-document was read by Insomnia as two characters), and nothing but
curl and a POSIX shell needed (run by bash and by sh against the sandbox: tests/cli)."""

from __future__ import annotations

import shlex

import pytest

from app.paths import sample_cart
from app.providers import Target, get_provider, load_cart, provider_keys
from app.transport.captured import parse_curl
from app.transport.curl import curl_command, single_quoted


@pytest.mark.parametrize("key", provider_keys())
def test_the_body_is_one_data_raw_word_of_exactly_the_bytes_sent(key: str) -> None:
    provider = get_provider(key)
    document = load_cart(sample_cart(key)).document
    settings = {"account_id": "1", "store_id": "s", "data_center": "us1"}
    target = Target("https://api.example", settings)
    request = provider.build_request(document.payload, target, document.options)
    text = curl_command(request, provider.auth(settings))
    assert "<<" not in text and "python" not in text
    # One command (an OAuth2 token is fetched inside its header), the body one word of it.
    assert text.startswith("curl ") and text.count("--data-raw") == 1
    (sent,) = [r for r in parse_curl(text) if not r.helper]
    assert sent.body == request.body
    tokens = [r for r in parse_curl(text) if r.helper]
    assert len(tokens) == (1 if provider.key == "bronto" else 0)
    last = text.rsplit("--data-raw ", 1)[1].rstrip("\n")
    assert shlex.split(last) == [request.body_text]  # single-quoted, read back exactly


def test_a_quote_in_the_body_survives_single_quoting() -> None:
    text = """{"note": "it's 'quoted' \\\\ and $HOME `x`"}"""
    assert shlex.split(single_quoted(text)) == [text]
