"""Bad input to the command line: every argument is checked before anything is written or
sent (exit 2, one line on stderr, no traceback, no history row); files are read within a cap
and only when they are regular files; output is UTF-8 whatever the console."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from app.paths import sample_cart
from app.providers import get_provider, load_cart

DRIP = str(sample_cart("drip"))
SCENARIO = str(Path(DRIP).parents[1] / "scenarios" / "drip-abandoned-after-update.scenario.json")


def cli(
    home: Path, *args: str, env: dict[str, str] | None = None, timeout: float = 60
) -> subprocess.CompletedProcess[bytes]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("CART_COMPOSER_")}
    return subprocess.run(
        [sys.executable, "-m", "app", *args],
        capture_output=True,
        timeout=timeout,
        env={**clean, "CART_COMPOSER_HOME": str(home), **(env or {})},
    )


@pytest.mark.parametrize(
    "args",
    [
        ["send", DRIP, "--timeout", "nan"],
        ["send", DRIP, "--timeout", "-1"],
        ["send", DRIP, "--timeout", "inf"],
        ["send", DRIP, "--timeout", "1e309"],
        ["send", DRIP, "--timeout", "0"],
        ["send", DRIP, "--base-url", "http://127.0.0.1:99999"],
        ["send", DRIP, "--base-url", "ftp://example.com"],
        # Hosts no lookup can take (the resolver raised UnicodeError on the first two).
        ["send", DRIP, "--base-url", "http://a..b"],
        ["send", DRIP, "--base-url", f"https://{'x' * 64}.com"],
        ["send", DRIP, "--base-url", "http://exa mple.com"],
        ["send", DRIP, "--base-url", "http://[::1"],
        ["profiles", "add", "x", "--provider", "drip", "--base-url", "http://shop..example"],
        ["profiles", "add", "x", "--provider", "bronto", "--token-url", "http://auth..example/t"],
        ["send", DRIP, "--auth-url", "ftp://auth.example"],
        ["bronto", "get", "--cart-id", "x", "--timeout", "nan"],
        ["history", "--limit", "99999999999999999999"],
        ["history", "show", "9" * 30],
        ["history", "clear", "--older-than", "9" * 30],
        ["history", "export", "--har", "/no/such/dir/x.har"],
        ["history", "export", "--har", "/"],
        ["sandbox", "--port", "99999"],
        ["sandbox", "--port", "-1"],
        ["run", SCENARIO, "--speed", "nan"],
        ["run", SCENARIO, "--speed", "0"],
        ["bulk", "10", "--in-flight", "0"],
        ["bulk", "0"],
        ["profiles", "add", "x", "--provider", "drip", "--timeout", "nan"],
    ],
)
def test_a_bad_argument_is_one_line_and_exit_2_before_anything_happens(
    tmp_path: Path, args: list[str]
) -> None:
    home = tmp_path / "home"
    done = cli(home, *args)
    err = done.stderr.decode()
    assert done.returncode == 2, err
    assert "Traceback" not in err
    assert len(err.strip().splitlines()) == 1, err
    assert err.startswith("cart-composer ") and "(see cart-composer " in err
    # Nothing was written: no history (and so no phantom "interrupted" row), no profiles.
    assert not home.exists()


def test_an_unwritable_export_file_is_refused_before_reading(tmp_path: Path) -> None:
    if os.geteuid() == 0:
        pytest.skip("root may write anywhere")
    locked = tmp_path / "locked"
    locked.mkdir(mode=0o500)
    done = cli(tmp_path / "home", "history", "export", "--jsonl", str(locked / "x.jsonl"))
    assert done.returncode == 2 and b"cannot be written" in done.stderr


def test_inf_speed_means_no_waits(tmp_path: Path) -> None:
    started = time.monotonic()
    done = cli(tmp_path / "home", "run", SCENARIO, "--speed", "inf")
    assert done.returncode == 0, done.stderr.decode()
    assert time.monotonic() - started < 30  # the scenario waits 5 minutes at speed 1


@pytest.mark.parametrize("command", ["validate", "payload", "send"])
def test_dev_zero_and_a_fifo_are_refused_at_once(tmp_path: Path, command: str) -> None:
    fifo = tmp_path / "cart.fifo"
    os.mkfifo(fifo)
    for path, said in (("/dev/zero", b"is a device or socket"), (str(fifo), b"is a pipe")):
        started = time.monotonic()
        done = cli(tmp_path / "home", command, path, "--provider", "drip", timeout=30)
        # Before: /dev/zero was read until the OOM killer (23 GB); a FIFO hung forever.
        assert done.returncode == 2, done.stderr
        assert said in done.stderr and b"give a regular file" in done.stderr
        assert time.monotonic() - started < 20


def test_a_huge_cart_file_is_refused_before_it_is_read(tmp_path: Path) -> None:
    huge = tmp_path / "huge.cart.json"
    with huge.open("wb") as out:
        out.truncate(200 * 1024 * 1024)  # sparse: costs no disk
    done = cli(tmp_path / "home", "validate", str(huge))
    assert done.returncode == 2
    assert b"is 200 MB, larger than the 64 MB a cart file may be" in done.stderr


def test_a_huge_scenario_file_is_refused(tmp_path: Path) -> None:
    huge = tmp_path / "big.scenario.json"
    with huge.open("wb") as out:
        out.truncate(10 * 1024 * 1024)
    done = cli(tmp_path / "home", "run", str(huge))
    assert done.returncode == 2
    assert b"larger than the 4 MB a scenario file may be" in done.stderr


def test_a_5000_digit_number_is_explained_in_the_apps_words(tmp_path: Path) -> None:
    cart = tmp_path / "digits.cart.json"
    cart.write_text('{"provider": "drip", "payload": {"grand_total": ' + "9" * 5000 + "}}")
    done = cli(tmp_path / "home", "validate", str(cart))
    err = done.stderr.decode()
    assert done.returncode == 2
    assert "a whole number has more than 4,300 digits; no API takes a number that long" in err
    assert "set_int_max_str_digits" not in err


def test_output_is_utf8_whatever_the_console(tmp_path: Path) -> None:
    cp1252 = {"PYTHONIOENCODING": "cp1252"}
    run = cli(tmp_path / "home", "run", SCENARIO, "--speed", "inf", env=cp1252)
    # Before: UnicodeEncodeError on "✔" after the first step had been sent.
    assert run.returncode == 0, run.stderr.decode()
    assert "✔".encode() in run.stdout
    cart = tmp_path / "cafe.cart.json"
    document = load_cart(DRIP).document
    payload = {**document.payload, "email": "café@example.com", "cart_url": "https://x.example/€"}
    cart.write_text(
        '{"provider": "drip", "payload": ' + get_provider("drip").body(payload).decode() + "}",
        encoding="utf-8",
    )
    wire = cli(tmp_path / "home", "payload", str(cart), env=cp1252)
    assert wire.returncode == 0, wire.stderr.decode()
    assert wire.stdout == get_provider("drip").body(payload) + b"\n"


def test_a_reader_that_goes_away_gets_no_traceback(tmp_path: Path) -> None:
    # An entry far bigger than a pipe's buffer, so the writer is still writing when head leaves.
    from app.providers.document import save_cart

    document = load_cart(Path(DRIP)).document
    item = document.payload["items"][0]
    big = {**document.payload, "items": [{**item, "product_id": f"p-{n}"} for n in range(3000)]}
    cart = tmp_path / "big.cart.json"
    save_cart(document.model_copy(update={"payload": big}), cart)
    home = tmp_path / "home"
    assert cli(home, "send", str(cart)).returncode == 0
    show = f"{sys.executable} -m app history show 1"
    code = f"{show} | head -c 10 >/dev/null; echo ${{PIPESTATUS[0]}}"
    env = {**os.environ, "CART_COMPOSER_HOME": str(home)}
    done = subprocess.run(["bash", "-c", code], capture_output=True, text=True, timeout=60, env=env)
    assert done.stderr == ""  # it was a BrokenPipeError traceback
    assert done.stdout.strip() == "141"


def test_a_url_setting_is_called_by_its_name_with_its_own_example(tmp_path: Path) -> None:
    done = cli(
        tmp_path / "home", "profiles", "add", "x", "--provider", "bronto", "--token-url", "ftp://a"
    )
    assert done.returncode == 2
    assert done.stderr.decode().strip() == (
        "cart-composer profiles add: --token-url: The token URL “ftp://a” must be a full address "
        "starting with http:// or https://, like https://auth.bronto.com/oauth2/token. (see "
        "cart-composer profiles add --help)"
    )
