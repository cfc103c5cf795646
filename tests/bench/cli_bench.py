"""The command line as fresh processes: one Drip send to a running loopback sandbox by curl,
HTTPie and cart-composer, side by side, and cart-composer's `--version` and `--help`.

    .venv/bin/python tests/bench/cli_bench.py [--runs 21]

The commands run interleaved (one of each per round), so all see the same machine noise; it
prints each one's median and p90 wall time from start to exit and the ratio to HTTPie.
cart-composer sends with `--base-url` (the sandbox profile pointed at this sandbox) and with a
user profile (`profiles add`, its key from CART_COMPOSER_DRIP_API_KEY, so the keyring is opened
as for any user profile). HTTPie is installed in this benchmark's own venv under
~/.cache/cart-composer-bench (pip, once); where that fails it is left out and said so. Bytecode
caches are written by a first warm-up round, as an installed app has them. Not part of the
test run.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from app.paths import sample_cart
from app.providers import get_provider, load_cart
from app.providers.drip import emulator as drip_sandbox
from app.sandbox import Sandbox, SandboxConfig, SandboxServer

HTTPIE = "httpie==3.2.4"


def httpie() -> str | None:
    """The `http` command of this benchmark's own venv (made once), or None."""
    venv = Path.home() / ".cache" / "cart-composer-bench" / "httpie"
    command = venv / "bin" / "http"
    if not command.exists():
        made = subprocess.run([sys.executable, "-m", "venv", str(venv)], capture_output=True)
        if made.returncode == 0:
            subprocess.run(
                [str(venv / "bin" / "pip"), "install", "-q", HTTPIE], capture_output=True
            )
    return str(command) if command.exists() else None


def wall(argv: list[str], env: dict[str, str], stdin: Path | None = None) -> float:
    """Milliseconds from start to exit; the command must succeed."""
    with open(stdin or os.devnull, "rb") as given:
        started = time.perf_counter()
        done = subprocess.run(argv, env=env, stdin=given, capture_output=True)
        elapsed = (time.perf_counter() - started) * 1000
    if done.returncode != 0:
        raise SystemExit(f"{argv[0]} … exited {done.returncode}: {done.stderr.decode()[-400:]}")
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=21)
    args = parser.parse_args()
    home = tempfile.mkdtemp(prefix="cc-cli-bench-")
    env = {k: v for k, v in os.environ.items() if not k.startswith("CART_COMPOSER_")}
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env["CART_COMPOSER_HOME"] = home
    app = [sys.executable, "-m", "app"]
    cart = str(sample_cart("drip"))
    body = Path(home) / "body.json"
    body.write_bytes(get_provider("drip").body(load_cart(sample_cart("drip")).document.payload))
    key = drip_sandbox.API_KEY
    config = SandboxConfig(settings={"drip": {"hourly_limit": 10**9}})
    with SandboxServer(Sandbox(config)) as server:
        url = f"{server.url}/v3/{drip_sandbox.ACCOUNT_ID}/shopper_activity/cart"
        subprocess.run(
            [*app, "profiles", "add", "mine", "--provider", "drip", "--base-url", server.url,
             "--account-id", drip_sandbox.ACCOUNT_ID],
            env=env, check=True, capture_output=True,
        )  # fmt: skip
        keyed = {**env, "CART_COMPOSER_DRIP_API_KEY": key}
        commands: dict[str, tuple[list[str], dict[str, str], Path | None]] = {}
        if shutil.which("curl"):
            commands["curl"] = (
                ["curl", "-sS", "-o", "/dev/null", "-f", "-u", f"{key}:", "-H",
                 "Content-Type: application/json", "--data-binary", f"@{body}", url],
                env, None,
            )  # fmt: skip
        http = httpie()
        if http:
            commands["HTTPie"] = (
                [http, "--check-status", "-q", "-a", f"{key}:", "POST", url,
                 "Content-Type:application/json"],
                env, body,
            )  # fmt: skip
        else:
            print(f"HTTPie left out: pip could not install {HTTPIE} in the benchmark's venv")
        commands["send --base-url"] = (
            [*app, "send", cart, "--profile", "sandbox-drip", "--base-url", server.url],
            env,
            None,
        )
        commands["send --profile (user)"] = ([*app, "send", cart, "--profile", "mine"], keyed, None)
        commands["--version"] = ([*app, "--version"], env, None)
        commands["--help"] = ([*app, "--help"], env, None)
        for argv, run_env, stdin in commands.values():
            wall(argv, run_env, stdin)  # warm the file cache and write the bytecode caches
        times: dict[str, list[float]] = {name: [] for name in commands}
        for _ in range(args.runs):
            for name, (argv, run_env, stdin) in commands.items():
                times[name].append(wall(argv, run_env, stdin))
    print(f"median of {args.runs} interleaved runs, fresh processes, loopback sandbox")
    print(f"{'':24}{'median ms':>10}{'p90 ms':>9}{'x HTTPie':>10}")
    reference = statistics.median(times["HTTPie"]) if "HTTPie" in times else None
    for name, values in times.items():
        median = statistics.median(values)
        p90 = statistics.quantiles(values, n=10)[-1]
        ratio = f"{median / reference:10.2f}" if reference else f"{'—':>10}"
        print(f"{name:24}{median:10.0f}{p90:9.0f}{ratio}")


if __name__ == "__main__":
    main()
