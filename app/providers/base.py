"""What every provider offers: payload order/validation/body, and the outgoing request it builds.

``build_request`` is the one function the live preview and the sender both call, so the preview
shows exactly what Send puts on the wire (with credentials masked).
"""

from __future__ import annotations

import re
from abc import ABC, abstractmethod
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from decimal import Decimal
from typing import TYPE_CHECKING, Any, ClassVar, Literal, get_args, get_origin
from urllib.parse import quote, unquote, urlencode, urlsplit

from pydantic import BaseModel, ConfigDict, ValidationError
from pydantic.fields import FieldInfo

from app import __version__
from app.domain import jsonfmt
from app.domain.errors import PayloadError, TargetError, UnknownAction
from app.domain.redaction import mask_header_value
from app.domain.urls import host_problem
from app.domain.validation import Issue, Validation, format_path
from app.providers import schema
from app.providers.actions import CartAction, CartState
from app.providers.common import carried_item, mapped
from app.providers.paths import get_at, has_at, set_in
from app.providers.schema import PayloadModel

if TYPE_CHECKING:
    import random

    from app.providers.auth import AuthSpec
    from app.providers.document import CartDocument
    from app.providers.emulation import Emulator, EmulatorContext

__all__ = [
    "USER_AGENT",
    "OutgoingRequest",
    "Provider",
    "SecretSpec",
    "Target",
    "amount",
]

USER_AGENT = f"CartComposer/{__version__}"
# A part of a default base URL's host that the provider fills in from a setting ("<dc>").
_PLACEHOLDER = re.compile(r"<[a-z_]+>")


@dataclass(frozen=True)
class SecretSpec:
    """One secret a provider needs: its name in the keyring, its label for a person, and the
    environment variable that overrides it (automation, CI)."""

    name: str
    label: str
    env: str


@dataclass(frozen=True)
class SandboxOption:
    """A limit of the provider's emulator that ``cart-composer sandbox`` can set: ``flag`` sets
    ``setting`` (read by the emulator from its context); ``kind`` is "count" (a whole number,
    1 or more) or "seconds" (a lifetime)."""

    flag: str
    setting: str
    kind: str
    default: float
    help: str


@dataclass(frozen=True)
class Target:
    """Where a request goes: the API base URL and the profile's provider settings (an account
    id the path names, say), with the command line's overrides applied."""

    base_url: str
    settings: Mapping[str, Any] = field(default_factory=dict)

    def setting(self, name: str) -> str:
        """A setting as text ("" when it is not set)."""
        value = self.settings.get(name)
        return "" if value is None else str(value)

    def checked_base(self, example: str = "", what: str = "base URL") -> str:
        """The base URL without a trailing slash, or ``TargetError`` saying what to fix (with
        ``example`` of one: the provider's own API, where it is known). ``what`` is what a
        person calls the address ("token URL" for a URL setting checked the same way)."""
        example = example or "https://api.example.com"
        base = self.base_url.strip()
        try:
            parts = urlsplit(base)
            host = parts.hostname
            if parts.port == 0:
                raise ValueError("port 0")
        except ValueError as exc:
            if "port" in str(exc).lower():
                raise TargetError(
                    f"The {what} “{self.base_url}” has a port out of range: ports are 1 to 65535."
                ) from None
            if "ipv6" in str(exc).lower():
                raise TargetError(
                    f"The {what} “{self.base_url}” has a malformed IPv6 address: write it in "
                    "square brackets, like http://[::1]:8080."
                ) from None
            host = None
            parts = None
        if parts is None or parts.scheme.lower() not in ("http", "https") or not host:
            raise TargetError(
                f"The {what} “{self.base_url}” must be a full address starting with "
                f"http:// or https://, like {example}."
            )
        # A name no lookup can take (an empty part, a space, one IDNA cannot write) is said
        # here, beside the field, rather than as a failed send (the resolver raises on some).
        # A part the provider fills in ("<dc>" of Mailchimp's, from the key) stands for one.
        problem = host_problem(_PLACEHOLDER.sub("x", host))
        if problem is not None:
            raise TargetError(
                f"The host of the {what} “{self.base_url}” {problem}. A {what} looks like "
                f"{example}."
            )
        if parts.query or parts.fragment:
            raise TargetError(f"The {what} “{self.base_url}” must not have a ?query or #fragment.")
        return base.rstrip("/")


