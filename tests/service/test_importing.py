"""A request brought along becomes a cart: the provider recognised from the URL (or the body),
the settings the request names, the secrets taken out and handed back on their own — never in
the cart — and what was left out said. Round trips: cart → cURL → import → the same cart."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from app.domain import jsonfmt
from app.paths import sample_cart
from app.profiles import ProfileStore
from app.providers import Target, get_provider, load_cart, provider_keys
from app.providers.document import dumps_cart
from app.secrets import MemorySecretStore
from app.service.importing import CartImportError, import_text, keep_secrets
from app.transport.curl import curl_command

SECRETS = {
    "drip": {"drip_api_key": "drip-key-123"},
    "bronto": {"bronto_client_id": "the-client", "bronto_client_secret": "s3cr'et&x"},
    "klaviyo": {"klaviyo_api_key": "pk_live_abc"},
    "mailchimp": {"mailchimp_api_key": "0123abcd-us19"},
}
SETTINGS: dict[str, dict[str, Any]] = {
    "drip": {"account_id": "9876"},
    "bronto": {},
    "klaviyo": {"revision": "2026-07-15"},
    "mailchimp": {"store_id": "shop-7", "data_center": "us19"},
}


def exported(key: str, *, reveal: bool) -> tuple[str, str]:
    """A sample cart's cURL export (secrets written in, or as variables) and its cart file."""
    document = load_cart(sample_cart(key)).document
    provider = get_provider(key)
    target = Target(provider.default_base_url.replace("<dc>", "us19"), SETTINGS[key])
    request = provider.build_request(document.payload, target, document.options)
    auth = provider.auth(SETTINGS[key])
    text = curl_command(request, auth, secrets=SECRETS[key] if reveal else None)
    return text, dumps_cart(document)


@pytest.mark.parametrize("key", provider_keys())
def test_a_cart_through_its_curl_export_and_back_is_the_same_cart(key: str) -> None:
    text, cart = exported(key, reveal=True)
    imported = import_text(text)
    assert dumps_cart(imported.document) == cart  # byte for byte, options included
    assert imported.secrets == SECRETS[key]
    for value in SECRETS[key].values():
        assert value not in dumps_cart(imported.document)
        assert value not in json.dumps(imported.summary())


@pytest.mark.parametrize("key", provider_keys())
def test_with_its_secrets_as_variables_nothing_is_offered(key: str) -> None:
    text, cart = exported(key, reveal=False)
    imported = import_text(text)
    assert dumps_cart(imported.document) == cart
    # "$CART_COMPOSER_…" is a reference to a secret, not one: nothing to store, and said.
    assert imported.secrets == {}
    variables = [w for w in imported.left_out if "(a variable, not a value)" in w]
    assert len(variables) == len(SECRETS[key]), imported.left_out


def test_the_settings_and_base_url_a_request_names() -> None:
    drip = import_text(exported("drip", reveal=True)[0])
    assert drip.base_url == "https://api.getdrip.com"
    assert drip.settings == {"account_id": "9876", "auth": "api_key"}
    klaviyo = import_text(exported("klaviyo", reveal=True)[0])
    assert klaviyo.settings == {"revision": "2026-07-15"}
    mailchimp = import_text(exported("mailchimp", reveal=True)[0])
    assert mailchimp.base_url == "https://us19.api.mailchimp.com"
    assert mailchimp.settings == {"store_id": "shop-7"}
    bronto = import_text(exported("bronto", reveal=True)[0])
    assert bronto.document.options == load_cart(sample_cart("bronto")).document.options
    assert bronto.document.options["ignoreInvalidTid"] is True  # from the URL's query


def test_a_request_to_a_host_no_lookup_can_take_makes_no_profile(tmp_path: Path) -> None:
    text = exported("drip", reveal=True)[0].replace(
        "https://api.getdrip.com", "https://api..getdrip.com"
    )
    imported = import_text(text)
    assert imported.base_url == "https://api..getdrip.com"  # the cart itself is imported
    profiles = ProfileStore(tmp_path)
    store = MemorySecretStore()
    with pytest.raises(CartImportError) as caught:
        keep_secrets(imported, "from-curl", profiles, store)
    assert str(caught.value) == (
        "The profile from-curl could not be made: The host of the base URL "
        "“https://api..getdrip.com” has an empty part between two dots. A base URL looks like "
        "https://api.getdrip.com."
    )
    assert [p.name for p in profiles.all() if not p.sandbox] == []
    assert store.get("from-curl", "drip_api_key") is None
    # The same request to its real host makes the profile and keeps its key.
    profile, made, stored = keep_secrets(
        import_text(text.replace("api..getdrip", "api.getdrip")), "from-curl", profiles, store
    )
    assert (profile.base_url, made, stored) == ("https://api.getdrip.com", True, ["Drip API key"])


def test_a_bearer_token_chooses_drips_oauth_and_browser_headers_are_said() -> None:
    text = (
        "curl 'https://proxy.example/drip/v3/55/shopper_activity/cart' "
        "-H 'authorization: Bearer oauth-tok' -H 'content-type: application/json' "
        "-H 'cookie: session=1' -H 'origin: https://shop.example' "
        """--data-raw '{"provider":"x","email":"a@b.co","action":"created","cart_id":"1"}'"""
    )
    imported = import_text(text)
    assert imported.provider.key == "drip"
    assert imported.base_url == "https://proxy.example/drip"  # the path before Drip's own
    assert imported.settings == {"account_id": "55", "auth": "oauth"}
    assert imported.secrets == {"drip_access_token": "oauth-tok"}
    assert imported.left_out == (
        "the Drip OAuth access token (offered for a profile's keyring entry)",
        "the cookie header, a credential Drip does not take",
        "headers the app does not send: origin",
    )


