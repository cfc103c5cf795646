"""Putting one ``OutgoingRequest`` on the wire: timeouts, bounded retries, cancellation.

Retries happen only when the caller allows them, and only where the cart cannot have been
processed: a 429 or 503 (the server says "not now", honouring ``Retry-After``) or a connection
that was never made. A timeout or a dropped connection after the body left is never retried:
the cart may have arrived, and a second POST could create a second cart.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from email.utils import parsedate_to_datetime

import httpx

from app import __version__
from app.providers.base import OutgoingRequest, Provider
from app.transport.result import BODY_CAP, ErrorKind, SendResult, SlowAnswer, classify

__all__ = ["CancelToken", "Cancelled", "make_client", "request_timeout", "send_request"]

MAX_TRIES = 3
MAX_RETRY_WAIT = 120.0
_RETRY_STATUSES = (429, 503)


class Cancelled(Exception):
    """Raised inside a send when its ``CancelToken`` fires."""


class CancelToken:
    """Cancel a send from another thread: waits end at once and the client is closed, which
    breaks off a request in flight."""

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


def make_client(
    timeout: float = 30.0, transport: httpx.BaseTransport | None = None
) -> httpx.Client:
    """The one way the app makes an HTTP client: TLS verified, bounded waits, our User-Agent.
    Making one costs tens of milliseconds (the TLS trust store), so a sender keeps one."""
    return httpx.Client(
        timeout=request_timeout(timeout),
        verify=True,
        follow_redirects=False,
        headers={"User-Agent": f"CartComposer/{__version__}"},
        transport=transport,
    )


def _retry_after(response: httpx.Response) -> float:
    raw = response.headers.get("retry-after", "").strip()
    if not raw:
        return 1.0
    try:
        return min(max(float(raw), 0.0), MAX_RETRY_WAIT)
    except ValueError:
        pass
    try:
        moment = parsedate_to_datetime(raw)
    except (TypeError, ValueError):
        return 1.0
    return min(max(moment.timestamp() - time.time(), 0.0), MAX_RETRY_WAIT)


def send_request(
    request: OutgoingRequest,
    client: httpx.Client,
    provider: Provider,
    *,
    retry: bool = False,
    cancel: CancelToken | None = None,
    timeout: float = 30.0,
) -> SendResult:
    """Send ``request`` and describe what came back; never raises for network trouble."""
    cancel = cancel or CancelToken()
    started = time.perf_counter()
    result = SendResult(request)
    tries = MAX_TRIES if retry else 1
    for attempt in range(1, tries + 1):
        result.attempts = attempt
        try:
            cancel.check()
            response, body, size = _one_cancellable(request, client, cancel, timeout)
        except Cancelled:
            message = "Cancelled before an answer came; the cart may or may not have arrived."
            return _finish(result, started, ErrorKind.CANCELLED, message)
        except httpx.HTTPError as exc:
            if cancel.cancelled:
                message = "Cancelled; the cart may or may not have arrived."
                return _finish(result, started, ErrorKind.CANCELLED, message)
            kind, message = classify(exc, request.url, timeout)
            never_sent = kind in (ErrorKind.CONNECTION_REFUSED, ErrorKind.DNS)
            if retry and never_sent and attempt < tries:
                result.notes.append(f"Try {attempt}: {message} Trying again.")
                try:
                    cancel.wait(1.0)
                except Cancelled:
                    return _finish(result, started, ErrorKind.CANCELLED, "Cancelled.")
                continue
            return _finish(result, started, kind, message)
        _fill(result, response, body, size, provider)
        if response.status_code in _RETRY_STATUSES and retry and attempt < tries:
            wait = _retry_after(response)
            result.notes.append(
                f"Try {attempt}: {response.status_code} {response.reason_phrase}; "
                f"waiting {wait:g} s as the server asked."
            )
            try:
                cancel.wait(wait)
            except Cancelled:
                return _finish(result, started, ErrorKind.CANCELLED, "Cancelled while waiting.")
            continue
        break
    result.elapsed = time.perf_counter() - started
    return result


def _one_cancellable(
    request: OutgoingRequest, client: httpx.Client, cancel: CancelToken, timeout: float
) -> tuple[httpx.Response, bytes, int]:
    """``_one`` on a helper thread, so a cancel returns at once even while a read is blocked.
    The abandoned request ends by itself at its timeout; the shared client stays usable."""
    outcome: list[tuple[httpx.Response, bytes, int]] = []
    failure: list[BaseException] = []
    finished = threading.Event()

    def work() -> None:
        try:
            outcome.append(_one(request, client, timeout))
        except BaseException as exc:  # handed to the caller's thread below
            failure.append(exc)
        finally:
            finished.set()

    threading.Thread(target=work, name="cart-composer-send", daemon=True).start()
    while not finished.wait(0.02):
        cancel.check()
    if failure:
        raise failure[0]
    return outcome[0]


def request_timeout(seconds: float) -> httpx.Timeout:
    """``seconds`` for every wait, but at most 10 s to connect."""
    return httpx.Timeout(seconds, connect=min(seconds, 10.0))


def _one(
    request: OutgoingRequest, client: httpx.Client, timeout: float
) -> tuple[httpx.Response, bytes, int]:
    """The response, its body up to ``BODY_CAP`` and the body's full size."""
    wire = client.build_request(
        request.method,
        request.url,
        headers=list(request.wire_headers()),
        content=request.body,
        timeout=request_timeout(timeout),
    )
    # httpx's read timeout is per read: a server that trickles a byte at a time never trips it.
    # The whole answer must arrive within ``timeout`` of sending.
    deadline = time.monotonic() + timeout
    response = client.send(wire, stream=True)
    try:
        chunks: list[bytes] = []
        size = 0
        for chunk in response.iter_bytes():
            chunks.append(chunk[: BODY_CAP - size])
            size += len(chunk)
            if size > BODY_CAP:
                # The rest would be thrown away: stop reading (the connection is closed) and
                # take the full size from Content-Length when the server gave one.
                size = max(size, _declared_length(response))
                break
            if time.monotonic() > deadline:
                raise SlowAnswer(f"{size} bytes of the body had arrived", request=wire)
    finally:
        response.close()
    return response, b"".join(chunks), size


