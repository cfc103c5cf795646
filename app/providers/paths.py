"""Places in a payload named by dotted paths: ``email`` (a top-level key),
``customer.email_address`` (a field of a nested object), ``data.attributes.properties.Items``
(where an API that wraps its cart keeps the line items). A provider names its fields, its
items and its identifying fields this way; the session, the renderer and the common-cart
mapping reach them through here.

Edits never change a nested object in place: the objects along the path are copied (what undo
snapshots share stays as it was), the values elsewhere are shared. Keys with a dot in them are
not reachable by a path (no documented field of any provider has one).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

__all__ = [
    "delete_in",
    "get_at",
    "has_at",
    "list_on_the_way",
    "parts",
    "set_in",
    "with_at",
    "without_at",
]

_MISSING = object()


def parts(path: str) -> tuple[str, ...]:
    return tuple(path.split(".")) if path else ()


def _lookup(payload: Any, path: str) -> Any:
    value = payload
    for part in parts(path):
        if not isinstance(value, Mapping) or part not in value:
            return _MISSING
        value = value[part]
    return value


def list_on_the_way(payload: Mapping[str, Any], path: str) -> str | None:
    """The path up to a list that ``path`` would go through ("items" of "items.0.price"), or
    None when every step of it before the last is an object or is not there yet. A path does
    not reach into a list: ``with_at`` would put an object in its place."""
    value: Any = payload
    names = parts(path)
    for depth, name in enumerate(names[:-1], start=1):
        value = value.get(name) if isinstance(value, Mapping) else None
        if isinstance(value, list):
            return ".".join(names[:depth])
    return None


def get_at(payload: Any, path: str, default: Any = None) -> Any:
    """The value at ``path`` (``default`` when there is none, or something not an object is in
    the way)."""
    value = _lookup(payload, path)
    return default if value is _MISSING else value


def has_at(payload: Any, path: str) -> bool:
    return _lookup(payload, path) is not _MISSING


def with_at(payload: Mapping[str, Any], path: str, value: Any) -> dict[str, Any]:
    """A copy of ``payload`` with ``value`` at ``path``: the objects along it copied (created
    where missing, an object in place of anything else that was in the way)."""
    head, *rest = parts(path)
    out = dict(payload)
    if rest:
        inner = out.get(head)
        out[head] = with_at(inner if isinstance(inner, Mapping) else {}, ".".join(rest), value)
    else:
        out[head] = value
    return out


def without_at(payload: Mapping[str, Any], path: str) -> dict[str, Any]:
    """A copy of ``payload`` without the key at ``path``; an object left empty by it goes too
    (clearing a nested object's last field leaves no ``{}`` behind)."""
    head, *rest = parts(path)
    out = dict(payload)
    if head not in out:
        return out
    if not rest:
        del out[head]
        return out
    inner = out[head]
    if isinstance(inner, Mapping):
        kept = without_at(inner, ".".join(rest))
        if kept:
            out[head] = kept
        else:
            del out[head]
    return out


def set_in(payload: dict[str, Any], path: str, value: Any) -> None:
    """``value`` at ``path`` in ``payload`` itself: the top-level key is set in place, the
    objects below it copied (see the module's docstring)."""
    head, *rest = parts(path)
    if rest:
        inner = payload.get(head)
        payload[head] = with_at(inner if isinstance(inner, Mapping) else {}, ".".join(rest), value)
    else:
        payload[head] = value


def delete_in(payload: dict[str, Any], path: str) -> bool:
    """Remove the key at ``path`` from ``payload`` itself (False: there was none)."""
    if not has_at(payload, path):
        return False
    head, *rest = parts(path)
    if not rest:
        del payload[head]
        return True
    kept = without_at(payload[head], ".".join(rest))
    if kept:
        payload[head] = kept
    else:
        del payload[head]
    return True