def test_a_bronto_token_is_left_out_and_the_token_requests_client_secret_offered() -> None:
    text = (
        "curl -X POST https://auth.bronto.com/oauth2/token "
        "-d grant_type=client_credentials -d client_id=cid -d client_secret=csec\n"
        "curl -X POST 'https://rest.bronto.com/carts?createContact=true&debug=1' "
        "-H 'Authorization: Bearer t0ken' -H 'Content-Type: application/json' "
        """-d '{"customerCartId": "c-9", "emailAddress": "a@b.co"}'"""
    )
    imported = import_text(text)
    assert imported.provider.key == "bronto"
    assert imported.secrets == {"bronto_client_id": "cid", "bronto_client_secret": "csec"}
    assert imported.document.options == {"createContact": True, "ignoreInvalidTid": False}
    said = " | ".join(imported.left_out)
    assert "the access token in Authorization (Bronto tokens expire" in said
    assert "the token request (POST https://auth.bronto.com/oauth2/token)" in said
    assert "query parameters that are not request options: debug" in said
    assert "t0ken" not in dumps_cart(imported.document)


def test_a_secret_the_body_repeats_is_emptied_out_of_the_cart() -> None:
    text = (
        "curl https://a.klaviyo.com/api/events -H 'Authorization: Klaviyo-API-Key pk_9' "
        """-H 'Content-Type: application/json' --data-raw '{"data": {"type": "event", """
        """"attributes": {"properties": {"note": "key pk_9"}}}}'"""
    )
    imported = import_text(text)
    assert imported.document.payload["data"]["attributes"]["properties"]["note"] == ""
    assert "1 value(s) in the body that held a credential (emptied)" in imported.left_out


def test_a_path_no_provider_has_is_told_by_the_body_or_refused() -> None:
    drip_body = '{"provider":"x","email":"a@b.co","action":"created","cart_id":"1","items":[]}'
    guessed = import_text(f"curl https://x.example/hook --data-raw '{drip_body}'")
    assert guessed.provider.key == "drip"
    assert guessed.left_out[0].startswith("the API was told by the body's keys")
    with pytest.raises(CartImportError, match="say it with --provider"):
        import_text("""curl https://x.example/hook --data-raw '{"a": 1, "b": 2}'""")
    forced = import_text(
        """curl https://x.example/hook --data-raw '{"a": 1}'""", provider="klaviyo"
    )
    assert forced.document.payload == {"a": 1}


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("curl https://api.getdrip.com/v3/1/shopper_activity/cart", "has no body"),
        ("curl https://api.getdrip.com/v3/1/shopper_activity/cart -d 'x=1'", "is not JSON"),
        ("curl https://api.getdrip.com/v3/1/shopper_activity/cart -d '[1]'", "not a JSON object"),
    ],
)
def test_a_request_without_a_cart_says_so(text: str, words: str) -> None:
    with pytest.raises(CartImportError, match=words):
        import_text(text)


def test_several_carts_need_an_entry_and_money_stays_as_typed() -> None:
    one = (
        "curl https://api.getdrip.com/v3/1/shopper_activity/cart "
        """--data-raw '{"grand_total": 16.990}'"""
    )
    two = "curl https://a.klaviyo.com/api/events --data-raw '{\"data\": {}}'"
    with pytest.raises(CartImportError, match=r"holds 2 cart requests .* --entry N"):
        import_text(f"{one}\n{two}")
    first = import_text(f"{one}\n{two}", entry=1)
    assert jsonfmt.dumps(first.document.payload["grand_total"]) == "16.990"
    assert import_text(f"{one}\n{two}", entry=2).provider.key == "klaviyo"
    with pytest.raises(CartImportError, match="There is no request 3"):
        import_text(f"{one}\n{two}", entry=3)


def test_brontos_documented_request_as_a_curl_command() -> None:
    # Bronto documents no cURL: its URI line and its Java client's token request, written as
    # the two commands a person would type, with the body of its Java example.
    # The Add Cart page's URI line, as it prints it.
    uri = "https://rest.bronto.com/carts?createContact={boolean}&ignoreInvalidTid={boolean}"
    url = uri.replace("createContact={boolean}", "createContact=true").replace("{boolean}", "false")
    golden = Path(__file__).parents[1] / "golden" / "bronto-java-example.expected.json"
    body = golden.read_text().replace("'", "'\\''")
    text = (
        "curl -X POST https://auth.bronto.com/oauth2/token \\\n"
        "  -d grant_type=client_credentials -d client_id=CLIENT -d client_secret=SECRET\n"
        f"curl -X POST '{url}' -H 'Authorization: Bearer ACCESS_TOKEN' \\\n"
        f"  -H 'Content-Type: application/json' --data-raw '{body}'\n"
    )
    imported = import_text(text)
    assert imported.provider.key == "bronto"
    assert imported.document.options == {"createContact": True, "ignoreInvalidTid": False}
    assert imported.document.payload == jsonfmt.loads(golden.read_text())
    assert imported.secrets == {"bronto_client_id": "CLIENT", "bronto_client_secret": "SECRET"}
    assert imported.settings == {"token_url": "https://auth.bronto.com/oauth2/token"}
