"""Hostile or broken servers: every answer the app reads — Bronto's token, a cart's answer, a
batch, "Test connection" — is cut at a size cap (decoded bytes) and at the user's deadline, and
a token endpoint that answers something other than a token says what came back."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from app.paths import sample_cart
from app.profiles import BUILTIN_PROFILES, new_profile
from app.providers import load_cart
from app.providers.drip import emulator as drip_sandbox
from app.sandbox import Fault, SandboxServer
from app.sandbox.runtime import EmbeddedSandbox
from app.secrets import MemorySecretStore
from app.service.sender import Overrides, Sender
from app.transport import ErrorKind
from app.transport.exchange import Deadline, exchange
from app.transport.send import make_client
from tests.hostile import HostileServer

DRIP = load_cart(sample_cart("drip")).document
BRONTO = load_cart(sample_cart("bronto")).document

# A command-line run, in a process of its own, that reports its own peak memory (KiB) last:
# VmHWM, its address space's high-water mark. (ru_maxrss would not do: Linux carries it over
# from the parent across fork and exec, so a child of a big pytest process reports the
# parent's size.)
_MEASURED = """
import resource, sys
from app.cli.main import main
code = main(sys.argv[1:])
sys.stdout.flush()
try:
    with open("/proc/self/status") as status:
        peak = next(int(l.split()[1]) for l in status if l.startswith("VmHWM:"))
except (OSError, StopIteration):
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print("peak-kib", peak, file=sys.stderr)
sys.exit(code)
"""


@pytest.fixture
def sandbox() -> Iterator[SandboxServer]:
    with SandboxServer() as running:
        yield running


def measured_cli(home: Path, *args: str) -> tuple[int, str, int, float]:
    """Exit code, stderr, peak RSS in MiB and wall time of ``cart-composer ARGS``."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("CART_COMPOSER_")}
    started = time.monotonic()
    done = subprocess.run(
        [sys.executable, "-c", _MEASURED, *args],
        capture_output=True,
        text=True,
        timeout=120,
        env={**env, "CART_COMPOSER_HOME": str(home)},
    )
    wall = time.monotonic() - started
    lines = done.stderr.strip().splitlines()
    assert lines and lines[-1].startswith("peak-kib "), done.stderr
    return done.returncode, "\n".join(lines[:-1]), int(lines[-1].split()[1]) // 1024, wall


@pytest.mark.parametrize("path", ["/huge", "/gzip-bomb"])
def test_a_token_answer_of_gigabytes_stops_at_the_cap_and_says_so(
    sandbox: SandboxServer, tmp_path: Path, path: str
) -> None:
    with HostileServer() as hostile:
        code, err, peak, wall = measured_cli(
            tmp_path,
            "send",
            str(sample_cart("bronto")),
            "--base-url",
            sandbox.url,
            "--auth-url",
            hostile.url + path,
            "--timeout",
            "20",
        )
    # Before: 13.8 GB for 5 GB of answer, 2.1 GB for the gzip bomb.
    assert peak < 300, f"{peak} MiB"
    assert code == 3, err
    assert "larger than 1 MB: this is not Bronto's token endpoint" in err, err
    assert wall < 20


@pytest.mark.parametrize("path", ["/trickle-body", "/trickle-headers"])
def test_a_trickled_token_answer_ends_at_the_users_timeout(
    sandbox: SandboxServer, tmp_path: Path, path: str
) -> None:
    with HostileServer() as hostile:
        code, err, _, wall = measured_cli(
            tmp_path,
            "send",
            str(sample_cart("bronto")),
            "--base-url",
            sandbox.url,
            "--auth-url",
            hostile.url + path,
            "--timeout",
            "2",
        )
    assert code == 3, err
    assert "Failed (timeout)" in err, err
    # Before: 25 s past --timeout 3. The process's own start-up counts here too.
    assert wall < 2 + 5, wall


@pytest.mark.parametrize("path", ["/huge", "/gzip-bomb"])
def test_a_carts_answer_of_gigabytes_stops_at_the_cap(tmp_path: Path, path: str) -> None:
    with HostileServer(every=path.strip("/")) as hostile:
        code, err, peak, _ = measured_cli(
            tmp_path,
            "send",
            str(sample_cart("drip")),
            "--base-url",
            hostile.url,
            "--timeout",
            "20",
        )
    assert peak < 300, f"{peak} MiB"
    assert code == 3, err
    assert "more than the 2 MB kept" in err, err


def test_the_deadline_ends_the_socket_read_not_only_the_wait() -> None:
    """A helper thread left reading trickled headers for hours would hold the connection: the
    read itself must end at the deadline (the server sees the client hang up)."""
    with HostileServer() as hostile, make_client() as client:
        request = client.build_request("GET", hostile.url + "/trickle-headers")
        started = time.monotonic()
        with pytest.raises(httpx.TimeoutException):
            exchange(client, request, cap=1024, deadline=Deadline.after(1.0))
        assert time.monotonic() - started < 2.0
        deadline = time.monotonic() + 5
        while not hostile.ended and time.monotonic() < deadline:
            time.sleep(0.05)
        assert hostile.ended, "the server was still sending headers to a reader left behind"
        assert hostile.ended[0][1] - started < 3.0


