"""From a cart and a profile to a result: where to send, with which secrets, and Bronto's token
dance (fetch, reuse, refresh, and one re-authentication after a 403 for a stale token)."""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any
from urllib.parse import urlsplit

import httpx

from app.domain.errors import CartComposerError, TargetError
from app.domain.sandbox_marks import REAL, SandboxMode
from app.domain.urls import is_loopback
from app.logs import log, register_secret
from app.profiles import Profile
from app.providers import CartDocument, Credentials, OutgoingRequest, Target, get_provider
from app.providers.bronto.lifecycle import CartOperation, build_operation
from app.providers.drip.provider import DripProvider
from app.secrets import SecretStore
from app.secrets.store import (
    TYPED,
    MissingSecrets,
    check_secret,
    read_secrets,
    secret_env,
    secret_label,
)
from app.transport.connection import ConnectionCheck
from app.transport.oauth import BrontoTokens, TokenError
from app.transport.result import ErrorKind, SendResult
from app.transport.send import Cancelled, CancelToken, Deadline, make_client, send_request

__all__ = ["Destination", "MissingSecrets", "Overrides", "Sender"]


@dataclass(frozen=True)
class Overrides:
    """What the command line (or a window control) sets on top of the profile."""

    base_url: str | None = None
    token_url: str | None = None
    account_id: str | None = None
    timeout: float | None = None
    options: Mapping[str, Any] = field(default_factory=dict)
    # How the embedded sandbox answers (None: as the real services do); only a sandbox
    # profile sent to the embedded sandbox has one.
    sandbox_mode: SandboxMode | None = None


@dataclass(frozen=True)
class Destination:
    profile: Profile
    target: Target
    token_url: str
    timeout: float
    uses_embedded_sandbox: bool


def _environment_secrets(names: Sequence[str], environ: Mapping[str, str]) -> dict[str, str | None]:
    values: dict[str, str | None] = {}
    for name in names:
        value = environ.get(secret_env(name), "") or None
        if value:
            check_secret(secret_label(name), value, f"${secret_env(name)}")
        values[name] = value
    return values


def _sandbox_secrets(profile: Profile) -> dict[str, str | None]:
    """The public values of the provider's built-in sandbox (None for what it has none of)."""
    values: dict[str, str | None] = dict.fromkeys(profile.secret_names())
    values.update(get_provider(profile.provider).sandbox_secrets())
    return values


