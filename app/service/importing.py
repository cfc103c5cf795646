"""A request someone brings along (``transport.captured``: cURL, HAR, Postman) as a cart.

Which API it is for comes from the URL's path — each provider declares its send's
(``Provider.request_path``) — or, on a path no provider has (a proxy, a typo), from the body's
keys. The cart is the body, with the request options the URL's query says; the profile settings
the request names (an account id in the path, a revision header) and the base URL come along
beside it for a profile.

Secrets found on the way — Basic credentials, a Bearer token, a ``Klaviyo-API-Key``, a token
request's form-encoded client id and secret — are matched against the provider's ways to
authenticate (``Provider.auth_variants``) and handed back on their own, never in the cart: the
caller offers to store them in a profile's keyring entry. What was not carried (those secrets,
headers the app does not send, query parameters that are not options) is said in words.
"""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from app.domain import jsonfmt
from app.domain.errors import CartComposerError
from app.domain.redaction import MASK, is_secret_header
from app.domain.rules import spoken_choices
from app.domain.validation import Issue
from app.providers import CartDocument, Provider, get_provider, loads_cart, providers
from app.providers.auth import BasicAuth, ClientCredentials, HeaderAuth, SecretRef
from app.secrets.store import secret_label
from app.transport.captured import CapturedRequest, ImportFormatError, parse_captured
from app.transport.curl import TRANSPORT_HEADERS

if TYPE_CHECKING:
    from app.profiles import Profile, ProfileStore
    from app.secrets import SecretStore

__all__ = [
    "CartImportError",
    "ImportedCart",
    "cart_requests",
    "import_cart",
    "import_text",
    "keep_secrets",
]

# A shell variable ($NAME, ${NAME}) or a Postman one ({{name}}) where a secret would be.
_VARIABLE = re.compile(r"\$\{?[A-Za-z_][A-Za-z0-9_]*\}?|\{\{[^{}]+\}\}")
# A secret longer than this is not one a profile keeps (and not one a keyring should be given).
MAX_SECRET = 4096


class CartImportError(CartComposerError):
    """The import found no cart it could make; the message says what it did not understand."""


@dataclass(frozen=True)
class ImportedCart:
    """A cart made from a captured request, and what came with it but not into it."""

    document: CartDocument
    source: CapturedRequest
    base_url: str  # scheme, host and any prefix before the provider's own path
    settings: dict[str, Any]  # profile settings the request named
    secrets: dict[str, str]  # a secret's name → its value: for a keyring entry, never a file
    left_out: tuple[str, ...]  # what was not carried into the cart, in words
    notes: tuple[Issue, ...] = ()  # what loading changed (an old key renamed)

    @property
    def provider(self) -> Provider:
        return get_provider(self.document.provider)

    def summary(self) -> dict[str, Any]:
        """What ``import --json`` prints: everything but the secrets' values."""
        return {
            "provider": self.document.provider,
            "source": self.source.label,
            "base_url": self.base_url,
            "settings": self.settings,
            "secrets": sorted(self.secrets),
            "left_out": list(self.left_out),
            "notes": [{"path": n.path, "message": n.message} for n in self.notes],
        }


def _recognised(request: CapturedRequest) -> tuple[Provider, str, dict[str, str]] | None:
    """The provider whose send the request is; of several (Bronto's ``/carts`` ends
    Mailchimp's path too), the one whose own path is the most of it (the shortest prefix)."""
    found = []
    for provider in providers().values():
        known = provider.recognise(request.method, request.path)
        if known is not None:
            found.append((len(known[0]), provider, *known))
    if not found:
        return None
    _, provider, prefix, settings = min(found, key=lambda match: match[0])
    return provider, prefix, settings


