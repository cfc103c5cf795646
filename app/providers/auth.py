"""How a provider's requests carry their secrets, declared as data.

A provider says *which* scheme it uses and with which of its secrets (``Provider.auth``); the
transport turns the declaration into an ``httpx.Auth`` that puts the real values on the wire
(``app/transport/auth.py``), the preview shows the header it will set with a placeholder
(masked), "Copy as cURL" writes the matching options, and "Test connection" knows whether a
token fetch is the check. No secret is ever part of an ``OutgoingRequest``: the auth adds it to
the request httpx sends, so nothing built for display or history can hold one.

Three schemes cover the APIs the app speaks: HTTP Basic (Drip's ``key:``, Mailchimp's
``anystring:key``), a header with a scheme word (a Bearer token, Klaviyo's
``Klaviyo-API-Key``), and OAuth2 client credentials with a token endpoint (Bronto).
"""

from __future__ import annotations

import base64
from dataclasses import dataclass

from app.domain.redaction import is_secret_header

__all__ = [
    "PLACEHOLDER_SECRET",
    "AuthSpec",
    "BasicAuth",
    "ClientCredentials",
    "HeaderAuth",
    "SecretRef",
]

# What a preview puts where a secret will go; masked in every display.
PLACEHOLDER_SECRET = "secret-not-set"


@dataclass(frozen=True)
class SecretRef:
    """One of the provider's secrets (``Provider.secrets``), by name."""

    name: str


def _names(*parts: str | SecretRef) -> tuple[str, ...]:
    return tuple(part.name for part in parts if isinstance(part, SecretRef))


@dataclass(frozen=True)
class BasicAuth:
    """HTTP Basic: ``username:password``, each a fixed word or one of the secrets."""

    username: str | SecretRef
    password: str | SecretRef = ""
    header: str = "Authorization"

    def secret_names(self) -> tuple[str, ...]:
        return _names(self.username, self.password)

    def pair(self) -> tuple[str | SecretRef, str | SecretRef]:
        return self.username, self.password

    def header_value(self, values: dict[str, str]) -> str:
        """The header's value with ``values`` (secret name → value) filled in."""

        def fill(part: str | SecretRef) -> str:
            return values.get(part.name, "") if isinstance(part, SecretRef) else part

        pair = f"{fill(self.username)}:{fill(self.password)}"
        return "Basic " + base64.b64encode(pair.encode("latin-1")).decode("ascii")

    def placeholder(self) -> tuple[str, str]:
        """The header a preview shows (its value masked wherever it is displayed)."""
        return self.header, self.header_value(
            dict.fromkeys(self.secret_names(), PLACEHOLDER_SECRET)
        )


@dataclass(frozen=True)
class HeaderAuth:
    """One secret in a header after a scheme word: ``Authorization: Bearer <token>``."""

    secret: str
    scheme: str = "Bearer"
    header: str = "Authorization"

    def __post_init__(self) -> None:
        if not is_secret_header(self.header):
            # Every display masks these headers by name; another would show the secret.
            raise ValueError(f"“{self.header}” is not a header the app masks.")

    def secret_names(self) -> tuple[str, ...]:
        return (self.secret,)

    def header_value(self, values: dict[str, str]) -> str:
        value = values.get(self.secret, "")
        return f"{self.scheme} {value}" if self.scheme else value

    def placeholder(self) -> tuple[str, str]:
        return self.header, self.header_value({self.secret: PLACEHOLDER_SECRET})


@dataclass(frozen=True)
class ClientCredentials:
    """OAuth2 client credentials: a token fetched from ``token_url`` (form-encoded client id
    and secret), cached until shortly before it expires, refreshed with its refresh token, and
    sent as ``Bearer``. An answer of ``refused_status`` to a *cached* token gets one new token
    and one more try (a token revoked early); to a token fetched just now it is about scope,
    and ``scope_hint`` says where to look."""

    token_url: str
    client_id: str  # the secrets' names
    client_secret: str
    service: str  # whose tokens, in messages: "Bronto"
    refused_status: int = 403
    scope_hint: str = ""
    header: str = "Authorization"

    def secret_names(self) -> tuple[str, ...]:
        return (self.client_id, self.client_secret)

    def placeholder(self) -> tuple[str, str]:
        return self.header, f"Bearer {PLACEHOLDER_SECRET}"


AuthSpec = BasicAuth | HeaderAuth | ClientCredentials
