"""Mailchimp e-commerce carts: the reference example byte for byte, the rules with their paths and
words, the request and its data centre, and the sandbox's store over loopback — Add cart, Get,
Update, Delete, its problem details, its catalogue and its ten connections."""

from __future__ import annotations

import base64
import concurrent.futures
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.domain import jsonfmt
from app.domain.errors import PayloadError, TargetError
from app.paths import sample_cart
from app.profiles import BUILTIN_PROFILES, ProfileError, new_profile
from app.providers import CartDocument, Target, get_provider, load_cart
from app.providers.mailchimp import emulator as mailchimp_sandbox
from app.providers.mailchimp.models import MailchimpLine
from app.providers.paths import set_in, without_at
from app.providers.render import CartRenderer
from app.providers.schema import form_paths
from app.sandbox import SandboxConfig, SandboxServer
from app.sandbox.config import SandboxMode
from app.sandbox.emulator import Sandbox
from app.sandbox.runtime import EmbeddedSandbox
from app.secrets import MemorySecretStore
from app.service.bulk import BulkRun, sample_carts
from app.service.sender import Overrides, Sender
from tests.providers.test_properties import junk

GOLDEN = Path(__file__).resolve().parents[1] / "golden"
MAILCHIMP = get_provider("mailchimp")
KEY = mailchimp_sandbox.API_KEY
STORE = f"/3.0/ecommerce/stores/{mailchimp_sandbox.STORE_ID}"


def example() -> dict[str, Any]:
    """The Add-cart body shared/reference/mailchimp-carts.md §3 writes for this app."""
    data = jsonfmt.loads((GOLDEN / "mailchimp-reference-example.json").read_text())
    assert isinstance(data, dict)
    return data


def test_the_reference_example_is_written_in_the_schemas_order_numbers_as_typed() -> None:
    body = MAILCHIMP.body(example())
    assert body == (GOLDEN / "mailchimp-reference-example.expected.json").read_bytes()
    assert jsonfmt.loads(body) == example()
    text = body.decode()
    for number in ('"order_total": 54.5', '"tax_total": 0', '"price": 19.75', '"price": 15.0'):
        assert number in text
    assert '"opt_in_status": false' in text  # a JSON boolean, not text
    validation = MAILCHIMP.validate(example())
    assert (validation.issues, validation.warning_issues) == ((), ())
    # The shipped sample is that example, as a cart file.
    assert load_cart(sample_cart("mailchimp")).document.payload == example()


def _set(payload: dict[str, Any], path: str, value: Any) -> dict[str, Any]:
    """``payload`` with ``path`` set; ``lines[1].price`` names a line's field."""
    match = re.fullmatch(r"lines\[(\d+)\]\.(\w+)", path)
    if match:
        payload["lines"][int(match[1])][match[2]] = value
    else:
        set_in(payload, path, value)
    return payload


def _drop(payload: dict[str, Any], index: int, name: str) -> dict[str, Any]:
    del payload["lines"][index][name]
    return payload


@pytest.mark.parametrize(
    ("change", "path", "message"),
    [
        (
            lambda p: _set(p, "customer.id", "c" * 51),
            "customer.id",
            "Customer ID may have at most 50 characters (it has 51).",
        ),
        (
            lambda p: _set(p, "lines", []),
            "lines",
            "Lines must not be empty: Mailchimp refuses a cart with no lines (delete the cart "
            "instead).",
        ),
        (lambda p: without_at(p, "customer"), "customer", "Customer is required."),
        (lambda p: without_at(p, "customer.id"), "customer.id", "Customer ID is required."),
        (
            lambda p: _set(p, "customer.opt_in_status", "false"),
            "customer.opt_in_status",
            "Opted in must be true or false, not text (remove the quotes).",
        ),
        (
            lambda p: _set(p, "order_total", "54.5"),
            "order_total",
            "Order total must be a number, not text (remove the quotes).",
        ),
        (
            lambda p: _set(p, "lines[1].quantity", 1.5),
            "lines[1].quantity",
            "Line 2: Quantity must be a whole number, like 1 or 2.",
        ),
        (
            lambda p: _set(p, "lines[1].id", "line-1"),
            "lines[1].id",
            "Line 2: Line ID must be unique in the cart (line 1 has it too).",
        ),
        (
            lambda p: _drop(p, 0, "product_variant_id"),
            "lines[0].product_variant_id",
            "Line 1: Variant ID is required.",
        ),
        (
            lambda p: _set(p, "coupon", "SPRING"),
            "coupon",
            "“coupon” is not a field this API accepts (check the spelling).",
        ),
    ],
)
def test_the_rules_name_the_field_and_say_what_to_fix(change: Any, path: str, message: str) -> None:
    validation = MAILCHIMP.validate(change(example()))
    assert validation.errors == {path: message}