def _body(request: CapturedRequest) -> dict[str, Any]:
    if not request.body.strip():
        raise CartImportError(f"The request ({request.label}) has no body: there is no cart in it.")
    try:
        raw = jsonfmt.loads(request.body)
    except jsonfmt.JsonSyntaxError as exc:
        raise CartImportError(f"The request's body ({request.label}) is not JSON: {exc}.") from None
    if not isinstance(raw, dict):
        raise CartImportError(f"The request's body ({request.label}) is not a JSON object.")
    return raw


def _by_body(body: Mapping[str, Any]) -> Provider | None:
    """The provider whose payload's top-level fields the body's keys are most of (more than
    half), if exactly one is best."""
    scores = []
    for provider in providers().values():
        names = set()
        for name, info in provider.model.model_fields.items():
            names.add(info.alias or name)
            names.add(name)
        scores.append((len(set(body) & names) / max(len(body), 1), provider))
    scores.sort(key=lambda pair: -pair[0])
    best = scores[0]
    if best[0] <= 0.5 or (len(scores) > 1 and scores[1][0] == best[0]):
        return None
    return best[1]


def cart_requests(requests: Sequence[CapturedRequest]) -> list[tuple[int, Provider]]:
    """The requests (by index) that are a provider's send, with the provider: what a person
    picks from in a HAR or a collection."""
    found = []
    for index, request in enumerate(requests):
        known = _recognised(request)
        if known is not None:
            found.append((index, known[0]))
    return found


def import_text(
    text: str,
    *,
    provider: str | None = None,
    entry: int | None = None,
    read_file: Callable[[str], bytes] | None = None,
) -> ImportedCart:
    """The cart in ``text`` (a cURL snippet, a HAR file, a Postman collection). ``entry``
    (1-based) picks a request of several; without it, the one cart request there is."""
    try:
        everything = parse_captured(text, read_file=read_file)
    except ImportFormatError as exc:
        raise CartImportError(str(exc)) from None
    requests = [r for r in everything if not r.helper]  # what the file lists, to pick from
    if entry is not None:
        if not 1 <= entry <= len(requests):
            raise CartImportError(
                f"There is no request {entry}: the import holds {len(requests)} "
                f"(1 to {len(requests)})."
            )
        return import_cart(requests[entry - 1], everything, provider=provider)
    if len(requests) == 1:  # the one there is, whatever it is: what is wrong with it is said
        return import_cart(requests[0], everything, provider=provider)
    carts = cart_requests(requests)
    if len(carts) == 1:
        return import_cart(requests[carts[0][0]], everything, provider=provider)
    if len(carts) > 1:
        listed = "; ".join(f"{i + 1}: {requests[i].label}" for i, _ in carts[:8])
        raise CartImportError(
            f"The import holds {len(carts)} cart requests ({listed}); say which with --entry N."
        )
    sendable = [r for r in requests if r.body.strip()]
    if len(sendable) == 1:  # one request with a body, on a path no provider has
        return import_cart(sendable[0], everything, provider=provider)
    seen = "; ".join(f"{r.method} {r.url}" for r in requests[:5])
    raise CartImportError(
        f"None of the {len(requests)} requests is a cart request of "
        f"{spoken_choices([p.title for p in providers().values()])} ({seen}); pick one with "
        "--entry N and say its API with --provider."
    )


