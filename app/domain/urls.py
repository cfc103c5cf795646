"""What a URL says about where it goes: loopback or another machine, in clear or not."""

from __future__ import annotations

import ipaddress
from urllib.parse import urlsplit

__all__ = ["host_problem", "is_loopback", "plain_http_warning"]

# What may stand in a host name once it is in ASCII (RFC 1123 letters, digits, hyphens and
# dots; underscores too, which resolvers take and internal names such as Docker's services use).
_HOST_CHARACTERS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.")


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


def host_problem(host: str) -> str | None:
    """What makes ``host`` (a URL's host, without brackets or port) a name no lookup can take,
    said of the host ("has an empty part between two dots"), or None when it can be looked up.
    An IP address is fine; a name is held to what the system resolver and httpx accept: parts of
    1 to 63 characters, 253 in all, and an international name that IDNA can write in ASCII."""
    try:
        ipaddress.ip_address(host)
        return None
    except ValueError:
        pass
    name = host[:-1] if host.endswith(".") else host  # "example.com." is fully qualified
    if not name:
        return "has no name"
    for character in name:
        if character.isspace() or not character.isprintable():
            return "has a space or an invisible character"
    if not name.isascii():
        import idna  # httpx's own IDNA: what it cannot encode, it refuses to send

        try:
            name = idna.encode(name.lower()).decode("ascii")
        except idna.IDNAError:
            return "is not an international name IDNA can write in ASCII"
    labels = name.split(".")
    if len(labels) == 4 and all(label.isdigit() for label in labels):
        # Four numbers that ipaddress (and so httpx) refuses: 256.1.1.1, 10.0.0.01.
        return "is not an IPv4 address: four numbers from 0 to 255, with no leading zeros"
    if "" in labels:
        return "has an empty part between two dots"
    if any(len(label) > 63 for label in labels):
        return "has a part longer than 63 characters between dots"
    if len(name) > 253:
        return "is longer than 253 characters"
    wrong = next((c for c in name if c not in _HOST_CHARACTERS), None)
    if wrong is not None:
        return f"has “{wrong}”, which a host name cannot have"
    return None


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
