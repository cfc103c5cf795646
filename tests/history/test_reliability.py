"""The history never loses a row and never lies: concurrent first opens, sends in flight in
other processes, a history that cannot be written after a send, read-only files, damaged
files, capped bodies, private file modes — each through real processes where it matters."""

from __future__ import annotations

import os
import sqlite3
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest

from app.domain import jsonfmt
from app.history import HistoryError, HistoryStore
from app.history.store import BODY_LIMIT
from app.paths import sample_cart
from app.sandbox import Fault, SandboxServer
from app.service.recording import entry_document
from tests.history.test_store import pending, wait_for_pending
from tests.unwritable import unwritable

ROOT = Path(__file__).resolve().parents[2]

# One process's first send into a history nobody has opened yet: all start at the same moment.
_FIRST_SEND = """
import sys, time
from pathlib import Path
from app.history import HistoryStore
start = float(sys.argv[2])
while time.time() < start:
    time.sleep(0.001)
store = HistoryStore(Path(sys.argv[1]))
store.record_pending(method="POST", url="http://x", headers=[], body=b"{}", profile="p",
                     provider="drip", operation="cart_activity", source="cli")
store.close()
"""

# Holds a send in flight: its row is pending until stdin closes.
_IN_FLIGHT = """
import sys
from pathlib import Path
from app.history import HistoryStore
store = HistoryStore(Path(sys.argv[1]))
store.record_pending(method="POST", url="http://x", headers=[], body=b"{}", profile="p",
                     provider="drip", operation="cart_activity", source="gui")
print("pending", flush=True)
sys.stdin.read()
"""


def python(*args: str, **kwargs: object) -> subprocess.Popen[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.Popen([sys.executable, "-c", *args], env=env, text=True, **kwargs)  # type: ignore[call-overload]


def cli(home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("CART_COMPOSER_")}
    return subprocess.run(
        [sys.executable, "-m", "app", *args],
        capture_output=True,
        text=True,
        timeout=60,
        env={**clean, "CART_COMPOSER_HOME": str(home)},
    )


def test_processes_opening_a_new_history_at_once_lose_no_row(tmp_path: Path) -> None:
    # Before: 8 simultaneous first sends kept 7 rows ("table requests already exists").
    rounds, each = 5, 8
    for round_ in range(rounds):
        path = tmp_path / f"round{round_}" / "history.sqlite3"
        path.parent.mkdir()
        start = f"{time.time() + 1.5:.3f}"
        workers = [
            python(_FIRST_SEND, str(path), start, stderr=subprocess.PIPE) for _ in range(each)
        ]
        errors = [w.communicate(timeout=60)[1] for w in workers]
        assert [w.returncode for w in workers] == [0] * each, errors
        store = HistoryStore(path, read_only=True)
        assert store.count() == each
        assert not list(path.parent.glob("*.corrupt-*"))


def test_a_send_in_flight_in_another_process_is_not_marked_interrupted(tmp_path: Path) -> None:
    path = tmp_path / "history.sqlite3"
    other = python(_IN_FLIGHT, str(path), stdin=subprocess.PIPE, stdout=subprocess.PIPE)
    try:
        assert other.stdout is not None and other.stdout.readline().strip() == "pending"
        # Another window or command opens the history meanwhile.
        store = HistoryStore(path)
        assert store.interrupted == 0
        (entry,) = store.query()
        assert entry.state == "pending"
        store.close()
    finally:
        other.kill()
        other.communicate(timeout=10)
    # Its owner is gone now (killed): the row becomes interrupted on the next open.
    again = HistoryStore(path)
    assert again.interrupted == 1
    assert again.query()[0].state == "interrupted"


def test_a_store_closed_mid_send_leaves_its_row_to_be_marked(tmp_path: Path) -> None:
    path = tmp_path / "history.sqlite3"
    first, second = HistoryStore(path), HistoryStore(path)
    row = pending(first)
    assert HistoryStore(path).interrupted == 0  # first is still open: its send goes on
    first.close()
    assert second.get(row) is not None and second.get(row).state == "pending"  # type: ignore[union-attr]
    assert HistoryStore(path).interrupted == 1


def test_a_cli_send_whose_history_fails_after_it_reports_the_servers_answer(
    tmp_path: Path,
) -> None:
    """Before: exit 2 ("invalid input, nothing sent") for a cart that was sent — a script that
    retries on exit 2 makes a second cart."""
    home = tmp_path / "home"
    with SandboxServer() as server:
        server.sandbox.add_fault(Fault(latency_ms=2000, path_prefix="/v3/"))
        clean = {k: v for k, v in os.environ.items() if not k.startswith("CART_COMPOSER_")}
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "app",
                "send",
                str(sample_cart("drip")),
                "--base-url",
                server.url,
            ],
            env={**clean, "CART_COMPOSER_HOME": str(home)},
            text=True,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        history = home / "history.sqlite3"
        assert wait_for_pending(history), "no pending row appeared"
        # The file and its log (not the -shm, which is memory-mapped: a write to it would be
        # a SIGBUS, not the error a full disk gives).
        files = [history, home / "history.sqlite3-wal"]
        with unwritable(*files):
            out, err = process.communicate(timeout=60)
    assert process.returncode == 0, err
    assert "202 Accepted" in out
    assert "The history could not be saved" in err
    assert "Traceback" not in err
    assert len([r for r in server.sandbox.requests() if r.path.startswith("/v3/")]) == 1


