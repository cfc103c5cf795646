"""Klaviyo Create Event (``POST /api/events``): the JSON:API body, field for field
(shared/reference/klaviyo-events.md §3, the spec's ``EventCreateQueryV2``).

A cart file's payload is this body exactly as it goes on the wire; the form edits its fields by
their paths (``data.attributes.profile.data.attributes.email``) and the items table edits
``data.attributes.properties.Items``. The cart's properties use Klaviyo's conventional
e-commerce names (§3.1: ``$event_id``, ``$value``, ``CheckoutURL``, ``ItemNames``, ``Items``);
the API itself requires none of them, so none is marked required here — only what the spec
requires is. Any other property is a custom one (the custom attributes editor).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime, timedelta
from typing import Annotated, Any, ClassVar, Literal

from pydantic import BeforeValidator, ConfigDict, Field
from pydantic_core import PydanticCustomError

from app.domain import rules
from app.domain.fieldtypes import (
    Currency,
    DateTimeWithZone,
    Email,
    Kind,
    Money,
    PositiveInt,
    Text,
    TextList,
    WebUrl,
)
from app.providers.schema import CheckResult, PayloadModel, present

__all__ = [
    "MAX_METRIC_NAME",
    "MAX_PROPERTIES",
    "METRICS",
    "KlaviyoEvent",
    "KlaviyoItem",
]

# The metric names Klaviyo's own flows listen to (§3.1, §6.9: case- and spelling-sensitive).
METRICS = ("Started Checkout", "Added to Cart", "Placed Order")
MAX_METRIC_NAME = 127  # "less than 128 characters"
MAX_PROPERTIES = 400  # the spec's cap on properties (§3)
# ``time``: after 1990 (revision 2026-07-15, the app's default; 2000 before it) and at most a
# year ahead (§3). The check uses 1990, as the default revision does.
EARLIEST_YEAR = 1990
_E164 = re.compile(r"\+[1-9]\d{1,14}")


def _phone(value: Any) -> Any:
    rules.required_text(value)
    if not _E164.fullmatch(value):
        raise PydanticCustomError(
            "format_error", "must be in E.164 form: a + and the country code, like +15005550006"
        )
    return value


def _metric_name(value: Any) -> Any:
    rules.required_text(value)
    if len(value) > MAX_METRIC_NAME:
        raise PydanticCustomError(
            "length_error",
            f"must be less than 128 characters (it has {len(value):,})",
        )
    return value


Phone = Annotated[str | None, BeforeValidator(_phone), Kind.TEXT]
MetricName = Annotated[str, BeforeValidator(_metric_name), Kind.TEXT]
EventType = Annotated[Literal["event"], BeforeValidator(rules.text), Kind.CHOICE]
MetricType = Annotated[Literal["metric"], BeforeValidator(rules.text), Kind.CHOICE]
ProfileType = Annotated[Literal["profile"], BeforeValidator(rules.text), Kind.CHOICE]


class KlaviyoItem(PayloadModel):
    """One entry of ``Items`` (Klaviyo's Started Checkout convention)."""

    model_config = ConfigDict(extra="allow")
    element_label: ClassVar[str] = "Item"

    ProductID: Text = Field(None, title="Product ID", description="Your product's id.")
    SKU: Text = Field(None, title="SKU", description="The product's SKU.")
    ProductName: Text = Field(None, title="Name", description="The product's name.")
    Quantity: PositiveInt = Field(None, title="Quantity", description="How many.")
    ItemPrice: Money = Field(None, title="Price", description="One unit's price, a number.")
    RowTotal: Money = Field(None, title="Row total", description="The line's total, a number.")
    ProductURL: WebUrl = Field(None, title="Product URL", description="The product's page.")
    ImageURL: WebUrl = Field(None, title="Image URL", description="The product's picture.")
    ProductCategories: TextList = Field(
        None, title="Categories", description="The product's categories."
    )


class CheckoutProperties(PayloadModel):
    """``data.attributes.properties``: the cart, in Klaviyo's conventional names."""

    model_config = ConfigDict(extra="allow")

    event_id: Text = Field(
        None,
        alias="$event_id",
        title="Event ID",
        description=(
            "The cart's id combined with the UNIX time (Klaviyo's guide), so a returning "
            "shopper can start the flow again. Dedupe is by the top-level unique_id."
        ),
    )
    value: Money = Field(
        None, alias="$value", title="Value ($value)", description="The cart's value, a number."
    )
    CheckoutURL: WebUrl = Field(
        None, title="Checkout URL", description="The link the email sends the shopper back to."
    )
    ItemNames: TextList = Field(None, title="Item names", description="The products' names.")
    Categories: TextList = Field(None, title="Categories", description="The cart's categories.")
    Items: list[KlaviyoItem] | None = Field(None, title="Items", description="The line items.")

    @classmethod
    def check_errors(cls, data: Mapping[str, Any]) -> Iterable[CheckResult]:
        if len(data) > MAX_PROPERTIES:
            yield (), "length_error", f"may have at most {MAX_PROPERTIES} properties"


class MetricAttributes(PayloadModel):
    name: MetricName = Field(
        title="Event",
        json_schema_extra={"suggestions": list(METRICS)},
        description=(
            "The metric: Started Checkout, Added to Cart, Placed Order, or your own. Flows "
            "listen to the exact name; a near miss makes a new metric no flow uses."
        ),
    )


class MetricData(PayloadModel):
    type: MetricType = Field(title="Type", description='Always "metric".')
    attributes: MetricAttributes = Field(title="Metric", description="Which metric.")


class Metric(PayloadModel):
    data: MetricData = Field(title="Metric", description="The event's metric, by name.")


class ProfileAttributes(PayloadModel):
    model_config = ConfigDict(extra="allow")

    email: Email = Field(None, title="Email", description="The shopper's address.")
    phone_number: Phone = Field(None, title="Phone number", description="E.164, like +15005550006.")
    external_id: Text = Field(None, title="External ID", description="Your own id for the shopper.")
    first_name: Text = Field(None, title="First name", description="Optional.")
    last_name: Text = Field(None, title="Last name", description="Optional.")

    @classmethod
    def check_errors(cls, data: Mapping[str, Any]) -> Iterable[CheckResult]:
        # "At a minimum, profile … should include at least one profile identifier" (§3).
        if not any(present(data, name) for name in ("email", "phone_number", "external_id")):
            yield (
                ("email",),
                "presence_error",
                "or a phone number or an external ID is required: Klaviyo needs one to know "
                "whose event it is",
            )


class ProfileData(PayloadModel):
    type: ProfileType = Field(title="Type", description='Always "profile".')
    attributes: ProfileAttributes = Field(title="Shopper", description="Who it is.")


class Profile(PayloadModel):
    data: ProfileData = Field(title="Profile", description="The shopper.")


class EventAttributes(PayloadModel):
    # The spec's order (§3), which is the order they are written on the wire.
    properties: CheckoutProperties = Field(title="Cart", description="The event's properties.")
    time: DateTimeWithZone = Field(
        None,
        title="Time",
        description="When; default: when Klaviyo receives it. After 1990, at most a year ahead.",
    )
    value: Money = Field(
        None,
        title="Value",
        description="The cart's monetary value, a number: what revenue reports count.",
    )
    value_currency: Currency = Field(None, title="Currency", description="ISO 4217, like USD.")
    unique_id: Text = Field(
        None,
        title="Unique ID",
        description=(
            "Dedupe per profile and metric: only the first event with it is recorded. Without "
            "one, events in the same second collapse into one."
        ),
    )

    metric: Metric = Field(title="Metric", description="Which event.")
    profile: Profile = Field(title="Profile", description="Whose event.")

    @classmethod
    def check_errors(cls, data: Mapping[str, Any]) -> Iterable[CheckResult]:
        moment = data.get("time")
        if not isinstance(moment, str):
            return
        try:
            when = datetime.fromisoformat(moment.replace("Z", "+00:00").replace("z", "+00:00"))
        except ValueError:
            return  # the field's own rule says what is wrong with it
        if when.tzinfo is None:
            return
        if when.year < EARLIEST_YEAR:
            yield ("time",), "range_error", f"must be after the year {EARLIEST_YEAR}"
        elif when > datetime.now(UTC) + timedelta(days=366):
            yield ("time",), "range_error", "must be at most a year from now"


class EventData(PayloadModel):
    type: EventType = Field(title="Type", description='Always "event".')
    attributes: EventAttributes = Field(title="Event", description="The event.")


class KlaviyoEvent(PayloadModel):
    """The whole body: ``{"data": {"type": "event", "attributes": {…}}}``."""

    data: EventData = Field(title="Data", description="The JSON:API resource.")