def test_a_cart_without_a_checkout_url_or_an_email_is_sent_with_a_warning() -> None:
    payload = without_at(without_at(example(), "checkout_url"), "customer.email_address")
    validation = MAILCHIMP.validate(payload)
    assert validation.ok
    assert validation.warnings == {
        "checkout_url": "Checkout URL is needed for Mailchimp's abandoned-cart email: without it "
        "none is sent.",
        "customer.email_address": "Email is needed unless the store already has this customer.",
    }


def test_the_request_goes_to_the_stores_carts_in_the_profiles_data_centre() -> None:
    profile = new_profile("m", "mailchimp", store_id="shop 1", data_center="us19")
    sender = Sender(MemorySecretStore(), environ={})
    request = sender.preview(CartDocument(provider="mailchimp", payload=example()), profile)
    assert (request.method, request.url) == (
        "POST",
        "https://us19.api.mailchimp.com/3.0/ecommerce/stores/shop%201/carts",
    )
    assert request.headers == (
        ("Content-Type", "application/json"),
        ("Accept", "application/json"),
        ("User-Agent", "CartComposer/0.1.0"),
        ("Authorization", "Basic ••••••••"),
    )
    assert request.body == MAILCHIMP.body(example())
    with pytest.raises(ProfileError) as refused:
        new_profile("m", "mailchimp", store_id="s", data_center="us-19")
    assert str(refused.value).endswith(
        "The setting “data_center”: “us-19” is not a data centre: it is the key's end, like us19."
    )


def test_without_a_data_centre_the_key_names_the_host_before_the_request_is_built() -> None:
    profile = new_profile("m", "mailchimp", store_id="shop-1")
    sender = Sender(
        MemorySecretStore(), environ={"CART_COMPOSER_MAILCHIMP_API_KEY": "0" * 32 + "-us7"}
    )
    document = CartDocument(provider="mailchimp", payload=example())
    # Before the key is read, the preview says where the data centre will come from.
    assert sender.preview(document, profile).url.startswith("https://<dc>.api.mailchimp.com/")
    sender.prime(profile)
    assert sender.preview(document, profile).url == (
        "https://us7.api.mailchimp.com/3.0/ecommerce/stores/shop-1/carts"
    )
    # A key without its data centre is refused before anything leaves, saying what to do.
    cut = Sender(MemorySecretStore(), environ={"CART_COMPOSER_MAILCHIMP_API_KEY": "0" * 32})
    with pytest.raises(TargetError) as refused:
        cut.send(document, profile)
    assert str(refused.value).startswith(
        "The Mailchimp API key does not end in its data centre (like …-us19): copy the whole key"
    )


def test_a_bare_host_gets_the_api_version_and_a_store_is_required() -> None:
    profile = new_profile("m", "mailchimp", store_id="s", base_url="http://127.0.0.1:9")
    request = Sender(MemorySecretStore(), environ={}).preview(
        CartDocument(provider="mailchimp", payload=example()), profile
    )
    assert request.url == "http://127.0.0.1:9/3.0/ecommerce/stores/s/carts"
    with pytest.raises(TargetError, match="The Mailchimp profile has no store ID"):
        MAILCHIMP.build_request(example(), Target("https://us1.api.mailchimp.com/3.0"))


# --- the sandbox's store ---------------------------------------------------------------------


@pytest.fixture
def server() -> Iterator[SandboxServer]:
    with SandboxServer() as up:
        yield up


def call(
    server: SandboxServer,
    method: str,
    path: str,
    payload: Any = None,
    *,
    key: str | None = KEY,
    user: str = "anystring",
) -> httpx.Response:
    headers = {"Content-Type": "application/json"}
    if key is not None:
        token = base64.b64encode(f"{user}:{key}".encode()).decode()
        headers["Authorization"] = f"Basic {token}"
    body = (
        payload
        if isinstance(payload, bytes)
        else (MAILCHIMP.body(payload) if payload is not None else b"")
    )
    return httpx.request(method, f"{server.url}{path}", content=body, headers=headers, timeout=10)


