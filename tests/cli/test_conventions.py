"""The command line follows the conventions of the tools it is scripted with: help on every
option, tab completion for the common shells, ``--json`` on every command that reports (parsed
here), ``-`` for standard input, and ``--seed`` for sample carts that come out the same."""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
from pathlib import Path

import pytest

from app.cli.main import _parser
from app.domain.rules import spoken_list
from app.paths import resources_dir, sample_cart
from app.providers.samples import sample_document, seed_samples
from app.service.bulk import sample_carts
from tests.cli.test_send import cli


def test_every_command_and_option_has_help() -> None:
    missing = []

    def walk(parser: argparse.ArgumentParser, where: str) -> None:
        for action in parser._actions:
            if isinstance(action, argparse._HelpAction):
                continue
            if isinstance(action, argparse._SubParsersAction):
                helps = {choice.dest: choice.help for choice in action._choices_actions}
                for name, sub in action.choices.items():
                    if not helps.get(name):
                        missing.append(f"{where} {name}")
                    walk(sub, f"{where} {name}")
            elif not action.help:
                missing.append(f"{where} {'/'.join(action.option_strings) or action.dest}")

    walk(_parser(), "cart-composer")
    assert missing == []


def test_help_says_its_lists_as_a_sentence_would() -> None:
    # Before: "to Drip and Bronto and Klaviyo and Mailchimp", "the profile's token url".
    parser = _parser()
    assert parser.description == (
        "Compose, preview and send shopping-cart events to Drip, Bronto, Klaviyo and Mailchimp."
    )
    commands = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    helps = {choice.dest: choice.help for choice in commands._choices_actions}
    assert helps["sandbox"] == (
        "run the Drip, Bronto, Klaviyo and Mailchimp emulators on 127.0.0.1 (Ctrl-C stops it)"
    )
    send = {a.dest: a.help for a in commands.choices["send"]._actions}
    assert send["setting_token_url"] == "override the profile's token URL (Bronto)"
    assert send["setting_account_id"] == "override the profile's account ID (Drip)"
    assert spoken_list(["a"]) == "a" and spoken_list(["a", "b"], "or") == "a or b"


def test_bash_completion_completes_commands_and_choices(tmp_path: Path) -> None:
    done = cli(tmp_path / "home", "completion", "bash")
    assert done.returncode == 0, done.stderr
    script = tmp_path / "cart-composer.bash"
    script.write_text(done.stdout)

    def complete(*words: str) -> list[str]:
        line = " ".join(words)
        probe = (
            f"source {script}; COMP_WORDS=({line}); COMP_CWORD={len(words) - 1}; "
            f'COMP_LINE="{line}"; COMP_POINT=${{#COMP_LINE}}; _shtab_cart_composer; '
            'printf "%s\\n" "${COMPREPLY[@]}"'
        )
        ran = subprocess.run(["bash", "-c", probe], capture_output=True, text=True, timeout=30)
        assert ran.returncode == 0, ran.stderr
        return ran.stdout.split()

    assert complete("cart-composer", "imp") == ["import"]
    assert complete("cart-composer", "schema", "''") == ["drip", "bronto", "klaviyo", "mailchimp"]
    assert "--powershell" in complete("cart-composer", "curl", "--p")


@pytest.mark.parametrize("shell", ["zsh", "fish", "tcsh", "powershell"])
def test_the_other_shells_get_a_script_naming_every_command(shell: str, tmp_path: Path) -> None:
    done = cli(tmp_path / "home", "completion", shell)
    assert done.returncode == 0, done.stderr
    for command in ("validate", "import", "postman", "schema", "history", "completion"):
        assert command in done.stdout
    if shell == "zsh" and shutil.which("zsh"):
        script = tmp_path / "_cart-composer"
        script.write_text(done.stdout)
        assert subprocess.run(["zsh", "-n", str(script)], timeout=30).returncode == 0


