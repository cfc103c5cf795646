"""Carrying a cart from one provider to another through the common cart (providers/common.py),
saying what could not be carried; and coming back to a kept draft (``reconcile``)."""

from __future__ import annotations

from typing import Any

from app.providers.document import CartDocument

__all__ = ["convert", "reconcile"]


def convert(document: CartDocument, to: str) -> tuple[CartDocument, list[str]]:
    """``document`` as a ``to`` cart, through the common cart, and notes naming what was left
    behind."""
    if document.provider == to:
        return document, []
    from app.providers.registry import get_provider

    source, target = get_provider(document.provider), get_provider(to)
    common, left, item_left = source.to_common(document.payload)
    payload, target_left = target.from_common(common)
    item_left += [name for name in target_left if name not in item_left]
    notes: list[str] = []
    if left:
        notes.append(f"Not carried over to {target.title}: {', '.join(left)}.")
    if item_left:
        notes.append(f"Not carried over from the items: {', '.join(item_left)}.")
    typed = target.options({})
    options = typed.model_dump() if typed is not None else {}
    return CartDocument(provider=to, payload=payload, options=options), notes


def reconcile(
    kept: CartDocument, carried_then: CartDocument, carried_now: CartDocument
) -> CartDocument:
    """A provider's draft when a person comes back to it: ``kept`` (the draft as they left
    it) with what they changed meanwhile on the other side, as it carries over — the change
    from ``carried_then`` (the other cart, carried here, when they left) to ``carried_now``.
    Nothing changed: ``kept`` exactly, every field only this provider has included. Items are
    matched by position (one removed on the other side is removed here)."""
    if carried_then.payload == carried_now.payload:
        return kept
    payload = _apply(kept.payload, carried_then.payload, carried_now.payload)
    return kept.model_copy(update={"payload": payload})


def _apply(base: Any, old: Any, new: Any) -> Any:
    """``base`` with the difference ``old`` → ``new`` applied."""
    if old == new:
        return base
    if isinstance(base, dict) and isinstance(old, dict) and isinstance(new, dict):
        out = dict(base)
        for key in [*old, *(k for k in new if k not in old)]:
            if key not in new:
                out.pop(key, None)  # emptied on the other side
            elif key in old and key in base:
                out[key] = _apply(base[key], old[key], new[key])
            else:
                out[key] = new[key]
        return out
    if isinstance(base, list) and isinstance(old, list) and isinstance(new, list):
        return [
            _apply(base[i], old[i], item) if i < len(old) and i < len(base) else item
            for i, item in enumerate(new)
        ]
    return new
