"""`cart-composer send`, `preview`, `curl` and `profiles` as a user runs them: real processes,
a real sandbox server on loopback, the documented exit codes."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from app.paths import sample_cart
from app.profiles import BUILTIN_PROFILES
from app.providers.bronto import emulator as bronto_sandbox
from app.providers.drip import emulator as drip_sandbox
from app.providers.klaviyo import emulator as klaviyo_sandbox
from app.providers.mailchimp import emulator as mailchimp_sandbox
from app.sandbox import Fault, SandboxServer

DRIP_CART = str(sample_cart("drip"))
BRONTO_CART = str(sample_cart("bronto"))


@pytest.fixture
def home(tmp_path: Path) -> Path:
    return tmp_path / "home"


@pytest.fixture
def server() -> Iterator[SandboxServer]:
    with SandboxServer() as running:
        yield running


def cli(
    home: Path, *args: str, env: dict[str, str] | None = None, stdin: str = ""
) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("CART_COMPOSER_")}
    clean.pop("DBUS_SESSION_BUS_ADDRESS", None)  # no keyring service: the memory store
    return subprocess.run(
        [sys.executable, "-m", "app", *args],
        capture_output=True,
        text=True,
        input=stdin,
        timeout=60,
        env={**clean, "CART_COMPOSER_HOME": str(home), **(env or {})},
    )


def test_send_works_on_a_fresh_install_with_the_sandbox_profile(home: Path) -> None:
    done = cli(home, "send", DRIP_CART, "--profile", "sandbox-drip")
    assert done.returncode == 0, done.stderr
    first, second = done.stdout.splitlines()
    assert first.startswith("POST http://127.0.0.1:") and first.endswith("(profile sandbox-drip)")
    assert second.startswith("202 Accepted in ") and " ms · " in second


def test_send_without_a_profile_uses_the_carts_sandbox(home: Path) -> None:
    done = cli(home, "send", BRONTO_CART)
    assert done.returncode == 0, done.stderr
    assert "201 Created in " in done.stdout


def test_an_invalid_cart_is_not_sent_and_exits_2(home: Path, tmp_path: Path) -> None:
    cart = tmp_path / "bad.json"
    cart.write_text('{"provider": "shopify", "action": "created", "cart_id": "1"}')
    done = cli(home, "send", str(cart), "--provider", "drip")
    assert done.returncode == 2
    assert done.stderr.splitlines() == [
        f"{cart}: not sent: 2 problem(s)",
        "  email: Email (or a Drip person ID, or a visitor UUID) is required.",
        "  cart_url: Cart URL is required.",
        "  (use --no-validate to send it anyway)",
    ]
    # Sent anyway, the built-in sandbox answers as Drip would: its schema's words, no paths.
    sent = cli(home, "send", str(cart), "--provider", "drip", "--no-validate")
    assert sent.returncode == 1
    assert sent.stdout.splitlines()[1:] == [
        next(line for line in sent.stdout.splitlines() if line.startswith("400 Bad Request")),
        "  [instance failed to match at least one required schema among 3, object has missing "
        'required properties (["cart_url"])]',
        "  Sandbox assumption: Drip's schema errors show no status in any source; the sandbox "
        "answers 400.",
    ]
    # Explain mode says which field, in its own words, and says so.
    explained = cli(
        home, "send", str(cart), "--provider", "drip", "--no-validate", "--sandbox", "explain"
    )
    assert explained.returncode == 1
    assert explained.stdout.splitlines()[1:] == [
        next(line for line in explained.stdout.splitlines() if line.startswith("422")),
        "  email: Email (or a Drip person ID, or a visitor UUID) is required.",
        "  cart_url: Cart URL is required.",
        "  Explain mode: sandbox explanation, not Drip's wording.",
    ]
    elsewhere = cli(
        home, "send", DRIP_CART, "--sandbox", "explain", "--base-url", "http://127.0.0.1:9"
    )
    assert elsewhere.returncode == 2
    assert elsewhere.stderr.strip() == (
        "--sandbox explain applies only to the built-in sandbox (a sandbox profile, without "
        "--base-url)."
    )
    unknown = cli(home, "send", DRIP_CART, "--sandbox", "helpful")
    assert unknown.returncode == 2
    assert "“helpful” is not a sandbox mode: use real, explain, strict or explain+strict." in (
        unknown.stderr
    )


def test_a_bare_payload_needs_the_provider(home: Path, tmp_path: Path) -> None:
    bare = tmp_path / "payload.json"
    bare.write_text(cli(home, "payload", DRIP_CART).stdout)
    refused = cli(home, "send", str(bare))
    assert refused.returncode == 2
    assert "--provider drip or --provider bronto" in refused.stderr
    assert cli(home, "send", str(bare), "--provider", "drip").returncode == 0


def test_json_output_is_the_send_result(home: Path) -> None:
    done = cli(home, "send", DRIP_CART, "--json")
    assert done.returncode == 0
    result = json.loads(done.stdout)
    assert result["ok"] is True and result["status"] == 202
    assert result["request"]["headers"][-1] == ["Authorization", "Basic ••••••••"]
    assert list(result["response"]["body"]) == ["request_id"]


def test_a_409_prints_the_reason_and_exits_1(home: Path, server: SandboxServer) -> None:
    args = ("send", BRONTO_CART, "--base-url", server.url)
    assert cli(home, *args).returncode == 0
    done = cli(home, *args)
    assert done.returncode == 1
    assert done.stdout.splitlines()[1:] == [
        next(line for line in done.stdout.splitlines() if line.startswith("409 Conflict in ")),
        "  A cart with customerCartId abc-123 already exists",
    ]


def test_429_is_retried_only_with_retry(home: Path, server: SandboxServer) -> None:
    server.sandbox.add_fault(Fault(status=429, retry_after=1))
    assert cli(home, "send", DRIP_CART, "--base-url", server.url).returncode == 1
    server.sandbox.add_fault(Fault(status=429, retry_after=1))
    done = cli(home, "send", DRIP_CART, "--base-url", server.url, "--retry")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "  note: Try 1: 429 Too Many Requests; waiting 1 s as the server asked." in (
        done.stdout.splitlines()
    )


@pytest.mark.parametrize(
    ("setup", "kind", "text"),
    [
        ("closed-port", "connection_refused", "(connection refused). Is the server running?"),
        ("no-such-host", "dns", "Could not find the host cart-composer.invalid (DNS lookup"),
        ("timeout", "timeout", "within 0.5 s; the cart may or may not have arrived."),
        ("drop", "connection_lost", "closed the connection without answering"),
        ("malformed", "invalid_response", "The server answered 202 but the body is not valid JSON"),
        ("tls", "tls", "The secure (TLS) connection to 127.0.0.1:"),
    ],
)
def test_network_failures_have_a_kind_a_message_and_exit_3(
    home: Path, server: SandboxServer, setup: str, kind: str, text: str
) -> None:
    base = server.url
    if setup == "closed-port":
        with SandboxServer() as other:
            base = other.url  # a port that was just freed
    elif setup == "no-such-host":
        base = "http://cart-composer.invalid"
    elif setup == "timeout":
        server.sandbox.add_fault(Fault(latency_ms=3000))
    elif setup == "drop":
        server.sandbox.add_fault(Fault(drop=True))
    elif setup == "malformed":
        server.sandbox.add_fault(Fault(malformed=True))
    elif setup == "tls":
        base = base.replace("http://", "https://")
    # A host that is not this machine is a user target: its key comes from the environment.
    env = {"CART_COMPOSER_DRIP_API_KEY": drip_sandbox.API_KEY} if setup == "no-such-host" else {}
    started = time.perf_counter()
    done = cli(home, "send", DRIP_CART, "--base-url", base, "--timeout", "0.5", env=env)
    assert time.perf_counter() - started < 10
    assert done.returncode == 3, done.stdout + done.stderr
    assert done.stderr.startswith(f"Failed ({kind}) after ")
    assert text in done.stderr


def test_profiles_commands(home: Path, server: SandboxServer) -> None:
    added = cli(
        home,
        "profiles",
        "add",
        "qa-drip",
        "--provider",
        "drip",
        "--base-url",
        server.url,
        "--account-id",
        drip_sandbox.ACCOUNT_ID,
    )
    assert added.returncode == 0, added.stderr
    assert added.stdout.splitlines()[0] == f"Added profile qa-drip (drip, {server.url})."
    listed = cli(home, "profiles", "list")
    assert listed.returncode == 0
    rows = listed.stdout.splitlines()
    assert rows[0].split() == ["NAME", "PROVIDER", "BASE", "URL", "SETTINGS", "SECRETS"]
    # After the header and one row per built-in sandbox profile.
    assert rows[1 + len(BUILTIN_PROFILES)].split() == [
        "qa-drip",
        "drip",
        server.url,
        "account_id=9999999",
        "API",
        "key:",
        "missing",
    ]
    assert rows[-1].startswith("No usable system keyring")
    # No keyring here: secrets cannot be kept, and the command says so instead of pretending.
    secret = cli(home, "profiles", "set-secret", "qa-drip", stdin="whatever\n")
    assert secret.returncode == 4
    assert "set CART_COMPOSER_DRIP_API_KEY in the environment instead" in secret.stderr
    missing = cli(home, "send", DRIP_CART, "--profile", "qa-drip")
    assert missing.returncode == 4
    assert missing.stderr.strip() == (
        "The profile “qa-drip” has no Drip API key yet. Set it with `cart-composer profiles "
        "set-secret qa-drip` or the CART_COMPOSER_* variables."
    )
    env = {"CART_COMPOSER_DRIP_API_KEY": drip_sandbox.API_KEY}
    assert cli(home, "send", DRIP_CART, "--profile", "qa-drip", env=env).returncode == 0
    builtin = cli(home, "profiles", "remove", "sandbox-drip")
    assert builtin.returncode == 2
    assert builtin.stderr.strip() == "“sandbox-drip” is a built-in profile and cannot be deleted."
    assert cli(home, "profiles", "remove", "qa-drip").returncode == 0
    # The header, the built-in profiles, the keyring's two lines.
    assert len(cli(home, "profiles", "list").stdout.splitlines()) == 1 + len(BUILTIN_PROFILES) + 2


def test_profiles_add_warns_of_a_secret_that_would_travel_in_clear(home: Path) -> None:
    added = cli(
        home,
        "profiles",
        "add",
        "shop",
        "--provider",
        "drip",
        "--base-url",
        "http://api.shop.example",
        "--account-id",
        "1",
    )
    assert added.returncode == 0, added.stderr
    assert added.stderr.strip() == (
        "Warning: http://api.shop.example is plain http:// to another machine: the Drip API key "
        "sent with it would travel in clear. Use https://."
    )
    local = cli(
        home,
        "profiles",
        "add",
        "local",
        "--provider",
        "drip",
        "--base-url",
        "http://127.0.0.1:8765",
        "--account-id",
        "1",
    )
    assert local.returncode == 0 and local.stderr == ""


def test_a_damaged_profiles_file_is_explained(home: Path) -> None:
    home.mkdir()
    (home / "profiles.json").write_text("{oops")
    done = cli(home, "send", DRIP_CART, "--profile", "mine")
    assert done.returncode == 2
    assert done.stderr.startswith(f"The profiles file {home / 'profiles.json'} is damaged")
    # The sandbox profiles still work.
    assert cli(home, "send", DRIP_CART).returncode == 0


@pytest.mark.parametrize("shell", ["bash", "sh"])
@pytest.mark.parametrize("cart", [DRIP_CART, BRONTO_CART], ids=["drip", "bronto"])
def test_the_curl_command_is_accepted_by_the_sandbox(
    home: Path, server: SandboxServer, cart: str, shell: str
) -> None:
    # sh: dash here, a POSIX shell and nothing more (the Bronto token is read with sed).
    done = cli(home, "curl", cart, "--base-url", server.url)
    assert done.returncode == 0, done.stderr
    script = done.stdout
    command = "\n".join(line for line in script.splitlines() if not line.startswith("#"))
    for secret in (drip_sandbox.API_KEY, bronto_sandbox.CLIENT_ID, bronto_sandbox.CLIENT_SECRET):
        assert secret not in command
    env = {
        **os.environ,
        "CART_COMPOSER_DRIP_API_KEY": drip_sandbox.API_KEY,
        "CART_COMPOSER_BRONTO_CLIENT_ID": bronto_sandbox.CLIENT_ID,
        "CART_COMPOSER_BRONTO_CLIENT_SECRET": bronto_sandbox.CLIENT_SECRET,
    }
    ran = subprocess.run(
        [shell, "-c", script + "\necho\n"], capture_output=True, text=True, env=env, timeout=30
    )
    assert ran.returncode == 0, ran.stderr
    answer = json.loads(ran.stdout.strip().splitlines()[-1])
    assert ("request_id" in answer) if cart == DRIP_CART else ("cartId" in answer)
    statuses = [r.status for r in server.sandbox.requests()]
    assert statuses[-1] in (201, 202)


def test_curl_reveals_secrets_only_when_asked(home: Path) -> None:
    hidden = cli(home, "curl", DRIP_CART, "--base-url", "https://api.getdrip.com")
    assert '-u "$CART_COMPOSER_DRIP_API_KEY:"' in hidden.stdout
    shown = cli(home, "curl", DRIP_CART, "--reveal-secrets")
    assert f"-u {drip_sandbox.API_KEY}:" in shown.stdout


def test_bronto_cart_actions_after_add_cart(home: Path, server: SandboxServer) -> None:
    url = ("--base-url", server.url)
    added = cli(home, "send", BRONTO_CART, *url)
    assert added.returncode == 0, added.stderr
    cart_id = added.stdout.splitlines()[1].rsplit(" · ", 1)[1]

    def act(*args: str) -> subprocess.CompletedProcess[str]:
        return cli(home, "bronto", *args, *url)

    abandoned = act("abandon", "--cart-id", cart_id)
    assert abandoned.returncode == 0, abandoned.stderr
    assert abandoned.stdout.splitlines()[1:] == [
        next(line for line in abandoned.stdout.splitlines() if line.startswith("204 No Content")),
        "Abandoned: the cart is ABANDONED, which starts “Cart Is Abandoned” workflows.",
    ]
    got = act("get", "--cart-id", cart_id)
    assert f"Cart: status ABANDONED · phase SHOPPING · cartId {cart_id}" in got.stdout
    found = act("search", BRONTO_CART)
    assert "Cart: 1 cart found · status ABANDONED" in found.stdout
    expired = act("expire", "--cart-id", cart_id)  # Bronto's own call, from ABANDONED
    assert expired.returncode == 0, expired.stderr
    assert "Expired: the cart is EXPIRED; it can no longer change." in expired.stdout
    assert (
        f"Cart: status EXPIRED · phase SHOPPING · cartId {cart_id}"
        in act("get", "--cart-id", cart_id).stdout
    )
    refused = act("update", BRONTO_CART, "--cart-id", cart_id)
    assert refused.returncode == 1
    assert "The cart is EXPIRED or COMPLETE: it can no longer change." in refused.stdout
    assert act("delete", "--cart-id", cart_id).returncode == 0
    none = act("search", BRONTO_CART)
    assert (
        none.returncode == 0 and "No cart has this customerCartId (204 No Content)." in none.stdout
    )
    missing = act("fiddle")
    assert missing.returncode == 2
    assert "Fiddle needs Bronto's cartId" in missing.stderr
    rows = json.loads(cli(home, "history", "--json", "--limit", "1").stdout.splitlines()[0])
    assert rows["operation"] == "search" and rows["response"]["status"] == 204


def test_bronto_update_is_checked_with_updates_own_rules(
    home: Path, server: SandboxServer, tmp_path: Path
) -> None:
    url = ("--base-url", server.url)
    added = cli(home, "send", BRONTO_CART, *url)
    cart_id = added.stdout.splitlines()[1].rsplit(" · ", 1)[1]
    partial = tmp_path / "partial.cart.json"
    partial.write_text('{"provider": "bronto", "payload": {"grandTotal": 3}}')
    # No customerCartId: Add Cart would refuse it, Update requires nothing.
    updated = cli(home, "bronto", "update", str(partial), "--cart-id", cart_id, *url)
    assert updated.returncode == 0, updated.stderr
    broken = tmp_path / "broken.cart.json"
    broken.write_text('{"provider": "bronto", "payload": {"emailAddress": "nope"}}')
    refused = cli(home, "bronto", "update", str(broken), "--cart-id", cart_id, *url)
    assert refused.returncode == 2
    assert "not sent: 1 problem(s)" in refused.stderr and "emailAddress" in refused.stderr
    anyway = cli(home, "bronto", "update", str(broken), "--cart-id", cart_id, *url, "--no-validate")
    assert anyway.returncode == 1  # the sandbox's own 400


def test_profile_settings_are_options_of_their_providers(home: Path) -> None:
    add = ["profiles", "add", "d", "--provider", "drip", "--account-id", "1"]
    wrong = cli(home, *add, "--token-url", "https://auth.example/token")
    assert wrong.returncode == 2
    assert wrong.stderr.strip() == (
        "--token-url is not a setting of Drip profiles (theirs: --account-id, --auth)."
    )
    needs = cli(home, *["profiles", "add", "d", "--provider", "drip"])
    assert (needs.returncode, needs.stderr.strip()) == (
        2,
        "A Drip profile needs --account-id (the number in Drip's URLs).",
    )
    # The old spelling still works (it is the setting's legacy name).
    added = cli(home, *add, "--drip-auth", "oauth")
    assert added.returncode == 0, added.stderr
    listed = cli(home, "profiles", "list").stdout.splitlines()
    assert listed[1 + len(BUILTIN_PROFILES)].split()[:5] == [
        "d",
        "drip",
        "https://api.getdrip.com",
        "account_id=1",
        "auth=oauth",
    ]


KLAVIYO_CART = str(sample_cart("klaviyo"))


def test_a_klaviyo_event_from_the_command_line_its_history_and_its_curl(
    home: Path, server: SandboxServer, tmp_path: Path
) -> None:
    done = cli(home, "send", KLAVIYO_CART, "--json")
    assert done.returncode == 0, done.stderr
    sent = json.loads(done.stdout)
    assert (sent["status"], sent["provider_id"]) == (202, None)
    shown = cli(home, "history", "show", "1")
    assert shown.returncode == 0, shown.stderr
    assert "  klaviyo · sandbox-klaviyo · succeeded" in shown.stdout.splitlines()[0]
    har = tmp_path / "events.har"
    assert cli(home, "history", "export", "--har", str(har)).returncode == 0
    (entry,) = json.loads(har.read_text())["log"]["entries"]
    assert entry["request"]["url"].endswith("/api/events")
    headers = {h["name"]: h["value"] for h in entry["request"]["headers"]}
    assert headers["Authorization"] == "Klaviyo-API-Key ••••••••"
    assert headers["revision"] == "2026-07-15"
    assert entry["response"]["status"] == 202
    # The exported cURL, run with the sandbox's key from the environment, is accepted.
    script = run_exported_curl(
        home, KLAVIYO_CART, server, "CART_COMPOSER_KLAVIYO_API_KEY", klaviyo_sandbox.API_KEY
    )
    assert '-H "Authorization: Klaviyo-API-Key $CART_COMPOSER_KLAVIYO_API_KEY"' in script
    assert [r.status for r in server.sandbox.requests()] == [202]


def run_exported_curl(home: Path, cart: str, server: SandboxServer, env: str, key: str) -> str:
    """The cart's exported cURL, checked to hold no secret outside its comments, run with the
    sandbox's ``key`` in the environment variable ``env``: it must succeed. The script."""
    script = cli(home, "curl", cart, "--base-url", server.url).stdout
    assert f"${env}" in script
    assert key not in "\n".join(line for line in script.splitlines() if not line.startswith("#"))
    ran = subprocess.run(
        ["bash", "-c", script],
        capture_output=True,
        text=True,
        env={**os.environ, env: key},
        timeout=30,
    )
    assert ran.returncode == 0, ran.stderr
    return script


