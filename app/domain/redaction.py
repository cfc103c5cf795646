"""Masking secrets for display: header values, and the one mark every masked value carries."""

from __future__ import annotations

__all__ = ["MASK", "SECRET_HEADERS", "is_secret_header", "mask_header_value"]

MASK = "••••••••"
# Lower-case names of headers whose values are credentials.
SECRET_HEADERS = frozenset({"authorization", "proxy-authorization", "cookie", "x-api-key"})


def is_secret_header(name: str) -> bool:
    return name.strip().lower() in SECRET_HEADERS


def mask_header_value(name: str, value: str) -> str:
    """``Basic abc…`` → ``Basic ••••••••``: the scheme stays visible, the credential does not."""
    if not is_secret_header(name):
        return value
    scheme, _, credential = value.partition(" ")
    if credential and name.strip().lower().endswith("authorization"):
        return f"{scheme} {MASK}"
    return MASK
