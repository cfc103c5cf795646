"""Profiles: named targets (provider, base URL, timeout, and the provider's own settings —
an account id, a token URL, request defaults). No secrets.

User profiles live in ``profiles.json`` in the config folder; the built-in sandbox profiles
(one per provider with an emulator) are never stored and cannot be removed. A broken profiles
file is reported, and moved aside only when the user writes a new profile, so nothing they
typed is silently dropped. Version 1 of the file kept the Drip and Bronto settings at the top
level of each profile: they are read into ``settings``, and the first write keeps a copy of the
old file as ``profiles.v1.json``.
"""

from __future__ import annotations

import os
import re
import tempfile
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)

from app.domain import jsonfmt
from app.domain.errors import CartComposerError, TargetError
from app.domain.urls import plain_http_warning
from app.files import FileReadError, private_dir, read_bounded
from app.paths import config_dir
from app.providers.base import Target, setting_words
from app.providers.registry import get_provider, providers
from app.secrets.store import secret_label

__all__ = [
    "BUILTIN_PROFILES",
    "DEFAULT_TIMEOUT",
    "Profile",
    "ProfileError",
    "ProfileStore",
    "new_profile",
]

DEFAULT_TIMEOUT = 30.0
FILE_NAME = "profiles.json"
VERSION = 2
# A profile is a few hundred bytes: a file past this is not a profiles file.
PROFILES_CAP = 1024 * 1024
_NAME = re.compile(r"[a-z0-9][a-z0-9._-]{0,62}")


class ProfileError(CartComposerError):
    """A profile or the profiles file is wrong; the message says what to fix."""


