"""Run a command inside a throwaway real Secret Service (gnome-keyring), for tests and CI.

    dbus-run-session -- python tests/secrets/secret_service_session.py COMMAND [ARGS...]

Starts gnome-keyring-daemon (secrets component only) unlocked with a throwaway password, waits
until it owns org.freedesktop.secrets on the session bus, runs COMMAND, then stops the daemon.
HOME should be a fresh folder: an old login keyring with another password would be locked.
"""

from __future__ import annotations

import subprocess
import sys
import time


def _owned() -> bool:
    probe = subprocess.run(
        [
            "dbus-send",
            "--session",
            "--dest=org.freedesktop.DBus",
            "--print-reply",
            "/org/freedesktop/DBus",
            "org.freedesktop.DBus.NameHasOwner",
            "string:org.freedesktop.secrets",
        ],
        capture_output=True,
        text=True,
    )
    return "boolean true" in probe.stdout


def main() -> int:
    daemon = subprocess.Popen(
        ["gnome-keyring-daemon", "--foreground", "--unlock", "--components=secrets"],
        stdin=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    assert daemon.stdin is not None
    daemon.stdin.write(b"throwaway-test-password")
    daemon.stdin.close()
    try:
        deadline = time.monotonic() + 10
        while not _owned():
            if time.monotonic() > deadline or daemon.poll() is not None:
                print("gnome-keyring-daemon did not start", file=sys.stderr)
                return 97
            time.sleep(0.02)
        return subprocess.run(sys.argv[1:]).returncode
    finally:
        daemon.kill()
        daemon.wait()


if __name__ == "__main__":
    raise SystemExit(main())
