"""One bounded HTTP exchange: every answer the app reads from a server comes through here.

Whatever the server does — a body of gigabytes, a gzip that inflates a thousandfold, a body
trickled a byte at a time, headers that never end — the read stops at a size cap counted in
*decoded* bytes and at the overall deadline the user set, and the caller returns at once on a
cancel. httpx's own timeouts are per read, so a trickle never trips them: the deadline is kept
here, between reads, and by the caller's thread, which stops waiting when it passes.
"""

from __future__ import annotations

import queue
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

import httpx

from app.transport.network import socket_deadline
from app.transport.result import SlowAnswer

__all__ = ["Answer", "CancelToken", "Cancelled", "Deadline", "exchange"]

# How long past the deadline the caller waits for the helper thread's own timeout to fire
# before it stops waiting (and reports the timeout) itself.
_GRACE = 0.25


class Cancelled(Exception):
    """Raised inside a send when its ``CancelToken`` fires."""


class CancelToken:
    """Cancel a send from another thread: waits end at once and the caller stops waiting for
    a request in flight."""

    def __init__(self) -> None:
        self._event = threading.Event()
        self._lock = threading.Lock()
        self._on_cancel: list[Callable[[], None]] = []

    @property
    def cancelled(self) -> bool:
        return self._event.is_set()

    def cancel(self) -> None:
        with self._lock:
            self._event.set()
            callbacks, self._on_cancel = self._on_cancel, []
        for callback in callbacks:
            callback()

    def on_cancel(self, callback: Callable[[], None]) -> None:
        with self._lock:
            if not self._event.is_set():
                self._on_cancel.append(callback)
                return
        callback()

    def wait(self, seconds: float) -> None:
        """Sleep, unless cancelled first (then ``Cancelled``)."""
        if self._event.wait(seconds):
            raise Cancelled()

    def check(self) -> None:
        if self._event.is_set():
            raise Cancelled()


@dataclass(frozen=True)
class Deadline:
    """The moment by which a whole operation (a Bronto token and the request it is for, say)
    must have its answer: ``seconds`` after it started."""

    seconds: float
    at: float

    @classmethod
    def after(cls, seconds: float) -> Deadline:
        return cls(seconds, time.monotonic() + seconds)

    def remaining(self) -> float:
        return max(self.at - time.monotonic(), 0.0)

    @property
    def passed(self) -> bool:
        return time.monotonic() >= self.at

    def timeout(self) -> httpx.Timeout:
        """httpx's per-read timeouts, none longer than what is left (at most 10 s to connect)."""
        left = max(self.remaining(), 0.001)
        return httpx.Timeout(left, connect=min(left, 10.0))


@dataclass(frozen=True)
class Answer:
    """A response read within bounds: status and headers, the body's start (at most the cap)
    and its full size as far as it is known (``cut`` when that is more than was kept)."""

    response: httpx.Response
    body: bytes
    size: int

    @property
    def cut(self) -> bool:
        return self.size > len(self.body)

    @property
    def size_known(self) -> bool:
        """Whether ``size`` is the body's real size (from Content-Length) or only a floor."""
        return not self.cut or _declared_length(self.response) == self.size


def exchange(
    client: httpx.Client,
    request: httpx.Request,
    *,
    cap: int,
    deadline: Deadline,
    cancel: CancelToken | None = None,
    auth: httpx.Auth | None = None,
) -> Answer:
    """Send ``request`` (with ``auth``, if given) and read its answer within ``cap`` decoded
    bytes and ``deadline``.

    Runs on a helper thread so that a cancel, or the deadline, returns at once even while a read
    is blocked; the abandoned read ends by itself at httpx's timeout or the cap. Raises what
    httpx raises (``SlowAnswer`` when the deadline passed mid-answer) and ``Cancelled``."""
    cancel = cancel or CancelToken()
    outcome: list[Answer] = []
    failure: list[BaseException] = []
    finished = threading.Event()

    def work() -> None:
        try:
            outcome.append(_read(client, request, cap, deadline, auth))
        except BaseException as exc:  # handed to the caller's thread below
            failure.append(exc)
        finally:
            finished.set()

    _on_helper(work)
    while not finished.wait(0.02):
        cancel.check()
        if time.monotonic() > deadline.at + _GRACE:
            # Headers trickled in a byte at a time: no single read times out, but the answer
            # is late all the same.
            raise SlowAnswer("the answer's headers had not all arrived", request=request)
    if failure:
        raise failure[0]
    return outcome[0]


# Helper threads wait for the next exchange rather than each send starting one (~0.3 ms of a
# loopback send here). One more starts whenever none is waiting: an abandoned read keeps its
# thread until httpx's timeout or the cap ends it. Daemons, so such a read never holds up the
# app's exit; at most _KEEP wait.
_KEEP = 4
_jobs: queue.SimpleQueue[Callable[[], None]] = queue.SimpleQueue()
_waiting = 0
_waiting_lock = threading.Lock()


def _on_helper(job: Callable[[], None]) -> None:
    """Run ``job`` (which must not raise) on a helper thread."""
    global _waiting
    with _waiting_lock:
        start = _waiting == 0
        if not start:
            _waiting -= 1
    _jobs.put(job)
    if start:
        threading.Thread(target=_helper, name="cart-composer-http", daemon=True).start()


def _helper() -> None:
    global _waiting
    while True:
        _jobs.get()()
        with _waiting_lock:
            if _waiting >= _KEEP:
                return
            _waiting += 1


def _read(
    client: httpx.Client,
    request: httpx.Request,
    cap: int,
    deadline: Deadline,
    auth: httpx.Auth | None,
) -> Answer:
    request.extensions["timeout"] = deadline.timeout().as_dict()
    with socket_deadline(deadline.at):  # every read, headers too, ends by the deadline
        return _read_within(client, request, cap, deadline, auth)


def _read_within(
    client: httpx.Client,
    request: httpx.Request,
    cap: int,
    deadline: Deadline,
    auth: httpx.Auth | None,
) -> Answer:
    response = client.send(request, stream=True, auth=auth)
    try:
        chunks: list[bytes] = []
        size = 0
        try:
            # iter_bytes() decodes gzip/deflate, so the cap counts what the body inflates to.
            for chunk in response.iter_bytes():
                if size < cap:
                    chunks.append(chunk[: cap - size])
                size += len(chunk)
                if size > cap:
                    # The rest would be thrown away: stop reading (the connection is closed)
                    # and take the full size from Content-Length when the server gave one.
                    size = max(size, _declared_length(response))
                    break
                if deadline.passed:
                    raise SlowAnswer(f"{size} bytes of the body had arrived", request=request)
        except httpx.TimeoutException as exc:
            if isinstance(exc, SlowAnswer):
                raise
            # The answer had begun: say so, rather than "no answer".
            raise SlowAnswer(f"{size} bytes of the body had arrived", request=request) from exc
    finally:
        response.close()
    return Answer(response, b"".join(chunks), size)


def _declared_length(response: httpx.Response) -> int:
    if response.headers.get("content-encoding", "identity").lower() not in ("", "identity"):
        return 0  # the length on the wire, not what it inflates to
    try:
        return max(int(response.headers.get("content-length", "")), 0)
    except ValueError:
        return 0