def import_cart(
    request: CapturedRequest,
    others: Sequence[CapturedRequest] = (),
    *,
    provider: str | None = None,
) -> ImportedCart:
    """``request`` as a cart; ``others`` are the requests beside it (a token request)."""
    body = _body(request)
    known = _recognised(request)
    left: list[str] = list(request.notes)
    if provider is not None:
        chosen = get_provider(provider)
        if known is not None and known[0].key != chosen.key:
            left.append(f"the URL is {known[0].title}'s, read as {chosen.title}'s as asked")
            known = None
    elif known is not None:
        chosen = known[0]
    else:
        guessed = _by_body(body)
        if guessed is None:
            raise CartImportError(
                f"Neither the URL's path ({request.path or '/'}) nor the body's keys say which "
                f"API the request is for; say it with --provider "
                f"({spoken_choices(list(providers()))})."
            )
        chosen = guessed
        left.append(
            f"the API was told by the body's keys: the path {request.path} is not {chosen.title}'s"
        )
    parts = urlsplit(request.url)
    prefix = known[1] if known is not None else ""
    base_url = f"{parts.scheme}://{parts.netloc}{prefix}" if parts.netloc else ""
    settings: dict[str, Any] = dict(known[2]) if known is not None else {}
    for header, setting in chosen.header_settings.items():
        value = request.header(header)
        if value:
            settings[setting] = value.strip()

    secrets, auth_settings, secret_words = _secrets(chosen, request, others)
    settings.update(auth_settings)
    left += secret_words
    # The client's own (a HAR of this app's history lists them) and what the provider sends.
    sent_by_app = TRANSPORT_HEADERS | {"content-type", "accept", "user-agent"}
    sent_by_app |= {h.lower() for h in chosen.header_settings}
    extra = [
        n for n, _ in request.headers if n.lower() not in sent_by_app and not is_secret_header(n)
    ]
    if extra:
        shown = ", ".join(dict.fromkeys(extra[:6]))
        more = f" and {len(extra) - 6} more" if len(extra) > 6 else ""
        left.append(f"headers the app does not send: {shown}{more}")
    options = chosen.options_from_query(request.query)
    unknown_query = sorted(set(request.query) - set(options))
    if unknown_query:
        left.append(f"query parameters that are not request options: {', '.join(unknown_query)}")

    payload, scrubbed = _without(body, list(secrets.values()))
    if scrubbed:
        left.append(f"{scrubbed} value(s) in the body that held a credential (emptied)")
    text = jsonfmt.dumps({"provider": chosen.key, "payload": payload, "options": options})
    try:
        loaded = loads_cart(text)
    except CartComposerError as exc:
        raise CartImportError(f"The request's cart cannot be opened: {exc}") from None
    return ImportedCart(
        loaded.document, request, base_url, settings, secrets, tuple(left), loaded.notes
    )


def _secrets(
    provider: Provider, request: CapturedRequest, others: Sequence[CapturedRequest]
) -> tuple[dict[str, str], dict[str, Any], list[str]]:
    """The secrets in ``request`` (and a token request beside it) by the provider's names,
    the settings the way they authenticate chooses, and what was left out, in words."""
    found: dict[str, str] = {}
    chosen: dict[str, Any] = {}
    words: list[str] = []
    matched: set[str] = set()
    for header, value in request.headers:
        if MASK in value and header.lower() not in matched:  # a HAR of our own history
            matched.add(header.lower())
            words.append(f"the {header} header, masked where it came from (no secret in it)")
    for settings, spec in provider.auth_variants():
        if spec.header.lower() in matched:  # masked: its scheme still says which way it was
            said = (request.header(spec.header) or "").partition(" ")[0].lower()
            if said == spec.placeholder()[1].partition(" ")[0].lower():  # its scheme word
                chosen = settings
                break
            continue
        if isinstance(spec, BasicAuth):
            value = request.header(spec.header) or ""
            scheme, _, credential = value.partition(" ")
            if scheme.lower() != "basic" or not credential:
                continue
            try:
                pair = base64.b64decode(credential.strip(), validate=True).decode("utf-8")
            except (binascii.Error, ValueError):  # not base64, not ASCII, not UTF-8
                words.append(f"the {spec.header} header, whose Basic credentials do not decode")
                matched.add(spec.header.lower())
                break
            user, _, password = pair.partition(":")
            for part, given in zip(spec.pair(), (user, password), strict=True):
                if isinstance(part, SecretRef) and given:
                    found[part.name] = given
            chosen = settings
            matched.add(spec.header.lower())
            break
        if isinstance(spec, HeaderAuth):
            value = (request.header(spec.header) or "").strip()
            lead = spec.header_value({})  # the scheme word and its space, if it has one
            if value and value.lower().startswith(lead.lower()) and value[len(lead) :].strip():
                found[spec.secret] = value[len(lead) :].strip()
                chosen = settings
                matched.add(spec.header.lower())
                break
        if isinstance(spec, ClientCredentials):
            header_value = request.header(spec.header) or ""
            if "$(" in header_value:  # our own export's form: the token fetched inline
                words.append(f"the token command in {spec.header} (the app fetches its own)")
                matched.add(spec.header.lower())
            elif header_value:
                words.append(
                    f"the access token in {spec.header} ({spec.service} tokens expire; the app "
                    "fetches its own with the profile's client id and secret)"
                )
                matched.add(spec.header.lower())
            chosen = dict(settings)
            for other in others:  # the first token request there is
                form = other.form()
                if form.get("grant_type") == "client_credentials":
                    for field, name in (
                        ("client_id", spec.client_id),
                        ("client_secret", spec.client_secret),
                    ):
                        if form.get(field):
                            found[name] = form[field]
                    words.append(f"the token request ({other.method} {other.url})")
                    if provider.token_url_setting:
                        chosen[provider.token_url_setting] = other.url
                    break
            break
    for name, value in list(found.items()):
        if _VARIABLE.fullmatch(value):
            del found[name]
            words.append(f"the {secret_label(name)}, given as {value} (a variable, not a value)")
        elif len(value) > MAX_SECRET or any(ord(c) < 32 for c in value):
            del found[name]
            words.append(f"the {secret_label(name)}, which is not one a profile can keep")
    for name in found:
        words.append(f"the {secret_label(name)} (offered for a profile's keyring entry)")
    for header, _ in request.headers:
        if is_secret_header(header) and header.lower() not in matched:
            matched.add(header.lower())
            words.append(f"the {header} header, a credential {provider.title} does not take")
    return found, chosen, words