def _declared_length(response: httpx.Response) -> int:
    try:
        return max(int(response.headers.get("content-length", "")), 0)
    except ValueError:
        return 0


def _fill(
    result: SendResult, response: httpx.Response, body: bytes, size: int, provider: Provider
) -> None:
    result.status = response.status_code
    result.reason = response.reason_phrase
    result.headers = tuple(response.headers.multi_items())
    result.body = body
    result.body_size = size
    result.error_kind = None
    if size > BODY_CAP and 200 <= response.status_code < 300:
        # A success whose body cannot be read whole: the provider's id cannot be trusted.
        result.error_kind = ErrorKind.INVALID_RESPONSE
        known = _declared_length(response) == size
        how_big = _megabytes(size) if known else f"more than {_megabytes(BODY_CAP)}"
        result.message = (
            f"The server answered {response.status_code} with a body of {how_big}, more than "
            f"the {_megabytes(BODY_CAP)} kept; the start of it is shown."
        )
        return
    try:
        result.provider_id, result.problems = provider.read_response(
            response.status_code, response.headers, result.body
        )
    except ValueError as exc:
        result.error_kind = ErrorKind.INVALID_RESPONSE
        result.message = f"The server answered {response.status_code} but {exc}."
        return
    if 200 <= response.status_code < 300:
        ident = f" · {result.provider_id}" if result.provider_id else ""
        result.message = f"{response.status_code} {response.reason_phrase}{ident}"
        return
    result.error_kind = ErrorKind.HTTP_STATUS
    first = next(iter(result.problems), None)
    said = ""
    if first is not None:
        said = f": {first[0]}: {first[1]}" if first[0] else f": {first[1]}"
    more = len(result.problems) - 1
    tail = f" (and {more} more)" if more > 0 else ""
    result.message = f"{response.status_code} {response.reason_phrase}{said}{tail}"


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):.1f} MB"


def _finish(result: SendResult, started: float, kind: ErrorKind, message: str) -> SendResult:
    result.error_kind = kind
    result.message = message
    result.elapsed = time.perf_counter() - started
    return result
