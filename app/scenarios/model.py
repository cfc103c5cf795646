"""The ``.scenario.json`` format.

    {"name": "Drip: cart abandoned after an update",
     "description": "…",
     "steps": [
        {"do": "send", "cart": "drip-example.cart.json", "new_cart_id": true, "expect": 202},
        {"do": "wait", "minutes": 5},
        {"do": "send", "action": "updated", "remove_item": 0, "expect": 202},
        {"do": "wait", "minutes": 120},
        {"do": "note", "text": "No more events: Drip's abandonment workflow takes it from here."}
     ]}

Steps: ``send`` (the journey's cart: ``cart`` loads one — a path next to the scenario, or a
bundled sample's file name — ``profile`` picks where it goes, ``set`` changes fields,
``remove_item`` drops an item, ``action`` "created"/"updated" sends it as that event where the
provider has events (Drip's action, with ``occurred_at`` set to now), ``new_cart_id`` gives the
cart a fresh id); a provider's key, for a provider with cart actions (``"do": "bronto"``:
``action`` one of its actions — update, get, search, abandon, fiddle, expire, delete — on the
id its last send returned; ``set`` changes the cart first, e.g. an Update to another phase);
``wait`` (``seconds`` or ``minutes``, shortened by the runner's speed); ``note``. Any ``send``
or action step may say ``expect``: the status it should get; a different one stops the run.
A scenario may say ``"sandbox": "explain"`` (or ``strict``, ``explain+strict``, ``real``): how
the built-in sandbox answers its steps; it changes nothing for any other target.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from app.domain import jsonfmt
from app.domain.errors import CartComposerError
from app.domain.sandbox_marks import SandboxMode
from app.providers.registry import get_provider, providers

__all__ = ["SUFFIX", "Scenario", "ScenarioError", "Step", "load_scenario", "step_kinds"]

SUFFIX = ".scenario.json"
_BASIC = ("send", "wait", "note")


def step_kinds() -> tuple[str, ...]:
    """What a step may ``do``: send, wait, note, and each provider that has cart actions."""
    acting = [p.key for p in providers().values() if p.actions]
    return (*_BASIC[:1], *acting, *_BASIC[1:])


class ScenarioError(CartComposerError):
    """A scenario file that cannot be used; the message names the step and the problem."""


@dataclass(frozen=True)
class Step:
    kind: str
    values: Mapping[str, Any] = field(default_factory=dict)

    def describe(self) -> str:
        v = self.values
        if self.kind == "wait":
            return f"wait {_duration(self.seconds)}"
        if self.kind == "note":
            return str(v.get("text", ""))
        if self.acts:
            changes = ", ".join(
                f"{k} = {jsonfmt.dumps(x, indent=None)}" for k, x in dict(v.get("set", {})).items()
            )
            title = get_provider(self.kind).title
            return f"{title}: {v['action']}" + (f" with {changes}" if changes else "")
        parts = ["send"]
        if v.get("action"):
            parts.append(f"as {v['action']}")
        if "remove_item" in v:
            parts.append(f"without item {int(v['remove_item']) + 1}")
        if v.get("set"):
            parts.append(
                "with "
                + ", ".join(f"{k} = {jsonfmt.dumps(x, indent=None)}" for k, x in v["set"].items())
            )
        if v.get("cart"):
            parts.append(f"({v['cart']})")
        return " ".join(parts)

    @property
    def acts(self) -> bool:
        """A provider's cart action (the step's ``do`` is the provider's key)."""
        return self.kind not in _BASIC

    @property
    def seconds(self) -> float:
        if self.kind != "wait":
            return 0.0
        return float(self.values.get("seconds", 0)) + 60 * float(self.values.get("minutes", 0))

    @property
    def expect(self) -> int | None:
        value = self.values.get("expect")
        return value if isinstance(value, int) else None


@dataclass(frozen=True)
class Scenario:
    name: str
    steps: tuple[Step, ...]
    description: str = ""
    folder: Path | None = None  # where relative cart paths are looked up
    sandbox_mode: SandboxMode | None = None  # how the built-in sandbox answers its steps


def _duration(seconds: float) -> str:
    if seconds >= 3600 and seconds % 3600 == 0:
        return f"{seconds / 3600:g} h"
    if seconds >= 60 and seconds % 60 == 0:
        return f"{seconds / 60:g} min"
    return f"{seconds:g} s"


# A scenario is a few dozen steps: a file past this is not one.
SCENARIO_CAP = 4 * 1024 * 1024


def load_scenario(path: Path) -> Scenario:
    from app.files import FileReadError, read_bounded

    try:
        data = jsonfmt.loads(read_bounded(path, SCENARIO_CAP, "scenario file"))
    except FileReadError as exc:
        raise ScenarioError(str(exc)) from None
    except jsonfmt.JsonSyntaxError as exc:
        raise ScenarioError(f"{path.name} is not valid JSON: {exc}.") from None
    return parse_scenario(data, path.parent, path.name)


def parse_scenario(data: Any, folder: Path | None = None, label: str = "the scenario") -> Scenario:
    if not isinstance(data, dict) or not isinstance(data.get("steps"), list):
        raise ScenarioError(f'{label} must be {{"name": …, "steps": [ … ]}}.')
    steps = []
    for number, raw in enumerate(data["steps"], start=1):
        where = f"{label}, step {number}"
        kinds = step_kinds()
        if not isinstance(raw, dict) or raw.get("do") not in kinds:
            raise ScenarioError(f"{where}: “do” must be one of {', '.join(kinds)}.")
        values = {k: v for k, v in raw.items() if k != "do"}
        step = Step(str(raw["do"]), values)
        _check(step, where)
        steps.append(step)
    if not steps:
        raise ScenarioError(f"{label} has no steps.")
    name = data.get("name")
    description = data.get("description", "")
    mode = data.get("sandbox")
    if mode is not None:
        try:
            mode = SandboxMode.parse(mode if isinstance(mode, str) else jsonfmt.dumps(mode))
        except ValueError as exc:
            raise ScenarioError(f"{label}: “sandbox”: {exc}") from None
    return Scenario(
        name=name if isinstance(name, str) and name.strip() else label,
        steps=tuple(steps),
        description=description if isinstance(description, str) else "",
        folder=folder,
        sandbox_mode=mode,
    )


def _check(step: Step, where: str) -> None:
    v = step.values
    if step.kind == "wait":
        for key in ("seconds", "minutes"):
            value = v.get(key, 0)
            if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
                raise ScenarioError(f"{where}: “{key}” must be a number of 0 or more.")
    if step.acts:
        choices = [action.key for action in get_provider(step.kind).actions]
        if v.get("action") not in choices:
            raise ScenarioError(f"{where}: “action” must be one of {', '.join(choices)}.")
    if "set" in v and not isinstance(v["set"], dict):
        raise ScenarioError(f"{where}: “set” must be an object of field values.")
    if step.kind == "send":
        if "action" in v and v["action"] not in ("created", "updated"):
            raise ScenarioError(f"{where}: “action” must be created or updated.")
        if "remove_item" in v and (
            isinstance(v["remove_item"], bool) or not isinstance(v["remove_item"], int)
        ):
            raise ScenarioError(f"{where}: “remove_item” must be an item's index (from 0).")
        if "set" in v and not isinstance(v["set"], dict):
            raise ScenarioError(f"{where}: “set” must be an object of field values.")
    if "expect" in v and (isinstance(v["expect"], bool) or not isinstance(v["expect"], int)):
        raise ScenarioError(f"{where}: “expect” must be an HTTP status, like 202.")
