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

from app.providers.drip import emulator as drip_sandbox
from app.sandbox import Sandbox, SandboxServer
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
    path = f"/v3/{drip_sandbox.ACCOUNT_ID}/shopper_activity/cart"
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
    assert len({a["request_id"] for a in sandbox.emulators["drip"].accepted}) == 200


def test_chunked_request_bodies_are_read() -> None:
    body = (GOLDEN / "drip-doc-example.expected.json").read_bytes()

    def chunks():  # an iterator makes httpx send Transfer-Encoding: chunked
        yield body[:100]
        yield body[100:]

    with SandboxServer() as server:
        response = httpx.post(
            f"{server.url}/v3/{drip_sandbox.ACCOUNT_ID}/shopper_activity/cart",
            content=chunks(),
            headers={"Authorization": drip_basic()},
        )
    assert response.status_code == 202


@pytest.mark.skipif(shutil.which("curl") is None, reason="curl is not installed")
def test_the_cli_sandbox_prints_its_url_answers_curl_and_stops_on_ctrl_c() -> None:
    process = subprocess.Popen(
        [sys.executable, "-m", "app", "sandbox", "--port", "0", "--mode", "explain"],
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
        # Each provider's line says its settings and secrets in one column after the labels.
        lines = [process.stdout.readline() for _ in range(5)]
        assert lines[0] == "  Mode:      explain\n"
        assert [line[:13] for line in lines[1:]] == [
            "  Drip:      ",
            "  Bronto:    ",
            "  Klaviyo:   ",
            "  Mailchimp: ",
        ]
        assert lines[4][13:].startswith("store id sandbox-store, Mailchimp API key ")
        done = subprocess.run(
            [
                "curl",
                "-sS",
                "-u",
                f"{drip_sandbox.API_KEY}:",
                "-H",
                "Content-Type: application/json",
                "--data-binary",
                f"@{GOLDEN / 'drip-doc-example.expected.json'}",
                "-w",
                "\n%{http_code}",
                f"{url}/v3/{drip_sandbox.ACCOUNT_ID}/shopper_activity/cart",
            ],
            capture_output=True,
            text=True,
            timeout=30,
            check=True,
        )
        body, status = done.stdout.rsplit("\n", 1)
        assert status == "202"
        assert list(json.loads(body)) == ["request_id"]
        info = subprocess.run(
            ["curl", "-sS", f"{url}/_sandbox"],
            capture_output=True,
            text=True,
            timeout=30,
            check=True,
        )
        assert json.loads(info.stdout)["mode"] == "explain"
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
            capture_output=True,
            text=True,
            timeout=30,
        )
    assert done.returncode == 2
    assert done.stderr.startswith(f"The sandbox could not listen on 127.0.0.1:{port}:")


# --- only for its own users: not for web pages the user visits --------------------------------


def test_a_request_for_another_host_is_refused() -> None:
    """DNS rebinding: a page on evil.example whose name now resolves to 127.0.0.1 sends
    Host: evil.example. The sandbox must not answer it (the request log holds emails)."""
    with SandboxServer() as server:
        port = server.url.rsplit(":", 1)[1]
        for host in ("evil.example", f"evil.example:{port}", "127.0.0.1:1", ""):
            response = httpx.get(server.url + "/_sandbox/requests", headers={"Host": host})
            assert response.status_code == 421, host
            assert "answers only requests for 127.0.0.1:" in response.json()["error"]
        for host in (f"127.0.0.1:{port}", f"localhost:{port}", f"LOCALHOST:{port}"):
            response = httpx.get(server.url + "/_sandbox/requests", headers={"Host": host})
            assert response.status_code == 200, host


def test_a_request_from_a_web_page_is_refused_and_changes_nothing() -> None:
    """A cross-site text/plain POST needs no preflight: the Origin header gives it away."""
    with SandboxServer() as server:
        response = httpx.post(
            server.url + "/_sandbox/faults",
            content=b'{"status": 500}',
            headers={"Origin": "https://evil.example", "Content-Type": "application/json"},
        )
        assert response.status_code == 403
        assert (
            "refuses requests from web pages (Origin: https://evil.example)"
            in (response.json()["error"])
        )
        assert server.sandbox.faults() == []
        for origin in ("null", "http://127.0.0.1:1"):
            assert (
                httpx.get(server.url + "/_sandbox", headers={"Origin": origin}).status_code == 403
            )
        # Its own pages' origin is fine, and so is no Origin at all (the app, curl).
        own = httpx.get(server.url + "/_sandbox", headers={"Origin": server.url})
        assert own.status_code == 200
        assert httpx.get(server.url + "/_sandbox").status_code == 200


def test_curl_still_drives_the_sandbox() -> None:
    if shutil.which("curl") is None:
        pytest.skip("curl is not installed")
    with SandboxServer() as server:
        done = subprocess.run(
            [
                "curl",
                "-s",
                "-o",
                "/dev/null",
                "-w",
                "%{http_code}",
                "-X",
                "POST",
                "-H",
                "Content-Type: application/json",
                "-d",
                '{"status": 503}',
                server.url + "/_sandbox/faults",
            ],
            capture_output=True,
            text=True,
            timeout=30,
        )
        assert done.stdout == "201"
        assert [f.status for f in server.sandbox.faults()] == [503]


def test_a_chunked_upload_is_capped_like_any_body(monkeypatch: pytest.MonkeyPatch) -> None:
    from app.sandbox import server as door

    monkeypatch.setattr(door, "_MAX_BODY", 1024 * 1024)

    def chunks() -> object:
        for _ in range(400):  # 400 x 64 KB = 25 MB, well past the (shrunk) cap
            yield b"x" * 65536

    with SandboxServer() as server:
        try:
            response = httpx.post(
                server.url + f"/v3/{drip_sandbox.ACCOUNT_ID}/shopper_activity/cart",
                content=chunks(),
                headers={"Authorization": drip_basic()},  # type: ignore[arg-type]
                timeout=10,
            )
        except httpx.WriteError:
            pass  # the sandbox answered and hung up while the rest was still going out
        else:
            assert response.status_code == 413
            assert response.json() == {"error": "Request refused: the body is larger than 1 MB."}
            assert "larger than 1 MB" in response.json()["error"]
        assert server.sandbox.requests() == []  # never taken in, never logged
