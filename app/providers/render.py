"""A cart's validation and request body, redone only for what changed.

Checking and writing a 1,000-item cart from scratch takes a few hundred milliseconds in Python;
an edit changes one item. ``CartRenderer`` keeps, for each line item object, its canonical
form, its JSON text at its place in the body and its findings (locs relative to the item), and
reuses them while the same object is in the list. Editors therefore replace an item's dict
instead of changing it in place. The cart's own fields are checked and written each time (a
handful of fields), and the item findings are placed at their current index, so messages name
the right item after an insert or a move. The result is the same, byte for byte and message for
message, as ``Provider.validate`` and ``Provider.body`` (a property test holds it to that).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from app.domain import jsonfmt
from app.domain.errors import PayloadError
from app.domain.validation import Validation
from app.providers.base import Provider
from app.providers.paths import get_at, parts, with_at, without_at
from app.providers.schema import (
    Finding,
    PayloadModel,
    assemble,
    canonical,
    child_model_at,
    findings,
)

__all__ = ["CartRenderer", "Rendered"]

_YIELD_EVERY = 10


@dataclass(frozen=True)
class Rendered:
    validation: Validation
    body: bytes | None  # None when the cart cannot be written as JSON
    body_error: str = ""  # why, then


@dataclass(frozen=True)
class _Item:
    text: str | None  # the item's JSON at its depth in the body, None if it cannot be written
    errors: tuple[Finding, ...]
    warnings: tuple[Finding, ...]


class CartRenderer:
    """One per provider; ``render`` as often as the cart changes."""

    def __init__(self, provider: Provider) -> None:
        self.provider = provider
        self._model: type[PayloadModel] = provider.model
        self._item_model = child_model_at(provider.model, provider.items_key)
        self._items_loc: tuple[str, ...] = parts(provider.items_key)
        self._items: dict[int, tuple[object, _Item]] = {}
        self._lock = threading.Lock()  # one render at a time: a worker's, or the GUI thread's

    def unseen_items(self, payload: Any) -> int:
        """How many line items ``render`` would have to check anew."""
        items = get_at(payload, self.provider.items_key)
        if not isinstance(items, list):
            return 0
        known = self._items
        return sum(1 for item in items if id(item) not in known)

    def render(self, payload: Any) -> Rendered:
        with self._lock:
            return self._render(payload)

    def _render(self, payload: Any) -> Rendered:
        key = self.provider.items_key
        items = get_at(payload, key)
        if not isinstance(items, list) or not items or self._item_model is None:
            return self._whole(payload)
        cache: dict[int, tuple[object, _Item]] = {}
        rendered: list[_Item] = []
        fresh = 0
        for item in items:
            hit = self._items.get(id(item))
            if hit is None or hit[0] is not item:
                hit = (item, self._item(self._item_model, item))
                fresh += 1
                if fresh % _YIELD_EVERY == 0:
                    # Let another thread have the GIL: on a worker this keeps the window's
                    # paint (many short calls into Python) from queueing 5 ms behind each.
                    time.sleep(0)
            cache[id(item)] = hit  # holding the object keeps its id from being reused
            rendered.append(hit[1])
        self._items = cache
        if any(item.text is None for item in rendered):
            return self._whole(payload)  # the full writer says exactly which value is wrong
        assert isinstance(payload, Mapping)
        # The cart without its items is checked whole (a handful of fields, nested or not).
        root = canonical(self._model, without_at(payload, key))
        errors, warnings = findings(self._model, root)
        loc = self._items_loc
        # The items are there, so a rule that they be is met; and the cross-field rules of
        # the object holding them (Mailchimp's unique line ids) read them: what those said of
        # it without the items is replaced by what they say with them, first, as whole.
        errors = [finding for finding in errors if finding.loc != loc]
        (before, before_warned), (after, after_warned) = self._owner_rules(payload, root)
        errors = after + _less(errors, before)
        warnings = after_warned + _less(warnings, before_warned)
        validation = assemble(
            self._model,
            [((), errors, warnings)]
            + [((*loc, index), item.errors, item.warnings) for index, item in enumerate(rendered)],
        )
        texts = [item.text for item in rendered if item.text is not None]
        # Written for where a top-level key's list sits (shifted if it sits deeper).
        listing = jsonfmt.RawJson("[\n    " + ",\n    ".join(texts) + "\n  ]", level=1)
        try:
            body = jsonfmt.dumps(canonical(self._model, with_at(payload, key, listing)))
        except (TypeError, ValueError):
            return self._whole(payload)  # a cart field cannot be written: say which, as always
        return Rendered(validation, body.encode("utf-8"))

    def _owner_rules(
        self, payload: Mapping[str, Any], root: Mapping[str, Any]
    ) -> tuple[_Said, _Said]:
        """What the cross-field rules of the items' owner say (errors, warnings), without the
        items (its object in ``root``, the canonical cart without them) and with them."""
        *parent, name = self._items_loc
        where = ".".join(parent)
        owner = child_model_at(self._model, where) if parent else self._model
        holder = get_at(payload, where) if parent else payload
        # An owner left empty without its items is not in ``root`` (``without_at`` drops it).
        rest = get_at(root, where, {}) if parent else root
        if owner is None or not isinstance(holder, Mapping) or not isinstance(rest, Mapping):
            return ([], []), ([], [])
        full = {**rest, name: holder[name]}

        def said(data: Mapping[str, Any]) -> _Said:
            return (
                [Finding((*parent, *at), code, why) for at, code, why in owner.check_errors(data)],
                [
                    Finding((*parent, *at), code, why)
                    for at, code, why in owner.check_warnings(data)
                ],
            )

        return said(rest), said(full)

    def _item(self, model: type[PayloadModel], item: Any) -> _Item:
        if not isinstance(item, Mapping):
            found, warned = _as_element(self._model, self.provider.items_key, item)
            return _Item(_element_text(item), found, warned)
        data = canonical(model, item)
        errors, warnings = findings(model, data)
        return _Item(_element_text(data), tuple(errors), tuple(warnings))

    def _whole(self, payload: Any) -> Rendered:
        validation = self.provider.validate(payload)
        try:
            return Rendered(validation, self.provider.body(payload))
        except PayloadError as exc:
            return Rendered(validation, None, str(exc))


_Said = tuple[list[Finding], list[Finding]]


def _less(findings: list[Finding], taken: list[Finding]) -> list[Finding]:
    """``findings`` without one occurrence of each of ``taken``."""
    left = list(findings)
    for finding in taken:
        if finding in left:
            left.remove(finding)
    return left


def _element_text(value: Any) -> str | None:
    try:
        return jsonfmt.dumps_element(value, 2)
    except (TypeError, ValueError):
        return None


def _as_element(
    root: type[PayloadModel], key: str, value: Any
) -> tuple[tuple[Finding, ...], tuple[Finding, ...]]:
    """Findings for a list element that is not an object, relative to its place in the list."""
    errors, warnings = findings(root, with_at({}, key, [value]))
    strip = (*parts(key), 0)
    n = len(strip)
    return (
        tuple(
            Finding(f.loc[n:], f.code, f.predicate, f.custom) for f in errors if f.loc[:n] == strip
        ),
        tuple(
            Finding(f.loc[n:], f.code, f.predicate, f.custom)
            for f in warnings
            if f.loc[:n] == strip
        ),
    )
