"""What leaves the app for other tools, beyond the cart itself: a history entry's request
with the auth it was sent with (for cURL, PowerShell and Postman), and Postman collections of
entries or of carts. The formats are the transport's (``curl``, ``powershell``, ``postman``);
this module finds the auth and the names."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from app.providers import CartDocument, OutgoingRequest, get_provider
from app.transport.postman import PostmanItem, collection

if TYPE_CHECKING:
    from app.history.store import HistoryEntry
    from app.profiles import Profile, ProfileStore
    from app.providers.auth import AuthSpec
    from app.service.sender import Overrides, Sender

__all__ = ["entry_auth", "entry_request", "postman_for_carts", "postman_for_entries"]


def entry_request(entry: HistoryEntry) -> OutgoingRequest:
    """The request a history entry sent, its headers as recorded (credentials masked)."""
    return OutgoingRequest(
        entry.method, entry.url, entry.request_body, tuple(entry.request_headers)
    )


def entry_auth(sender: Sender, profiles: ProfileStore, entry: HistoryEntry) -> AuthSpec | None:
    """The auth of the profile an entry was sent with (the provider's production defaults
    when that profile is gone); a sandbox profile's token endpoint is found next to the
    address the entry went to."""
    from app.profiles import BUILTIN_PROFILES, ProfileError, new_profile
    from app.service.sender import Overrides

    try:
        profile = profiles.get(entry.profile)
    except ProfileError:
        profile = new_profile("gone", entry.provider)
    if profile.provider != entry.provider:
        profile = new_profile("gone", entry.provider)
    overrides = None
    if profile.name in BUILTIN_PROFILES:
        parts = urlsplit(entry.url)
        overrides = Overrides(base_url=f"{parts.scheme}://{parts.netloc}")
    return sender.auth_spec(profile, sender.destination(profile, overrides))


def postman_for_entries(
    sender: Sender, profiles: ProfileStore, entries: Iterable[HistoryEntry], name: str
) -> dict[str, Any]:
    """A Postman collection of history entries, oldest first, named by id and operation."""
    items = []
    for entry in sorted(entries, key=lambda e: (e.sent_at, e.id)):
        title = get_provider(entry.provider).title
        label = f"#{entry.id} {title} {entry.operation}" + (
            f" · {entry.cart_id}" if entry.cart_id else ""
        )
        items.append(PostmanItem(label, entry_request(entry), entry_auth(sender, profiles, entry)))
    return collection(name, items)


def postman_for_carts(
    sender: Sender,
    carts: Iterable[tuple[CartDocument, Profile, Overrides | None]],
    name: str,
) -> dict[str, Any]:
    """A Postman collection of carts, each as Send would make its request."""
    items = []
    for document, profile, overrides in carts:
        provider = get_provider(document.provider)
        request = sender.preview(document, profile, overrides)
        auth = sender.auth_spec(profile, sender.destination(profile, overrides))
        ident = document.payload.get(provider.cart_id_field) if provider.cart_id_field else None
        label = f"{provider.title} {provider.send_title}" + (f" · {ident}" if ident else "")
        items.append(PostmanItem(label, request, auth))
    return collection(name, items)
