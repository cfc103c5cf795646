"""A Postman collection (v2.1) of requests: each as Postman would send it, the credentials as
``{{variables}}`` (declared on the collection, empty: each person fills in their own), from the
provider's declared auth — Basic, a header, or OAuth2 client credentials Postman fetches itself.
``transport.captured`` reads such a collection back."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from app.domain.redaction import is_secret_header
from app.providers.auth import AuthSpec, BasicAuth, ClientCredentials, HeaderAuth, SecretRef
from app.providers.base import OutgoingRequest
from app.transport.captured import POSTMAN_SCHEMA
from app.transport.curl import TRANSPORT_HEADERS

__all__ = ["PostmanItem", "collection"]


@dataclass(frozen=True)
class PostmanItem:
    name: str
    request: OutgoingRequest
    auth: AuthSpec | None


def _variable(name: str) -> str:
    return "{{" + name + "}}"


def _pairs(**values: str) -> list[dict[str, str]]:
    return [{"key": k, "value": v, "type": "string"} for k, v in values.items()]


def _auth(spec: AuthSpec | None) -> dict[str, Any] | None:
    if spec is None:
        return None
    if isinstance(spec, BasicAuth):
        user, password = (_variable(p.name) if isinstance(p, SecretRef) else p for p in spec.pair())
        return {"type": "basic", "basic": _pairs(username=user, password=password)}
    if isinstance(spec, HeaderAuth):
        if spec.scheme.lower() == "bearer" and spec.header.lower() == "authorization":
            return {"type": "bearer", "bearer": _pairs(token=_variable(spec.secret))}
        value = f"{spec.scheme} {_variable(spec.secret)}" if spec.scheme else _variable(spec.secret)
        return {
            "type": "apikey",
            "apikey": _pairs(key=spec.header, value=value, **{"in": "header"}),
        }
    if isinstance(spec, ClientCredentials):
        return {
            "type": "oauth2",
            "oauth2": _pairs(
                grant_type="client_credentials",
                accessTokenUrl=spec.token_url,
                clientId=_variable(spec.client_id),
                clientSecret=_variable(spec.client_secret),
                client_authentication="body",
                addTokenTo="header",
                tokenName=f"{spec.service} token",
            ),
        }
    raise TypeError(f"no Postman auth for {spec!r}")


def _url(url: str) -> dict[str, Any]:
    parts = urlsplit(url)
    shaped: dict[str, Any] = {
        "raw": url,
        "protocol": parts.scheme,
        "host": (parts.hostname or "").split("."),
        "path": [p for p in parts.path.split("/") if p],
    }
    if parts.port:
        shaped["port"] = str(parts.port)
    if parts.query:
        shaped["query"] = [
            {"key": k, "value": v} for k, v in parse_qsl(parts.query, keep_blank_values=True)
        ]
    return shaped


def _item(item: PostmanItem) -> dict[str, Any]:
    request = item.request
    headers = [
        {"key": name, "value": value, "type": "text"}
        for name, value in request.headers
        if not is_secret_header(name) and name.lower() not in TRANSPORT_HEADERS
    ]
    shaped: dict[str, Any] = {"method": request.method, "header": headers, "url": _url(request.url)}
    if request.body:
        kind = (request.header("Content-Type") or "").lower()
        shaped["body"] = {
            "mode": "raw",
            "raw": request.body.decode("utf-8", "replace"),
            "options": {"raw": {"language": "json" if "json" in kind else "text"}},
        }
    auth = _auth(item.auth)
    if auth is not None:
        shaped["auth"] = auth
    return {"name": item.name, "request": shaped}


def collection(name: str, items: Iterable[PostmanItem]) -> dict[str, Any]:
    """A collection named ``name`` of ``items``, with each secret they use as a variable."""
    items = list(items)
    names: dict[str, None] = {}
    for item in items:
        if item.auth is not None:
            names.update(dict.fromkeys(item.auth.secret_names()))
    return {
        "info": {"name": name, "schema": POSTMAN_SCHEMA},
        "item": [_item(item) for item in items],
        "variable": [{"key": n, "value": "", "type": "secret"} for n in names],
    }
