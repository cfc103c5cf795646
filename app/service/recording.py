"""Writing sends into the history: a pending row before the request leaves, completed after —
for a cart (``send_recorded``), a cart action (``operate_recorded``) or any send (``recorded``).
"""

from __future__ import annotations

import contextlib
import dataclasses
from collections.abc import Callable
from typing import TYPE_CHECKING
from urllib.parse import parse_qsl, urlsplit

from app.domain import jsonfmt
from app.domain.errors import CartComposerError
from app.history.store import HistoryEntry, HistoryError, HistoryStore
from app.logs import mask_secrets, mask_secrets_in
from app.profiles import Profile
from app.providers import CartDocument, OutgoingRequest, get_provider
from app.providers.paths import get_at
from app.transport.result import ErrorKind, SendResult

if TYPE_CHECKING:
    from app.service.sender import Overrides, Sender
    from app.transport.exchange import CancelToken

__all__ = [
    "entry_document",
    "finish",
    "operate_recorded",
    "outcome",
    "recorded",
    "send_recorded",
    "start",
]


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
    email = get_at(document.payload, provider.email_field)
    cart_id = get_at(document.payload, provider.cart_id_field)
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


def send_recorded(
    sender: Sender,
    history: HistoryStore | None,
    document: CartDocument,
    profile: Profile,
    overrides: Overrides | None,
    source: str,
    *,
    retry: bool = False,
    cancel: CancelToken | None = None,
    raw_body: bytes | None = None,
    on_problem: Callable[[str], None] | None = None,
    on_row: Callable[[int], None] | None = None,
) -> SendResult:
    """A cart sent with its history row — the one way the window, the command line and
    scenarios send: the request the sender will make is recorded (pending) first, then sent,
    then its row completed. A cart no request can be built for is not recorded: the send
    raises before anything leaves."""

    def send() -> SendResult:
        return sender.send(
            document, profile, overrides, retry=retry, cancel=cancel, raw_body=raw_body
        )

    if history is None:
        return send()
    try:
        sender.prime(profile, overrides)  # what the secrets say of the URL, for the row too
        planned = sender.preview(document, profile, overrides)
    except CartComposerError:
        return send()  # it fails before anything leaves, saying why
    if raw_body is not None:
        planned = dataclasses.replace(planned, body=raw_body)
    shaped = sender.document_for(document, profile, overrides)
    return recorded(
        history, planned, shaped, profile, source, send, on_problem=on_problem, on_row=on_row
    )


def operate_recorded(
    sender: Sender,
    history: HistoryStore | None,
    operation: str,
    profile: Profile,
    source: str,
    *,
    cart_id: str = "",
    document: CartDocument | None = None,
    overrides: Overrides | None = None,
    cancel: CancelToken | None = None,
    on_problem: Callable[[str], None] | None = None,
    on_row: Callable[[int], None] | None = None,
) -> SendResult:
    """One of the provider's cart actions with its history row (operation: the action's
    key). The request is built first, so a missing id is said before a row is written."""
    document = document or CartDocument(provider=profile.provider)
    sender.prime(profile, overrides)
    planned = sender.preview_operation(
        operation, profile, cart_id=cart_id, document=document, overrides=overrides
    )
    return recorded(
        history,
        planned,
        sender.document_for(document, profile, overrides),
        profile,
        source,
        lambda: sender.operate(
            operation,
            profile,
            cart_id=cart_id,
            document=document,
            overrides=overrides,
            cancel=cancel,
        ),
        operation=operation,
        on_problem=on_problem,
        on_row=on_row,
    )


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
        headers=result.sent_headers or result.request.headers,
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
