"""Putting one ``OutgoingRequest`` on the wire: timeouts, bounded retries, cancellation.

Retries happen only when the caller allows them, and only where the cart cannot have been
processed: a 429 or 503 that says when to come back (``Retry-After``, at most two minutes) or
a connection that was never made. A 429 that says nothing is most likely an hourly allowance
used up (Drip's says "try again in an hour"): a retry seconds later would only spend it. A
timeout or a dropped connection after the body left is never retried: the cart may have
arrived, and a second POST could create a second cart.
"""

from __future__ import annotations

import time
from email.utils import parsedate_to_datetime

import httpx

from app import __version__
from app.domain.redaction import is_secret_header, mask_header_value
from app.domain.sizes import size_text
from app.logs import mask_secrets, register_secret
from app.providers.base import OutgoingRequest, Provider
from app.transport.auth import ProviderAuth
from app.transport.exchange import Answer, Cancelled, CancelToken, Deadline, exchange
from app.transport.network import Route, route_for
from app.transport.oauth import TokenError
from app.transport.result import BODY_CAP, ErrorKind, SendResult, classify

__all__ = [
    "CancelToken",
    "Cancelled",
    "Deadline",
    "make_client",
    "request_timeout",
    "send_request",
]

MAX_TRIES = 3
MAX_RETRY_WAIT = 120.0
_RETRY_STATUSES = (429, 503)


def make_client(
    timeout: float = 30.0, transport: httpx.BaseTransport | None = None
) -> httpx.Client:
    """The one way the app makes an HTTP client: TLS verified, the system proxy (never for
    loopback), bounded waits, our User-Agent. A sender keeps one (its connections are reused);
    the TLS trust store behind them all is parsed once a process (``shared_ssl_context``)."""
    from app.transport.network import RoutingTransport

    return httpx.Client(
        timeout=request_timeout(timeout),
        follow_redirects=False,
        # gzip and deflate only: what the bounded reader's cap is measured against.
        headers={"User-Agent": f"CartComposer/{__version__}", "Accept-Encoding": "gzip, deflate"},
        # The system proxy and certificates are honoured by RoutingTransport, which says so
        # with every answer; httpx's own reading of the environment is off.
        trust_env=False,
        transport=transport if transport is not None else RoutingTransport(),
    )


def retry_after(response: httpx.Response) -> float | None:
    """How many seconds ``Retry-After`` asks for (seconds or an HTTP date), None if it says
    nothing usable."""
    raw = response.headers.get("retry-after", "").strip()
    if not raw:
        return None
    try:
        seconds = float(raw)
    except ValueError:
        try:
            seconds = parsedate_to_datetime(raw).timestamp() - time.time()
        except (TypeError, ValueError, OverflowError):
            return None
    return max(seconds, 0.0) if seconds == seconds else None  # NaN says nothing


