"""The model-driven engine: field order, validation with readable messages, form metadata.

A provider's payload is described once, by a ``PayloadModel`` subclass whose fields mirror the
vendor document in order. Everything here works from that description, so adding a field to a
model is the only edit a new field needs.
"""

from __future__ import annotations

import copy
import functools
import typing
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, ClassVar, Literal

from pydantic import BaseModel, ConfigDict, ValidationError
from pydantic.fields import FieldInfo

from app.domain import jsonfmt
from app.domain.fieldtypes import Kind
from app.domain.rules import describe_json_type, is_rfc3339, spoken_choices
from app.domain.validation import Issue, Validation, format_path

__all__ = [
    "CheckResult",
    "FieldFacts",
    "FieldSpec",
    "Finding",
    "Loc",
    "PayloadModel",
    "assemble",
    "canonical",
    "child_model",
    "child_model_at",
    "custom_key_problem",
    "field_facts",
    "field_spec_at",
    "field_specs",
    "findings",
    "form_paths",
    "is_object_field",
    "lookup",
    "present",
    "upgrade_legacy_keys",
    "validate_payload",
    "whole_numbers",
    "wire_fields",
]

Loc = tuple[str | int, ...]
# (where, code, predicate): the engine turns it into an Issue with the field's label.
CheckResult = tuple[Loc, str, str]

_MAX_JSON_DEPTH = 64


class PayloadModel(BaseModel):
    """Base of every provider payload model (a cart, a line item).

    ``extra="allow"`` means unknown keys are the provider's custom attributes; ``"forbid"``
    means they are mistakes. Values are never converted, so a cart that validates serializes
    back to exactly the JSON it came from.
    """

    # defer_build: a model's validator and serializer are built at its first use, not at
    # import, so a command or a window that uses one provider does not build the others'
    # (~20-30 ms of CPU here for the four providers' models).
    model_config = ConfigDict(extra="forbid", frozen=True, validate_default=False, defer_build=True)

    # How one element of a list of these is named in messages: "Item 3: Price is required."
    element_label: ClassVar[str] = "Entry"
    # Old wire names still seen in pasted payloads → the current documented name.
    legacy_keys: ClassVar[Mapping[str, str]] = {}

    @classmethod
    def check_errors(cls, data: Mapping[str, Any]) -> Iterable[CheckResult]:
        """Rules that span several fields of one object (e.g. "person_id or email")."""
        return ()

    @classmethod
    def check_warnings(cls, data: Mapping[str, Any]) -> Iterable[CheckResult]:
        """Things that will be sent but probably are not what the user meant."""
        return ()


def present(data: Mapping[str, Any], name: str) -> bool:
    """Whether ``name`` is set to something other than null or blank text."""
    value = data.get(name)
    return value is not None and not (isinstance(value, str) and not value.strip())


def _find_model(annotation: Any) -> type[PayloadModel] | None:
    if isinstance(annotation, type) and issubclass(annotation, PayloadModel):
        return annotation
    for arg in typing.get_args(annotation):
        found = _find_model(arg)
        if found is not None:
            return found
    return None


@functools.cache
def wire_fields(model: type[PayloadModel]) -> dict[str, FieldInfo]:
    """The model's fields by the key each has on the wire: its alias when the key is not a
    Python name (Klaviyo's ``$event_id``), else its name. Every lookup by key goes through
    here."""
    return {info.alias or name: info for name, info in model.model_fields.items()}


@functools.cache
def child_model(model: type[PayloadModel], name: str) -> type[PayloadModel] | None:
    """The element model of a list-of-objects field (``items`` → the item model). Cached: the
    preview asks it for every item on every keystroke."""
    info = wire_fields(model).get(name)
    return _find_model(info.annotation) if info is not None else None


def child_model_at(model: type[PayloadModel], path: str) -> type[PayloadModel] | None:
    """The model at a dotted path (``data.attributes.properties.Items`` → the item model): of
    a nested object, or of a list's elements."""
    found: type[PayloadModel] | None = model
    for part in path.split(".") if path else ():
        if found is None:
            return None
        found = child_model(found, part)
    return found


