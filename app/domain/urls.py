"""What a URL says about where it goes: loopback or another machine, in clear or not."""

from __future__ import annotations

import ipaddress
from urllib.parse import urlsplit

__all__ = ["is_loopback", "plain_http_warning"]


def is_loopback(host: str | None) -> bool:
    """``localhost``, 127.0.0.0/8 or ::1: this machine, never the network."""
    if not host:
        return False
    if host.lower().rstrip(".") == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def plain_http_warning(url: str, what: str = "secret") -> str | None:
    """A warning when ``url`` is plain http:// to another machine: the ``what`` sent with it
    (an API key, a token) would cross the network in clear. None for https and loopback."""
    try:
        parts = urlsplit(url.strip())
        host = parts.hostname
    except ValueError:
        return None  # not a URL at all: the target's own check says so
    if parts.scheme.lower() != "http" or is_loopback(host):
        return None
    return (
        f"{url.strip()} is plain http:// to another machine: the {what} sent with it would "
        "travel in clear. Use https://."
    )
