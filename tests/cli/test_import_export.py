"""``import``, ``postman``, ``curl --powershell`` and the history's exports as a user scripts
them: real processes, ``-`` for standard input and output, ``--json`` parsed, round trips
through the files other tools read."""

from __future__ import annotations

import json
import re
from pathlib import Path

from app.paths import sample_cart
from app.providers.drip import emulator as drip_sandbox
from tests.cli.test_send import cli

DRIP_CART = str(sample_cart("drip"))
CHROME = (
    "curl 'https://api.getdrip.com/v3/4242/shopper_activity/cart' \\\n"
    "  -H 'accept: application/json' \\\n"
    "  -H 'authorization: Basic ZHJpcC1rZXk6' \\\n"
    "  -H 'content-type: application/json' \\\n"
    "  -H 'origin: https://shop.example' \\\n"
    """  --data-raw '{"provider":"shop","email":"a@b.co","action":"created","cart_id":"c-1",'"""
    """'"cart_url":"https://shop.example/c","grand_total":16.990,"items":[]}' \\\n"""
    "  --compressed\n"
)


def test_import_reads_standard_input_and_writes_the_cart_to_standard_output(
    tmp_path: Path,
) -> None:
    done = cli(tmp_path / "home", "import", "-", stdin=CHROME)
    assert done.returncode == 0, done.stderr
    cart = json.loads(done.stdout)
    assert cart["provider"] == "drip" and cart["payload"]["cart_id"] == "c-1"
    assert '"grand_total": 16.990' in done.stdout  # money exactly as typed
    assert "drip-key" not in done.stdout and "ZHJpcC1rZXk6" not in done.stdout
    assert done.stderr.splitlines() == [
        "Imported a Drip cart from curl command 1.",
        "Its URL: https://api.getdrip.com (account_id 4242, auth api_key)",
        "Left out: the Drip API key (offered for a profile's keyring entry)",
        "Left out: headers the app does not send: origin",
        "The secrets were not kept; to keep them, import again with --profile NAME.",
    ]


def test_import_json_report_and_an_output_file_not_replaced_unasked(tmp_path: Path) -> None:
    home, out = tmp_path / "home", tmp_path / "c.cart.json"
    done = cli(home, "import", "-", "-o", str(out), "--json", stdin=CHROME)
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert report == {
        "provider": "drip",
        "source": "curl command 1",
        "base_url": "https://api.getdrip.com",
        "settings": {"account_id": "4242", "auth": "api_key"},
        "secrets": ["drip_api_key"],
        "left_out": [
            "the Drip API key (offered for a profile's keyring entry)",
            "headers the app does not send: origin",
        ],
        "notes": [],
        "profile": None,
        "output": str(out),
    }
    assert "drip-key" not in out.read_text()
    again = cli(home, "import", "-", "-o", str(out), stdin=CHROME)
    assert again.returncode == 2
    assert again.stderr == f"{out} exists; add --force to replace it.\n"
    # The cart it wrote is one the other commands read, from standard input too.
    valid = cli(home, "validate", "-", stdin=out.read_text())
    assert valid.returncode == 0 and valid.stdout == "-: valid\n"


def test_what_the_import_does_not_understand_exits_2_in_one_line(tmp_path: Path) -> None:
    done = cli(tmp_path / "home", "import", "-", stdin="curl --frob https://x.example\n")
    assert (done.returncode, done.stderr) == (
        2,
        "The curl option --frob is not one the import understands.\n",
    )
    har = tmp_path / "x.har"
    har.write_text('{"log": {"entries": [{"request": {"method": "GET"}}]}}')
    done = cli(tmp_path / "home", "import", str(har))
    assert (done.returncode, done.stderr) == (
        2,
        "HAR entry 1's request needs a “method” and a “url”.\n",
    )


