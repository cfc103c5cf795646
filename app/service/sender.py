"""From a cart and a profile to a result: where to send, with which secrets and which auth
(declared by the provider: a fixed header, or OAuth2 tokens fetched, reused, refreshed and
renewed once after a refused stale one — ``transport/auth.py``)."""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any, Protocol
from urllib.parse import urlsplit

import httpx

from app.domain.errors import CartComposerError, TargetError, UnknownAction
from app.domain.sandbox_marks import REAL, SandboxMode
from app.domain.urls import is_loopback
from app.logs import log, register_secret
from app.profiles import Profile
from app.providers import CartDocument, OutgoingRequest, Target, get_provider
from app.providers.auth import AuthSpec
from app.providers.base import Provider
from app.providers.registry import provider_title
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
from app.transport.oauth import OAuthTokens
from app.transport.result import SendResult
from app.transport.send import CancelToken, Deadline, make_client, send_request

__all__ = ["BuiltInSandbox", "Destination", "MissingSecrets", "Overrides", "Sender"]


class BuiltInSandbox(Protocol):
    """The app's own sandbox, as a front end wires it into its ``Sender`` (the window and the
    command line give ``app.sandbox.runtime.EmbeddedSandbox()``): one door per mode."""

    def address(self, mode: SandboxMode) -> str:
        """The door's base URL: enough to build a request; nothing needs to answer yet."""
        ...

    def serve(self, mode: SandboxMode) -> None:
        """The door answers from now on: called before a request goes out through it."""
        ...

    def notes_about(self, answer_id: str) -> list[str]:
        """What its request log says of the request whose answer gave ``answer_id``."""
        ...


@dataclass(frozen=True)
class Overrides:
    """What the command line (or a window control) sets on top of the profile."""

    base_url: str | None = None
    # The provider's settings by name (``--account-id``, ``--auth-url``); one the profile's
    # provider has not is ignored, None leaves the profile's.
    settings: Mapping[str, Any] = field(default_factory=dict)
    timeout: float | None = None
    options: Mapping[str, Any] = field(default_factory=dict)
    # How the embedded sandbox answers (None: as the real services do); only a sandbox
    # profile sent to the embedded sandbox has one.
    sandbox_mode: SandboxMode | None = None