class Sender:
    """Keeps Bronto tokens between sends; one per window or CLI run."""

    def __init__(
        self,
        store: SecretStore | None = None,
        *,
        environ: Mapping[str, str] | None = None,
        transport: httpx.BaseTransport | None = None,
        tokens: BrontoTokens | None = None,
    ) -> None:
        self._store = store  # opened on first need: the sandbox profiles never need it
        self.environ = os.environ if environ is None else environ
        self.transport = transport
        self.tokens = tokens or BrontoTokens()
        self._client: httpx.Client | None = None
        self._client_lock = threading.Lock()

    def client(self) -> httpx.Client:
        """The sender's one HTTP client (connections are reused between sends)."""
        with self._client_lock:
            if self._client is None or self._client.is_closed:
                self._client = make_client(30.0, self.transport)
            return self._client

    def close(self) -> None:
        with self._client_lock:
            if self._client is not None:
                self._client.close()
                self._client = None

    def __del__(self) -> None:
        # A sender dropped without close() still hangs up its connections.
        client = getattr(self, "_client", None)
        if client is not None:
            client.close()

    @property
    def store(self) -> SecretStore:
        if self._store is None:
            from app.secrets import open_secret_store

            self._store = open_secret_store()
        return self._store

    # --- where and with what ---------------------------------------------------------------

    def destination(self, profile: Profile, overrides: Overrides | None = None) -> Destination:
        """The profile's URLs with the overrides applied; the embedded sandbox is started only
        when a sandbox profile's base URL is not overridden."""
        over = overrides or Overrides()
        base, token_url, account = profile.base_url, profile.token_url, profile.account_id
        embedded = profile.sandbox and not over.base_url
        if profile.sandbox:
            account = get_provider(profile.provider).sandbox_account_id()
        if embedded:
            from app.sandbox.runtime import embedded_server

            base = embedded_server(over.sandbox_mode or REAL).url
            token_url = f"{base}/oauth2/token"
        base = over.base_url or base
        if profile.sandbox and over.base_url and not over.token_url:
            token_url = f"{base.rstrip('/')}/oauth2/token"
        return Destination(
            profile=profile,
            target=Target(base, over.account_id or account),
            token_url=over.token_url or token_url,
            timeout=over.timeout or profile.timeout,
            uses_embedded_sandbox=embedded,
        )

    @staticmethod
    def check_pair(document: CartDocument, profile: Profile) -> None:
        """A cart goes only to a profile of its own provider."""
        if document.provider != profile.provider:
            raise CartComposerError(
                f"The cart is for {document.provider.title()} but the profile “{profile.name}” "
                f"is for {profile.provider.title()}."
            )

    def secrets(
        self, profile: Profile, destination: Destination | None = None
    ) -> dict[str, str | None]:
        """The secrets for sending with ``profile`` (to ``destination``, if it is overridden);
        ``MissingSecrets`` names what is not set.

        A user profile: the environment's overrides, then the keyring. A sandbox profile sent
        to the embedded sandbox: the sandbox's public values. A sandbox profile pointed
        elsewhere with ``--base-url`` is a user target (the automation path): the
        environment's secrets if they are set — never the sandbox's values to a real host;
        without them, a loopback address (a standalone ``cart-composer sandbox``) gets the
        sandbox's values and anything else is refused, naming the variables to set."""
        names = profile.secret_names()
        if not profile.sandbox:
            values = read_secrets(self.store, profile.name, names, self.environ)
        elif destination is None or destination.uses_embedded_sandbox:
            values = _sandbox_secrets(profile)
        else:
            values = _environment_secrets(names, self.environ)
            if not all(values.get(name) for name in names):
                if not is_loopback(urlsplit(destination.target.base_url).hostname):
                    raise MissingSecrets(
                        profile.name,
                        [n for n in names if not values.get(n)],
                        target=destination.target.base_url,
                    )
                values = _sandbox_secrets(profile)  # a sandbox on this machine: its values
        for value in values.values():
            register_secret(value)
        missing = [name for name in names if not values.get(name)]
        if missing:
            raise MissingSecrets(profile.name, missing)
        return values

    def document_for(
        self, document: CartDocument, profile: Profile, overrides: Overrides | None = None
    ) -> CartDocument:
        """The cart with its request options: the profile's defaults, the cart's, the overrides."""
        over = overrides or Overrides()
        options = {**profile.options(), **document.options, **over.options}
        return document.model_copy(update={"options": options})

    def preview(
        self, document: CartDocument, profile: Profile, overrides: Overrides | None = None
    ) -> OutgoingRequest:
        """The request Send would make, with placeholder secrets (masked in its headers)."""
        destination = self.destination(profile, overrides)
        doc = self.document_for(document, profile, overrides)
        provider = get_provider(doc.provider)
        return provider.build_request(doc.payload, destination.target, doc.options)

    def test_connection(
        self, profile: Profile, secrets: Mapping[str, str | None] | None = None
    ) -> ConnectionCheck:
        """Try the profile's URL and secrets (or the ``secrets`` given, e.g. not yet saved)."""
        from app.transport.connection import check_connection

        destination = self.destination(profile)
        values = dict(secrets) if secrets is not None else self.secrets(profile, destination)
        if secrets is not None:
            for name, value in values.items():
                if value:
                    check_secret(secret_label(name), value, TYPED)
                    register_secret(value)
        return check_connection(
            profile,
            destination.target.base_url,
            destination.token_url,
            destination.target.account_id,
            values,
            timeout=min(destination.timeout, 15.0),
            transport=self.transport,
        )

    # --- sending ---------------------------------------------------------------------------

    def send(
        self,
        document: CartDocument,
        profile: Profile,
        overrides: Overrides | None = None,
        *,
        retry: bool = False,
        cancel: CancelToken | None = None,
        raw_body: bytes | None = None,
    ) -> SendResult:
        """Send the cart. Raises ``MissingSecrets`` and the request builder's ``TargetError`` /
        ``PayloadError`` before anything leaves; network trouble comes back in the result.

        ``raw_body`` replaces the body with text the user typed and chose to send as is (QA's
        deliberately broken JSON); URL and headers are built as usual."""
        self.check_pair(document, profile)
        destination = self.destination(profile, overrides)
        doc = self.document_for(document, profile, overrides)
        provider = get_provider(doc.provider)
        secrets = self.secrets(profile, destination)
        cancel = cancel or CancelToken()
        # One client for every send: no new TLS context and connection each time.
        client = self.client()
        if doc.provider == "drip":
            credentials = Credentials(
                drip_api_key=secrets.get("drip_api_key"),
                drip_access_token=secrets.get("drip_access_token"),
            )
            request = _with_body(
                provider.build_request(doc.payload, destination.target, doc.options, credentials),
                raw_body,
            )
            return _logged(
                request,
                destination,
                lambda: send_request(
                    request,
                    client,
                    provider,
                    retry=retry,
                    cancel=cancel,
                    timeout=destination.timeout,
                ),
            )
        return _logged(
            None,
            destination,
            lambda: self._send_bronto(doc, destination, secrets, client, retry, cancel, raw_body),
        )

    def _send_bronto(
        self,
        doc: CartDocument,
        destination: Destination,
        secrets: Mapping[str, str | None],
        client: httpx.Client,
        retry: bool,
        cancel: CancelToken,
        raw_body: bytes | None = None,
    ) -> SendResult:
        provider = get_provider("bronto")

        def build(token: str | None) -> OutgoingRequest:
            credentials = Credentials(bronto_access_token=token)
            request = provider.build_request(
                doc.payload, destination.target, doc.options, credentials
            )
            return _with_body(request, raw_body) if token else request

        return self._with_token(destination, secrets, client, build, retry, cancel)

    def _with_token(
        self,
        destination: Destination,
        secrets: Mapping[str, str | None],
        client: httpx.Client,
        build: Callable[[str | None], OutgoingRequest],
        retry: bool,
        cancel: CancelToken,
    ) -> SendResult:
        """A Bronto call with a bearer token: fetched (or cached), and fetched anew once when
        Bronto answers 403 to a cached one, as Bronto's own client does (it treats any 403 as
        an invalid token: no reason text is documented, so the status decides, never words).
        A 403 to a token fetched just now is about scope or credentials, and said so.
        ``build(None)`` is the request shown when no token could be had."""
        provider = get_provider("bronto")
        client_id = secrets.get("bronto_client_id") or ""
        client_secret = secrets.get("bronto_client_secret") or ""
        notes: list[str] = []
        # One deadline for the token and the request it is for (and a second round after a
        # refused token): the user's timeout is how long the whole call may take, and the time
        # reported is the whole call's.
        deadline = Deadline.after(destination.timeout)
        started = time.perf_counter()
        for attempt in (1, 2):
            try:
                token, fresh = self.tokens.obtain(
                    client,
                    destination.token_url,
                    client_id,
                    client_secret,
                    deadline=deadline,
                    cancel=cancel,
                )
            except TokenError as exc:
                failed = SendResult(build(None), error_kind=exc.kind, message=str(exc))
                failed.notes.extend(notes)
                failed.elapsed = time.perf_counter() - started
                return failed
            except Cancelled:
                failed = SendResult(
                    build(None),
                    error_kind=ErrorKind.CANCELLED,
                    message="Cancelled while getting a Bronto token; nothing was sent.",
                )
                failed.elapsed = time.perf_counter() - started
                return failed
            register_secret(token)
            result = send_request(
                build(token),
                client,
                provider,
                retry=retry,
                cancel=cancel,
                timeout=destination.timeout,
                deadline=deadline,
            )
            result.notes[:0] = notes
            result.elapsed = time.perf_counter() - started
            if result.status != 403:
                return result
            said = result.problems[0][1] if result.problems else "no reason given"
            if attempt == 1 and not fresh:
                # A revoked or expired token: a new one (refresh grant, else the client
                # credentials) and one more try.
                self.tokens.invalidate(destination.token_url, client_id)
                notes.append(f"Bronto refused the token ({said}); got a new one.")
                continue
            result.message = (
                f"403 Forbidden with a token fetched just now ({said}): the client ID's scope "
                "or credentials do not allow this call. Check the REST integration's "
                "permissions in Bronto (orders/carts-write for changes)."
            )
            return result
        raise AssertionError("unreachable")  # pragma: no cover

    def send_batch(
        self,
        documents: Sequence[CartDocument],
        profile: Profile,
        overrides: Overrides | None = None,
        *,
        cancel: CancelToken | None = None,
    ) -> SendResult:
        """Drip's batch endpoint: up to 1,000 carts in one request (202 ``request_ids``)."""
        destination = self.destination(profile, overrides)
        request = self.preview_batch(
            documents, profile, overrides, secrets=self.secrets(profile, destination)
        )
        provider = get_provider("drip")
        return _logged(
            request,
            destination,
            lambda: send_request(
                request,
                self.client(),
                provider,
                cancel=cancel or CancelToken(),
                timeout=destination.timeout,
            ),
        )

    def preview_batch(
        self,
        documents: Sequence[CartDocument],
        profile: Profile,
        overrides: Overrides | None = None,
        *,
        secrets: Mapping[str, str | None] | None = None,
    ) -> OutgoingRequest:
        """The batch request (placeholder secrets unless ``secrets`` are given)."""
        if profile.provider != "drip":
            raise TargetError(
                f"“{profile.name}” is a {profile.provider} profile; batches are Drip's."
            )
        destination = self.destination(profile, overrides)
        values = secrets or {}
        credentials = Credentials(
            drip_api_key=values.get("drip_api_key"),
            drip_access_token=values.get("drip_access_token"),
        )
        drip = get_provider("drip")
        assert isinstance(drip, DripProvider)
        return drip.build_batch_request(
            [d.payload for d in documents], destination.target, credentials
        )

    def preview_operation(
        self,
        operation: CartOperation,
        profile: Profile,
        *,
        cart_id: str = "",
        document: CartDocument | None = None,
        overrides: Overrides | None = None,
        token: str | None = None,
    ) -> OutgoingRequest:
        """The request ``operate`` makes (a placeholder token unless ``token`` is given): what
        the history records before it leaves. Raises what ``operate`` raises before sending."""
        if profile.provider != "bronto":
            raise TargetError(
                f"“{profile.name}” is a {profile.provider} profile; cart actions are Bronto's."
            )
        destination = self.destination(profile, overrides)
        doc = self.document_for(document or CartDocument(provider="bronto"), profile, overrides)
        customer = doc.payload.get("customerCartId")
        return build_operation(
            operation,
            destination.target,
            token=token,
            cart_id=cart_id,
            customer_cart_id=customer if isinstance(customer, str) else "",
            payload=doc.payload,
            options=doc.options,
        )

    def operate(
        self,
        operation: CartOperation,
        profile: Profile,
        *,
        cart_id: str = "",
        document: CartDocument | None = None,
        overrides: Overrides | None = None,
        cancel: CancelToken | None = None,
    ) -> SendResult:
        """A Bronto lifecycle call on a cart Add Cart created (``cart_id`` is Bronto's
        ``cartId``); Update sends ``document``, Search looks up its ``customerCartId``.
        Raises like ``send`` before anything leaves."""

        def build(token: str | None) -> OutgoingRequest:
            return self.preview_operation(
                operation,
                profile,
                cart_id=cart_id,
                document=document,
                overrides=overrides,
                token=token,
            )

        build(None)  # a missing cartId or customerCartId is said before a token is fetched
        destination = self.destination(profile, overrides)
        secrets = self.secrets(profile, destination)
        return _logged(
            None,
            destination,
            lambda: self._with_token(
                destination, secrets, self.client(), build, False, cancel or CancelToken()
            ),
        )


