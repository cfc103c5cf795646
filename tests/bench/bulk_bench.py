"""Bulk: `cart-composer bulk 5000 --provider drip` through the batch endpoint of a loopback
sandbox running in a process of its own, as fresh processes.

    .venv/bin/python tests/bench/bulk_bench.py [--runs 5] [--carts 5000] [--provider drip]

Prints the median wall time of the whole command (start-up, generating the carts, writing
the batches, the history rows, the sandbox's own checks of every cart) and the carts per
second that makes, the run's own `seconds` (the sending part, from `--json`), and the CPU the
bulk process used (user + system) as a share of its wall time: near 100% of a core means the
command is limited by its own work, well under it by the wire and the in-flight bound (for the
providers sent one cart at a time: `--provider bronto`, `--provider mailchimp`). Not part of
the test run.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--carts", type=int, default=5000)
    parser.add_argument("--provider", default="drip")
    args = parser.parse_args()
    env = {k: v for k, v in os.environ.items() if not k.startswith("CART_COMPOSER_")}
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env["CART_COMPOSER_HOME"] = tempfile.mkdtemp(prefix="cc-bulk-bench-")
    app = [sys.executable, "-m", "app"]
    sandbox = subprocess.Popen(
        [*app, "sandbox", "--port", "0", "--drip-hourly-limit", "1000000000"],
        env=env,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert sandbox.stdout is not None
        first = sandbox.stdout.readline()  # "Cart Composer sandbox listening on URL  (…)"
        url = next(word for word in first.split() if word.startswith("http://"))
        command = [*app, "bulk", str(args.carts), "--provider", args.provider, "--base-url", url]
        command.append("--json")
        walls: list[float] = []
        runs: list[float] = []
        cpus: list[float] = []
        for index in range(args.runs + 1):
            before = resource.getrusage(resource.RUSAGE_CHILDREN)
            started = time.perf_counter()
            done = subprocess.run(command, env=env, capture_output=True, text=True)
            elapsed = time.perf_counter() - started
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
            cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
            if done.returncode != 0:
                raise SystemExit(f"bulk exited {done.returncode}: {done.stderr[-400:]}")
            outcome = json.loads(done.stdout)
            assert outcome["accepted"] == args.carts, outcome
            if index:  # the first run writes the bytecode caches
                walls.append(elapsed)
                runs.append(outcome["seconds"])
                cpus.append(cpu / elapsed)
    finally:
        sandbox.terminate()
        sandbox.wait(10)
    wall, run = statistics.median(walls), statistics.median(runs)
    print(f"{args.carts:,} {args.provider} carts, median of {args.runs} fresh processes")
    print(f"  whole command: {wall:.2f} s = {args.carts / wall:,.0f} carts/s")
    print(f"  the run alone: {run:.2f} s = {args.carts / run:,.0f} carts/s (after generating)")
    print(f"  CPU of the bulk process: {statistics.median(cpus):.0%} of its wall time")


if __name__ == "__main__":
    main()