def _is_list(annotation: Any) -> bool:
    origin = typing.get_origin(annotation)
    if origin in (list, tuple):
        return True
    return any(_is_list(arg) for arg in typing.get_args(annotation))


def is_object_field(info: FieldInfo) -> bool:
    """A field holding one nested object (a Mailchimp cart's ``customer``), not a list."""
    return _find_model(info.annotation) is not None and not _is_list(info.annotation)


def _allows_custom(model: type[PayloadModel]) -> bool:
    return model.model_config.get("extra") == "allow"


# ---------------------------------------------------------------------------------------------
# Order


def canonical(model: type[PayloadModel], data: Any) -> Any:
    """``data`` with documented fields in the document's order, unset (None) fields dropped,
    and any other keys (custom attributes) after them in their own order. Not a dict → as is."""
    if not isinstance(data, Mapping):
        return data
    out: dict[str, Any] = {}
    for name in wire_fields(model):
        if name in data and data[name] is not None:
            value = data[name]
            child = child_model(model, name)
            if child is not None and isinstance(value, list | tuple):
                value = [canonical(child, element) for element in value]
            elif child is not None and isinstance(value, Mapping):
                value = canonical(child, value)  # a nested object, in its model's order
            out[name] = value
    for key, value in data.items():
        if key not in wire_fields(model):
            out[key] = value
    return out


# ---------------------------------------------------------------------------------------------
# Whole numbers written with a decimal point


def whole_numbers(model: type[PayloadModel], payload: Any) -> tuple[Any, tuple[Issue, ...]]:
    """``payload`` with whole-number fields written with a decimal point (``2.0``, as Drip's
    Magento plugins send quantities) as the integers they are (a copy when anything changes),
    one note each. ``2.5`` is left alone, for its rule to refuse with the reason."""
    if not isinstance(payload, Mapping):
        return payload, ()
    found: list[Loc] = []
    for owner, obj, loc in _walk_objects(model, payload):
        for name in _integer_fields(owner):
            value = obj.get(name)
            if isinstance(value, Decimal) and value.is_finite() and value == value.to_integral():
                found.append((*loc, name))
    if not found:
        return payload, ()
    upgraded: Any = copy.deepcopy(dict(payload))
    notes: list[Issue] = []
    for where in found:
        obj = upgraded
        for step in where[:-1]:
            obj = obj[step]
        value = obj[where[-1]]
        obj[where[-1]] = int(value)
        message = f"Wrote {value} as {int(value)}: the same whole number, as the API reads it."
        notes.append(Issue(format_path(where), "whole_number", message, where))
    return upgraded, tuple(notes)


@functools.cache
def _integer_fields(model: type[PayloadModel]) -> tuple[str, ...]:
    return tuple(spec.name for spec in field_specs(model) if spec.kind is Kind.INTEGER)


# ---------------------------------------------------------------------------------------------
# Legacy keys


def upgrade_legacy_keys(model: type[PayloadModel], payload: Any) -> tuple[Any, tuple[Issue, ...]]:
    """``payload`` with legacy keys renamed (a copy when anything changes), one note per change.

    When both the old and the new key are present the new one wins and the old one is dropped:
    the service reads only the new name, and sending both would be ambiguous.
    """
    if not isinstance(payload, Mapping) or not any(
        old in obj for owner, obj, _ in _walk_objects(model, payload) for old in owner.legacy_keys
    ):
        return payload, ()
    upgraded = copy.deepcopy(dict(payload))
    notes: list[Issue] = []
    for owner, obj, loc in list(_walk_objects(model, upgraded)):
        assert isinstance(obj, dict)  # deepcopy of JSON objects: plain dicts all the way down
        for old, new in owner.legacy_keys.items():
            if old not in obj:
                continue
            where = format_path((*loc, old))
            old_value = obj.pop(old)
            if new in obj:
                shown = jsonfmt.dumps(old_value, indent=None)
                message = (
                    f"Dropped the old key “{old}” ({shown}) because “{new}” is also set; "
                    f"the API reads only “{new}”."
                )
                notes.append(Issue(where, "dropped", message, (*loc, old)))
            else:
                obj[new] = old_value
                message = f"Renamed “{old}” to “{new}”, the name the API reads today."
                notes.append(Issue(where, "renamed", message, (*loc, old)))
    return canonical(model, upgraded), tuple(notes)