class Profile(BaseModel):
    """A named target. ``sandbox`` profiles resolve their URLs to the embedded sandbox.
    ``settings`` are the provider's (``Provider.settings_model``), every one filled in."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str
    title: str = ""
    provider: str  # a registered provider's key
    base_url: str = ""
    timeout: float = Field(DEFAULT_TIMEOUT, gt=0, le=600)
    sandbox: bool = False
    settings: dict[str, Any] = Field(default_factory=dict)

    @model_validator(mode="before")
    @classmethod
    def _settings_from_version_1(cls, data: Any) -> Any:
        """A version 1 profile's top-level settings moved into ``settings``; those its
        provider has no use for (version 1 wrote every key for every profile) are dropped."""
        if not isinstance(data, dict) or not isinstance(data.get("provider"), str):
            return data
        try:
            provider = get_provider(data["provider"])
        except ValueError:
            return data  # said by the provider's own validator
        legacy = {key for p in providers().values() for key in p.legacy_settings}
        found = {key: data[key] for key in legacy if key in data}
        if not found:
            return data
        data = {key: value for key, value in data.items() if key not in found}
        settings = dict(data.get("settings") or {})
        for key, value in found.items():
            name = provider.legacy_settings.get(key)
            if name is not None and value not in ("", None):
                settings.setdefault(name, value)
        data["settings"] = settings
        return data

    @field_validator("provider")
    @classmethod
    def _registered(cls, value: str) -> str:
        return get_provider(value).key

    @model_validator(mode="after")
    def _typed_settings(self) -> Profile:
        typed = get_provider(self.provider).settings(self.settings)
        # Frozen: the checked, complete settings replace what was given.
        object.__setattr__(self, "settings", typed.model_dump())
        return self

    @field_validator("name")
    @classmethod
    def _name_is_a_slug(cls, value: str) -> str:
        if not _NAME.fullmatch(value):
            raise ValueError(
                "must be 1-63 lower-case letters, digits, dots, dashes or underscores, "
                "starting with a letter or digit"
            )
        return value

    @property
    def display_name(self) -> str:
        return self.title or self.name

    @property
    def builtin(self) -> bool:
        return self.name in BUILTIN_PROFILES

    def setting(self, name: str) -> Any:
        return self.settings.get(name)

    def secret_names(self) -> tuple[str, ...]:
        """The secrets this profile needs, in the order a person is asked for them."""
        return get_provider(self.provider).needed_secrets(self.settings)

    def cleartext_warnings(
        self, base_url: str | None = None, settings: dict[str, Any] | None = None
    ) -> list[str]:
        """Warnings when this profile's base URL or a URL among its settings (or the ones it
        is sent to) is plain http:// to another machine. Loopback never warns: the sandbox's
        secrets are public, and nothing leaves the machine; a sandbox profile pointed elsewhere
        sends real secrets."""
        labels = " and ".join(secret_label(n) for n in self.secret_names())
        provider = get_provider(self.provider)
        urls = [base_url or self.base_url, *provider.setting_urls(settings or self.settings)]
        found = (plain_http_warning(url, labels) for url in dict.fromkeys(urls) if url)
        return [warning for warning in found if warning]

    def url_problems(self) -> list[tuple[str, str]]:
        """(field, what to fix) for each of this profile's addresses — its ``base_url``, then
        each URL setting by name (Bronto's ``token_url``) — that no request could be made to.
        A sandbox profile's are the sandbox's own: none."""
        if self.sandbox:
            return []
        provider = get_provider(self.provider)
        fields = provider.settings_model.model_fields
        # (field, address, what a person calls it, an example of one)
        addresses = [("base_url", self.base_url, "base URL", provider.default_base_url)]
        for name, url in provider.url_settings(self.settings):
            addresses.append((name, url, *setting_words(fields[name], name)))
        problems = []
        for field, address, what, example in addresses:
            try:
                Target(address).checked_base(example, what)
            except TargetError as exc:
                problems.append((field, str(exc)))
        return problems

    def check_urls(self) -> None:
        """``TargetError`` for the first of ``url_problems``, saying what to fix."""
        for _, problem in self.url_problems()[:1]:
            raise TargetError(problem)

    def options(self) -> dict[str, Any]:
        """The request options this profile sets by default (the cart's own options win)."""
        return get_provider(self.provider).options_from_settings(self.settings)


class _BuiltinProfiles(Mapping[str, Profile]):
    """A sandbox profile for every provider the sandbox emulates, ``sandbox-<key>``, in the
    registry's order: made from the registry as it is (made again when it changes)."""

    def __init__(self) -> None:
        # The registry they were made from, held: compared by identity, never by id(). Once
        # the registry's cache is cleared the old one is freed, and a new one may be given the
        # same address, so an id() kept alone would pass for it.
        self._made: tuple[Mapping[str, Any], dict[str, Profile]] | None = None

    def _profiles(self) -> dict[str, Profile]:
        found = providers()
        if self._made is None or self._made[0] is not found:
            made = {
                f"sandbox-{p.key}": Profile(
                    name=f"sandbox-{p.key}",
                    title=f"Sandbox · {p.title}",
                    provider=p.key,
                    sandbox=True,
                )
                for p in found.values()
                if p.has_emulator
            }
            self._made = (found, made)
        return self._made[1]

    def __getitem__(self, name: str) -> Profile:
        return self._profiles()[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self._profiles())

    def __len__(self) -> int:
        return len(self._profiles())


BUILTIN_PROFILES: Mapping[str, Profile] = _BuiltinProfiles()


def new_profile(name: str, provider: str, **values: Any) -> Profile:
    """A user profile with the vendor's production URLs unless others are given. ``values``
    are the shared fields and the provider's settings, by name; None leaves one at its
    default."""
    try:
        spec = get_provider(provider)
    except ValueError as exc:
        raise ProfileError(str(exc)) from None
    shared = set(Profile.model_fields) - {"settings"}
    given = {key: value for key, value in values.items() if value is not None}
    settings = {key: value for key, value in given.items() if key not in shared}
    fields = {key: value for key, value in given.items() if key in shared}
    try:
        return Profile(
            name=name,
            provider=provider,
            **{"base_url": spec.default_base_url, **fields},
            settings=settings,
        )
    except ValidationError as exc:
        first = exc.errors(include_url=False)[0]
        message = first["msg"].removeprefix("Value error, ")
        if not first["loc"]:  # the provider's settings: the message names the setting
            raise ProfileError(f"{message[:1].upper()}{message[1:]}.") from None
        field = ".".join(str(p) for p in first["loc"])
        raise ProfileError(f"The profile's {field} {message[:1].lower()}{message[1:]}.") from None


class ProfileStore:
    """Built-in profiles first, then the user's, read from and written to ``profiles.json``."""

    def __init__(self, folder: Path | None = None) -> None:
        self.folder = folder if folder is not None else config_dir()
        self.path = self.folder / FILE_NAME

    def _read_user(self) -> list[Profile]:
        try:
            text = read_bounded(self.path, PROFILES_CAP, "profiles file")
        except FileReadError as exc:
            if exc.missing:
                return []
            raise ProfileError(f"{exc} The built-in sandbox profiles still work.") from None
        try:
            data = jsonfmt.loads(text)
            items = data["profiles"] if isinstance(data, dict) else None
            if not isinstance(items, list):
                raise ValueError('it must be {"profiles": [...]}')
            return [Profile.model_validate({**item, "sandbox": False}) for item in items]
        except (ValueError, KeyError, TypeError, ValidationError) as exc:
            raise ProfileError(
                f"The profiles file {self.path} is damaged ({_short(exc)}). Fix or remove it; "
                "the built-in sandbox profiles still work."
            ) from None

    def all(self) -> list[Profile]:
        return [*BUILTIN_PROFILES.values(), *self._read_user()]

    def get(self, name: str) -> Profile:
        if name in BUILTIN_PROFILES:
            return BUILTIN_PROFILES[name]
        for profile in self._read_user():
            if profile.name == name:
                return profile
        known = ", ".join(p.name for p in self.all())
        raise ProfileError(f"There is no profile named “{name}”. Profiles: {known}.")

    def add(self, profile: Profile, *, replace: bool = False) -> Profile:
        if profile.name in BUILTIN_PROFILES:
            raise ProfileError(f"“{profile.name}” is a built-in profile; choose another name.")
        if profile.sandbox:
            raise ProfileError("Only the built-in profiles use the embedded sandbox.")
        user = self._read_user()
        if not replace and any(p.name == profile.name for p in user):
            raise ProfileError(f"A profile named “{profile.name}” already exists.")
        self._write([p for p in user if p.name != profile.name] + [profile])
        return profile

    def remove(self, name: str) -> None:
        if name in BUILTIN_PROFILES:
            raise ProfileError(f"“{name}” is a built-in profile and cannot be deleted.")
        user = self._read_user()
        if not any(p.name == name for p in user):
            raise ProfileError(f"There is no profile named “{name}”.")
        self._write([p for p in user if p.name != name])

    def _keep_version_1(self) -> None:
        """Before the first write in version 2, a copy of a version 1 file (what the user had,
        settings their provider never used included) as ``profiles.v1.json``."""
        backup = self.folder / "profiles.v1.json"
        try:
            text = read_bounded(self.path, PROFILES_CAP, "profiles file")
            data = jsonfmt.loads(text)
        except (FileReadError, ValueError):
            return
        if isinstance(data, dict) and data.get("version", 1) == 1 and not backup.exists():
            handle = os.open(backup, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(handle, "wb") as out:
                out.write(text)

    def _write(self, profiles: list[Profile]) -> None:
        body = {
            "version": VERSION,
            "profiles": [p.model_dump(exclude={"sandbox"}) for p in profiles],
        }
        text = jsonfmt.dumps(body) + "\n"
        temp: str | None = None
        try:
            private_dir(self.folder)
            self._keep_version_1()
            # mkstemp makes the file 0600; replacing the name never writes through a symlink.
            handle, temp = tempfile.mkstemp(dir=self.folder, prefix=".profiles.", suffix=".tmp")
            with os.fdopen(handle, "w", encoding="utf-8") as out:
                out.write(text)
            os.replace(temp, self.path)
        except OSError as exc:
            if temp is not None:
                Path(temp).unlink(missing_ok=True)
            raise ProfileError(
                f"The profiles could not be saved to {self.path}: {exc.strerror}."
            ) from None


def _short(exc: Exception) -> str:
    if isinstance(exc, ValidationError):
        first = exc.errors(include_url=False)[0]
        where = ".".join(str(p) for p in first["loc"])
        return f"{where}: {first['msg']}"
    return str(exc)
