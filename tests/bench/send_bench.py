"""Send overhead: the app's send (build the request, send, read and classify the answer) against
a bare `httpx.post` of the same bytes, both to the loopback sandbox.

    .venv/bin/python tests/bench/send_bench.py [--sends 500]

Interleaved in rounds of 10 so all see the same machine noise; prints the median and p95 per
send and the ratios. `httpx.post` makes a new client (and TLS trust store) per call; the "kept
Client" reuses one, as the app's sender does. Not part of the test run.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

import httpx

from app.paths import sample_cart
from app.profiles import new_profile
from app.providers import load_cart
from app.providers.drip import emulator as drip_sandbox
from app.providers.drip.provider import API_KEY_AUTH
from app.sandbox import Sandbox, SandboxConfig, SandboxServer
from app.sandbox.runtime import EmbeddedSandbox
from app.secrets import MemorySecretStore
from app.service.sender import Sender


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sends", type=int, default=500)
    args = parser.parse_args()
    config = SandboxConfig(settings={"drip": {"hourly_limit": 10**9}})
    with SandboxServer(Sandbox(config)) as server:
        profile = new_profile(
            "bench", "drip", base_url=server.url, account_id=drip_sandbox.ACCOUNT_ID
        )
        store = MemorySecretStore()
        store.set("bench", "drip_api_key", drip_sandbox.API_KEY)
        sender = Sender(store, environ={}, sandbox=EmbeddedSandbox())
        document = load_cart(sample_cart("drip")).document
        request = sender.preview(document, profile)
        # The same bytes and headers the app sends, with the real key.
        real = dict(request.wire_headers())
        real["Authorization"] = API_KEY_AUTH.header_value({"drip_api_key": drip_sandbox.API_KEY})
        app_times: list[float] = []
        bare_times: list[float] = []
        kept_times: list[float] = []
        kept = httpx.Client()
        for _ in range(args.sends // 10):
            for _ in range(10):
                started = time.perf_counter()
                result = sender.send(document, profile)
                app_times.append((time.perf_counter() - started) * 1000)
                assert result.status == 202, result.message
            for _ in range(10):
                started = time.perf_counter()
                response = httpx.post(request.url, content=request.body, headers=real)
                bare_times.append((time.perf_counter() - started) * 1000)
                assert response.status_code == 202
            for _ in range(10):
                started = time.perf_counter()
                response = kept.post(request.url, content=request.body, headers=real)
                kept_times.append((time.perf_counter() - started) * 1000)
                assert response.status_code == 202
        kept.close()
    for name, times in (
        ("app send", app_times),
        ("bare httpx.post", bare_times),
        ("bare kept Client", kept_times),
    ):
        times.sort()
        print(
            f"{name:16} median {statistics.median(times):6.2f} ms   "
            f"p95 {times[int(len(times) * 0.95) - 1]:6.2f} ms   ({len(times)} sends)"
        )
    app = statistics.median(app_times)
    print(f"app / httpx.post      {app / statistics.median(bare_times):.2f}")
    print(f"app / kept Client     {app / statistics.median(kept_times):.2f}")


if __name__ == "__main__":
    main()