def test_validate_json_reports_each_cart(tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text('{"provider": "My Shop", "action": "created", "cart_id": "1"}')
    done = cli(tmp_path / "home", "validate", "--json", "--provider", "drip", str(bad), "/no/such")
    assert done.returncode == 2  # one could not be read
    first, second = json.loads(done.stdout)
    assert first["cart"] == str(bad) and first["valid"] is False
    assert {
        "path": "provider",
        "message": "Platform must be lower snake case, like my_custom_platform.",
    } in first["problems"]
    assert second == {
        "cart": "/no/such",
        "valid": False,
        "error": "There is no cart file at /no/such.",
    }
    good = cli(
        tmp_path / "home", "validate", "--json", "-", stdin=Path(sample_cart("drip")).read_text()
    )
    assert good.returncode == 0
    assert json.loads(good.stdout)[0] | {"cart": "-"} == {
        "cart": "-",
        "provider": "drip",
        "valid": True,
        "problems": [],
        "warnings": [],
        "notes": [],
    }


def test_profiles_list_json(tmp_path: Path) -> None:
    home = tmp_path / "home"
    added = cli(home, "profiles", "add", "shop", "--provider", "drip", "--account-id", "7")
    assert added.returncode == 0, added.stderr
    done = cli(home, "profiles", "list", "--json", env={"CART_COMPOSER_DRIP_API_KEY": "k"})
    listed = json.loads(done.stdout)
    assert listed["keyring"] == {"persistent": False, "backend": "memory"}
    shop = next(p for p in listed["profiles"] if p["name"] == "shop")
    assert shop["base_url"] == "https://api.getdrip.com"
    assert shop["settings"]["account_id"] == "7"
    assert shop["secrets"] == {"drip_api_key": "environment"}
    assert "k" not in json.dumps(shop["secrets"]).replace("drip_api_key", "")


def test_run_json_lines_from_standard_input_and_bulk_json(tmp_path: Path) -> None:
    home = tmp_path / "home"
    scenarios = resources_dir() / "scenarios"
    scenario = next(scenarios.glob("drip-*.scenario.json"))
    ran = subprocess.run(
        [*cli_command(), "run", "-", "--speed", "inf", "--json"],
        input=scenario.read_text(),
        capture_output=True,
        text=True,
        timeout=60,
        cwd=scenarios,  # its carts are found from there
        env=cli_env(home),
    )
    assert ran.returncode == 0, ran.stderr
    lines = [json.loads(line) for line in ran.stdout.splitlines()]
    assert lines[0]["step"] == 1 and lines[0]["status"] == 202 and lines[0]["state"] == "done"
    assert lines[-1] == {
        "scenario": lines[-1]["scenario"],
        "finished": True,
        "done": len(lines) - 1,
        "steps": len(lines) - 1,
    }
    bulk = cli(home, "bulk", "3", "--json")
    outcome = json.loads(bulk.stdout)
    assert {k: outcome[k] for k in ("provider", "total", "sent", "accepted", "failed")} == {
        "provider": "drip",
        "total": 3,
        "sent": 3,
        "accepted": 3,
        "failed": 0,
    }


def cli_command() -> list[str]:
    import sys

    return [sys.executable, "-m", "app"]


def cli_env(home: Path) -> dict[str, str]:
    import os

    clean = {k: v for k, v in os.environ.items() if not k.startswith("CART_COMPOSER_")}
    clean.pop("DBUS_SESSION_BUS_ADDRESS", None)
    return {**clean, "CART_COMPOSER_HOME": str(home), "PYTHONPATH": str(Path(__file__).parents[2])}


def test_the_same_seed_gives_the_same_sample_carts() -> None:
    def made(seed: int) -> list[tuple[object, ...]]:
        seed_samples(seed)
        carts = [*sample_carts("bronto", 3), sample_document("klaviyo")]
        return [
            (c.payload.get("customerCartId"), c.payload.get("emailAddress"), str(c.payload))
            for c in carts[:3]
        ] + [(str(carts[3].payload["data"]["attributes"]["properties"]),)]

    try:
        first, again, other = made(42), made(42), made(43)
    finally:
        seed_samples(None)
    assert first == again
    assert first != other
    assert len({row[0] for row in first[:3]}) == 3  # distinct ids within a run


def test_bulk_with_a_seed_sends_the_same_carts_twice(tmp_path: Path) -> None:
    def sent(home: Path) -> list[tuple[str, str]]:
        assert cli(home, "bulk", "2", "--provider", "bronto", "--seed", "9").returncode == 0
        rows = cli(home, "history", "--json").stdout.splitlines()
        return [(r["cart_id"], r["email"]) for r in map(json.loads, rows)]

    assert sent(tmp_path / "a") == sent(tmp_path / "b")
