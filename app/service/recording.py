"""Writing sends into the history: a pending row before the request leaves, completed after."""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from urllib.parse import parse_qsl, urlsplit

from app.domain import jsonfmt
from app.history.store import HistoryEntry, HistoryError, HistoryStore
from app.logs import mask_secrets, mask_secrets_in
from app.profiles import Profile
from app.providers import CartDocument, OutgoingRequest, get_provider
from app.transport.result import ErrorKind, SendResult

__all__ = ["entry_document", "finish", "outcome", "recorded", "start"]


def start(
    history: HistoryStore,
    request: OutgoingRequest,
    document: CartDocument,
    profile: Profile,
    source: str,
    operation: str | None = None,
) -> int:
    """Record ``request`` (headers masked) as pending; returns the row id. ``operation``
    defaults to the provider's cart call (Drip cart activity, Bronto Add Cart)."""
    provider = get_provider(document.provider)
    email = document.payload.get(provider.email_field)
    cart_id = document.payload.get(provider.cart_id_field)
    return history.record_pending(
        method=request.method,
        url=request.url,
        headers=request.headers,
        body=mask_secrets_in(request.body),
        profile=profile.name,
        provider=document.provider,
        operation=operation or provider.send_operation,
        source=source,
        email=email if isinstance(email, str) else None,
        cart_id=cart_id if isinstance(cart_id, str) else None,
    )


def recorded(
    history: HistoryStore | None,
    planned: OutgoingRequest,
    document: CartDocument,
    profile: Profile,
    source: str,
    send: Callable[[], SendResult],
    *,
    operation: str | None = None,
    on_problem: Callable[[str], None] | None = None,
    on_row: Callable[[int], None] | None = None,
) -> SendResult:
    """``send()`` with its history row: written (pending) before the request leaves, completed
    after, deleted if ``send`` raised before anything left. A history that cannot be written
    never stops the send: ``on_problem`` hears why. ``on_row`` hears of the row each time it is
    written."""
    row = None
    if history is not None:
        try:
            row = start(history, planned, document, profile, source, operation)
        except HistoryError as exc:
            if on_problem is not None:
                on_problem(str(exc))
        else:
            if on_row is not None:
                on_row(row)
    try:
        result = send()
    except BaseException:
        if history is not None and row is not None:
            # Nothing left the app: not a send. (If even that fails, the row stays, and becomes
            # "interrupted" when the history is next opened.)
            with contextlib.suppress(HistoryError):
                history.delete([row])
            if on_row is not None:
                on_row(row)
        raise
    if history is not None and row is not None:
        try:
            finish(history, row, result)
        except HistoryError as exc:
            if on_problem is not None:
                on_problem(str(exc))
        if on_row is not None:
            on_row(row)
    return result


def outcome(result: SendResult) -> str:
    if result.ok:
        return "succeeded"
    if result.error_kind is ErrorKind.CANCELLED:
        return "cancelled"
    if result.error_kind in (ErrorKind.HTTP_STATUS, ErrorKind.AUTH):
        return "http_error"
    # No usable answer: nothing came, or what came (even with a 2xx status) did not parse.
    return "network_error"


def finish(history: HistoryStore, row_id: int, result: SendResult) -> None:
    """Complete the row. Whatever the server sent back is recorded as received, except any
    secret the app knows (a server echoing the token it refused): that is masked."""
    failed = result.error_kind is not None
    history.complete(
        row_id,
        state=outcome(result),
        elapsed_ms=round(result.elapsed * 1000, 1),
        headers=result.request.headers,
        body=mask_secrets_in(result.request.body),
        status=result.status,
        reason=result.reason or None,
        response_headers=[(n, mask_secrets(v)) for n, v in result.headers],
        response_body=mask_secrets_in(result.body),
        response_size=result.body_size,
        error_kind=str(result.error_kind) if failed else None,
        error_message=mask_secrets(result.message) if failed else None,
        provider_id=result.provider_id,
    )


def entry_document(entry: HistoryEntry) -> CartDocument:
    """The cart a history entry sent, with its request options, ready for the composer."""
    if entry.request_cut:
        raise HistoryError(
            f"Entry #{entry.id} sent a body of {entry.request_size:,} bytes, of which the history "
            f"keeps the first {len(entry.request_body):,}: it cannot be opened or re-sent."
        )
    try:
        payload = jsonfmt.loads(entry.request_body)
    except jsonfmt.JsonSyntaxError as exc:
        raise HistoryError(
            f"Entry #{entry.id} was sent as raw text that is not JSON ({exc}); copy it from the "
            "detail view instead."
        ) from None
    if not isinstance(payload, dict):
        raise HistoryError(f"Entry #{entry.id} did not send a JSON object.")
    query = dict(parse_qsl(urlsplit(entry.url).query))
    options = get_provider(entry.provider).options_from_query(query)
    return CartDocument(provider=entry.provider, payload=payload, options=options)