MAILCHIMP_CART = str(sample_cart("mailchimp"))


def test_a_mailchimp_cart_from_the_command_line_its_history_and_its_curl(
    home: Path, server: SandboxServer, tmp_path: Path
) -> None:
    done = cli(home, "send", MAILCHIMP_CART, "--json")
    assert done.returncode == 0, done.stderr
    sent = json.loads(done.stdout)
    assert (sent["status"], sent["provider_id"]) == (200, "cart-88231")
    shown = cli(home, "history", "show", "1")
    assert "  mailchimp · sandbox-mailchimp · succeeded" in shown.stdout.splitlines()[0]
    har = tmp_path / "carts.har"
    assert cli(home, "history", "export", "--har", str(har)).returncode == 0
    (entry,) = json.loads(har.read_text())["log"]["entries"]
    assert entry["request"]["url"].endswith("/3.0/ecommerce/stores/sandbox-store/carts")
    headers = {h["name"]: h["value"] for h in entry["request"]["headers"]}
    assert headers["Authorization"] == "Basic ••••••••"
    assert entry["response"]["status"] == 200
    assert mailchimp_sandbox.API_KEY not in har.read_text()
    # The exported cURL, run with the sandbox's key from the environment, is accepted.
    script = run_exported_curl(
        home, MAILCHIMP_CART, server, "CART_COMPOSER_MAILCHIMP_API_KEY", mailchimp_sandbox.API_KEY
    )
    assert '-u "cart-composer:$CART_COMPOSER_MAILCHIMP_API_KEY"' in script
    assert [r.status for r in server.sandbox.requests()] == [200]