def test_a_batch_and_a_test_connection_are_bounded_too() -> None:
    store = MemorySecretStore()
    store.set("hostile", "drip_api_key", drip_sandbox.API_KEY)
    with HostileServer(every="gzip-bomb") as hostile:
        profile = new_profile("hostile", "drip", base_url=hostile.url, account_id="1")
        sender = Sender(store, environ={}, sandbox=EmbeddedSandbox())
        batch = sender.send_batch([DRIP, DRIP], profile)
        assert batch.error_kind is ErrorKind.INVALID_RESPONSE
        assert len(batch.body) <= 2 * 1024 * 1024 < batch.body_size
        check = sender.test_connection(profile)
        assert not check.ok
        assert "larger than 1 MB: this is not Drip's API" in check.message


@pytest.mark.parametrize(
    ("path", "kind", "words"),
    [
        (
            "/redirect",
            ErrorKind.HTTP_STATUS,
            "redirects to https://login.example.com/sso (302 Found)",
        ),
        (
            "/bad-gateway",
            ErrorKind.HTTP_STATUS,
            "Bronto's token endpoint failed (502 Bad Gateway); the client ID and secret were not "
            "checked",
        ),
        (
            "/accepted-junk",
            ErrorKind.INVALID_RESPONSE,
            "answered 202 Accepted, not 200 with a token: this is not Bronto's token endpoint",
        ),
        (
            "/refused",
            ErrorKind.AUTH,
            "Bronto refused the client ID and secret (401 Unauthorized: Bad client credentials)",
        ),
    ],
)
def test_a_token_answer_that_is_not_a_token_says_what_came_back(
    sandbox: SandboxServer, path: str, kind: ErrorKind, words: str
) -> None:
    with HostileServer() as hostile:
        overrides = Overrides(base_url=sandbox.url, settings={"token_url": hostile.url + path})
        result = Sender(MemorySecretStore(), environ={}, sandbox=EmbeddedSandbox()).send(
            BRONTO, BUILTIN_PROFILES["sandbox-bronto"], overrides
        )
    assert result.error_kind is kind
    assert words in result.message, result.message
    if kind is not ErrorKind.AUTH:  # only a refusal sends the user to the credentials
        assert "refused" not in result.message
    assert not [r for r in sandbox.sandbox.requests() if r.path == "/carts"]


def test_the_time_reported_includes_getting_the_token(sandbox: SandboxServer) -> None:
    sandbox.sandbox.add_fault(Fault(latency_ms=400, path_prefix="/oauth2/"))
    overrides = Overrides(base_url=sandbox.url)
    result = Sender(MemorySecretStore(), environ={}, sandbox=EmbeddedSandbox()).send(
        BRONTO, BUILTIN_PROFILES["sandbox-bronto"], overrides
    )
    assert result.status == 201
    assert result.elapsed >= 0.4


def test_the_token_and_its_request_share_one_deadline(sandbox: SandboxServer) -> None:
    # 0.8 s for the token and 0.8 s for the cart: each within a 1.2 s timeout, not both.
    sandbox.sandbox.add_fault(Fault(latency_ms=800, path_prefix="/oauth2/"))
    sandbox.sandbox.add_fault(Fault(latency_ms=800, path_prefix="/carts"))
    started = time.monotonic()
    result = Sender(MemorySecretStore(), environ={}, sandbox=EmbeddedSandbox()).send(
        BRONTO, BUILTIN_PROFILES["sandbox-bronto"], Overrides(base_url=sandbox.url, timeout=1.2)
    )
    assert result.error_kind is ErrorKind.TIMEOUT
    assert time.monotonic() - started < 1.2 + 0.6


def test_sends_one_after_another_reuse_a_helper_thread(
    sandbox: SandboxServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each exchange runs on a helper thread (so a cancel returns at once); they wait for the
    next one instead of starting a thread a send, and a send still gets its answer."""
    import threading

    from app.transport import exchange as module

    started: list[str] = []

    class Counted(threading.Thread):
        def start(self) -> None:
            started.append(self.name)
            super().start()

    monkeypatch.setattr(module.threading, "Thread", Counted)
    with make_client() as client:
        for _ in range(20):
            request = client.build_request("GET", sandbox.url + "/")
            answer = exchange(client, request, cap=1 << 20, deadline=Deadline.after(10))
            assert answer.response.status_code == 200
    # (The sandbox's own threads are counted too; only the helpers are asked about.)
    helpers = [name for name in started if name == "cart-composer-http"]
    assert len(helpers) <= 1  # none when a helper from an earlier test is waiting