def test_add_cart_answers_200_with_the_cart_as_the_store_has_it(server: SandboxServer) -> None:
    answer = call(server, "POST", f"{STORE}/carts", example())
    assert answer.status_code == 200
    cart = answer.json()
    assert cart["id"] == "cart-88231"
    assert [(line["product_title"], line["product_variant_title"]) for line in cart["lines"]] == [
        ("Trail Mug", "Red"),
        ("Camp Spoon", "Camp Spoon"),
    ]
    assert cart["order_total"] == 54.5 and cart["customer"]["opt_in_status"] is False
    assert {link["rel"] for link in cart["_links"]} == {"self", "parent", "update", "delete"}
    assert MAILCHIMP.read_response(200, dict(answer.headers), answer.content) == ("cart-88231", ())
    # The same id again: refused, and the sandbox says that its answer is a guess.
    again = call(server, "POST", f"{STORE}/carts", example())
    assert (again.status_code, again.json()["title"]) == (400, "Bad Request")
    assert "already exists" in again.json()["detail"]
    assert "X-Sandbox-Assumption" in again.headers


def test_the_key_is_the_password_of_any_user_with_or_without_its_data_centre(
    server: SandboxServer,
) -> None:
    assert call(server, "GET", STORE, user="", key=KEY.split("-")[0]).status_code == 200
    missing = call(server, "GET", STORE, key=None)
    assert missing.status_code == 401
    assert missing.headers["content-type"] == "application/problem+json; charset=utf-8"
    assert (missing.json()["title"], missing.json()["detail"]) == (
        "API Key Missing",
        "Your request did not include an API key.",
    )
    wrong = call(server, "GET", STORE, key="f" * 32 + "-us0")
    assert (wrong.status_code, wrong.json()["title"]) == (401, "API Key Invalid")
    assert {"type", "title", "status", "detail", "instance"} <= set(wrong.json())
    assert "X-Request-Id" in wrong.headers
    assert call(server, "GET", "/3.0/ecommerce/stores/nope").status_code == 404
    assert call(server, "PUT", f"{STORE}/carts").headers["Allow"] == "POST"


def test_an_invalid_cart_gets_invalid_resource_with_each_field_and_the_app_reads_them(
    server: SandboxServer,
) -> None:
    bad = _set(_set(example(), "lines[0].price", "19.75"), "customer.id", "c" * 51)
    refused = call(server, "POST", f"{STORE}/carts", bad)
    assert refused.status_code == 400
    body = refused.json()
    assert body["title"] == "Invalid Resource"
    assert [e["field"] for e in body["errors"]] == ["customer.id", "lines.item:0.price"]
    _, problems = MAILCHIMP.read_response(400, dict(refused.headers), refused.content)
    assert problems == (
        ("customer.id", "Customer ID may have at most 50 characters (it has 51)."),
        ("lines[0].price", "Line 1: Price must be a number, not text (remove the quotes)."),
    )


def test_a_product_the_store_has_not_is_mailchimps_bad_request_and_the_app_says_what_to_do(
    server: SandboxServer,
) -> None:
    refused = call(server, "POST", f"{STORE}/carts", _set(example(), "lines[1].product_id", "X9"))
    assert refused.status_code == 400
    assert refused.json()["detail"] == (
        "A product with the provided ID does not exist in the account for this list."
    )
    _, problems = MAILCHIMP.read_response(400, dict(refused.headers), refused.content)
    assert problems[-1][1].startswith("Create the product and its variant in the Mailchimp store")
    variant = call(
        server, "POST", f"{STORE}/carts", _set(example(), "lines[0].product_variant_id", "P-100-X")
    )
    assert variant.json()["detail"].startswith("A product with the provided variant ID")
    with SandboxServer(mode=SandboxMode(explain=True)) as explaining:
        said = call(
            explaining, "POST", f"{STORE}/carts", _set(example(), "lines[1].product_id", "X9")
        )
    assert said.json()["errors"] == [
        {"field": "lines.item:1.product_id", "message": "The store has no product ID “X9”."}
    ]


