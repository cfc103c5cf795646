"""The command line: validate and payload, run as a user would (a real process)."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

from app.paths import sample_cart
from tests.conftest import golden_text


def run(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "app", *args], capture_output=True, text=True, cwd=cwd
    )


def test_version() -> None:
    done = run("--version")
    assert done.returncode == 0
    assert done.stdout.strip() == "cart-composer 0.1.0"


def loaded_by(args: list[str], watched: tuple[str, ...]) -> tuple[str, list[str]]:
    """``main(args)`` in a fresh interpreter, which must succeed: its standard output, and
    which of the ``watched`` modules it loaded (said on standard error's last line)."""
    code = (
        f"import sys; from app.cli.main import main; rc = main({args!r}); "
        f"print(sorted(m for m in {watched!r} if m in sys.modules), file=sys.stderr); "
        "raise SystemExit(rc)"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    return done.stdout, ast.literal_eval(done.stderr.splitlines()[-1])


def test_version_is_said_before_the_providers_and_their_libraries_load() -> None:
    watched = ("pydantic", "httpx", "keyring", "sqlite3", "app.providers", "app.logs")
    out, loaded = loaded_by(["--version"], watched)
    assert out.splitlines() == ["cart-composer 0.1.0"]
    assert loaded == []


@pytest.mark.parametrize("command", ["validate", "payload"])
def test_checking_a_cart_loads_no_http_client_keyring_or_history(command: str) -> None:
    watched = ("httpx", "httpcore", "keyring", "sqlite3", "app.transport", "app.service.sender")
    _, loaded = loaded_by([command, str(sample_cart("drip"))], watched)
    assert loaded == []


def test_validate_a_valid_cart() -> None:
    done = run("validate", str(sample_cart("drip")), str(sample_cart("bronto")))
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == [
        f"{sample_cart('drip')}: valid",
        f"{sample_cart('bronto')}: valid",
    ]


def test_validate_lists_every_problem_and_exits_1(tmp_path: Path) -> None:
    cart = tmp_path / "bad.cart.json"
    cart.write_text(
        '{"provider": "drip", "payload": {"provider": "My Shop", "action": "created", '
        '"cart_id": "1", "cart_url": "https://x.example/c", "email": "a@b.com", '
        '"person_id": "p1", "items": [{"discount": 1, "price": -1}]}}'
    )
    done = run("validate", str(cart))
    assert done.returncode == 1
    assert done.stdout.splitlines() == [
        f"{cart}: note: items[0].discount: Renamed “discount” to “discounts”, the name the API "
        "reads today.",
        f"{cart}: warning: email: Email will be ignored by Drip because a person ID is set.",
        f"{cart}: 5 problems",
        "  provider: Platform must be lower snake case, like my_custom_platform.",
        "  items[0].product_id: Item 1: Product ID is required.",
        "  items[0].product_variant_id: Item 1: Variant ID is required.",
        "  items[0].name: Item 1: Name is required.",
        "  items[0].price: Item 1: Price can't be negative.",
    ]


def test_validate_a_file_that_is_not_json_exits_2(tmp_path: Path) -> None:
    cart = tmp_path / "broken.cart.json"
    cart.write_text('{"provider": "drip",\n"payload": {"a": }}')
    done = run("validate", str(cart))
    assert done.returncode == 2
    assert done.stderr.strip() == (
        f"{cart}: The cart file is not valid JSON: a value is expected here: a "
        '"text", a number, true, false, null, a [list] or an {object} (line 2, column 18).'
    )


def test_payload_prints_the_exact_body() -> None:
    done = run("payload", str(sample_cart("drip")))
    assert done.returncode == 0
    assert done.stdout == golden_text("drip-doc-example.expected.json") + "\n"


def test_preview_shows_the_request_with_masked_headers() -> None:
    done = run(
        "preview",
        "--base-url",
        "https://api.getdrip.com",
        "--account-id",
        "1234567",
        str(sample_cart("drip")),
    )
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[:6] == [
        "POST https://api.getdrip.com/v3/1234567/shopper_activity/cart",
        "Content-Type: application/json",
        "Accept: application/json",
        "User-Agent: CartComposer/0.1.0",
        "Authorization: Basic ••••••••",
        "",
    ]
    assert "\n".join(lines[6:]) == golden_text("drip-doc-example.expected.json")


def test_preview_of_a_sandbox_profile_shows_the_standalone_sandbox() -> None:
    done = run("preview", str(sample_cart("bronto")))
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[0] == (
        "POST http://127.0.0.1:8765/carts?createContact=true&ignoreInvalidTid=true"
    )


def test_preview_with_a_bad_base_url_explains_it() -> None:
    done = run("preview", "--base-url", "localhost:8080", str(sample_cart("bronto")))
    assert done.returncode == 2
    assert done.stderr.strip() == (
        "cart-composer preview: --base-url: The base URL “localhost:8080” must be a full "
        "address starting with http:// or https://, like https://api.example.com. (see "
        "cart-composer preview --help)"
    )
