"""A whole CLI session with a real keyring: run inside secret_service_session.py.

    python tests/secrets/cli_session.py SANDBOX_URL RESULT_JSON

Each step's command, exit code, stdout and stderr go to RESULT_JSON for the test to inspect.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from app.paths import sample_cart
from app.providers.bronto import emulator as bronto_sandbox
from app.providers.drip import emulator as drip_sandbox


def main() -> int:
    url, result_path = sys.argv[1], Path(sys.argv[2])
    drip, bronto = str(sample_cart("drip")), str(sample_cart("bronto"))
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
