"""The composer session without Qt: what the window shows and does, driven as a script would,
sending to the built-in sandbox over loopback."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from app.domain import jsonfmt
from app.history import HistoryStore
from app.paths import sample_cart
from app.profiles import ProfileStore
from app.providers import load_cart
from app.sandbox.runtime import EmbeddedSandbox
from app.secrets import MemorySecretStore
from app.service.sender import Sender
from app.service.session import BACKGROUND_ITEMS, EVENTS, ComposerSession
from app.transport import SendResult

DRIP = load_cart(sample_cart("drip")).document


class Events:
    """What a session told its observer, in order."""

    def __init__(self) -> None:
        self.seen: list[tuple[Any, ...]] = []

    def __call__(self, event: str, *args: object) -> None:
        assert event in EVENTS
        self.seen.append((event, *args))

    def names(self) -> list[str]:
        return [event[0] for event in self.seen]

    def args(self, name: str) -> list[Any]:
        return [event[1] if len(event) > 1 else None for event in self.seen if event[0] == name]


class Later:
    """A runner that keeps the jobs until told to run them, as a worker thread would."""

    def __init__(self) -> None:
        self.jobs: list[tuple[Callable[[], Any], Callable[[Any], None]]] = []

    def __call__(
        self,
        job: Callable[[], Any],
        on_success: Callable[[Any], None],
        on_failure: Callable[[BaseException], None],
    ) -> None:
        self.jobs.append((job, on_success))

    def run_all(self) -> None:
        while self.jobs:
            job, on_success = self.jobs.pop(0)
            on_success(job())


@pytest.fixture
def history(tmp_path: Path) -> Iterator[HistoryStore]:
    store = HistoryStore(tmp_path / "history.db")
    yield store
    store.close()


def a_session(
    tmp_path: Path, history: HistoryStore | None = None, **kwargs: Any
) -> ComposerSession:
    sender = Sender(MemorySecretStore(), environ={}, sandbox=EmbeddedSandbox())
    return ComposerSession(
        ProfileStore(tmp_path / "config"), sender, "drip", history=history, **kwargs
    )


def test_a_new_session_previews_an_empty_drip_cart(tmp_path: Path) -> None:
    session = a_session(tmp_path)
    assert session.provider.key == "drip"
    assert session.profile.name == "sandbox-drip"
    assert session.preview_text.startswith("POST http://127.0.0.1:")
    assert "/v3/" in session.preview_text.splitlines()[0]
    assert not session.validation.ok  # nothing filled in yet
    assert not session.dirty


def test_a_new_klaviyo_cart_has_its_presets_where_their_paths_say(tmp_path: Path) -> None:
    # Klaviyo's presets are named by paths: a new cart (File → New, a new tab) once had them
    # as top-level keys with dots in them ("data.type"), refused as unknown fields.
    sender = Sender(MemorySecretStore(), environ={}, sandbox=EmbeddedSandbox())
    session = ComposerSession(ProfileStore(tmp_path / "config"), sender, "klaviyo")
    payload = session.payload_object()
    assert list(payload) == ["data"]
    assert payload["data"]["type"] == "event"
    assert payload["data"]["attributes"]["metric"] == {
        "data": {"type": "metric", "attributes": {"name": "Started Checkout"}}
    }
    assert payload["data"]["attributes"]["properties"] == {}
    session.refresh_now()
    unknown = [i for i in session.validation.issues if "not a field" in i.message]
    assert unknown == []


def test_an_edit_asks_for_a_rebuild_that_refresh_does(tmp_path: Path) -> None:
    events = Events()
    session = a_session(tmp_path, observer=events)
    events.seen.clear()
    session.set_field("email", "someone@example.com")
    assert events.names() == ["dirty_changed", "payload_changed", "stale", "undo_changed"]
    assert '"email": "someone@example.com"' not in session.preview_text  # not rebuilt yet
    session.refresh()
    assert '"email": "someone@example.com"' in session.preview_text
    assert events.names()[4:] == ["fresh", "fresh", "validation_changed", "preview_changed"]
    assert session.undo_label == "Edit Email"


def test_drip_to_bronto_and_back_gives_the_drip_cart_whole_and_undo_goes_back(
    tmp_path: Path,
) -> None:
    session = a_session(tmp_path)
    session.replace_document(DRIP)
    before = session.document()
    assert session.switch_provider("bronto")  # the notes on what was carried
    assert session.value("emailAddress") == before.payload["email"]
    assert session.profile.name == "sandbox-bronto"
    session.set_field("phase", "PAYMENT")  # only Bronto has it
    assert session.switch_provider("drip") == ["Back to your Drip cart, as you left it."]
    assert session.document() == before  # the platform, the ids, occurred_at: all of it
    assert session.undo() and session.provider.key == "bronto"
    assert session.value("phase") == "PAYMENT"
    assert session.undo() and session.value("phase") == "SHOPPING"  # as it arrived
    assert session.redo() and session.redo() and session.document() == before


def test_raw_json_becomes_the_cart_and_is_one_undo_step(tmp_path: Path) -> None:
    session = a_session(tmp_path)
    session.replace_document(DRIP)
    error, notes = session.apply_raw(jsonfmt.dumps({**DRIP.payload, "cart_id": "raw-1"}))
    assert (error, notes) == (None, ())
    assert session.value("cart_id") == "raw-1"
    assert session.undo_label == "Apply the JSON"
    error, _ = session.apply_raw('{"cart_id": ')
    assert error is not None and error.startswith("Line 1, column 13")
    assert session.raw_error == error and session.value("cart_id") == "raw-1"
    session.undo()
    assert session.value("cart_id") == DRIP.payload["cart_id"]


def test_a_send_goes_to_the_sandbox_and_is_recorded(tmp_path: Path, history: HistoryStore) -> None:
    events = Events()
    session = a_session(tmp_path, history, observer=events)
    session.replace_document(DRIP)
    assert session.send()
    assert not session.sending  # the plain runner sent it there and then
    (result,) = events.args("send_finished")
    assert isinstance(result, SendResult)
    assert result.status == 202 and result.ok
    row_id = events.args("history_changed")[-1]
    entry = history.get(row_id)
    assert entry is not None
    assert (entry.state, entry.source, entry.status) == ("succeeded", "gui", 202)
    assert jsonfmt.loads(entry.request_body.decode())["grand_total"] == Decimal("16.99")
    assert entry.request_body.decode() in session.preview_text  # the preview is what was sent


def test_while_a_send_runs_another_waits_and_cancel_reaches_it(tmp_path: Path) -> None:
    later = Later()
    events = Events()
    session = a_session(tmp_path, runner=later, observer=events)
    session.replace_document(DRIP)
    assert session.send()
    assert session.sending and not session.send() and not session.send_to_several()
    later.run_all()
    assert not session.sending
    assert [r.status for r in events.args("send_finished")] == [202]


def test_sending_to_every_provider_sends_each_its_own_cart(tmp_path: Path) -> None:
    events = Events()
    session = a_session(tmp_path, observer=events)
    session.replace_document(DRIP)
    session.new_cart_id()  # the embedded sandbox outlives a test: its stores keep cart ids
    assert session.send_to_several()
    (every,) = events.args("several_finished")
    statuses = {key: getattr(answer, "status", answer) for key, answer in every.answers.items()}
    assert statuses == {"drip": 202, "bronto": 201, "klaviyo": 202, "mailchimp": 200}
    assert every.profiles == {key: f"sandbox-{key}" for key in statuses}


def test_sending_to_several_sends_to_the_chosen_ones_only(tmp_path: Path) -> None:
    events = Events()
    history = HistoryStore(tmp_path / "history.db")
    session = a_session(tmp_path, history, observer=events)
    session.replace_document(DRIP)
    session.new_cart_id()  # the embedded sandbox outlives a test: Mailchimp's store keeps ids
    assert session.send_to_several(["mailchimp", "klaviyo", "nope"])
    (chosen,) = events.args("several_finished")
    # In the registry's order; a key that is no provider is not one to send to.
    assert [(k, getattr(a, "status", a)) for k, a in chosen.answers.items()] == [
        ("klaviyo", 202),
        ("mailchimp", 200),
    ]
    assert sorted(row.provider for row in history.query()) == ["klaviyo", "mailchimp"]
    assert not session.send_to_several([])  # nothing chosen: nothing sent
    assert not session.send_to_several(["nope"])
    assert len(events.args("several_finished")) == 1


def test_many_new_line_items_are_checked_through_the_runner(tmp_path: Path) -> None:
    later = Later()
    session = a_session(tmp_path, runner=later)
    session.replace_document(DRIP)
    item = DRIP.payload["items"][0]
    count = BACKGROUND_ITEMS + 1
    many = [{**item, "product_id": f"p-{n}"} for n in range(count)]
    session.apply_raw(jsonfmt.dumps({**DRIP.payload, "items": many}))
    session.refresh()
    assert session.checking
    assert session.preview_text == f"# Checking {count:,} line items…"
    later.run_all()
    assert not session.checking
    assert session.validation.ok, session.validation.errors
    assert '"product_id": "p-300"' in session.preview_text


def test_a_session_saves_opens_and_knows_when_it_is_back_to_saved(tmp_path: Path) -> None:
    session = a_session(tmp_path)
    session.replace_document(DRIP)
    path = session.save(tmp_path / "mine.cart.json")
    assert not session.dirty and session.path == path
    session.set_field("cart_id", "changed")
    assert session.dirty
    session.set_field("cart_id", DRIP.payload["cart_id"])
    session.refresh()
    assert not session.dirty  # typed back to what the file holds
    other = a_session(tmp_path)
    assert other.open(path) == ()
    assert other.document() == session.document()


def test_new_cart_id_renames_the_cart_and_its_url_in_one_step(tmp_path: Path) -> None:
    session = a_session(tmp_path)
    session.replace_document(
        DRIP.model_copy(
            update={"payload": {**DRIP.payload, "cart_url": "https://shop.example/cart/old-1"}}
        )
    )
    fresh = session.new_cart_id()
    assert fresh != DRIP.payload["cart_id"]
    assert session.value("cart_id") == fresh
    assert session.value("cart_url") == f"https://shop.example/cart/{fresh}"
    assert session.undo_label == "New cart id"
    session.undo()
    assert session.value("cart_url") == "https://shop.example/cart/old-1"


def test_cart_totals_come_from_the_items_or_nothing_is_applied(tmp_path: Path) -> None:
    session = a_session(tmp_path)
    session.replace_document(DRIP)
    applied = session.apply_cart_totals()
    assert applied and all(session.value(name) == value for name, value in applied.items())
    assert session.undo_label == "Apply cart totals"
    empty = a_session(tmp_path)
    assert empty.apply_cart_totals() == {}
    assert empty.undo_label == ""


def test_a_sample_cart_replaces_the_draft_and_can_be_undone(tmp_path: Path) -> None:
    session = a_session(tmp_path)
    session.replace_document(DRIP)
    session.fill_sample()
    assert session.validation.ok, session.validation.errors
    assert session.document() != DRIP and session.dirty
    session.undo()
    assert session.document() == DRIP