def test_get_update_and_delete_a_cart_through_the_senders_actions() -> None:
    sender = Sender(MemorySecretStore(), environ={}, sandbox=EmbeddedSandbox())
    profile = BUILTIN_PROFILES["sandbox-mailchimp"]
    document = load_cart(sample_cart("mailchimp")).document
    document = document.model_copy(update={"payload": _set(document.payload, "id", "cart-act-1")})
    added = sender.send(document, profile)
    assert (added.status, added.provider_id) == (200, "cart-act-1")
    assert MAILCHIMP.cart_id_after_send(added.status, added.provider_id) == "cart-act-1"
    # The actions name the cart by the form's own id.
    got = sender.operate("get", profile, document=document)
    assert got.status == 200
    assert MAILCHIMP.cart_state(got.status, got.body).describe() == "cart id cart-act-1"
    changed = _set(dict(document.payload), "lines", [document.payload["lines"][0]])
    changed["order_total"] = 39.5
    planned = sender.preview_operation(
        "update", profile, document=document.model_copy(update={"payload": changed})
    )
    assert planned.method == "PATCH" and planned.url.endswith(f"{STORE}/carts/cart-act-1")
    sent = jsonfmt.loads(planned.body)
    assert "id" not in sent and set(sent["customer"]) == {
        "opt_in_status",
        "first_name",
        "last_name",
    }
    updated = sender.operate(
        "update", profile, document=document.model_copy(update={"payload": changed})
    )
    assert updated.status == 200
    assert len(jsonfmt.loads(updated.body)["lines"]) == 1
    assert "x-sandbox-assumption" in dict(updated.headers)
    gone = sender.operate("delete", profile, document=document)
    assert (gone.status, gone.body) == (204, b"")
    assert sender.operate("get", profile, cart_id="cart-act-1").status == 404


def test_an_update_is_checked_by_its_own_rules() -> None:
    update = MAILCHIMP.action("update")
    assert MAILCHIMP.validate_action(update, {"checkout_url": "https://shop.example.com/c"}).ok
    bad = MAILCHIMP.validate_action(update, {"order_total": "5"})
    assert bad.errors == {
        "order_total": "Order total must be a number, not text (remove the quotes)."
    }


def test_the_eleventh_request_in_flight_gets_429_and_bulk_keeps_ten() -> None:
    config = SandboxConfig(settings={"mailchimp": {"connections": 2, "hold_seconds": 0.3}})
    with SandboxServer(Sandbox(config)) as server:
        with concurrent.futures.ThreadPoolExecutor(3) as pool:
            answers = list(pool.map(lambda _: call(server, "GET", STORE), range(3)))
        statuses = sorted(a.status_code for a in answers)
        assert statuses == [200, 200, 429]
        (busy,) = [a for a in answers if a.status_code == 429]
        assert busy.json()["detail"] == "You have exceeded the limit of 2 simultaneous connections."
        assert "Retry-After" not in busy.headers
        _, problems = MAILCHIMP.read_response(429, dict(busy.headers), busy.content)
        assert problems[-1][1].startswith("Mailchimp allows 10 simultaneous connections per key")
    # Bulk asked for 50 side by side sends 10: the sandbox's real limit is never crossed.
    config = SandboxConfig(settings={"mailchimp": {"hold_seconds": 0.05}})
    with SandboxServer(Sandbox(config)) as server:
        sender = Sender(MemorySecretStore(), environ={})
        run = BulkRun(
            sender,
            BUILTIN_PROFILES["sandbox-mailchimp"],
            sample_carts("mailchimp", 30),
            overrides=Overrides(base_url=server.url),
            in_flight=50,
        )
        assert run.in_flight == 10
        progress = run.run()
    assert (progress.accepted, progress.failed) == (30, 0), progress.stopped


def test_the_built_in_profile_sends_the_sample_and_checks_its_store_with_no_setup() -> None:
    sender = Sender(MemorySecretStore(), environ={}, sandbox=EmbeddedSandbox())
    profile = BUILTIN_PROFILES["sandbox-mailchimp"]
    result = sender.send(load_cart(sample_cart("mailchimp")).document, profile)
    assert (result.status, result.ok, result.message) == (200, True, "200 OK · cart-88231")
    check = sender.test_connection(profile)
    assert (check.ok, check.message) == (
        True,
        "Connected: store “sandbox-store” (Cart Composer Demo Store).",
    )


