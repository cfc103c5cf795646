"""Requests people bring along, read as they would be sent: cURL in the spellings browsers and
vendors' docs write, HAR files, Postman collections; and what is not understood, said."""

from __future__ import annotations

import base64
import json
from pathlib import Path

import pytest

from app.transport.captured import (
    CapturedRequest,
    ImportFormatError,
    parse_captured,
    parse_curl,
)

# Drip's documented example, as its Cart Activity page prints it (a copy: the reference
# documents are not part of the repository).
DRIP_DOC_CURL = Path(__file__).parents[1] / "golden" / "drip-doc-example.curl.sh"
BODY = '{"email":"a@b.co","cart_id":"c-1","grand_total":16.99}'


def one(text: str) -> CapturedRequest:
    found = parse_captured(text)
    assert len(found) == 1
    return found[0]


def test_chromes_copy_as_curl() -> None:
    # Chrome (bash): the URL first, every header lower-case, --data-raw, --compressed.
    text = (
        "curl 'https://api.getdrip.com/v3/123/shopper_activity/cart' \\\n"
        "  -H 'accept: application/json' \\\n"
        "  -H 'authorization: Basic a2V5Og==' \\\n"
        "  -H 'content-type: application/json' \\\n"
        '  -H \'sec-ch-ua: "Chromium";v="131", "Not_A Brand";v="24"\' \\\n'
        f"  --data-raw '{BODY}' \\\n"
        "  --compressed"
    )
    request = one(text)
    assert request.method == "POST"  # a body and no -X
    assert request.url == "https://api.getdrip.com/v3/123/shopper_activity/cart"
    assert request.headers == (
        ("accept", "application/json"),
        ("authorization", "Basic a2V5Og=="),
        ("content-type", "application/json"),
        ("sec-ch-ua", '"Chromium";v="131", "Not_A Brand";v="24"'),
    )
    assert request.body == BODY.encode()


def test_firefoxs_copy_as_curl() -> None:
    # Firefox: -X first, the URL after, a quote inside the body written '\'' .
    text = (
        "curl -X POST 'https://a.klaviyo.com/api/events' -H 'User-Agent: Mozilla/5.0' "
        "-H 'Accept: */*' -H 'revision: 2026-07-15' -H 'Content-Type: application/json' "
        "-H 'Authorization: Klaviyo-API-Key pk_abc' "
        """--data-raw '{"data":{"attributes":{"properties":{"note":"it'\\''s"}}}}'"""
    )
    request = one(text)
    assert request.method == "POST"
    assert request.header("revision") == "2026-07-15"
    assert json.loads(request.body)["data"]["attributes"]["properties"]["note"] == "it's"


def test_drips_documented_example_with_its_here_document() -> None:
    request = one(DRIP_DOC_CURL.read_text())
    assert request.url == "https://api.getdrip.com/v3/YOUR_ACCOUNT_ID/shopper_activity/cart"
    assert request.header("User-Agent") == "Your App Name (www.yourapp.com)"
    # -u KEY: is Basic with the key as the user and an empty password.
    assert request.header("Authorization") == "Basic " + base64.b64encode(b"YOUR_API_KEY:").decode()
    payload = json.loads(request.body)  # -d @- reads the here-document (newlines stripped)
    assert payload["cart_id"] == "456445746" and payload["items"][0]["price"] == 11.16


def test_line_continuations_double_quotes_and_joined_short_options() -> None:
    text = (
        'curl -sS -XPOST "https://rest.bronto.com/carts?createContact=true" \\\r\n'
        '  -H"Content-Type: application/json" --user "id:se cret" \\\n'
        '  -d "{\\"customerCartId\\": \\"c-1\\"}"'
    )
    request = one(text)
    assert request.method == "POST" and request.query == {"createContact": "true"}
    assert request.header("Content-Type") == "application/json"
    assert request.header("Authorization") == "Basic " + base64.b64encode(b"id:se cret").decode()
    assert request.body == b'{"customerCartId": "c-1"}'


def test_a_token_request_and_the_request_that_uses_it() -> None:
    text = (
        "TOKEN=$(curl -sS -X POST https://auth.bronto.com/oauth2/token \\\n"
        "  --data-urlencode grant_type=client_credentials \\\n"
        "  --data-urlencode client_id=the-id \\\n"
        "  --data-urlencode 'client_secret=s3cr&t' \\\n"
        "  | sed -n 's/x/y/p')\n"
        'curl -sS -X POST https://rest.bronto.com/carts -H "Authorization: Bearer $TOKEN" '
        "--data-raw '{}'\n"
    )
    token, cart = parse_curl(text)
    assert token.form() == {
        "grant_type": "client_credentials",
        "client_id": "the-id",
        "client_secret": "s3cr&t",
    }
    assert cart.url == "https://rest.bronto.com/carts"
    assert cart.header("Authorization") == "Bearer $TOKEN"  # single words: no expansion


