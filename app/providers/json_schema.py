"""A JSON Schema (draft 2020-12) of a provider's payload, generated from its models: what the
app accepts, for other tools to check carts with (``cart-composer schema PROVIDER``).

The models type a field that may be left out as ``X | None`` (None is "not set", never sent);
on the wire such a field is absent, so the schema has it optional and *not* nullable. Money and
other decimals are JSON numbers only, as the app writes them (a string "16.99" is refused).
Each field's kind adds what the app checks of it where JSON Schema can say it: an email's
``format``, a URL's, a date-time's, a currency's three capital letters. Rules that tie fields
together (Drip's "email or person_id") are ``cart-composer validate``'s, not the schema's."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel
from pydantic.json_schema import GenerateJsonSchema, JsonSchemaValue
from pydantic_core import core_schema

from app.domain.fieldtypes import Kind

__all__ = ["payload_schema", "provider_schema"]

_BY_KIND: dict[Kind, dict[str, Any]] = {
    Kind.EMAIL: {"format": "email"},
    Kind.URL: {"format": "uri"},
    Kind.DATETIME: {"format": "date-time"},
    Kind.CURRENCY: {"pattern": "^[A-Z]{3}$"},
    Kind.IP_ADDRESS: {"anyOf": [{"format": "ipv4"}, {"format": "ipv6"}]},
}


class _AsAccepted(GenerateJsonSchema):
    """Pydantic's schema, as the app reads a payload rather than as Python types it."""

    def nullable_schema(self, schema: core_schema.NullableSchema) -> JsonSchemaValue:
        return self.generate_inner(schema["schema"])  # left out, never null

    def decimal_schema(self, schema: core_schema.DecimalSchema) -> JsonSchemaValue:
        return {"type": "number"}

    def default_schema(self, schema: core_schema.WithDefaultSchema) -> JsonSchemaValue:
        inner = self.generate_inner(schema["schema"])
        default = schema.get("default")
        if default is None:
            return inner  # "not set": nothing to say
        return {**inner, "default": self.encode_default(default)}


def _kinds(model: type[BaseModel], found: dict[str, dict[str, dict[str, Any]]]) -> None:
    """Each model's fields' extra checks by kind, by the model's name (its ``$defs`` key)."""
    if model.__name__ in found:
        return
    own: dict[str, dict[str, Any]] = {}
    found[model.__name__] = own
    for name, info in model.model_fields.items():
        kind = next((m for m in info.metadata if isinstance(m, Kind)), None)
        if kind in _BY_KIND:
            own[info.alias or name] = _BY_KIND[kind]
        for inner in _models_in(info.annotation):
            _kinds(inner, found)


def _models_in(annotation: Any) -> list[type[BaseModel]]:
    import typing

    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [annotation]
    return [m for arg in typing.get_args(annotation) for m in _models_in(arg)]


def payload_schema(model: type[BaseModel], title: str, url: str = "") -> dict[str, Any]:
    """The JSON Schema of payloads of ``model``, titled ``title``."""
    schema = model.model_json_schema(by_alias=True, mode="validation", schema_generator=_AsAccepted)
    kinds: dict[str, dict[str, dict[str, Any]]] = {}
    _kinds(model, kinds)
    places = {model.__name__: schema, **schema.get("$defs", {})}
    for name, fields in kinds.items():
        properties = places.get(name, {}).get("properties", {})
        for field, extra in fields.items():
            if field in properties:
                properties[field].update(extra)
    head: dict[str, Any] = {"$schema": "https://json-schema.org/draft/2020-12/schema"}
    if url:
        head["$id"] = url
    return {**head, **schema, "title": title}


def provider_schema(key: str) -> dict[str, Any]:
    """The schema of a registered provider's payload, titled for it."""
    from app.providers.registry import get_provider

    provider = get_provider(key)
    return payload_schema(provider.model, f"{provider.title} {provider.send_operation} payload")