# ---------------------------------------------------------------------------------------------
# Validation


def _subject(root: type[PayloadModel], loc: Loc) -> str:
    """How a message names the thing at ``loc``: "Price", "Item 3: Price", "Item 3"."""
    model: type[PayloadModel] | None = root
    prefix = ""
    label = ""
    i = 0
    while i < len(loc):
        key = loc[i]
        if isinstance(key, int):
            label = f"{label or 'Entry'} entry {key + 1}"
            i += 1
            continue
        info = wire_fields(model).get(key) if model is not None else None
        label = (info.title or key) if info is not None else f"“{key}”"
        child = child_model(model, key) if (model is not None and info is not None) else None
        nxt = loc[i + 1] if i + 1 < len(loc) else None
        if child is not None and isinstance(nxt, int):
            element = f"{child.element_label} {nxt + 1}"
            if i + 2 < len(loc):
                prefix += f"{element}: "
                model, label = child, ""
            else:
                label = element
            i += 2
            continue
        # A nested object's field is named by its own title ("Email", not "Profile").
        model = child if isinstance(nxt, str) else None
        i += 1
    return prefix + (label or "The cart")


def _sentence(subject: str, predicate: str) -> str:
    text = f"{subject} {predicate}"
    return text if text.endswith((".", "!", "?")) else text + "."


def _model_at(root: type[PayloadModel], loc: Loc) -> tuple[type[PayloadModel] | None, str | None]:
    """The model owning the last named field of ``loc``, and that field's name."""
    model: type[PayloadModel] | None = root
    owner: type[PayloadModel] | None = None
    name: str | None = None
    for key in loc:
        if isinstance(key, int):
            continue
        owner, name = model, key
        model = child_model(model, key) if model is not None else None
    return owner, name


def _is_required(model: type[PayloadModel] | None, name: str | None) -> bool:
    if model is None or name is None or name not in wire_fields(model):
        return True
    return wire_fields(model)[name].is_required()


def _literal_choices(model: type[PayloadModel] | None, name: str | None) -> tuple[str, ...]:
    if model is None or name is None or name not in wire_fields(model):
        return ()
    return _choices_of(wire_fields(model)[name].annotation)


def _choices_of(annotation: Any) -> tuple[str, ...]:
    if typing.get_origin(annotation) is Literal:
        return tuple(str(arg) for arg in typing.get_args(annotation))
    for arg in typing.get_args(annotation):
        found = _choices_of(arg)
        if found:
            return found
    return ()


def _translate(root: type[PayloadModel], error: Mapping[str, Any]) -> tuple[Loc, str, str]:
    loc: Loc = tuple(error["loc"])
    kind = error["type"]
    value = error.get("input")
    if kind == "missing":
        return loc, "presence_error", "is required"
    if kind == "presence_error" and not _is_required(*_model_at(root, loc)):
        # An optional field that is present but blank is sent as "": say so, not "required".
        return loc, kind, "is empty: fill it in, or clear it to leave it out"
    if kind in ("model_type", "model_attributes_type", "dict_type"):
        return (
            loc,
            "type_error",
            f"must be an object with named fields, not {describe_json_type(value)}",
        )
    if kind in ("list_type", "tuple_type"):
        return loc, "type_error", f"must be a list, not {describe_json_type(value)}"
    if kind == "literal_error":
        choices = _literal_choices(*_model_at(root, loc))
        return loc, "format_error", f"must be {spoken_choices(choices)}"
    if kind == "extra_forbidden":
        return loc, "format_error", "is not a field this API accepts (check the spelling)"
    # Our own rules raise PydanticCustomError(code, predicate): the type is the Drip code.
    return loc, kind, str(error["msg"])


