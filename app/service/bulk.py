"""Bulk: N sample carts (distinct ids and emails, from the sample catalog) sent in one go — in
batches to a provider with a batch endpoint (Drip: up to 1,000 a request, its hourly limits
respected), one by one with a bounded number in flight to the others (Bronto) — with progress,
cancel, and every request a history row."""

from __future__ import annotations

import random
import threading
import time
from collections.abc import Callable
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field

from app.history import HistoryStore
from app.profiles import Profile
from app.providers import CartDocument, OutgoingRequest, get_provider
from app.providers.paths import get_at, set_in
from app.providers.samples import sample_document
from app.service import recording
from app.service.sender import Overrides, Sender
from app.transport.result import SendResult
from app.transport.send import CancelToken

__all__ = ["BulkProgress", "BulkRun", "sample_carts"]


def sample_carts(provider: str, count: int, rng: random.Random | None = None) -> list[CartDocument]:
    """``count`` sample carts whose cart ids and shopper emails are all different (the same
    each time for the same seed: ``samples.seed_samples``)."""
    from app.providers.samples import shared_rng

    rng = rng or shared_rng()
    run = f"{rng.getrandbits(24):06x}"
    out = []
    for index in range(count):
        document = sample_document(provider, rng)
        p = get_provider(provider)
        cart_id = f"bulk-{run}-{index + 1:05d}"
        payload = dict(document.payload)
        set_in(payload, p.cart_id_field, cart_id)
        set_in(payload, p.email_field, f"shopper.{run}.{index + 1}@example.com")
        url = get_at(payload, p.cart_url_field)
        if isinstance(url, str):
            set_in(payload, p.cart_url_field, url.rsplit("/", 1)[0] + "/" + cart_id)
        out.append(document.model_copy(update={"payload": payload}))
    return out


@dataclass
class BulkProgress:
    total: int
    sent: int = 0  # carts that left (accepted or not)
    accepted: int = 0
    failed: int = 0
    requests: int = 0
    ids: list[str] = field(default_factory=list)  # Drip request ids / Bronto cartIds
    stopped: str = ""  # why the run ended early, if it did
    elapsed: float = 0.0

    def summary(self) -> str:
        requests = f"{self.requests:,} request{'s' if self.requests != 1 else ''}"
        carts = f"{self.total:,} cart{'s' if self.total != 1 else ''}"
        head = (
            f"{carts}: {self.accepted:,} accepted, {self.failed:,} failed, {requests} in "
            f"{self.elapsed:.1f} s"
        )
        left = self.total - self.sent
        if left:
            head += f"; {left:,} not sent"
        return head + (f". {self.stopped}" if self.stopped else ".")


class BulkRun:
    """Blocking; ``cancel`` from another thread stops it between requests."""

    def __init__(
        self,
        sender: Sender,
        profile: Profile,
        documents: list[CartDocument],
        *,
        overrides: Overrides | None = None,
        history: HistoryStore | None = None,
        in_flight: int = 4,
        chunk: int | None = None,
        on_progress: Callable[[BulkProgress], None] | None = None,
    ) -> None:
        self.sender = sender
        self.profile = profile
        self.documents = documents
        self.overrides = overrides
        self.history = history
        # Never more side by side than the API allows (Mailchimp: 10 connections).
        limit = get_provider(profile.provider).max_in_flight
        self.in_flight = max(1, min(in_flight, limit) if limit else in_flight)
        size = get_provider(profile.provider).batch_size
        self.chunk = max(1, min(chunk or size, size)) if size else 1
        self.on_progress = on_progress or (lambda progress: None)
        self.progress = BulkProgress(total=len(documents))
        self.cancel_token = CancelToken()
        self._lock = threading.Lock()

    def cancel(self) -> None:
        self.cancel_token.cancel()

    def run(self) -> BulkProgress:
        started = time.monotonic()
        if self.documents:
            self.sender.check_pair(self.documents[0], self.profile)
            self.sender.secrets(self.profile)  # missing secrets: said before anything leaves
            # The provider's capability decides: batches if it has a batch endpoint.
            if get_provider(self.profile.provider).batch_size:
                self._batches()
            else:
                self._one_by_one()
        self.progress.elapsed = time.monotonic() - started
        self.on_progress(self.progress)
        return self.progress

    # --- in batches (the provider's batch endpoint and its limits) -------------------------

    def _batches(self) -> None:
        provider = get_provider(self.profile.provider)
        for start in range(0, len(self.documents), self.chunk):
            if self.cancel_token.cancelled:
                self.progress.stopped = "Cancelled."
                return
            batch = self.documents[start : start + self.chunk]
            planned = self.sender.preview_batch(batch, self.profile, self.overrides)
            operation = provider.batch_operation
            result = self._recorded(
                planned,
                batch[0],
                operation,
                lambda b=batch, p=planned: self.sender.send_batch(  # type: ignore[misc]
                    b, self.profile, self.overrides, cancel=self.cancel_token, planned=p
                ),
            )
            self.progress.requests += 1
            self.progress.sent += len(batch)
            if result.ok:
                self.progress.accepted += len(batch)
                self.progress.ids.extend(provider.batch_ids(result.body))
            else:
                self.progress.failed += len(batch)
            self.on_progress(self.progress)
            limit = f"{provider.title}'s {provider.batch_limit} for batch requests"
            if result.status == 429:
                wait_s = result.header("retry-after") or provider.batch_limit_resets
                self.progress.stopped = (
                    f"{limit} is reached (429); try again in "
                    f"{wait_s}{' s' if wait_s.isdigit() else ''}."
                )
                return
            if result.status is None:
                self.progress.stopped = result.message
                return
            remaining = result.header("x-ratelimit-remaining")
            more = start + self.chunk < len(self.documents)
            if more and remaining is not None and remaining.strip() == "0":
                self.progress.stopped = (
                    f"{limit} is used up (X-RateLimit-Remaining: 0): the rest is not sent, so "
                    f"{provider.title} does not answer 429."
                )
                return

    # --- one by one, a few in flight -----------------------------------------------------------

    def _one_by_one(self) -> None:
        with ThreadPoolExecutor(max_workers=self.in_flight) as pool:
            pending: set[Future[SendResult]] = set()
            queue = list(self.documents)
            while queue or pending:
                while queue and len(pending) < self.in_flight and not self.cancel_token.cancelled:
                    document = queue.pop(0)
                    pending.add(pool.submit(self._one, document))
                if not pending:
                    break
                done, pending = wait(pending, return_when=FIRST_COMPLETED)
                for future in done:
                    result = future.result()
                    with self._lock:
                        self.progress.requests += 1
                        self.progress.sent += 1
                        if result.ok:
                            self.progress.accepted += 1
                            if result.provider_id:
                                self.progress.ids.append(result.provider_id)
                        else:
                            self.progress.failed += 1
                    self.on_progress(self.progress)
                if self.cancel_token.cancelled and queue:
                    self.progress.stopped = "Cancelled."
                    queue.clear()

    def _one(self, document: CartDocument) -> SendResult:
        return recording.send_recorded(
            self.sender,
            self.history,
            document,
            self.profile,
            self.overrides,
            "bulk",
            cancel=self.cancel_token,
        )

    # --- history -------------------------------------------------------------------------------

    def _recorded(
        self,
        planned: OutgoingRequest,
        document: CartDocument,
        operation: str | None,
        send: Callable[[], SendResult],
    ) -> SendResult:
        shaped = self.sender.document_for(document, self.profile, self.overrides)
        return recording.recorded(
            self.history, planned, shaped, self.profile, "bulk", send, operation=operation
        )
