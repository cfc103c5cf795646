"""The HAR export of real sends (the built-in sandbox over loopback): valid HAR 1.2 by its
schema, the request headers as they went on the wire (masked), oldest first, no postData
without a body, a cut body marked; and a HAR read back by the import is the same cart."""

from __future__ import annotations

import json
import uuid
from pathlib import Path

import jsonschema
import pytest

from app.domain import jsonfmt
from app.history.export import to_har
from app.history.store import BODY_LIMIT, HistoryStore
from app.paths import sample_cart
from app.profiles import BUILTIN_PROFILES
from app.providers import CartDocument, load_cart
from app.providers.document import dumps_cart
from app.providers.drip import emulator as drip_sandbox
from app.sandbox.runtime import EmbeddedSandbox
from app.secrets import MemorySecretStore
from app.service.importing import import_text
from app.service.recording import operate_recorded, send_recorded
from app.service.sender import Sender

SCHEMA = json.loads((Path(__file__).parents[1] / "data" / "har-1.2.schema.json").read_text())


SENT: dict[str, CartDocument] = {}


@pytest.fixture
def sent(tmp_path: Path) -> HistoryStore:
    """A Drip cart, a Bronto cart and a read of it (a GET), and a Drip body too big to keep."""
    history = HistoryStore(tmp_path / "h.sqlite3")
    sender = Sender(MemorySecretStore(), environ={}, sandbox=EmbeddedSandbox())
    drip = load_cart(sample_cart("drip")).document
    send_recorded(sender, history, drip, BUILTIN_PROFILES["sandbox-drip"], None, "cli")
    sample = load_cart(sample_cart("bronto")).document
    # A cart id of its own: the sandbox remembers the carts of earlier tests (409 otherwise).
    bronto = sample.model_copy(
        update={"payload": {**sample.payload, "customerCartId": f"har-{uuid.uuid4()}"}}
    )
    SENT.update(drip=drip, bronto=bronto)
    profile = BUILTIN_PROFILES["sandbox-bronto"]
    added = send_recorded(sender, history, bronto, profile, None, "cli")
    assert added.status == 201 and added.provider_id
    got = operate_recorded(sender, history, "get", profile, "cli", cart_id=added.provider_id)
    assert got.status == 200
    big = b'{"a": "' + b"x" * BODY_LIMIT + b'"}'
    send_recorded(
        sender, history, drip, BUILTIN_PROFILES["sandbox-drip"], None, "cli", raw_body=big
    )
    return history


def exported(history: HistoryStore) -> dict[str, object]:
    entries = [history.get(e.id) for e in history.query()]  # the newest first, as listed
    har = to_har([e for e in entries if e is not None])
    return json.loads(jsonfmt.dumps(har))  # as a file would hold it


def test_the_export_is_valid_har_1_2(sent: HistoryStore) -> None:
    har = exported(sent)
    jsonschema.Draft7Validator(SCHEMA, format_checker=jsonschema.FormatChecker()).validate(har)
    # The schema itself catches what the export used to get wrong (an empty postData, say).
    broken = json.loads(json.dumps(har))
    broken["log"]["entries"][0]["request"]["postData"] = {"text": ""}
    with pytest.raises(jsonschema.ValidationError, match="'mimeType' is a required property"):
        jsonschema.validate(broken, SCHEMA)


def test_oldest_first_with_the_headers_as_on_the_wire_and_no_empty_post_data(
    sent: HistoryStore,
) -> None:
    entries = exported(sent)["log"]["entries"]  # type: ignore[index]
    assert [(e["request"]["method"], e["response"]["status"]) for e in entries][:3] == [
        ("POST", 202),
        ("POST", 201),
        ("GET", 200),
    ]
    drip = entries[0]["request"]
    names = [h["name"] for h in drip["headers"]]
    # Seven or more, as httpx put them on the wire: Host, the client's own, the cart's, auth.
    for name in ("Host", "Accept", "Accept-Encoding", "Connection", "User-Agent", "Content-Type"):
        assert name in names, names
    assert "Content-Length" in names and "Authorization" in names
    values = {h["name"]: h["value"] for h in drip["headers"]}
    assert values["Authorization"] == "Basic ••••••••"
    assert values["Content-Length"] == str(drip["bodySize"])
    assert drip_sandbox.API_KEY not in json.dumps(entries)
    assert "postData" not in entries[2]["request"]  # the GET
    assert entries[2]["request"]["bodySize"] == 0


def test_a_cut_body_is_marked(sent: HistoryStore) -> None:
    last = exported(sent)["log"]["entries"][-1]["request"]  # type: ignore[index]
    post = last["postData"]
    assert post["_truncated"] is True
    assert post["comment"] == (
        f"Cut: the history keeps the first {BODY_LIMIT:,} of {BODY_LIMIT + 9:,} bytes."
    )
    assert last["bodySize"] == BODY_LIMIT + 9
    whole = exported(sent)["log"]["entries"][0]["request"]["postData"]  # type: ignore[index]
    assert "_truncated" not in whole and "comment" not in whole


def test_a_cart_through_the_har_export_and_the_import_is_the_same_cart(
    sent: HistoryStore,
) -> None:
    text = json.dumps(exported(sent))
    for entry, key in ((1, "drip"), (2, "bronto")):
        imported = import_text(text, entry=entry)
        assert dumps_cart(imported.document) == dumps_cart(SENT[key])
        # The masked credential is no secret: nothing is offered, and it is said.
        assert imported.secrets == {}
        assert "the Authorization header, masked where it came from (no secret in it)" in (
            imported.left_out
        )
        # The client's own headers (Host, Connection, Accept-Encoding…) are the app's too.
        assert not [w for w in imported.left_out if w.startswith("headers the app does not")]