def _json_problem(value: Any) -> str | None:
    """Why ``value`` is not a JSON value, or None if it is one (checked without recursion)."""
    stack: list[tuple[Any, int]] = [(value, 0)]
    while stack:
        current, depth = stack.pop()
        if depth > _MAX_JSON_DEPTH:
            return f"is nested more than {_MAX_JSON_DEPTH} levels deep"
        if current is None or isinstance(current, str | bool | int):
            continue
        if isinstance(current, float | Decimal):
            if not (Decimal(repr(current)) if isinstance(current, float) else current).is_finite():
                return "must not contain infinity or NaN"
            continue
        if isinstance(current, list | tuple):
            stack.extend((element, depth + 1) for element in current)
            continue
        if isinstance(current, Mapping):
            if not all(isinstance(key, str) for key in current):
                return "has an object whose keys are not all text"
            stack.extend((element, depth + 1) for element in current.values())
            continue
        return f"is not a JSON value ({type(current).__name__})"
    return None


def custom_key_problem(model: type[PayloadModel], key: Any) -> str | None:
    """Why ``key`` cannot name a custom attribute on ``model``, or None if it can."""
    if not isinstance(key, str) or not key.strip():
        return "needs a name"
    if key in model.legacy_keys:
        return f"is the old name of “{model.legacy_keys[key]}”; use “{model.legacy_keys[key]}”"
    if key in wire_fields(model):
        return f"has the same name as the documented field “{key}”; use that field instead"
    folded = key.strip().casefold()
    for name in wire_fields(model):
        if name.casefold() == folded:
            return f"is too close to the documented field “{name}”; use that field or rename it"
    return None


@dataclass(frozen=True)
class Finding:
    """A problem found in one object, before it becomes an ``Issue``: its ``loc`` is relative to
    where the search started, so an item's findings can be kept and re-placed when the item
    moves. ``custom`` marks a custom attribute's problem: (its object's loc, that object's
    element label, the attribute's quoted name)."""

    loc: Loc
    code: str
    predicate: str
    custom: tuple[Loc, str, str] | None = None

    def issue(self, root: type[PayloadModel], prefix: Loc = ()) -> Issue:
        loc = (*prefix, *self.loc)
        if self.custom is None:
            subject = _subject(root, loc)
        else:
            obj_loc, label, name = self.custom
            where = (*prefix, *obj_loc)
            # In a list's element: "Item 2: …"; in the cart or a nested object: no prefix.
            element = f"{label} {where[-1] + 1}: " if where and isinstance(where[-1], int) else ""
            subject = f"{element}Custom attribute{name}"
        return Issue(format_path(loc), self.code, _sentence(subject, self.predicate), loc)


def _custom_findings(
    model: type[PayloadModel], data: Mapping[str, Any], loc: Loc
) -> Iterator[Finding]:
    for key, value in data.items():
        if key in wire_fields(model):
            continue
        where: Loc = (*loc, key) if isinstance(key, str) else loc
        name = f" “{key}”" if isinstance(key, str) and key.strip() else ""
        custom = (loc, model.element_label, name)
        problem = custom_key_problem(model, key)
        if problem is not None:
            yield Finding(where, "format_error", problem, custom)
            continue
        value_problem = _json_problem(value)
        if value_problem is not None:
            yield Finding(where, "type_error", value_problem, custom)


def _walk_objects(
    model: type[PayloadModel], data: Mapping[str, Any], loc: Loc = ()
) -> Iterator[tuple[type[PayloadModel], Mapping[str, Any], Loc]]:
    """Every object of the payload with its model and location, the root first."""
    yield model, data, loc
    for name in wire_fields(model):
        child = child_model(model, name)
        value = data.get(name)
        if child is None:
            continue
        if isinstance(value, Mapping):
            # A nested object (a Mailchimp cart's customer), where the model has one; an
            # object where a list of them belongs is the list's own problem.
            if is_object_field(wire_fields(model)[name]):
                yield from _walk_objects(child, value, (*loc, name))
        elif isinstance(value, list | tuple):
            for index, element in enumerate(value):
                if isinstance(element, Mapping):
                    yield from _walk_objects(child, element, (*loc, name, index))