def test_data_from_a_file_is_read_through_the_callers_bounded_reader() -> None:
    asked: list[str] = []

    def read(name: str) -> bytes:
        asked.append(name)
        return b'{"a": 1,\n "b": 2}\n'

    kept = parse_curl("curl https://x.example/p --data-binary @cart.json", read_file=read)[0]
    stripped = parse_curl("curl https://x.example/p -d @cart.json", read_file=read)[0]
    assert asked == ["cart.json", "cart.json"]
    assert kept.body == b'{"a": 1,\n "b": 2}\n'  # --data-binary: as it is
    assert stripped.body == b'{"a": 1, "b": 2}'  # -d: curl drops the newlines
    with pytest.raises(ImportFormatError, match=r"reads its body from the file cart\.json"):
        parse_curl("curl https://x.example/p -d @cart.json")


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("curl --frobnicate https://x.example", "The curl option --frobnicate is not one"),
        ("curl -H 'Accept: x", "quote is opened and never closed"),
        ("wget https://x.example", "not a cURL command, a HAR file or a Postman collection"),
        ("", "it is empty"),
        ("curl -X POST", "has no URL"),
        ("curl https://x.example -F file=@a.png", "multipart form; a cart is JSON"),
        ("curl https://x.example -H", "has no value after it"),
        ("curl https://x.example -d @- <<EOF\n{}\n", "never ends"),
        ('{"a": 1}', "neither a HAR file"),
        ('{"log": {}}', "no “log.entries” list"),
    ],
)
def test_what_is_not_understood_is_named(text: str, words: str) -> None:
    with pytest.raises(ImportFormatError) as caught:
        parse_captured(text)
    assert words in str(caught.value)


def test_a_har_file_in_its_order_without_pseudo_headers() -> None:
    har = {
        "log": {
            "version": "1.2",
            "creator": {"name": "WebInspector", "version": "537.36"},
            "entries": [
                {"request": {"method": "GET", "url": "https://shop.example/", "headers": []}},
                {
                    "request": {
                        "method": "POST",
                        "url": "https://a.klaviyo.com/api/events",
                        "headers": [
                            {"name": ":authority", "value": "a.klaviyo.com"},
                            {"name": "authorization", "value": "Klaviyo-API-Key pk_1"},
                        ],
                        "postData": {"mimeType": "application/json", "text": BODY},
                    }
                },
            ],
        }
    }
    first, second = parse_captured(json.dumps(har))
    assert (first.method, first.body) == ("GET", b"")
    assert second.headers == (
        ("authorization", "Klaviyo-API-Key pk_1"),
        ("Content-Type", "application/json"),  # from postData.mimeType
    )
    assert second.body == BODY.encode() and second.label.startswith("entry 2: POST")


def test_a_postman_collection_with_folders_variables_and_auth() -> None:
    collection = {
        "info": {
            "name": "Carts",
            "schema": "https://schema.getpostman.com/json/collection/v2.1.0/collection.json",
        },
        "variable": [{"key": "base", "value": "https://api.getdrip.com"}],
        "item": [
            {
                "name": "Drip",
                "item": [
                    {
                        "name": "Cart created",
                        "request": {
                            "method": "POST",
                            "url": {"raw": "{{base}}/v3/42/shopper_activity/cart"},
                            "header": [
                                {"key": "X-Off", "value": "1", "disabled": True},
                                {"key": "Content-Type", "value": "application/json"},
                            ],
                            "auth": {
                                "type": "basic",
                                "basic": [
                                    {"key": "username", "value": "{{drip_api_key}}"},
                                    {"key": "password", "value": ""},
                                ],
                            },
                            "body": {"mode": "raw", "raw": BODY},
                        },
                    }
                ],
            }
        ],
    }
    request = one(json.dumps(collection))
    assert request.label == "Drip / Cart created"
    assert request.url == "https://api.getdrip.com/v3/42/shopper_activity/cart"
    # A variable without a value stays as written: the secret was kept out of the collection.
    assert request.headers == (
        ("Content-Type", "application/json"),
        ("Authorization", "Basic " + base64.b64encode(b"{{drip_api_key}}:").decode()),
    )


def test_a_token_fetched_inside_the_header_nested_quotes_and_all() -> None:
    # The export's Bronto form: one command, the token request in a command substitution
    # whose own double quotes shlex alone would take for the end of the header's.
    text = (
        "curl -sS -X POST 'https://rest.bronto.com/carts?createContact=true' \\\n"
        '  -H "Authorization: Bearer $(curl -sS -X POST https://auth.bronto.com/oauth2/token \\\n'
        "    --data-urlencode grant_type=client_credentials \\\n"
        '    --data-urlencode client_id="the id" \\\n'
        "    --data-urlencode client_secret='s3cr\"t' \\\n"
        "    | sed -n 's/x/y/p')\" \\\n"
        '  --data-raw \'{"customerCartId": "c-1"}\'\n'
    )
    token, cart = parse_curl(text)
    assert token.helper and not cart.helper
    assert token.form() == {
        "grant_type": "client_credentials",
        "client_id": "the id",
        "client_secret": 's3cr"t',
    }
    assert (cart.header("Authorization") or "").startswith("Bearer $(curl -sS -X POST https://auth")
    assert cart.body == b'{"customerCartId": "c-1"}'
    with pytest.raises(ImportFormatError, match=r"substitution \$\( is opened and never closed"):
        parse_curl('curl https://x.example -H "A: $(curl https://y.example"')


def test_deeply_nested_substitutions_are_bounded_not_a_crash() -> None:
    nested = "x"
    for _ in range(2000):
        nested = f"$(echo {nested})"
    (request,) = parse_curl(f"curl https://x.example -H 'A: b' --data-raw '{{}}' -e \"{nested}\"")
    assert request.body == b"{}" and request.header("Referer") is not None


def test_each_command_reads_its_own_here_document() -> None:
    text = (
        'curl https://a.example/one -d @- <<ONE\n{"n": 1}\nONE\n'
        "curl https://a.example/two -d @- <<'TWO'\n{\"n\": 2}\nTWO\n"
    )
    first, second = parse_curl(text)
    assert (first.url, first.body) == ("https://a.example/one", b'{"n": 1}')
    assert (second.url, second.body) == ("https://a.example/two", b'{"n": 2}')