def test_history_exports_to_standard_output_and_back_through_the_import(tmp_path: Path) -> None:
    home = tmp_path / "home"
    carts = [str(sample_cart(k)) for k in ("drip", "bronto", "klaviyo", "mailchimp")]
    for cart in carts:
        assert cli(home, "send", cart).returncode == 0
    har = cli(home, "history", "export", "--har", "-")
    assert har.returncode == 0, har.stderr
    assert har.stderr == "Wrote 4 entries to standard output (HAR 1.2).\n"
    postman = cli(home, "history", "export", "--postman", "-")
    assert postman.returncode == 0, postman.stderr
    collection = json.loads(postman.stdout)
    assert [v["key"] for v in collection["variable"]] == [
        "drip_api_key",
        "bronto_client_id",
        "bronto_client_secret",
        "klaviyo_api_key",
        "mailchimp_api_key",
    ]
    assert drip_sandbox.API_KEY not in postman.stdout
    for number, cart in enumerate(carts, 1):
        for text in (har.stdout, postman.stdout):
            back = cli(home, "import", "-", "--entry", str(number), stdin=text)
            assert back.returncode == 0, back.stderr
            assert json.loads(back.stdout) == json.loads(Path(cart).read_text()), cart


def test_a_postman_collection_of_carts_round_trips(tmp_path: Path) -> None:
    home = tmp_path / "home"
    done = cli(home, "postman", DRIP_CART, str(sample_cart("bronto")), "-o", "-")
    assert done.returncode == 0, done.stderr
    collection = json.loads(done.stdout)
    assert [i["name"] for i in collection["item"]] == [
        "Drip Send · 456445746",
        "Bronto Add Cart · abc-123",
    ]
    bronto = collection["item"][1]["request"]["auth"]
    assert bronto["type"] == "oauth2"
    assert {p["key"]: p["value"] for p in bronto["oauth2"]}["clientSecret"] == (
        "{{bronto_client_secret}}"
    )
    back = cli(home, "import", "-", "--entry", "1", stdin=done.stdout)
    assert json.loads(back.stdout) == json.loads(Path(DRIP_CART).read_text())


def _ps_string(script: str, variable: str) -> str:
    """A PowerShell single-quoted string assigned to ``variable``, unquoted as PowerShell
    reads it (a doubled quote is one)."""
    match = re.search(rf"^\${variable} = '((?:[^']|'')*)'$", script, re.MULTILINE)
    assert match, script
    return match.group(1).replace("''", "'")


def test_the_powershell_export_sends_the_exact_body_and_reads_secrets_from_the_environment(
    tmp_path: Path,
) -> None:
    home = tmp_path / "home"
    payload = cli(home, "payload", DRIP_CART).stdout
    script = cli(home, "curl", DRIP_CART, "--powershell").stdout
    assert _ps_string(script, "body") + "\n" == payload
    assert "Invoke-RestMethod -Method POST -Uri 'http://127.0.0.1:8765/v3/" in script
    assert "-ContentType 'application/json'" in script
    assert "GetBytes($env:CART_COMPOSER_DRIP_API_KEY + ':' + '')" in script
    assert "-Body ([Text.Encoding]::UTF8.GetBytes($body))" in script
    bronto = cli(home, "curl", str(sample_cart("bronto")), "--powershell").stdout
    assert "client_secret = $env:CART_COMPOSER_BRONTO_CLIENT_SECRET" in bronto
    assert "'Authorization' = \"Bearer $token\"" in bronto


def test_schema_writes_each_providers_schema_to_standard_output_or_a_file(tmp_path: Path) -> None:
    home = tmp_path / "home"
    printed = cli(home, "schema", "mailchimp")
    assert printed.returncode == 0, printed.stderr
    schema = json.loads(printed.stdout)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["title"] == "Mailchimp add_cart payload"
    out = tmp_path / "m.json"
    assert cli(home, "schema", "mailchimp", "-o", str(out)).returncode == 0
    assert json.loads(out.read_text()) == schema
    wrong = cli(home, "schema", "shopify")
    assert wrong.returncode == 2 and "invalid choice: 'shopify'" in wrong.stderr


def test_import_json_notes_say_the_path_and_the_words(tmp_path: Path) -> None:
    doc = Path(__file__).parents[1] / "golden" / "drip-doc-example.curl.sh"
    done = cli(tmp_path / "home", "import", str(doc), "--json")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["notes"] == [
        {
            "path": "items[0].discount",
            "message": "Renamed “discount” to “discounts”, the name the API reads today.",
        }
    ]
