"""Against a real Secret Service (gnome-keyring under dbus-run-session, installed by .ci/run):
the app stores, reads and deletes secrets through the OS keyring, and after a whole CLI session
no secret is found in any file, any output, or the preview."""

from __future__ import annotations

import base64
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from app.providers.bronto import emulator as bronto_sandbox
from app.providers.drip import emulator as drip_sandbox
from app.sandbox import SandboxServer

HERE = Path(__file__).parent
NEEDED = ("dbus-run-session", "dbus-send", "gnome-keyring-daemon")

pytestmark = pytest.mark.skipif(
    any(shutil.which(tool) is None for tool in NEEDED),
    reason="needs gnome-keyring and dbus (installed by .ci/run)",
)

SECRETS = (drip_sandbox.API_KEY, bronto_sandbox.CLIENT_ID, bronto_sandbox.CLIENT_SECRET)


def test_a_cli_session_keeps_secrets_in_the_keyring_and_nowhere_else(tmp_path: Path) -> None:
    keyring_home, app_home = tmp_path / "home", tmp_path / "cart-composer"
    keyring_home.mkdir()
    results_file = tmp_path / "results.json"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CART_COMPOSER_", "DBUS_"))}
    env |= {"HOME": str(keyring_home), "CART_COMPOSER_HOME": str(app_home)}
    env |= {"PYTHONPATH": str(HERE.parent.parent)}
    with SandboxServer() as server:
        done = subprocess.run(
            [
                "dbus-run-session",
                "--",
                sys.executable,
                str(HERE / "secret_service_session.py"),
                sys.executable,
                str(HERE / "cli_session.py"),
                server.url,
                str(results_file),
            ],
            env=env,
            capture_output=True,
            text=True,
            timeout=180,
        )
        received = server.sandbox.requests()
    assert done.returncode == 0, done.stdout + done.stderr
    steps = {
        " ".join(step["args"][:2]) + f" #{i}": step
        for i, step in enumerate(json.loads(results_file.read_text()))
    }
    codes = [step["code"] for step in steps.values()]
    # add, add, set-secret, set-secret, list, send, send, send --json, preview, curl, remove,
    # then a Drip cart to a Bronto profile (refused before sending), an import with its
    # secrets stored and its cart sent, twice (Drip, Bronto), then the probe.
    assert codes == [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2, 0, 0, 0, 0, 0], [
        (s["args"][:2], s["code"], s["stderr"][-300:]) for s in steps.values()
    ]
    by_index = list(steps.values())
    assert "Stored the Drip API key for qa-drip (SecretService.Keyring)." in by_index[2]["stdout"]
    assert (
        "Secrets are kept in the system keyring (SecretService.Keyring)." in by_index[4]["stdout"]
    )
    assert "client ID: set, client secret: set" in by_index[4]["stdout"]
    assert "202 Accepted" in by_index[5]["stdout"]
    assert "201 Created" in by_index[6]["stdout"]
    assert (
        "Stored the Drip API key for qa-import (SecretService.Keyring)." in (by_index[12]["stderr"])
    )
    assert "202 Accepted" in by_index[13]["stdout"]
    assert "Stored the Bronto client secret for qa-bronto-import" in by_index[14]["stderr"]
    assert "201 Created" in by_index[15]["stdout"]
    assert by_index[16]["stdout"].split() == ["SecretService.Keyring", "True", "True", "True"]
    assert [r.status for r in received] == [202, 200, 201, 202, 202, 200, 201]

    encoded = base64.b64encode(f"{drip_sandbox.API_KEY}:".encode()).decode()
    for step in by_index:
        for stream in ("stdout", "stderr"):
            for secret in (*SECRETS, encoded):
                assert secret not in step[stream], (step["args"], stream)
    for file in app_home.rglob("*"):
        if file.is_file():
            content = file.read_bytes()
            for secret in (*SECRETS, encoded):
                assert secret.encode() not in content, file
    # The sandbox's own log masks what the token request carries.
    token_bodies = [r.body for r in received if r.path == "/oauth2/token"]
    assert token_bodies and all(bronto_sandbox.CLIENT_SECRET not in body for body in token_bodies)
