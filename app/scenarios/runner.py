"""Running a scenario: its steps in order, each send and cart action recorded in the history,
waits shortened by ``speed``, with pause, resume and cancel from another thread. Blocking: the
window runs it on a worker, the command line on its own thread."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from app.domain.errors import CartComposerError
from app.history import HistoryStore
from app.paths import resources_dir
from app.profiles import Profile, ProfileStore
from app.providers import CartDocument, get_provider, load_cart
from app.providers.paths import get_at, list_on_the_way, set_in
from app.providers.samples import new_cart_id
from app.scenarios.model import Scenario, ScenarioError, Step
from app.service import recording
from app.service.sender import Overrides, Sender
from app.transport import CancelToken, SendResult
from app.transport.send import Cancelled

__all__ = ["ScenarioRunner", "StepEvent"]


@dataclass(frozen=True)
class StepEvent:
    """One line of the timeline: a step started, done, failed, or the run cancelled."""

    index: int  # 0-based step number
    step: Step
    state: str  # "started" | "waiting" | "done" | "failed" | "cancelled"
    at: float  # seconds since the run started
    status: int | None = None
    message: str = ""
    # For the timeline's columns: what the answer means (a cart action's words for its
    # status), what it says of the cart (status, phase, id), the history row it wrote, and
    # how long a wait lasts at the run's speed (for a countdown).
    meaning: str = ""
    cart: str = ""
    history_id: int | None = None
    wait_seconds: float = 0.0


def _set_fields(payload: dict[str, Any], values: Mapping[str, Any]) -> None:
    """A step's ``set``: each value at its path in ``payload``, as the form names the fields
    ("grand_total", "customer.email_address"). ``ScenarioError`` for a path through a list."""
    for key, value in values.items():
        listed = list_on_the_way(payload, key)
        if listed is not None:
            # A path names objects' fields; "items.0.price" would have replaced the items with
            # an object {"0": {"price": …}} and sent that.
            raise ScenarioError(
                f"“set” {key}: {listed} is a list, which a path does not reach into. Set the "
                f"whole list instead (“{listed}”: [ … ]), or edit the cart file."
            )
        set_in(payload, key, value)


class ScenarioRunner:
    def __init__(
        self,
        scenario: Scenario,
        sender: Sender,
        profiles: ProfileStore,
        history: HistoryStore | None = None,
        *,
        speed: float = 1.0,
        profile: str | None = None,
        overrides: Overrides | None = None,
        on_event: Callable[[StepEvent], None] | None = None,
    ) -> None:
        if speed <= 0:
            raise ScenarioError("The speed must be more than 0 (1 = real time).")
        self.scenario = scenario
        self.sender = sender
        self.profiles = profiles
        self.history = history
        self.speed = speed
        self.profile_name = profile
        if scenario.sandbox_mode is not None and (
            overrides is None or overrides.sandbox_mode is None
        ):
            # The scenario's own sandbox mode, unless the caller chose one (the command
            # line's --sandbox); it only ever changes how the built-in sandbox answers.
            overrides = replace(overrides or Overrides(), sandbox_mode=scenario.sandbox_mode)
        self.overrides = overrides
        self.on_event = on_event or (lambda event: None)
        self.events: list[StepEvent] = []
        self.results: list[SendResult] = []
        # The history rows the run wrote, in order (what its export holds).
        self.history_ids: list[int] = []
        self._row: int | None = None  # the current step's
        self.cancel_token = CancelToken()
        self._running = threading.Event()
        self._running.set()  # cleared while paused
        self._document: CartDocument | None = None
        # Each provider's id for the journey's cart (Bronto's cartId), from its last send.
        self._remote_ids: dict[str, str] = {}
        self._started = 0.0

    # --- control, from any thread ----------------------------------------------------------

    def cancel(self) -> None:
        self.cancel_token.cancel()
        self._running.set()  # a paused run wakes up to stop

    def pause(self) -> None:
        self._running.clear()

    def resume(self) -> None:
        self._running.set()

    @property
    def paused(self) -> bool:
        return not self._running.is_set()

    # --- running ---------------------------------------------------------------------------

    def run(self) -> bool:
        """All steps in order; True when every one did what it expected."""
        self._started = time.monotonic()
        for index, step in enumerate(self.scenario.steps):
            self._running.wait()  # paused between steps
            if self.cancel_token.cancelled:
                self._emit(index, step, "cancelled", message="Cancelled before this step.")
                return False
            self._emit(index, step, "started")
            try:
                ok = self._do(index, step)
            except CartComposerError as exc:
                self._emit(index, step, "failed", message=str(exc))
                return False
            if not ok:
                return False
        return True

    def _emit(
        self,
        index: int,
        step: Step,
        state: str,
        status: int | None = None,
        message: str = "",
        **more: Any,
    ) -> None:
        at = time.monotonic() - self._started
        event = StepEvent(index, step, state, at, status, message, **more)
        self.events.append(event)
        self.on_event(event)

    def _on_row(self, row: int) -> None:
        self._row = row
        if row not in self.history_ids:
            self.history_ids.append(row)

    def _do(self, index: int, step: Step) -> bool:
        if step.kind == "note":
            self._emit(index, step, "done", message=step.describe())
            return True
        if step.kind == "wait":
            seconds = step.seconds / self.speed
            self._emit(
                index, step, "waiting", message=f"waiting {seconds:.3g} s", wait_seconds=seconds
            )
            try:
                self.cancel_token.wait(seconds)
            except Cancelled:
                self._emit(index, step, "cancelled", message="Cancelled during the wait.")
                return False
            self._emit(index, step, "done")
            return True
        self._row = None
        result = self._send(step) if step.kind == "send" else self._act(step)
        self.results.append(result)
        row = self._row
        if result.status is None:
            self._emit(index, step, "failed", message=result.message, history_id=row)
            return False
        sent = self._document.provider if self._document is not None else step.kind
        provider = get_provider(step.kind if step.acts else sent)
        action = provider.action(str(step.values["action"])) if step.acts else None
        found = provider.cart_state(result.status, result.body, action)
        meaning = action.meanings.get(result.status, "") if action is not None else ""
        said = ", ".join(
            f"{k} {v}" for k, v in (("status", found.status), ("phase", found.phase)) if v
        )
        more = {"meaning": meaning, "cart": said, "history_id": row}
        expected = step.expect
        if expected is not None and result.status != expected:
            message = f"expected {expected}, got {result.status}: {result.message}"
            self._emit(index, step, "failed", result.status, message, **more)
            return False
        message = result.message
        if step.acts:
            message += f" · cart {said}" if said else ""
        self._emit(index, step, "done", result.status, message, **more)
        return True

    # --- the steps -------------------------------------------------------------------------

    def _profile(self, step: Step, provider: str) -> Profile:
        name = step.values.get("profile") or self.profile_name or f"sandbox-{provider}"
        profile = self.profiles.get(str(name))
        if profile.provider != provider:
            raise ScenarioError(
                f"The profile “{profile.name}” is for {profile.provider}, but "
                f"this step sends a {provider} cart."
            )
        return profile

    def _cart(self, step: Step) -> CartDocument:
        name = step.values.get("cart")
        if name:
            candidates = [Path(str(name))]
            if self.scenario.folder is not None:
                candidates.insert(0, self.scenario.folder / str(name))
            candidates.append(resources_dir() / "samples" / str(name))
            path = next((p for p in candidates if p.is_file()), None)
            if path is None:
                raise ScenarioError(
                    f"The cart {name} is neither next to the scenario nor a bundled sample."
                )
            self._document = load_cart(path).document
        if self._document is None:
            raise ScenarioError("The first send must name its cart (“cart”: a .cart.json).")
        payload: dict[str, Any] = dict(self._document.payload)
        provider = get_provider(self._document.provider)
        if step.values.get("new_cart_id"):
            fresh = new_cart_id()
            set_in(payload, provider.cart_id_field, fresh)
            url = get_at(payload, provider.cart_url_field)
            if isinstance(url, str) and "/cart" in url:
                set_in(payload, provider.cart_url_field, url.rsplit("/", 1)[0] + "/" + fresh)
        _set_fields(payload, dict(step.values.get("set", {})))
        if "remove_item" in step.values:
            items = list(get_at(payload, provider.items_key) or [])
            index = int(step.values["remove_item"])
            if not 0 <= index < len(items):
                raise ScenarioError(f"There is no item {index + 1} to remove.")
            del items[index]
            set_in(payload, provider.items_key, items)
        if step.values.get("action"):
            event = str(step.values["action"])
            values = provider.event_values(event)
            if values is None:
                updates = [a.key for a in provider.actions if a.sends_cart]
                instead = f"; use a “{provider.key}” step with “{updates[0]}”" if updates else ""
                raise ScenarioError(
                    f"“action” {event} is an event {provider.title} carts do not have{instead}."
                )
            payload.update(values)
        self._document = self._document.model_copy(update={"payload": payload})
        return self._document

    def _send(self, step: Step) -> SendResult:
        document = self._cart(step)
        profile = self._profile(step, document.provider)
        self.sender.check_pair(document, profile)
        result = recording.send_recorded(
            self.sender,
            self.history,
            document,
            profile,
            self.overrides,
            "scenario",
            cancel=self.cancel_token,
            on_row=self._on_row,
        )
        provider = get_provider(document.provider)
        created = provider.cart_id_after_send(result.status or 0, result.provider_id)
        if created:
            self._remote_ids[provider.key] = created
        return result

    def _act(self, step: Step) -> SendResult:
        """A provider's cart action (the step's ``do``) on the id its last send returned."""
        provider = get_provider(step.kind)
        action = provider.action(str(step.values["action"]))
        document = self._document
        if document is None or document.provider != provider.key:
            document = CartDocument(provider=provider.key)
        if step.values.get("set"):  # e.g. an Update that moves the cart to another phase
            payload = dict(document.payload)
            _set_fields(payload, dict(step.values["set"]))
            document = self._document = document.model_copy(update={"payload": payload})
        profile = self._profile(step, provider.key)
        result = recording.operate_recorded(
            self.sender,
            self.history,
            action.key,
            profile,
            "scenario",
            cart_id=self._remote_ids.get(provider.key, ""),
            document=document,
            overrides=self.overrides,
            cancel=self.cancel_token,
            on_row=self._on_row,
        )
        found = provider.cart_state(result.status or 0, result.body, action)
        if action.gone_on is not None and result.status == action.gone_on:
            self._remote_ids.pop(provider.key, None)
        elif found.cart_id:
            self._remote_ids[provider.key] = found.cart_id
        return result