@dataclass(frozen=True)
class OutgoingRequest:
    """A request ready for the wire but for its secrets: the auth header holds a placeholder,
    which the transport's ``httpx.Auth`` replaces in place on the way out (providers/auth.py).
    ``headers`` is the display form (the auth header masked); ``wire_headers()`` is what the
    transport sends."""

    method: str
    url: str
    body: bytes
    _wire_headers: tuple[tuple[str, str], ...] = field(repr=False)

    @property
    def headers(self) -> tuple[tuple[str, str], ...]:
        return tuple((name, mask_header_value(name, value)) for name, value in self._wire_headers)

    def wire_headers(self) -> tuple[tuple[str, str], ...]:
        return self._wire_headers

    def header(self, name: str) -> str | None:
        """A header's display (masked) value, by case-insensitive name."""
        for key, value in self.headers:
            if key.lower() == name.lower():
                return value
        return None

    @property
    def body_text(self) -> str:
        return self.body.decode("utf-8")

    def with_auth(self, spec: AuthSpec | None) -> OutgoingRequest:
        """This request with the header ``spec`` will set, holding its placeholder, last (where
        the auth will put the real value)."""
        if spec is None:
            return self
        name, value = spec.placeholder()
        kept = tuple((k, v) for k, v in self._wire_headers if k.lower() != name.lower())
        return replace(self, _wire_headers=(*kept, (name, value)))


def amount(value: Any, default: Decimal | None = None) -> Decimal | None:
    """``value`` as a Decimal if it is a finite JSON number (not bool), else ``default``."""
    if isinstance(value, bool) or not isinstance(value, int | Decimal | float):
        return default
    number = Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
    return number if number.is_finite() else default


class NoSettings(BaseModel):
    """A provider whose profiles need nothing but a base URL and secrets."""

    model_config = ConfigDict(frozen=True, extra="forbid")


def setting_marks(info: FieldInfo) -> dict[str, Any]:
    """What a settings field's ``json_schema_extra`` marks: "url", "required", "labels"."""
    return info.json_schema_extra if isinstance(info.json_schema_extra, dict) else {}


def setting_kind(info: FieldInfo) -> str:
    """How a settings field is shown and typed: "bool", "choice", "url" or "text"."""
    if info.annotation is bool:
        return "bool"
    if get_origin(info.annotation) is Literal:
        return "choice"
    return "url" if setting_marks(info).get("url") else "text"


def setting_words(info: FieldInfo, name: str = "") -> tuple[str, str]:
    """What a person calls a setting in a sentence ("token URL", "account ID") and an example
    of one (its default, "" if it has none): for ``Target.checked_base``'s words and help."""
    title = info.title or name.replace("_", " ")
    example = info.default if isinstance(info.default, str) and info.default else ""
    return title[:1].lower() + title[1:], example


def setting_choices(info: FieldInfo) -> list[tuple[str, str]]:
    """A choice setting's (value, label) pairs, in order."""
    labels = setting_marks(info).get("labels")
    names = labels if isinstance(labels, dict) else {}
    return [(str(v), str(names.get(v, v))) for v in get_args(info.annotation)]