def validate_payload(model: type[PayloadModel], payload: Any) -> Validation:
    """Check ``payload`` (the JSON object as it will be sent) against ``model``.

    Never raises: whatever the input, the answer is a ``Validation`` whose ``errors`` map a path
    (``items[2].price``) to a sentence for a marketer.
    """
    try:
        return _validate(model, payload)
    except RecursionError:
        return Validation(issues=(Issue("", "type_error", "The cart is nested too deeply."),))


def _validate(model: type[PayloadModel], payload: Any) -> Validation:
    if not isinstance(payload, Mapping):
        message = (
            f"The cart must be a JSON object with named fields, not {describe_json_type(payload)}."
        )
        return Validation(issues=(Issue("", "type_error", message),))
    errors, warnings = findings(model, canonical(model, payload))
    return assemble(model, [((), errors, warnings)])


def findings(
    model: type[PayloadModel], data: Mapping[str, Any]
) -> tuple[list[Finding], list[Finding]]:
    """Errors and warnings in ``data`` (canonical) and the objects inside it, with locs relative
    to ``data``: per object, cross-field rules first, then the model's field rules, then the
    custom attributes (the order in which one path's messages are told)."""
    errors: list[Finding] = []
    warnings: list[Finding] = []
    # Cross-field rules first: where both speak of one field, "Email or a Drip person ID is
    # required" says more than the field's own "is empty".
    for owner, obj, loc in _walk_objects(model, data):
        for where, code, predicate in owner.check_errors(obj):
            errors.append(Finding((*loc, *where), code, predicate))
        for where, code, predicate in owner.check_warnings(obj):
            warnings.append(Finding((*loc, *where), code, predicate))
    try:
        model.model_validate(data)
    except ValidationError as exc:
        for error in exc.errors(include_url=False):
            loc, code, predicate = _translate(model, error)
            errors.append(Finding(loc, code, predicate))
    for owner, obj, loc in _walk_objects(model, data):
        if _allows_custom(owner):
            errors.extend(_custom_findings(owner, obj, loc))
    failed = {finding.loc for finding in errors}
    for owner, obj, loc in _walk_objects(model, data):
        warnings.extend(_moment_warnings(owner, obj, loc, failed))
    return errors, warnings


_NOT_RFC3339 = (
    "is ISO 8601 but not in the form the vendors' own clients send (RFC 3339, like "
    "2019-01-17T20:50:00Z): the service may not read it"
)


def _moment_warnings(
    model: type[PayloadModel], obj: Mapping[str, Any], loc: Loc, failed: set[Loc]
) -> Iterator[Finding]:
    """A date or time its rule lets through (Python reads many ISO 8601 spellings) that is not
    RFC 3339: a warning, not an error — decision 13: only the RFC 3339 form is known to work."""
    for name, kind in _moment_fields(model):
        value = obj.get(name)
        where = (*loc, name)
        if isinstance(value, str) and where not in failed:
            date_only = kind is Kind.DATE_OR_DATETIME
            if not is_rfc3339(value, date_only=date_only):
                yield Finding(where, "format_warning", _NOT_RFC3339)


@functools.cache
def _moment_fields(model: type[PayloadModel]) -> tuple[tuple[str, Kind], ...]:
    kinds = (Kind.DATETIME, Kind.DATE_OR_DATETIME)
    return tuple((s.name, s.kind) for s in field_specs(model) if s.kind in kinds)


def assemble(
    root: type[PayloadModel], parts: Iterable[tuple[Loc, Sequence[Finding], Sequence[Finding]]]
) -> Validation:
    """One ``Validation`` from findings made in parts (the cart, each item), each part given
    with the loc it was found at."""
    found: list[Issue] = []
    warned: list[Issue] = []
    for prefix, errors, warnings in parts:
        found.extend(finding.issue(root, prefix) for finding in errors)
        warned.extend(finding.issue(root, prefix) for finding in warnings)
    # Messages in the order of the form (a stable sort keeps "first per path" meaningful).
    found.sort(key=lambda issue: _loc_order(root, issue.loc))
    return Validation(issues=tuple(found), warning_issues=tuple(warned))