@dataclass(frozen=True)
class Destination:
    profile: Profile
    target: Target  # the base URL and the settings, overrides and the sandbox's applied
    timeout: float
    uses_embedded_sandbox: bool
    sandbox_mode: SandboxMode = REAL  # the door it goes through, when it uses the sandbox


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
    """Keeps OAuth tokens and one HTTP client between sends; one per window or CLI run."""

    def __init__(
        self,
        store: SecretStore | None = None,
        *,
        environ: Mapping[str, str] | None = None,
        transport: httpx.BaseTransport | None = None,
        tokens: OAuthTokens | None = None,
        sandbox: BuiltInSandbox | None = None,
    ) -> None:
        # None: this run has no built-in sandbox (a sandbox profile needs a base URL given).
        self.sandbox = sandbox
        self._store = store  # opened on first need: the sandbox profiles never need it
        self.environ = os.environ if environ is None else environ
        self.transport = transport
        self.tokens = tokens or OAuthTokens()
        self._client: httpx.Client | None = None
        self._client_lock = threading.Lock()
        # What each profile's secrets said of its settings when last read (``prime``): public
        # values only (Mailchimp's data centre), for the profile's sends and previews.
        self._from_secrets: dict[str, dict[str, Any]] = {}

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
        """The profile's URL and settings with the overrides applied; a sandbox profile gets
        its sandbox's settings (account, token endpoint) for wherever that sandbox answers: the
        built-in one's door for the mode asked, unless a base URL is given. Nothing is served
        here (a preview); ``_send`` opens the door."""
        over = overrides or Overrides()
        provider = get_provider(profile.provider)
        base = profile.base_url
        embedded = profile.sandbox and not over.base_url
        mode = over.sandbox_mode or REAL
        if embedded:
            if self.sandbox is None:
                raise TargetError(
                    f"“{profile.name}” is the built-in sandbox, which this run does not have; "
                    "give a base URL (a `cart-composer sandbox` running elsewhere)."
                )
            base = self.sandbox.address(mode)
        base = over.base_url or base
        settings = dict(profile.settings)
        for name, value in self._from_secrets.get(profile.name, {}).items():
            if not settings.get(name):
                settings[name] = value
        if profile.sandbox:
            settings.update(provider.sandbox_settings(base))
        known = provider.settings_model.model_fields
        settings.update(
            {name: value for name, value in over.settings.items() if name in known and value}
        )
        return Destination(
            profile=profile,
            target=Target(base, settings),
            timeout=over.timeout or profile.timeout,
            uses_embedded_sandbox=embedded,
            sandbox_mode=mode,
        )

    def _open(self, destination: Destination) -> None:
        """The built-in sandbox's door answers before a request goes out to it."""
        if destination.uses_embedded_sandbox and self.sandbox is not None:
            self.sandbox.serve(destination.sandbox_mode)

    @staticmethod
    def check_pair(document: CartDocument, profile: Profile) -> None:
        """A cart goes only to a profile of its own provider."""
        if document.provider != profile.provider:
            raise CartComposerError(
                f"The cart is for {provider_title(document.provider)} but the profile "
                f"“{profile.name}” is for {provider_title(profile.provider)}."
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
        self._learn(profile, values)
        return values

    def _learn(self, profile: Profile, values: Mapping[str, str | None]) -> None:
        """Keep what ``values`` say of the profile's settings; ``TargetError`` (from the
        provider) when they cannot say it (a Mailchimp key without its data centre)."""
        self._from_secrets[profile.name] = get_provider(profile.provider).settings_from_secrets(
            values
        )

    def prime(
        self, profile: Profile, overrides: Overrides | None = None
    ) -> dict[str, str | None] | None:
        """Read the profile's secrets now if its provider takes settings from them, so the
        request built next names what they say (the data centre in Mailchimp's host); the
        secrets read (for ``_send``, which then need not read them again), or None. Off the
        GUI thread: it may open the keyring. Raises what ``secrets`` raises."""
        provider = get_provider(profile.provider)
        if type(provider).settings_from_secrets is Provider.settings_from_secrets:
            return None
        return self.secrets(profile, self.destination(profile, overrides))

    def document_for(
        self, document: CartDocument, profile: Profile, overrides: Overrides | None = None
    ) -> CartDocument:
        """The cart with its request options: the profile's defaults, the cart's, the overrides."""
        over = overrides or Overrides()
        options = {**profile.options(), **document.options, **over.options}
        return document.model_copy(update={"options": options})

    def auth_spec(
        self, profile: Profile, destination: Destination | None = None
    ) -> AuthSpec | None:
        """How sends with ``profile`` (to ``destination``) authenticate."""
        destination = destination or self.destination(profile)
        return get_provider(profile.provider).auth(destination.target.settings)

    def request_for(
        self, document: CartDocument, profile: Profile, destination: Destination
    ) -> OutgoingRequest:
        """The one way a cart becomes a request, for the preview and for Send: the provider's
        request with the auth header its profile sends (a placeholder until the wire)."""
        provider = get_provider(document.provider)
        request = provider.build_request(document.payload, destination.target, document.options)
        return request.with_auth(self.auth_spec(profile, destination))

    def preview(
        self, document: CartDocument, profile: Profile, overrides: Overrides | None = None
    ) -> OutgoingRequest:
        """The request Send would make, with placeholder secrets (masked in its headers)."""
        destination = self.destination(profile, overrides)
        return self.request_for(
            self.document_for(document, profile, overrides), profile, destination
        )

    def test_connection(
        self, profile: Profile, secrets: Mapping[str, str | None] | None = None
    ) -> ConnectionCheck:
        """Try the profile's URL and secrets (or the ``secrets`` given, e.g. not yet saved)."""
        from app.transport.connection import check_connection

        destination = self.destination(profile)
        self._open(destination)
        values = dict(secrets) if secrets is not None else self.secrets(profile, destination)
        if secrets is not None:
            for name, value in values.items():
                if value:
                    check_secret(secret_label(name), value, TYPED)
                    register_secret(value)
            if all(values.get(name) for name in profile.secret_names()):
                self._learn(profile, values)
        destination = self.destination(profile)  # with what the secrets said
        return check_connection(
            get_provider(profile.provider),
            self.auth_spec(profile, destination),
            destination.target,
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
        ``PayloadError`` before anything leaves; network trouble, and a token that could not
        be had, come back in the result.

        ``raw_body`` replaces the body with text the user typed and chose to send as is (QA's
        deliberately broken JSON); URL and headers are built as usual."""
        self.check_pair(document, profile)
        primed = self.prime(profile, overrides)
        destination = self.destination(profile, overrides)
        doc = self.document_for(document, profile, overrides)
        request = _with_body(self.request_for(doc, profile, destination), raw_body)
        return self._send(request, profile, destination, retry=retry, cancel=cancel, secrets=primed)

    def _send(
        self,
        request: OutgoingRequest,
        profile: Profile,
        destination: Destination,
        *,
        retry: bool = False,
        cancel: CancelToken | None = None,
        secrets: dict[str, str | None] | None = None,
    ) -> SendResult:
        """Put ``request`` on the wire with the profile's auth and secrets (read here unless
        ``prime`` read them just now), logged."""
        from app.transport.auth import auth_for

        if secrets is None:
            secrets = self.secrets(profile, destination)
        self._open(destination)
        cancel = cancel or CancelToken()
        # One client for every send: no new TLS context and connection each time.
        client = self.client()
        # One deadline for a token and the request it is for (and a round after a refused
        # token): the user's timeout is how long the whole call may take.
        deadline = Deadline.after(destination.timeout)
        auth = auth_for(
            self.auth_spec(profile, destination),
            secrets,
            tokens=self.tokens,
            client=client,
            deadline=deadline,
            cancel=cancel,
        )
        provider = get_provider(profile.provider)
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
                deadline=deadline,
                auth=auth,
            ),
            self.sandbox,
        )

    def send_batch(
        self,
        documents: Sequence[CartDocument],
        profile: Profile,
        overrides: Overrides | None = None,
        *,
        cancel: CancelToken | None = None,
        planned: OutgoingRequest | None = None,
    ) -> SendResult:
        """The provider's batch endpoint: many carts in one request (Drip: up to 1,000,
        202 ``request_ids``). ``planned``: that request as ``preview_batch`` built it just now
        (bulk writes a batch's megabytes once, for its history row and the wire)."""
        primed = self.prime(profile, overrides)
        destination = self.destination(profile, overrides)
        request = planned or self.preview_batch(documents, profile, overrides)
        return self._send(request, profile, destination, cancel=cancel, secrets=primed)

    def preview_batch(
        self,
        documents: Sequence[CartDocument],
        profile: Profile,
        overrides: Overrides | None = None,
    ) -> OutgoingRequest:
        """The batch request (its auth header a placeholder until the wire)."""
        provider = get_provider(profile.provider)
        if not provider.batch_size:
            raise TargetError(
                f"“{profile.name}” is a {provider.title} profile; {provider.title} has no "
                "batch endpoint."
            )
        destination = self.destination(profile, overrides)
        request = provider.build_batch_request([d.payload for d in documents], destination.target)
        return request.with_auth(self.auth_spec(profile, destination))

    def preview_operation(
        self,
        operation: str,
        profile: Profile,
        *,
        cart_id: str = "",
        document: CartDocument | None = None,
        overrides: Overrides | None = None,
    ) -> OutgoingRequest:
        """The request ``operate`` makes (its auth header a placeholder until the wire): what
        the history records before it leaves. Raises what ``operate`` raises before sending."""
        provider = get_provider(profile.provider)
        try:
            action = provider.action(operation)
        except UnknownAction as exc:
            raise TargetError(f"“{profile.name}” is a {provider.title} profile: {exc}") from None
        destination = self.destination(profile, overrides)
        doc = self.document_for(
            document or CartDocument(provider=profile.provider), profile, overrides
        )
        request = provider.build_action(
            action,
            destination.target,
            cart_id=cart_id,
            payload=doc.payload,
            options=doc.options,
        )
        return request.with_auth(self.auth_spec(profile, destination))

    def operate(
        self,
        operation: str,
        profile: Profile,
        *,
        cart_id: str = "",
        document: CartDocument | None = None,
        overrides: Overrides | None = None,
        cancel: CancelToken | None = None,
    ) -> SendResult:
        """One of the provider's cart actions (``providers/actions.py``) on a cart it has:
        ``cart_id`` is the provider's id for it (Bronto's ``cartId``); an action that sends the
        cart sends ``document``, one keyed by the cart reads its fields. Raises like ``send``
        before anything leaves."""
        primed = self.prime(profile, overrides)
        request = self.preview_operation(
            operation, profile, cart_id=cart_id, document=document, overrides=overrides
        )
        destination = self.destination(profile, overrides)
        return self._send(request, profile, destination, cancel=cancel, secrets=primed)


def _logged(
    request: OutgoingRequest | None,
    destination: Destination,
    send: Callable[[], SendResult],
    sandbox: BuiltInSandbox | None = None,
) -> SendResult:
    """Run ``send``, logging the request (headers masked) and the outcome at debug level; a
    user profile's plain-http target is noted on the result (its secret went in clear)."""
    profile = destination.profile
    result = send()
    result.notes[:0] = profile.cleartext_warnings(
        destination.target.base_url, dict(destination.target.settings)
    )
    if destination.uses_embedded_sandbox and sandbox and result.ok and result.provider_id:
        # What the sandbox's request log says of it (a cart accepted, as the service does, that
        # the service would most likely not process): the real answer cannot say it.
        said = sandbox.notes_about(result.provider_id)
        result.notes += [f"The sandbox's request log: {note}." for note in said]
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
