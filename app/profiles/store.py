"""Profiles: named targets (provider, URLs, Drip account id, request defaults). No secrets.

User profiles live in ``profiles.json`` in the config folder; the two built-in sandbox profiles
are never stored and cannot be removed. A broken profiles file is reported, and moved aside
only when the user writes a new profile, so nothing they typed is silently dropped.
"""

from __future__ import annotations

import os
import re
import tempfile
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from app.domain import jsonfmt
from app.domain.errors import CartComposerError
from app.domain.urls import plain_http_warning
from app.files import FileReadError, private_dir, read_bounded
from app.paths import config_dir
from app.providers.bronto.provider import DEFAULT_BASE_URL as BRONTO_BASE_URL
from app.providers.bronto.provider import DEFAULT_TOKEN_URL as BRONTO_TOKEN_URL
from app.providers.drip.provider import DEFAULT_BASE_URL as DRIP_BASE_URL
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
# A profile is a few hundred bytes: a file past this is not a profiles file.
PROFILES_CAP = 1024 * 1024
_NAME = re.compile(r"[a-z0-9][a-z0-9._-]{0,62}")


class ProfileError(CartComposerError):
    """A profile or the profiles file is wrong; the message says what to fix."""


class Profile(BaseModel):
    """A named target. ``sandbox`` profiles resolve their URLs to the embedded sandbox."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str
    title: str = ""
    provider: str  # a registered provider's key
    base_url: str = ""
    token_url: str = ""  # Bronto's OAuth2 token endpoint
    account_id: str = ""  # Drip
    drip_auth: Literal["api_key", "oauth"] = "api_key"
    create_contact: bool = False
    ignore_invalid_tid: bool = False
    timeout: float = Field(DEFAULT_TIMEOUT, gt=0, le=600)
    sandbox: bool = False

    @field_validator("provider")
    @classmethod
    def _registered(cls, value: str) -> str:
        from app.providers.registry import get_provider

        return get_provider(value).key

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

    def secret_names(self) -> tuple[str, ...]:
        """The secrets this profile needs, in the order a person is asked for them."""
        from app.providers.registry import get_provider

        return get_provider(self.provider).needed_secrets(self.model_dump())

    def cleartext_warnings(
        self, base_url: str | None = None, token_url: str | None = None
    ) -> list[str]:
        """Warnings when this profile's base or token URL (or the ones it is sent to) is plain
        http:// to another machine. Loopback never warns: the sandbox's secrets are public, and
        nothing leaves the machine; a sandbox profile pointed elsewhere sends real secrets."""
        labels = " and ".join(secret_label(n) for n in self.secret_names())
        urls = [base_url or self.base_url]
        if self.provider == "bronto":
            urls.append(token_url or self.token_url)
        found = (plain_http_warning(url, labels) for url in dict.fromkeys(urls) if url)
        return [warning for warning in found if warning]

    def options(self) -> dict[str, Any]:
        """The request options this profile sets by default (the cart's own options win)."""
        if self.provider == "bronto":
            return {
                "createContact": self.create_contact,
                "ignoreInvalidTid": self.ignore_invalid_tid,
            }
        return {}


BUILTIN_PROFILES: dict[str, Profile] = {
    "sandbox-drip": Profile(
        name="sandbox-drip", title="Sandbox · Drip", provider="drip", sandbox=True
    ),
    "sandbox-bronto": Profile(
        name="sandbox-bronto", title="Sandbox · Bronto", provider="bronto", sandbox=True
    ),
}


def new_profile(name: str, provider: str, **values: Any) -> Profile:
    """A user profile with the vendor's production URLs unless others are given."""
    defaults: dict[str, Any] = (
        {"base_url": DRIP_BASE_URL}
        if provider == "drip"
        else {"base_url": BRONTO_BASE_URL, "token_url": BRONTO_TOKEN_URL}
    )
    given = {key: value for key, value in values.items() if value is not None}
    try:
        return Profile(name=name, provider=provider, **{**defaults, **given})
    except ValidationError as exc:
        first = exc.errors(include_url=False)[0]
        field = ".".join(str(p) for p in first["loc"]) or "profile"
        raise ProfileError(f"The profile's {field} {first['msg'].lower()}.") from None


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

    def _write(self, profiles: list[Profile]) -> None:
        body = {
            "version": 1,
            "profiles": [p.model_dump(exclude={"sandbox"}) for p in profiles],
        }
        text = jsonfmt.dumps(body) + "\n"
        temp: str | None = None
        try:
            private_dir(self.folder)
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