PATHS = form_paths(MAILCHIMP.model)
LINE_FIELDS = sorted(MailchimpLine.model_fields)


@settings(max_examples=200, deadline=None)
@given(junk)
def test_junk_as_the_cart_yields_errors_never_an_exception(value: Any) -> None:
    result = MAILCHIMP.validate(value)
    assert all(isinstance(k, str) and isinstance(m, str) and m for k, m in result.errors.items())
    if not isinstance(value, dict):
        assert not result.ok
    MAILCHIMP.validate_action(MAILCHIMP.action("update"), value)


@settings(max_examples=200, deadline=None)
@given(
    st.dictionaries(st.sampled_from(PATHS), junk, min_size=1, max_size=6),
    st.dictionaries(st.sampled_from(LINE_FIELDS), junk, max_size=4),
)
def test_junk_in_any_nested_field_yields_errors_and_the_preview_agrees(
    fields: dict[str, Any], line: dict[str, Any]
) -> None:
    payload = example()
    for path, value in fields.items():
        set_in(payload, path, value)
    set_in(payload, "lines", [line, example()["lines"][1]])
    result = MAILCHIMP.validate(payload)
    assert all(message.endswith((".", "!", "?")) for message in result.errors.values())
    rendered = CartRenderer(MAILCHIMP).render(payload)
    assert rendered.validation.issues == result.issues
    try:
        body: bytes | None = MAILCHIMP.body(payload)
    except PayloadError:
        body = None
    assert rendered.body == body


JSON_JUNK = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=20),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=12,
)
PROBLEM_KEYS = st.sampled_from(["type", "title", "status", "detail", "errors", "field", "message"])


@settings(max_examples=50, deadline=None)
@given(
    st.one_of(
        st.binary(max_size=64),
        JSON_JUNK,
        st.dictionaries(PROBLEM_KEYS, JSON_JUNK),
        st.builds(lambda e: {"errors": e}, st.lists(st.dictionaries(PROBLEM_KEYS, JSON_JUNK))),
    )
)
def test_junk_as_an_error_body_is_read_without_an_exception(data: Any) -> None:
    body = data if isinstance(data, bytes) else jsonfmt.dumps(data, indent=None).encode()
    for status in (400, 401, 404, 429, 500):
        _, problems = MAILCHIMP.read_response(status, {}, body)
        assert all(isinstance(path, str) and isinstance(words, str) for path, words in problems)


def test_a_cart_carried_in_or_out_keeps_its_products_by_sku() -> None:
    from app.providers.mapping import convert

    drip = load_cart(sample_cart("drip")).document
    carried, _ = convert(drip, "mailchimp")
    (line,) = carried.payload["lines"]
    assert (line["id"], line["product_id"], line["product_variant_id"]) == (
        "line-1",
        "XHB-1234",  # the Drip item's SKU, which the sandbox's store knows
        "XHB-1234",
    )
    assert len(carried.payload["customer"]["id"]) == 32  # the email's MD5
    assert MAILCHIMP.validate(carried.payload).ok
    out, notes = convert(load_cart(sample_cart("mailchimp")).document, "klaviyo")
    items = out.payload["data"]["attributes"]["properties"]["Items"]
    assert [item["SKU"] for item in items] == ["P-100", "P-200"]
    assert notes[-1] == "Not carried over from the items: id, product_variant_id."


def test_a_send_reads_the_key_once_for_the_host_and_the_auth(server: SandboxServer) -> None:
    class Counting(MemorySecretStore):
        reads = 0

        def get(self, profile: str, name: str) -> str | None:
            Counting.reads += 1
            return super().get(profile, name)

    store = Counting()
    store.set("local", "mailchimp_api_key", KEY)
    profile = new_profile(
        "local", "mailchimp", store_id=mailchimp_sandbox.STORE_ID, base_url=server.url
    )
    sender = Sender(store, environ={})
    document = load_cart(sample_cart("mailchimp")).document
    result = sender.send(document, profile)
    assert result.status == 200
    assert Counting.reads == 1  # prime's read serves the send: not the keyring twice
    got = sender.operate("get", profile, document=document)
    assert (got.status, Counting.reads) == (200, 2)