class Provider(ABC):
    """One vendor API, as its folder declares it (README, "For developers": who reads what).

    A subclass sets the class attributes — small declarations (``SecretSpec``, a settings
    model, ``AuthSpec`` from ``auth``, ``CartAction`` in ``actions``) — and writes the two
    things no declaration can say: ``build_request`` and ``read_response``. Everything else
    has a default that means "this API has none" (no batch endpoint, no cart actions, no
    connection check, no emulator).
    """

    key: str = ""
    title: str = ""
    # Where the provider comes in lists (menus, choices): lower first.
    position: int = 100
    # A new profile's base URL: the vendor's production API.
    default_base_url: str = ""
    # What a profile of this provider holds besides the shared fields (providers/base.py's
    # setting_kind says how each is shown); ``json_schema_extra`` marks "url" fields (checked,
    # warned about in clear), "labels" of a choice, and "required" ones a profile must have.
    settings_model: type[BaseModel] = NoSettings
    # profiles.json version 1 kept the settings at the top level; old key → setting name.
    legacy_settings: ClassVar[Mapping[str, str]] = {}
    # The limits of its emulator that ``cart-composer sandbox`` can set, and what the emulator
    # does in each mode ("real": as the service most likely answers; "strict": what it refuses
    # that the service most likely lets through), for the mode's help and tooltip.
    sandbox_options: tuple[SandboxOption, ...] = ()
    sandbox_mode_notes: ClassVar[Mapping[str, str]] = {}
    # Every secret it can use, in the order a person is asked for them.
    secrets: tuple[SecretSpec, ...] = ()
    # The history's name for a send of a cart ("cart_activity", "add_cart"), and for a batch.
    send_operation: str = "send"
    batch_operation: str = "batch"
    # What it can do to a cart it already has (providers/actions.py), in menu order; what it
    # calls its id for a cart, and its send, in messages ("cartId", "Add Cart").
    actions: tuple[CartAction, ...] = ()
    action_id_name: str = "id"
    send_title: str = "Send"
    # How many carts one batch request takes (0: no batch endpoint; bulk sends one by one),
    # what its limit on batch requests is called, and when it comes back if the 429 says not.
    batch_size: int = 0
    batch_limit: str = "limit"
    batch_limit_resets: str = "a while"
    # How many requests may be in flight at once (0: no limit the API states): bulk sends no
    # more than this side by side (Mailchimp's 10 simultaneous connections).
    max_in_flight: int = 0
    model: type[PayloadModel]
    options_model: type[BaseModel] | None = None
    # The payload key holding the line items, and how a form groups the other fields.
    items_key: str = ""
    # Where the cart's own custom attributes live ("": the payload's top level; Klaviyo's are
    # custom properties, in data.attributes.properties).
    custom_path: str = ""
    form_groups: tuple[tuple[str, tuple[str, ...]], ...] = ()
    # A sentence a form shows above the fields, for a rule no single field can show.
    form_hint: str = ""
    # The fields that identify a cart: its shopper's email, its id, its link.
    email_field: str = ""
    cart_id_field: str = ""
    cart_url_field: str = ""

    # --- the common cart (providers/common.py): what this provider calls its fields -----------

    # Common name → this provider's key, for the cart and for each item.
    common_cart: ClassVar[Mapping[str, str]] = {}
    common_item: ClassVar[Mapping[str, str]] = {}
    # What a new cart, or one carried in from another provider, starts with (a Drip action,
    # a Bronto phase).
    new_cart_values: ClassVar[Mapping[str, Any]] = {}
    # The request options a cart carried in from another provider is sent with ("Send to
    # every provider"): Bronto creates the contact another provider would have added.
    carried_options: ClassVar[Mapping[str, Any]] = {}
    # --- a request brought in (service/importing.py) -------------------------------------------
    # The send's path under the base URL, with the settings it names in braces
    # ("/v3/{account_id}/shopper_activity/cart"): what an imported request is known by.
    request_path: ClassVar[str] = ""
    # Request headers that carry a profile setting (a header name → the setting's).
    header_settings: ClassVar[Mapping[str, str]] = {}
    # The setting an OAuth2 token request's URL goes in, for a provider whose auth fetches one.
    token_url_setting: ClassVar[str] = ""

    def recognise(self, method: str, path: str) -> tuple[str, dict[str, str]] | None:
        """Whether ``method path`` is this provider's send: the part of the path before
        ``request_path`` (the base URL's own) and the settings the path names; else None."""
        if not self.request_path or method.upper() != "POST":
            return None
        pattern = "".join(
            f"(?P<{part[1:-1]}>[^/]+)" if part.startswith("{") else re.escape(part)
            for part in re.split(r"(\{[a-z_]+\})", self.request_path)
            if part
        )
        match = re.fullmatch(f"(?P<_prefix>(?:/[^/]+)*?){pattern}/?", path)
        if match is None:
            return None
        named = {k: unquote(v) for k, v in match.groupdict().items() if k != "_prefix"}
        return match.group("_prefix"), named

    def auth_variants(self) -> tuple[tuple[dict[str, Any], AuthSpec], ...]:
        """Each way this provider's profiles authenticate, with the settings that choose it
        (an import matches the credentials it finds against them)."""
        spec = self.auth({})
        return (({}, spec),) if spec is not None else ()

    def to_common(self, payload: Mapping[str, Any]) -> tuple[dict[str, Any], list[str], list[str]]:
        """The payload as a common cart, the cart's keys left behind and the items' (each
        named once)."""
        common, left = self._cart_to_common(payload)
        item_left: list[str] = []
        items = get_at(payload, self.items_key)
        if isinstance(items, list) and items:
            common["items"] = []
            for item in items:
                carried, dropped = self.item_to_common(item)
                common["items"].append(carried)
                item_left += [name for name in dropped if name not in item_left]
        return common, left, item_left

    def _cart_to_common(self, payload: Mapping[str, Any]) -> tuple[dict[str, Any], list[str]]:
        """The cart's fields under their common names (in the cart's order), and the paths of
        those with none (a nested object's fields named one by one)."""
        names = {key: name for name, key in self.common_cart.items()}
        common: dict[str, Any] = {}
        left: list[str] = []

        def walk(values: Mapping[str, Any], model: type[PayloadModel] | None, prefix: str) -> None:
            for key, value in values.items():
                path = f"{prefix}{key}"
                if path == self.items_key:
                    continue
                if path in names:
                    common[names[path]] = value
                    continue
                info = schema.wire_fields(model).get(key) if model is not None else None
                nested = info is not None and schema.is_object_field(info)
                if model is not None and nested and isinstance(value, Mapping):
                    walk(value, schema.child_model(model, key), f"{path}.")
                else:
                    left.append(path)

        walk(payload, self.model, "")
        return common, left

    def item_to_common(self, item: Any) -> tuple[dict[str, Any], list[str]]:
        return carried_item(item, {key: name for name, key in self.common_item.items()})

    def from_common(self, common: Mapping[str, Any]) -> tuple[dict[str, Any], list[str]]:
        """A payload of this provider's from a common cart (the defaults for a carried cart
        added), and the items' common names it has no field for."""
        payload: dict[str, Any] = {}
        for name, value in common.items():
            if name != "items" and name in self.common_cart:
                set_in(payload, self.common_cart[name], value)
        item_left: list[str] = []
        items = common.get("items")
        if isinstance(items, list):
            carried_items: list[Any] = []
            for item in items:
                carried, dropped = self.item_from_common(item)
                carried_items.append(carried)
                item_left += [name for name in dropped if name not in item_left]
            set_in(payload, self.items_key, carried_items)
        for key, value in self.new_cart_values.items():
            if not has_at(payload, key):
                set_in(payload, key, value)
        return payload, item_left

    def item_from_common(self, item: Mapping[str, Any]) -> tuple[dict[str, Any], list[str]]:
        return mapped(item, self.common_item)

    @property
    def has_emulator(self) -> bool:
        """Whether the built-in sandbox speaks this API (it then has a sandbox profile)."""
        return type(self).emulator is not Provider.emulator

    def sample_cart(
        self, common: Mapping[str, Any], products: list[dict[str, Any]], rng: random.Random
    ) -> CartDocument:
        """A generated cart (bulk, demos) from a common cart of catalog products; ``products``
        are the catalog's entries behind its items, for the fields the common cart has not."""
        from app.providers.document import CartDocument

        payload, _ = self.from_common(common)
        return CartDocument(provider=self.key, payload=payload)

    def emulator(self, context: EmulatorContext) -> Emulator | None:
        """This API's emulator for the built-in sandbox (None: the sandbox has no door for
        it). Imported only when a sandbox starts."""
        return None

    def sandbox_secrets(self) -> dict[str, str]:
        """The public secrets of this provider's built-in sandbox profile, by name."""
        return {}

    def settings_from_secrets(self, secrets: Mapping[str, str | None]) -> dict[str, Any]:
        """Public settings a profile's secrets carry (Mailchimp's data centre is the end of its
        key), used for its sends where the profile leaves them blank; ``TargetError`` when a
        secret cannot carry them. Never a secret itself: the result is shown in URLs."""
        return {}

    def sandbox_settings(self, base_url: str) -> dict[str, Any]:
        """The built-in sandbox profile's settings when its sandbox answers at ``base_url``
        (the sandbox's account id, its token endpoint)."""
        return {}

    def settings(self, raw: Mapping[str, Any] | None) -> BaseModel:
        """Typed profile settings; ``ValueError`` naming the setting when one is wrong."""
        try:
            return self.settings_model.model_validate(dict(raw or {}))
        except ValidationError as exc:
            first = exc.errors(include_url=False)[0]
            where = format_path(tuple(first["loc"]))
            if first["type"] == "extra_forbidden":
                raise ValueError(f"“{where}” is not a setting of {self.title} profiles") from None
            if first["type"] == "value_error":  # a provider's own check: its words, as written
                said = str(first["ctx"]["error"]) if "ctx" in first else first["msg"]
            else:
                said = first["msg"].lower()  # pydantic's ("input should be a valid string")
            raise ValueError(f"the setting “{where}”: {said}") from None

    def setting_urls(self, settings: Mapping[str, Any]) -> list[str]:
        """The URLs among a profile's settings (a token endpoint): secrets travel to them."""
        return [url for _, url in self.url_settings(settings)]

    def url_settings(self, settings: Mapping[str, Any]) -> list[tuple[str, str]]:
        """(name, URL) of each URL setting that is set (Bronto's ``token_url``)."""
        fields = self.settings_model.model_fields
        return [
            (name, str(settings[name]))
            for name, info in fields.items()
            if setting_kind(info) == "url" and settings.get(name)
        ]

    def options_from_settings(self, settings: Mapping[str, Any]) -> dict[str, Any]:
        """The request options a profile with these settings sets by default (the cart's
        own options win)."""
        return {}

    def auth(self, settings: Mapping[str, Any]) -> AuthSpec | None:
        """How a profile with these settings authenticates (None: the API takes no
        credentials). ``settings`` are the profile's, as sent (overrides and a sandbox's
        applied)."""
        return None

    def needed_secrets(self, settings: Mapping[str, Any]) -> tuple[str, ...]:
        """The secrets a profile with these settings sends: those its auth uses."""
        spec = self.auth(settings)
        return spec.secret_names() if spec is not None else ()

    def suggested_line_total(self, item: Mapping[str, Any]) -> Decimal | None:
        """What an item's line total works out to from its price, quantity and discount, or
        None when those are not numbers (or the API has no line totals). A suggestion: it
        never replaces what was typed."""
        return None

    def suggested_totals(self, payload: Mapping[str, Any]) -> dict[str, Decimal]:
        """Cart totals worked out from the items (and the cart's other amounts)."""
        return {}

    line_total_field: str = ""

    def canonical(self, payload: Any) -> Any:
        return schema.canonical(self.model, payload)

    def validate(self, payload: Any) -> Validation:
        return schema.validate_payload(self.model, payload)

    def upgrade(self, payload: Any) -> tuple[Any, tuple[Issue, ...]]:
        """What an imported payload needs before it is the app's: legacy keys renamed (Drip's
        item ``discount`` → ``discounts``) and whole numbers written ``2.0`` made ``2``, each
        change said."""
        renamed, notes = schema.upgrade_legacy_keys(self.model, payload)
        whole, more = schema.whole_numbers(self.model, renamed)
        return whole, (*notes, *more)

    def body(self, payload: Any) -> bytes:
        """The exact request body: canonical order, 2-space indent, UTF-8, numbers as typed."""
        try:
            return jsonfmt.dumps(self.canonical(payload)).encode("utf-8")
        except (TypeError, ValueError) as exc:
            raise PayloadError(f"The cart cannot be written as JSON: {exc}.") from None

    def options_from_query(self, query: Mapping[str, str]) -> dict[str, Any]:
        """The request options a sent URL's query says (a history entry re-opened): each
        boolean option is its query parameter, "true" or not."""
        if self.options_model is None:
            return {}
        return {
            name: query.get(name, "false").lower() == "true"
            for name, info in self.options_model.model_fields.items()
            if info.annotation is bool
        }

    def options(self, raw: Mapping[str, Any] | None) -> BaseModel | None:
        """Typed request options; ``ValueError`` with a readable message when they are wrong."""
        raw = dict(raw or {})
        if self.options_model is None:
            if raw:
                names = ", ".join(sorted(raw))
                raise ValueError(f"{self.title} takes no request options (got {names}).")
            return None
        try:
            return self.options_model.model_validate(raw)
        except ValidationError as exc:
            first = exc.errors(include_url=False)[0]
            where = format_path(tuple(first["loc"]))
            if first["type"] == "extra_forbidden":
                raise ValueError(f"“{where}” is not a {self.title} request option.") from None
            raise ValueError(f"The option “{where}” must be true or false.") from None

    @abstractmethod
    def build_request(
        self, payload: Any, target: Target, options: Mapping[str, Any] | None = None
    ) -> OutgoingRequest:
        """The request for ``payload`` without its auth header (``with_auth`` adds it)."""

    # --- cart actions (providers/actions.py) ---------------------------------------------------

    def action(self, key: str) -> CartAction:
        """The declared action ``key``; ``UnknownAction`` lists the ones there are."""
        for action in self.actions:
            if action.key == key:
                return action
        known = ", ".join(a.key for a in self.actions)
        has = f"its actions are {known}" if known else "it has no cart actions"
        raise UnknownAction(f"{self.title} has no cart action “{key}”: {has}.")

    def event_values(self, event: str) -> dict[str, Any] | None:
        """What sending the cart as ``event`` ("created", "updated") sets on it first (Drip:
        its action, and occurred_at now): "Send as update" and a journey's send with an
        ``action``. None when the API has no such events."""
        return None

    def update_values(self) -> dict[str, Any] | None:
        """What "Send as update" sets before sending the cart again, or None."""
        return self.event_values("updated")

    def cart_id_after_send(self, status: int, provider_id: str | None) -> str | None:
        """The id the actions use for a cart this answer to a send created (None: none)."""
        return None

    def cart_state(self, status: int, body: bytes, action: CartAction | None = None) -> CartState:
        """What an answer to a send (``action`` None) or to ``action`` says of the cart."""
        return CartState(id_name=self.action_id_name)

    def action_payload(self, action: CartAction, payload: Any) -> Any:
        """The body an action that sends the cart sends (Bronto's Update drops the shop's
        cart id: the cart is named by its path)."""
        return payload

    def validate_action(self, action: CartAction, payload: Any) -> Validation:
        return self.validate(self.action_payload(action, payload))

    def options_query(self, options: Mapping[str, Any] | None) -> dict[str, str]:
        """The request options as query parameters: booleans as lower-case words."""
        typed = self.options(options)
        if typed is None:
            return {}
        return {
            name: str(value).lower() if isinstance(value, bool) else str(value)
            for name, value in typed.model_dump().items()
        }

    def build_action(
        self,
        action: CartAction,
        target: Target,
        *,
        cart_id: str = "",
        payload: Any = None,
        options: Mapping[str, Any] | None = None,
    ) -> OutgoingRequest:
        """The request for ``action`` without its auth header; ``PayloadError`` names what is
        missing (no id yet, an empty search field)."""
        base = target.checked_base(self.default_base_url)
        fields = payload if isinstance(payload, Mapping) else {}
        query: dict[str, str] = {}
        if action.by == "cart":
            for parameter, name in action.query.items():
                value = fields.get(name)
                if not isinstance(value, str) or not value.strip():
                    raise PayloadError(f"{action.title} needs a {name}: fill it in on the cart.")
                query[parameter] = value
            url = base + action.path
        else:
            if not cart_id.strip():
                raise PayloadError(
                    f"{action.title} needs {self.title}'s {self.action_id_name}: send the cart "
                    f"with {self.send_title} first, or enter the {self.action_id_name}."
                )
            url = base + action.path.format(id=quote(cart_id.strip(), safe=""))
        if action.sends_options:
            query |= self.options_query(options)
        if query:
            url += "?" + urlencode(query)
        body = self.body(self.action_payload(action, payload)) if action.sends_cart else b""
        headers = self._json_headers()
        if not body:
            headers = tuple((k, v) for k, v in headers if k != "Content-Type")
        return OutgoingRequest(method=action.method, url=url, body=body, _wire_headers=headers)

    def build_batch_request(self, payloads: list[Any], target: Target) -> OutgoingRequest:
        """One request for many carts (``batch_size`` at most), without its auth header."""
        raise PayloadError(f"{self.title} has no batch endpoint.")

    def batch_ids(self, body: bytes) -> list[str]:
        """The ids a batch answer gives its carts (Drip's ``request_ids``)."""
        return []

    def connection_check(self, target: Target) -> OutgoingRequest | None:
        """ "Test connection": the cheapest authenticated call (without its auth header), or
        None when the API has none besides fetching a token (or none at all)."""
        return None

    def read_connection_check(
        self, status: int, reason: str, body: bytes, target: Target
    ) -> tuple[bool, str]:
        """Whether the answer to ``connection_check`` says the profile works, and what it
        found, for a person."""
        ok = 200 <= status < 300
        return ok, f"{self.title} answered {status} {reason}".rstrip() + "."

    @abstractmethod
    def read_response(
        self, status: int, headers: Mapping[str, str], body: bytes
    ) -> tuple[str | None, tuple[tuple[str, str], ...]]:
        """The provider's id for what was accepted, and its complaints as (attribute, message).

        ``ValueError`` when a success body that must be JSON is not.
        """

    def _json_headers(self) -> tuple[tuple[str, str], ...]:
        return (
            ("Content-Type", "application/json"),
            ("Accept", "application/json"),
            ("User-Agent", USER_AGENT),
        )
