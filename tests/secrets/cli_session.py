"""A whole CLI session with a real keyring: run inside secret_service_session.py.

    python tests/secrets/cli_session.py SANDBOX_URL RESULT_JSON

Each step's command, exit code, stdout and stderr go to RESULT_JSON for the test to inspect.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from app.paths import sample_cart
from app.providers.bronto import emulator as bronto_sandbox
from app.providers.drip import emulator as drip_sandbox


def main() -> int:
    url, result_path = sys.argv[1], Path(sys.argv[2])
    drip, bronto = str(sample_cart("drip")), str(sample_cart("bronto"))
    home = Path(os.environ["CART_COMPOSER_HOME"])
    home.mkdir(parents=True, exist_ok=True)
    bodies = {}  # the payloads alone, as a cURL command sends them
    for key, cart in (("drip", drip), ("bronto", bronto)):
        bodies[key] = home / f"{key}-body.json"
        payload = json.loads(Path(cart).read_text())["payload"]
        if key == "bronto":  # its cart id was sent above: Bronto would answer 409
            payload["customerCartId"] = "imported-1"
        bodies[key].write_text(json.dumps(payload))
    steps: list[tuple[list[str], str]] = [
        (
            [
                "profiles",
                "add",
                "qa-drip",
                "--provider",
                "drip",
                "--base-url",
                url,
                "--account-id",
                drip_sandbox.ACCOUNT_ID,
            ],
            "",
        ),
        (
            [
                "profiles",
                "add",
                "qa-bronto",
                "--provider",
                "bronto",
                "--base-url",
                url,
                "--token-url",
                f"{url}/oauth2/token",
            ],
            "",
        ),
        (["profiles", "set-secret", "qa-drip"], drip_sandbox.API_KEY + "\n"),
        (
            ["profiles", "set-secret", "qa-bronto"],
            f"{bronto_sandbox.CLIENT_ID}\n{bronto_sandbox.CLIENT_SECRET}\n",
        ),
        (["profiles", "list"], ""),
        (["send", drip, "--profile", "qa-drip"], ""),
        (["send", bronto, "--profile", "qa-bronto"], ""),
        (["send", drip, "--profile", "qa-drip", "--json"], ""),
        (["preview", drip, "--profile", "qa-drip"], ""),
        (["curl", bronto, "--profile", "qa-bronto"], ""),
        (["profiles", "remove", "qa-drip"], ""),
        (["send", drip, "--profile", "qa-bronto"], ""),
        # An import's secrets go to the keyring entry of the profile it makes, nowhere else.
        (
            ["import", "-", "--profile", "qa-import", "-o", str(home / "imported.cart.json")],
            (
                f"curl {url}/v3/{drip_sandbox.ACCOUNT_ID}/shopper_activity/cart "
                f"-u {drip_sandbox.API_KEY}: -H 'Content-Type: application/json' "
                f"--data-binary @{bodies['drip']}\n"
            ),
        ),
        (["send", str(home / "imported.cart.json"), "--profile", "qa-import"], ""),
        (
            ["import", "-", "--profile", "qa-bronto-import", "-o", str(home / "b.cart.json")],
            (
                f"curl -X POST {url}/oauth2/token -d grant_type=client_credentials "
                f"-d client_id={bronto_sandbox.CLIENT_ID} "
                f"-d client_secret={bronto_sandbox.CLIENT_SECRET}\n"
                f"curl -X POST '{url}/carts?createContact=true' -H 'Authorization: Bearer x' "
                f"-H 'Content-Type: application/json' --data-binary @{bodies['bronto']}\n"
            ),
        ),
        (["send", str(home / "b.cart.json"), "--profile", "qa-bronto-import"], ""),
    ]
    results = []
    for args, stdin in steps:
        done = subprocess.run(
            [sys.executable, "-m", "app", *args], input=stdin, capture_output=True, text=True
        )
        results.append(
            {"args": args, "code": done.returncode, "stdout": done.stdout, "stderr": done.stderr}
        )
    probe = subprocess.run(
        [
            sys.executable,
            "-c",
            "from app.secrets import open_secret_store; s = open_secret_store(); "
            "print(s.backend_name, s.is_system); "
            "print(s.get('qa-drip', 'drip_api_key') is None); "
            "print(s.get('qa-bronto', 'bronto_client_id') is not None)",
        ],
        capture_output=True,
        text=True,
    )
    results.append(
        {
            "args": ["probe"],
            "code": probe.returncode,
            "stdout": probe.stdout,
            "stderr": probe.stderr,
        }
    )
    result_path.write_text(json.dumps(results, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