def send_request(
    request: OutgoingRequest,
    client: httpx.Client,
    provider: Provider,
    *,
    retry: bool = False,
    cancel: CancelToken | None = None,
    timeout: float = 30.0,
    deadline: Deadline | None = None,
    auth: ProviderAuth | None = None,
) -> SendResult:
    """Send ``request`` with ``auth`` and describe what came back; never raises for network
    trouble, nor when no token could be had.

    ``deadline`` bounds the first try (by default ``timeout`` from now; an auth that fetches a
    token spends it too) and a round the auth asks for after a refused token; a retry the
    server asked for (429/503 with ``retry``) gets ``timeout`` of its own."""
    cancel = cancel or CancelToken()
    started = time.perf_counter()
    result = SendResult(request, route=route_for(request.url).describe())
    tries = MAX_TRIES if retry else 1
    limit = deadline or Deadline.after(timeout)
    attempt = 0
    renewed = False
    while True:
        if not renewed:
            attempt += 1
            limit = limit if attempt == 1 else Deadline.after(timeout)
        renewed = False
        result.attempts = attempt
        try:
            cancel.check()
            wired = wire_request(client, request)
            raw = ((n.decode("ascii"), v.decode("latin-1")) for n, v in wired.headers.raw)
            # Raw: the names as written, not lower-cased; credentials masked.
            result.sent_headers = tuple((n, mask_header_value(n, v)) for n, v in raw)
            answer = exchange(
                client,
                wired,
                cap=BODY_CAP,
                deadline=limit,
                cancel=cancel,
                auth=auth,
            )
        except TokenError as exc:
            return _finish(result, started, exc.kind, str(exc))
        except Cancelled:
            if auth is not None and auth.fetching:
                message = f"Cancelled while getting a {auth.service} token; nothing was sent."
            else:
                message = "Cancelled before an answer came; the cart may or may not have arrived."
            return _finish(result, started, ErrorKind.CANCELLED, message)
        except (httpx.HTTPError, httpx.InvalidURL) as exc:
            # InvalidURL: httpx refuses the host (IDNA) before anything leaves.
            if cancel.cancelled:
                message = "Cancelled; the cart may or may not have arrived."
                return _finish(result, started, ErrorKind.CANCELLED, message)
            kind, message = classify(exc, request.url, limit.seconds)
            if auth is not None and auth.fetching:
                # The deadline passed while the token was on its way: the cart never left.
                kind, message = classify(exc, auth.token_url, limit.seconds)
                message = f"Getting a {auth.service} token failed. {message}"
            never_sent = kind in (ErrorKind.CONNECTION_REFUSED, ErrorKind.DNS)
            if retry and never_sent and attempt < tries:
                result.notes.append(f"Try {attempt}: {message} Trying again.")
                try:
                    cancel.wait(1.0)
                except Cancelled:
                    return _finish(result, started, ErrorKind.CANCELLED, "Cancelled.")
                continue
            return _finish(result, started, kind, message)
        _fill(result, answer, provider)
        if auth is not None and auth.renew_after(result):
            renewed = True  # the same try, within the same deadline, with new credentials
            continue
        response = answer.response
        if response.status_code in _RETRY_STATUSES and retry and attempt < tries:
            wait = retry_after(response)
            said = f"Try {attempt}: {response.status_code} {response.reason_phrase}"
            if wait is None:
                result.notes.append(
                    f"{said} with no Retry-After: not retried (a limit that says nothing is "
                    "most likely an hourly allowance used up, which a retry would only spend)."
                )
                break
            if wait > MAX_RETRY_WAIT:
                result.notes.append(
                    f"{said}; the server asks to wait {wait:g} s, longer than the "
                    f"{MAX_RETRY_WAIT:g} s a retry waits: not retried."
                )
                break
            result.notes.append(f"{said}; waiting {wait:g} s as the server asked.")
            try:
                cancel.wait(wait)
            except Cancelled:
                return _finish(result, started, ErrorKind.CANCELLED, "Cancelled while waiting.")
            continue
        break
    result.elapsed = time.perf_counter() - started
    return result


def request_timeout(seconds: float) -> httpx.Timeout:
    """``seconds`` for every wait, but at most 10 s to connect."""
    return httpx.Timeout(seconds, connect=min(seconds, 10.0))


def wire_request(client: httpx.Client, request: OutgoingRequest) -> httpx.Request:
    headers: list[tuple[bytes, bytes]] = []
    for name, value in request.wire_headers():
        if is_secret_header(name):
            # Whatever quotes this header (an error, a server echoing it back) is masked.
            register_secret(value)
            register_secret(value.partition(" ")[2])
        # Latin-1, as HTTP/1.1 has it (httpx would take ASCII only); every secret was checked
        # to be Latin-1 without control characters when it was read.
        headers.append((name.encode("ascii"), value.encode("latin-1")))
    return client.build_request(request.method, request.url, headers=headers, content=request.body)


def _fill(result: SendResult, answer: Answer, provider: Provider) -> None:
    response = answer.response
    route = response.extensions.get("route")
    if isinstance(route, Route):  # the way it really went (a test's mock transport has none)
        result.route = route.describe()
    result.status = response.status_code
    result.reason = response.reason_phrase
    result.headers = tuple(response.headers.multi_items())
    result.body = answer.body
    result.body_size = answer.size
    result.error_kind = None
    if answer.cut and 200 <= response.status_code < 300:
        # A success whose body cannot be read whole: the provider's id cannot be trusted.
        result.error_kind = ErrorKind.INVALID_RESPONSE
        kept = size_text(BODY_CAP)
        how_big = size_text(answer.size) if answer.size_known else f"more than {kept}"
        result.message = (
            f"The server answered {response.status_code} with a body of {how_big}, more than "
            f"the {kept} kept; the start of it is shown."
        )
        return
    try:
        result.provider_id, problems = provider.read_response(
            response.status_code, response.headers, result.body
        )
    except ValueError as exc:
        result.error_kind = ErrorKind.INVALID_RESPONSE
        result.message = mask_secrets(f"The server answered {response.status_code} but {exc}.")
        return
    # A server's words may quote what it was sent (a token it calls invalid): masked.
    result.problems = tuple((mask_secrets(a), mask_secrets(m)) for a, m in problems)
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


def _finish(result: SendResult, started: float, kind: ErrorKind, message: str) -> SendResult:
    result.error_kind = kind
    result.message = message
    result.elapsed = time.perf_counter() - started
    return result
