"""The HTTP door itself: loopback only, clean start and stop, concurrency, and the CLI."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import threading

import httpx
import pytest

from app.sandbox import Sandbox, SandboxServer
from app.sandbox import config as creds
from tests.conftest import GOLDEN
from tests.sandbox.conftest import drip_basic


def test_it_listens_on_loopback_only_and_frees_its_port() -> None:
    server = SandboxServer()
    url = server.start()
    assert url.startswith("http://127.0.0.1:")
    port = int(url.rsplit(":", 1)[1])
    assert httpx.get(url + "/_sandbox").status_code == 200
    server.stop()
    with pytest.raises(httpx.ConnectError):
        httpx.get(url + "/_sandbox", timeout=2)
    # The port is free again: a new server can take it.
    with SandboxServer(port=port) as again:
        assert again.url == url


def test_200_requests_from_8_threads_are_all_recorded_once() -> None:
    sandbox = Sandbox()
    body = (GOLDEN / "drip-doc-example.expected.json").read_bytes()
    path = f"/v3/{creds.DRIP_ACCOUNT_ID}/shopper_activity/cart"
    errors: list[BaseException] = []

    def worker(thread: int) -> None:
        try:
            with httpx.Client(base_url=server.url, timeout=20) as client:
                for n in range(25):
                    marked = body.replace(
                        b'"cart_id": "456445746"', f'"cart_id": "{thread}-{n}"'.encode()
                    )
                    response = client.post(
                        path, content=marked, headers={"Authorization": drip_basic()}
                    )
                    assert response.status_code == 202, response.text
        except BaseException as exc:  # reported below, on the main thread
            errors.append(exc)

    with SandboxServer(sandbox) as server:
        threads = [threading.Thread(target=worker, args=(t,)) for t in range(8)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    assert errors == []
    log = sandbox.requests()
    assert len(log) == 200
    assert sorted(r.id for r in log) == list(range(1, 201))
    cart_ids = sorted(json.loads(r.body)["cart_id"] for r in log)
    assert cart_ids == sorted(f"{t}-{n}" for t in range(8) for n in range(25))
    assert len({a["request_id"] for a in sandbox.drip.accepted}) == 200


def test_chunked_request_bodies_are_read() -> None:
    body = (GOLDEN / "drip-doc-example.expected.json").read_bytes()

    def chunks():  # an iterator makes httpx send Transfer-Encoding: chunked
        yield body[:100]
        yield body[100:]

    with SandboxServer() as server:
        response = httpx.post(
            f"{server.url}/v3/{creds.DRIP_ACCOUNT_ID}/shopper_activity/cart",
            content=chunks(),
            headers={"Authorization": drip_basic()},
        )
    assert response.status_code == 202


@pytest.mark.skipif(shutil.which("curl") is None, reason="curl is not installed")
def test_the_cli_sandbox_prints_its_url_answers_curl_and_stops_on_ctrl_c() -> None:
    process = subprocess.Popen(
        [sys.executable, "-m", "app", "sandbox", "--port", "0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    try:
        assert process.stdout is not None
        first = process.stdout.readline()
        assert first.startswith("Cart Composer sandbox listening on http://127.0.0.1:")
        url = first.split(" on ", 1)[1].split()[0]
        done = subprocess.run(
            [
                "curl", "-sS", "-u", f"{creds.DRIP_API_KEY}:",
                "-H", "Content-Type: application/json",
                "--data-binary", f"@{GOLDEN / 'drip-doc-example.expected.json'}",
                "-w", "\n%{http_code}",
                f"{url}/v3/{creds.DRIP_ACCOUNT_ID}/shopper_activity/cart",
            ],
            capture_output=True, text=True, timeout=30, check=True,
        )  # fmt: skip
        body, status = done.stdout.rsplit("\n", 1)
        assert status == "202"
        assert list(json.loads(body)) == ["request_id"]
    finally:
        process.send_signal(signal.SIGINT)
        out, err = process.communicate(timeout=10)
    assert process.returncode == 0, err
    assert out.rstrip().endswith("Sandbox stopped.")


def test_the_cli_sandbox_explains_a_busy_port() -> None:
    with SandboxServer() as server:
        port = server.url.rsplit(":", 1)[1]
        done = subprocess.run(
            [sys.executable, "-m", "app", "sandbox", "--port", port],
            capture_output=True, text=True, timeout=30,
        )  # fmt: skip
    assert done.returncode == 2
    assert done.stderr.startswith(f"The sandbox could not listen on 127.0.0.1:{port}:")