def test_a_mailchimp_profile_needs_its_store_and_takes_its_data_centre_from_the_key(
    home: Path, server: SandboxServer
) -> None:
    refused = cli(home, "profiles", "add", "shop", "--provider", "mailchimp")
    assert refused.returncode == 2
    assert refused.stderr.strip().endswith(
        "A Mailchimp profile needs --store-id (the id your integration gave the store in "
        "Mailchimp)."
    )
    added = cli(home, "profiles", "add", "shop", "--provider", "mailchimp", "--store-id", "s-1")
    assert added.returncode == 0, added.stderr
    assert "https://<dc>.api.mailchimp.com/3.0" in added.stdout
    # A key without its data centre: exit 2 before anything leaves, saying what to do.
    cut = cli(
        home,
        "send",
        MAILCHIMP_CART,
        "--profile",
        "shop",
        env={"CART_COMPOSER_MAILCHIMP_API_KEY": "0" * 32},
    )
    assert cut.returncode == 2
    assert "does not end in its data centre (like …-us19)" in cut.stderr
    assert "Traceback" not in cut.stderr
    # The sandbox's store through a user profile pointed at it, with the key from the
    # environment: the automation path.
    sandbox = cli(
        home,
        "profiles",
        "add",
        "local",
        "--provider",
        "mailchimp",
        "--store-id",
        "sandbox-store",
        "--base-url",
        server.url,
    )
    assert sandbox.returncode == 0, sandbox.stderr
    env = {"CART_COMPOSER_MAILCHIMP_API_KEY": mailchimp_sandbox.API_KEY}
    done = cli(home, "send", MAILCHIMP_CART, "--profile", "local", env=env)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith(f"POST {server.url}/3.0/ecommerce/stores/sandbox-store/carts")
    gone = cli(
        home, "mailchimp", "delete", "--cart-id", "cart-88231", "--profile", "local", env=env
    )
    assert gone.returncode == 0, gone.stdout + gone.stderr
    assert [r.status for r in server.sandbox.requests()] == [200, 204]