def _without(value: Any, secrets: list[str]) -> tuple[Any, int]:
    """``value`` with every string that holds one of ``secrets`` emptied, and how many were."""
    if not secrets:
        return value, 0
    if isinstance(value, str):
        return ("", 1) if any(s and s in value for s in secrets) else (value, 0)
    if isinstance(value, list):
        pairs = [_without(v, secrets) for v in value]
        return [v for v, _ in pairs], sum(n for _, n in pairs)
    if isinstance(value, dict):
        out, count = {}, 0
        for key, item in value.items():
            out[key], n = _without(item, secrets)
            count += n
        return out, count
    return value, 0


def keep_secrets(
    imported: ImportedCart, name: str, profiles: ProfileStore, store: SecretStore
) -> tuple[Profile, bool, list[str]]:
    """Store the import's secrets in profile ``name``'s keyring entry, making the profile
    from the import's base URL and settings when there is none: the profile, whether it was
    made, and the labels of the secrets stored. ``CartImportError`` when the profile is
    another provider's or a sandbox's; ``SecretStoreError`` from the store as it comes."""
    from app.profiles import new_profile

    provider = imported.provider
    profile = next((p for p in profiles.all() if p.name == name), None)
    made = profile is None
    if profile is None:
        fields = provider.settings_model.model_fields
        settings = {k: v for k, v in imported.settings.items() if k in fields}
        try:
            profile = new_profile(
                name, provider.key, base_url=imported.base_url or None, **settings
            )
            profile.check_urls()  # a request to http://a..b makes no profile
            profiles.add(profile)
        except CartComposerError as exc:  # ProfileError, TargetError
            raise CartImportError(f"The profile {name} could not be made: {exc}") from None
    elif profile.provider != provider.key:
        raise CartImportError(
            f"{name} is a {profile.provider} profile; the import is a {provider.key} cart."
        )
    if profile.sandbox:
        raise CartImportError(f"{name} uses the sandbox's fixed credentials; it keeps no secrets.")
    stored = []
    for secret, value in imported.secrets.items():
        store.set(profile.name, secret, value)
        stored.append(secret_label(secret))
    return profile, made, stored