def _loc_order(root: type[PayloadModel], loc: Loc) -> tuple[int, ...]:
    """Sort key: each step of ``loc`` by its field's position in the document (unknown keys,
    i.e. custom attributes, after the documented ones) or by its list index."""
    model: type[PayloadModel] | None = root
    key: list[int] = []
    for part in loc:
        if isinstance(part, int):
            key.append(part)
            continue
        names = list(wire_fields(model)) if model is not None else []
        key.append(names.index(part) if part in names else len(names))
        model = child_model(model, part) if model is not None and part in names else None
    return tuple(key)


# ---------------------------------------------------------------------------------------------
# Form metadata


@dataclass(frozen=True)
class FieldSpec:
    """What a form needs to show one field; all of it read from the model."""

    name: str
    label: str
    description: str
    required: bool
    kind: Kind
    choices: tuple[str, ...] = ()
    element: type[PayloadModel] | None = None
    # Values a free-text field offers to pick from (Klaviyo's metric names); any other is fine.
    suggestions: tuple[str, ...] = ()


def _kind_of(info: FieldInfo) -> Kind:
    for item in info.metadata:
        if isinstance(item, Kind):
            return item
    return Kind.ITEMS if _find_model(info.annotation) is not None else Kind.TEXT


@dataclass(frozen=True)
class FieldFacts:
    """What the model says of the key at one place of a payload (for an emulator that answers
    as a service with this schema would)."""

    known: bool  # a field of its object's model, not a custom key
    required: bool
    kind: Kind | None  # None: not a field (a custom key, or an array's element)
    choices: tuple[str, ...] = ()
    renamed_to: str | None = None  # an old name the model still recognises


def lookup(payload: Any, loc: Loc) -> tuple[bool, Any]:
    """Whether ``payload`` has a value at ``loc`` (a null counts), and the value."""
    for part in loc:
        try:
            payload = payload[part]
        except (KeyError, IndexError, TypeError):
            return False, None
    return True, payload


def field_facts(root: type[PayloadModel], loc: Loc) -> FieldFacts:
    """The facts of the field at ``loc`` (``("items", 0, "price")``)."""
    owner, name = _model_at(root, loc)
    if loc and isinstance(loc[-1], int):
        return FieldFacts(known=True, required=False, kind=None)
    if owner is None or name is None:
        return FieldFacts(known=False, required=False, kind=None)
    info = wire_fields(owner).get(name)
    if info is None:
        return FieldFacts(
            known=False, required=False, kind=None, renamed_to=owner.legacy_keys.get(name)
        )
    return FieldFacts(
        known=True,
        required=info.is_required(),
        kind=_kind_of(info),
        choices=_choices_of(info.annotation),
    )


def _spec(name: str, info: FieldInfo) -> FieldSpec:
    return FieldSpec(
        name=name,
        label=info.title or name.rsplit(".", 1)[-1],
        description=info.description or "",
        required=info.is_required(),
        kind=_kind_of(info),
        choices=_choices_of(info.annotation),
        element=_find_model(info.annotation),
        suggestions=_suggestions(info),
    )


def _suggestions(info: FieldInfo) -> tuple[str, ...]:
    extra = info.json_schema_extra if isinstance(info.json_schema_extra, dict) else {}
    found = extra.get("suggestions")
    return tuple(str(s) for s in found) if isinstance(found, list | tuple) else ()


def field_specs(model: type[PayloadModel]) -> list[FieldSpec]:
    return [_spec(name, info) for name, info in wire_fields(model).items()]


def field_spec_at(model: type[PayloadModel], path: str) -> FieldSpec | None:
    """The spec of the field at a dotted path (``customer.email_address``), named by it."""
    owner_path, _, name = path.rpartition(".")
    owner = child_model_at(model, owner_path)
    info = wire_fields(owner).get(name) if owner is not None else None
    return _spec(path, info) if info is not None else None


def form_paths(model: type[PayloadModel], prefix: str = "") -> list[str]:
    """Every field a form edits one value of, as a dotted path, in the model's order: nested
    objects' fields included, lists of objects (the line items) left to the table."""
    found: list[str] = []
    for name, info in wire_fields(model).items():
        path = f"{prefix}{name}"
        child = _find_model(info.annotation)
        if child is None:
            found.append(path)
        elif is_object_field(info):
            found += form_paths(child, f"{path}.")
    return found