def _sandbox_log_notes(answer_id: str) -> list[str]:
    """What the embedded sandbox's request log says of the request that got ``answer_id``
    (a Drip cart it accepted, as Drip does, that Drip would most likely not process): the
    real answer cannot say it, so the result does."""
    from app.sandbox.runtime import embedded_sandbox

    sandbox = embedded_sandbox()
    if sandbox is None:
        return []
    return [f"The sandbox's request log: {note}." for note in sandbox.notes_about(answer_id)]


def _logged(
    request: OutgoingRequest | None, destination: Destination, send: Callable[[], SendResult]
) -> SendResult:
    """Run ``send``, logging the request (headers masked) and the outcome at debug level; a
    user profile's plain-http target is noted on the result (its secret went in clear)."""
    profile = destination.profile
    result = send()
    result.notes[:0] = profile.cleartext_warnings(
        destination.target.base_url, destination.token_url
    )
    if destination.uses_embedded_sandbox and result.ok and result.provider_id:
        result.notes += _sandbox_log_notes(result.provider_id)
    sent = request or result.request
    if log.isEnabledFor(logging.DEBUG):
        headers = "; ".join(f"{name}: {value}" for name, value in sent.headers)
        log.debug(
            "send %s %s (profile %s, %d bytes) headers: %s",
            sent.method,
            sent.url,
            profile.name,
            len(sent.body),
            headers,
        )
        log.debug(
            "answer %s %s in %.0f ms: %s",
            result.status,
            result.error_kind or "ok",
            result.elapsed * 1000,
            result.message,
        )
    return result


def _with_body(request: OutgoingRequest, raw_body: bytes | None) -> OutgoingRequest:
    return request if raw_body is None else replace(request, body=raw_body)