def test_a_cli_send_with_a_history_it_cannot_write_still_sends(tmp_path: Path) -> None:
    home = tmp_path / "home"
    assert cli(home, "send", str(sample_cart("drip"))).returncode == 0  # the history exists
    # The disk fills up (here: the history cannot be written) while it is open elsewhere.
    holder = HistoryStore(home / "history.sqlite3")
    try:
        files = [home / "history.sqlite3", home / "history.sqlite3-wal"]
        with unwritable(*files):
            done = cli(home, "send", str(sample_cart("drip")))
    finally:
        holder.close()
    assert done.returncode == 0, done.stderr
    assert "202 Accepted" in done.stdout
    assert "sending still works" in done.stderr or "not recorded" in done.stderr


def test_reading_a_read_only_history_works_and_writes_nothing(tmp_path: Path) -> None:
    home = tmp_path / "home"
    assert cli(home, "send", str(sample_cart("drip"))).returncode == 0
    store = HistoryStore(home / "history.sqlite3")
    row = pending(store)  # left pending by a writer that goes away
    store.close()
    before = {p.name: p.read_bytes() for p in home.glob("history.sqlite3*") if p.is_file()}
    with unwritable(home, *[p for p in home.rglob("*")]):
        listed = cli(home, "history")
        shown = cli(home, "history", "show", str(row))
        exported = cli(home, "history", "export", "--jsonl", str(tmp_path / "out.jsonl"))
    assert listed.returncode == 0, listed.stderr
    assert "succeeded" in listed.stdout
    assert "interrupted" in listed.stdout  # shown for what it is, though not written so
    assert shown.returncode == 0, shown.stderr
    assert exported.returncode == 0, exported.stderr
    after = {p.name: p.read_bytes() for p in home.glob("history.sqlite3*") if p.is_file()}
    assert after == before


def test_the_history_command_reads_without_creating_anything(tmp_path: Path) -> None:
    home = tmp_path / "home"
    listed = cli(home, "history")
    assert listed.returncode == 0, listed.stderr
    assert "(nothing sent yet)" in listed.stdout
    assert not home.exists() or not list(home.iterdir())


def test_a_damaged_history_is_never_moved_aside_silently(tmp_path: Path) -> None:
    home = tmp_path / "home"
    home.mkdir()
    (home / "history.sqlite3").write_bytes(b"this is not a database" * 100)
    listed = cli(home, "history")
    # Reading leaves it where it is, and says so (before: "(nothing sent yet)", file moved).
    assert listed.returncode == 2
    assert "is damaged" in listed.stderr and "left as it is" in listed.stderr
    assert (home / "history.sqlite3").exists()
    sent = cli(home, "send", str(sample_cart("drip")))
    assert sent.returncode == 0, sent.stderr
    (aside,) = home.glob("history.sqlite3.corrupt-*")
    assert f"it was moved to {aside}" in sent.stderr
    assert aside.read_bytes().startswith(b"this is not a database")


def test_request_bodies_are_capped_with_their_size_kept(tmp_path: Path) -> None:
    store = HistoryStore(tmp_path / "history.sqlite3")
    big = b'{"cart": "' + b"x" * (3 * 1024 * 1024) + b'"}'
    row = pending(store, body=big)
    store.complete(row, state="succeeded", elapsed_ms=1, status=202, body=big)
    entry = store.get(row)
    assert entry is not None
    assert len(entry.request_body) == BODY_LIMIT and entry.request_size == len(big)
    assert entry.request_cut
    with pytest.raises(HistoryError, match="cannot be opened or re-sent"):
        entry_document(entry)
    small = store.get(pending(store))
    assert small is not None and not small.request_cut
    store.close()
    # Two 50 MB sends made a 438 MB history before.
    assert (tmp_path / "history.sqlite3").stat().st_size < 10 * 1024 * 1024


def test_json_list_rows_do_not_show_bodies_they_did_not_load(tmp_path: Path) -> None:
    home = tmp_path / "home"
    assert cli(home, "send", str(sample_cart("drip"))).returncode == 0
    listed = jsonfmt.loads(cli(home, "history", "--json").stdout.splitlines()[0])
    assert "body" not in listed["request"] and "headers" not in listed["request"]
    assert "body" not in listed["response"] and "headers" not in listed["response"]
    assert listed["request"]["size"] > 0
    shown = jsonfmt.loads(cli(home, "history", "show", str(listed["id"]), "--json").stdout)
    assert shown["request"]["body"].startswith("{")
    assert (
        shown["response"]["body"]["request_id"]
        if isinstance(shown["response"]["body"], dict)
        else "request_id" in shown["response"]["body"]
    )


# --- files are private ---------------------------------------------------------------------


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.mark.skipif(os.name != "posix", reason="POSIX file modes")
def test_the_apps_files_are_the_users_alone(tmp_path: Path) -> None:
    home = tmp_path / "home"
    env = {k: v for k, v in os.environ.items() if not k.startswith("CART_COMPOSER_")}
    done = subprocess.run(
        [sys.executable, "-m", "app", "send", str(sample_cart("drip"))],
        capture_output=True,
        text=True,
        timeout=60,
        env={**env, "CART_COMPOSER_HOME": str(home), "CART_COMPOSER_LOG": "debug"},
    )
    assert done.returncode == 0, done.stderr
    holder = HistoryStore(home / "history.sqlite3")  # while open, -wal and -shm exist
    try:
        assert mode(home) == 0o700
        for name in (
            "history.sqlite3",
            "history.sqlite3-wal",
            "history.sqlite3-shm",
            "cart-composer.log",
        ):
            assert mode(home / name) == 0o600, name
    finally:
        holder.close()


@pytest.mark.skipif(os.name != "posix", reason="POSIX file modes")
def test_looser_modes_are_tightened_on_open(tmp_path: Path) -> None:
    folder = tmp_path / "data"
    folder.mkdir(mode=0o755)
    folder.chmod(0o755)
    path = folder / "history.sqlite3"
    HistoryStore(path).close()
    path.chmod(0o644)
    HistoryStore(path).close()
    assert mode(path) == 0o600 and mode(folder) == 0o700


def test_a_symlink_in_place_of_the_history_is_not_written_through(tmp_path: Path) -> None:
    target = tmp_path / "elsewhere.txt"
    target.write_text("someone else's file")
    folder = tmp_path / "data"
    folder.mkdir()
    (folder / "history.sqlite3").symlink_to(target)
    with pytest.raises(HistoryError, match="symbolic link"):
        HistoryStore(folder / "history.sqlite3")
    assert target.read_text() == "someone else's file"
    (folder / "history.sqlite3").unlink()
    (folder / "history.sqlite3-wal").symlink_to(target)
    with pytest.raises(HistoryError, match="symbolic link"):
        HistoryStore(folder / "history.sqlite3")
    assert target.read_text() == "someone else's file"


def test_sqlite_sees_the_migrations_as_one_version_each(tmp_path: Path) -> None:
    path = tmp_path / "history.sqlite3"
    HistoryStore(path).close()
    db = sqlite3.connect(path)
    columns = {r[1] for r in db.execute("PRAGMA table_info(requests)")}
    assert {"owner", "request_size", "source"} <= columns
    db.close()


def test_lock_files_of_owners_that_are_gone_are_swept(tmp_path: Path) -> None:
    path = tmp_path / "history.sqlite3"
    for _ in range(3):  # processes that end without closing their store
        done = python(
            "import sys\nfrom pathlib import Path\nfrom app.history import "
            "HistoryStore\nHistoryStore(Path(sys.argv[1]))",
            str(path),
        )
        assert done.wait(60) == 0
    owners = tmp_path / "history.sqlite3.owners"
    (left,) = owners.glob("*.lock")  # each opener swept the ones before it
    store = HistoryStore(path)
    (own,) = owners.glob("*.lock")  # only its own
    assert own != left
    store.close()
    assert list(owners.glob("*.lock")) == []
