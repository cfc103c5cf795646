"""The history of everything sent: SQLite (stdlib), WAL, schema version in ``user_version``.

A row is written *before* the request leaves (state ``pending``) and completed after it. A
pending row carries its writer's owner token (``owners``): when a store is opened, the pending
rows whose owner is gone — a crash or a kill mid-send — become ``interrupted``, so a send
leaves a row, never nothing, and a send still in flight in another process is left alone.
Only masked headers are stored, so no secret reaches the file; bodies are kept up to
``BODY_LIMIT`` with their original size. A file that is not a database (or is someone
else's) is moved aside, and a fresh one created. Creating and migrating is one transaction
under SQLite's write lock, so processes opening a new history at once lose nothing. Reading
(``read_only=True``) never writes, and works from a read-only file. The file and its -wal and
-shm are the user's alone (0600, in a 0700 folder).
"""

from __future__ import annotations

import contextlib
import dataclasses
import os
import queue
import random
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeVar

from app.domain import jsonfmt
from app.domain.errors import CartComposerError
from app.domain.redaction import mask_header_value
from app.files import private_dir, private_file
from app.history.owners import OwnerLock, is_alive, sweep

_T = TypeVar("_T")

__all__ = [
    "BODY_LIMIT",
    "OUTCOMES",
    "SCHEMA_VERSION",
    "SORTS",
    "HistoryEntry",
    "HistoryError",
    "HistoryFilter",
    "HistoryStore",
]

SCHEMA_VERSION = 6
FILE_NAME = "history.sqlite3"
# Request and response bodies are stored up to this size; the original size is kept beside.
BODY_LIMIT = 2 * 1024 * 1024
OUTCOMES = ("pending", "succeeded", "http_error", "network_error", "cancelled", "interrupted")

_V1 = """
CREATE TABLE requests (
    id INTEGER PRIMARY KEY,
    sent_at TEXT NOT NULL,
    elapsed_ms REAL,
    state TEXT NOT NULL,
    profile TEXT NOT NULL,
    provider TEXT NOT NULL,
    operation TEXT NOT NULL,
    method TEXT NOT NULL,
    url TEXT NOT NULL,
    request_headers TEXT NOT NULL,
    request_body BLOB NOT NULL,
    status INTEGER,
    reason TEXT,
    response_headers TEXT,
    response_body BLOB,
    response_size INTEGER,
    error_kind TEXT,
    error_message TEXT,
    provider_id TEXT,
    email TEXT,
    cart_id TEXT
);
CREATE INDEX requests_sent_at ON requests (sent_at);
"""
# Version 2: where a send came from (window or command line), and indexes for the filters.
_V2 = """
ALTER TABLE requests ADD COLUMN source TEXT NOT NULL DEFAULT 'unknown';
CREATE INDEX requests_provider ON requests (provider, sent_at);
CREATE INDEX requests_profile ON requests (profile, sent_at);
CREATE INDEX requests_state ON requests (state, sent_at);
CREATE INDEX requests_email ON requests (email);
CREATE INDEX requests_cart_id ON requests (cart_id);
CREATE INDEX requests_provider_id ON requests (provider_id);
"""
# Version 3: a full-text index (trigram, so any substring of 3 or more characters) of what the
# free-text filter searches, kept in step by triggers; existing rows are indexed on migration.
_FTS_COLUMNS = "email, cart_id, provider_id, request_body, response_body"
_FTS_VALUES = (
    "{p}.email, {p}.cart_id, {p}.provider_id, "
    "CAST({p}.request_body AS TEXT), CAST({p}.response_body AS TEXT)"
)
_INDEX_NEW = (
    f"INSERT INTO requests_text (rowid, {_FTS_COLUMNS}) "
    f"VALUES (new.id, {_FTS_VALUES.format(p='new')})"
)
_UNINDEX_OLD = (
    f"INSERT INTO requests_text (requests_text, rowid, {_FTS_COLUMNS}) "
    f"VALUES ('delete', old.id, {_FTS_VALUES.format(p='old')})"
)
_V3 = f"""
CREATE VIRTUAL TABLE requests_text USING fts5(
    {_FTS_COLUMNS}, content='requests', content_rowid='id', tokenize='trigram'
);
INSERT INTO requests_text (rowid, {_FTS_COLUMNS})
    SELECT id, {_FTS_VALUES.format(p="requests")} FROM requests;
CREATE TRIGGER requests_text_insert AFTER INSERT ON requests BEGIN {_INDEX_NEW}; END;
CREATE TRIGGER requests_text_delete AFTER DELETE ON requests BEGIN {_UNINDEX_OLD}; END;
CREATE TRIGGER requests_text_update AFTER UPDATE ON requests BEGIN
    {_UNINDEX_OLD}; {_INDEX_NEW};
END;
"""
# Version 4: the owner of a pending row (who is still sending it), and the request body's
# original size (bodies are kept up to BODY_LIMIT, like responses).
_V4 = """
ALTER TABLE requests ADD COLUMN owner TEXT;
ALTER TABLE requests ADD COLUMN request_size INTEGER;
"""
# Version 5: the few words a row's own columns hold (providers, profiles, operations,
# statuses), kept by triggers, so that free text matching them ("bronto", "abandon", "404")
# looks through a handful of words and then the indexes, not every row (a scan made a search
# of 100,000 rows take 300 ms); and indexes for the filters and sorts by operation, status,
# source and elapsed time.
_V5 = """
CREATE TABLE row_words (
    kind TEXT NOT NULL, value TEXT NOT NULL, PRIMARY KEY (kind, value)
) WITHOUT ROWID;
INSERT OR IGNORE INTO row_words SELECT DISTINCT 'provider', provider FROM requests;
INSERT OR IGNORE INTO row_words SELECT DISTINCT 'profile', profile FROM requests;
INSERT OR IGNORE INTO row_words SELECT DISTINCT 'operation', operation FROM requests;
INSERT OR IGNORE INTO row_words SELECT DISTINCT 'status', CAST(status AS TEXT) FROM requests
    WHERE status IS NOT NULL;
CREATE TRIGGER row_words_insert AFTER INSERT ON requests BEGIN
    INSERT OR IGNORE INTO row_words VALUES
        ('provider', new.provider), ('profile', new.profile), ('operation', new.operation);
    INSERT OR IGNORE INTO row_words SELECT 'status', CAST(new.status AS TEXT)
        WHERE new.status IS NOT NULL;
END;
CREATE TRIGGER row_words_status AFTER UPDATE OF status ON requests
    WHEN new.status IS NOT NULL BEGIN
    INSERT OR IGNORE INTO row_words VALUES ('status', CAST(new.status AS TEXT));
END;
CREATE INDEX requests_operation ON requests (operation, sent_at);
CREATE INDEX requests_status ON requests (status, sent_at);
CREATE INDEX requests_source ON requests (source, sent_at);
CREATE INDEX requests_elapsed ON requests (elapsed_ms, sent_at);
"""
# Version 6: a row is indexed for free text once, when its send ends, not at its insert and
# again (unindexed, reindexed) at its answer: a bulk batch's 1.9 MB body was tokenized three
# times (~0.4 s a batch). Pending rows (sends in flight, a few at a time) are not in the
# index; the free-text filter looks through them with LIKE. A later change of a finished
# row's indexed columns reindexes it. Rows pending at the migration leave the index.
_CHANGED = " OR ".join(
    f"old.{c} IS NOT new.{c}"
    for c in ("email", "cart_id", "provider_id", "request_body", "response_body")
)
_V6 = f"""
DROP TRIGGER requests_text_insert;
DROP TRIGGER requests_text_delete;
DROP TRIGGER requests_text_update;
INSERT INTO requests_text (requests_text, rowid, {_FTS_COLUMNS})
    SELECT 'delete', id, {_FTS_VALUES.format(p="requests")} FROM requests
    WHERE state = 'pending';
CREATE TRIGGER requests_text_insert AFTER INSERT ON requests WHEN new.state != 'pending'
BEGIN {_INDEX_NEW}; END;
CREATE TRIGGER requests_text_delete AFTER DELETE ON requests WHEN old.state != 'pending'
BEGIN {_UNINDEX_OLD}; END;
CREATE TRIGGER requests_text_update AFTER UPDATE ON requests
    WHEN old.state = 'pending' OR new.state = 'pending' OR {_CHANGED} BEGIN
    INSERT INTO requests_text (requests_text, rowid, {_FTS_COLUMNS})
        SELECT 'delete', old.id, {_FTS_VALUES.format(p="old")} WHERE old.state != 'pending';
    INSERT INTO requests_text (rowid, {_FTS_COLUMNS})
        SELECT new.id, {_FTS_VALUES.format(p="new")} WHERE new.state != 'pending';
END;
"""
_MIGRATIONS = {1: _V1, 2: _V2, 3: _V3, 4: _V4, 5: _V5, 6: _V6}
_INTERRUPTED = "The app stopped before the answer came; the cart may or may not have arrived."
# The trigram index finds substrings of at least this many characters; shorter text is scanned.
_TRIGRAM = 3

_COLUMNS = (
    "id",
    "sent_at",
    "elapsed_ms",
    "state",
    "source",
    "profile",
    "provider",
    "operation",
    "method",
    "url",
    "status",
    "reason",
    "error_kind",
    "error_message",
    "provider_id",
    "email",
    "cart_id",
    "response_size",
    "request_size",
)
# What an older schema lacks, read as these (a read-only history cannot be migrated).
_DEFAULTS = {"source": "'unknown'", "request_size": "NULL", "owner": "NULL"}


class HistoryError(CartComposerError):
    """The history file could not be used; the message says where and why."""


@dataclass(frozen=True)
class HistoryFilter:
    provider: str | None = None
    profile: str | None = None
    outcome: str | None = None
    since: str | None = None  # ISO 8601 UTC, inclusive
    until: str | None = None  # ISO 8601 UTC, exclusive
    # email, cart id, request id, anything in the bodies; or a provider, profile, operation or
    # status ("bronto", "abandon", "404")
    text: str | None = None
    operation: str | None = None  # as recorded: add_cart, abandon, cart_activity
    source: str | None = None  # gui, cli, bulk, scenario
    # The order of the rows: one of SORTS, and which way (newest first by default).
    sort: str = "time"
    ascending: bool = False

    def where(self, *, fts: bool = True, words: bool = True) -> tuple[str, list[Any]]:
        clauses: list[str] = []
        args: list[Any] = []
        for column, value in (
            ("provider", self.provider),
            ("profile", self.profile),
            ("state", self.outcome),
            ("operation", self.operation),
            ("source", self.source),
        ):
            if value:
                clauses.append(f"{column} = ?")
                args.append(value)
        if self.since:
            clauses.append("sent_at >= ?")
            args.append(self.since)
        if self.until:
            clauses.append("sent_at < ?")
            args.append(self.until)
        if self.text and len(self.text) >= _TRIGRAM and fts:
            # A phrase query on the trigram index: the text anywhere, case-insensitively.
            phrase = '"' + self.text.replace('"', '""') + '"'
            row_words = _ROW_WORDS if words else _ROW_WORDS_SCAN
            # Sends still in flight are not indexed yet (version 6): looked through, a few.
            clauses.append(
                "(id IN (SELECT rowid FROM requests_text WHERE requests_text MATCH ?) "
                f"OR {_PENDING_TEXT} OR {row_words})"
            )
            like = f"%{self.text}%"
            args += [phrase, *[like] * _PENDING_TEXT.count("?"), *[like] * row_words.count("?")]
        elif self.text:
            like = f"%{self.text}%"
            row_words = _ROW_WORDS if words else _ROW_WORDS_SCAN
            clauses.append(
                "(email LIKE ? OR cart_id LIKE ? OR provider_id LIKE ? "
                "OR CAST(request_body AS TEXT) LIKE ? OR CAST(response_body AS TEXT) LIKE ? "
                f"OR {row_words})"
            )
            args += [like] * (5 + row_words.count("?"))
        return (" WHERE " + " AND ".join(clauses)) if clauses else "", args

    def order(self) -> str:
        """The ORDER BY clause: the chosen column, then time and the row's number the same
        way (so that pages never repeat or skip a row among equal values; an index on the
        column and time — every index ends with the row's number — then gives the order)."""
        way = "ASC" if self.ascending else "DESC"
        column = SORTS.get(self.sort, SORTS["time"])
        then = "" if column == SORTS["time"] else f"sent_at {way}, "
        return f" ORDER BY {column} {way}, {then}id {way}"


# What the rows can be ordered by: the history table's columns, by name.
SORTS = {
    "time": "sent_at",
    "provider": "provider",
    "operation": "operation",
    "source": "source",
    "profile": "profile",
    # An answer's code; a row without one (refused, cancelled) by its state after all codes.
    "status": "COALESCE(status, 1000), state",
    "email": "email",
    "cart": "cart_id",
    "elapsed": "elapsed_ms",
}


# What the text filter also matches besides the indexed text: the row's own words (LIKE is
# case-insensitive for ASCII in SQLite; an operation matches with a space for its underscore),
# found among the few words the history holds (schema 5's row_words), then by the indexes.
_ROW_WORDS = (
    "provider IN (SELECT value FROM row_words WHERE kind = 'provider' AND value LIKE ?) "
    "OR profile IN (SELECT value FROM row_words WHERE kind = 'profile' AND value LIKE ?) "
    "OR operation IN (SELECT value FROM row_words WHERE kind = 'operation' "
    "AND (REPLACE(value, '_', ' ') LIKE ? OR value LIKE ?)) "
    "OR status IN (SELECT CAST(value AS INTEGER) FROM row_words WHERE kind = 'status' "
    "AND value LIKE ?)"
)
# Free text in the rows still pending, which the trigram index does not hold (version 6).
_PENDING_TEXT = (
    "id IN (SELECT id FROM requests WHERE state = 'pending' AND (email LIKE ? "
    "OR cart_id LIKE ? OR provider_id LIKE ? OR CAST(request_body AS TEXT) LIKE ?))"
)
# The same on an older history opened for reading (no row_words): each row looked at.
_ROW_WORDS_SCAN = (
    "provider LIKE ? OR profile LIKE ? OR REPLACE(operation, '_', ' ') LIKE ? "
    "OR operation LIKE ? OR CAST(status AS TEXT) LIKE ?"
)


@dataclass(frozen=True)
class HistoryEntry:
    """One row. ``request_headers`` are masked; bodies are bytes as sent and received."""

    id: int
    sent_at: str
    elapsed_ms: float | None
    state: str
    source: str
    profile: str
    provider: str
    operation: str
    method: str
    url: str
    status: int | None
    reason: str | None
    error_kind: str | None
    error_message: str | None
    provider_id: str | None
    email: str | None
    cart_id: str | None
    response_size: int | None
    request_size: int | None = None  # the body's size as sent (None: older rows, unknown)
    request_headers: list[tuple[str, str]] = field(default_factory=list)
    request_body: bytes = b""
    response_headers: list[tuple[str, str]] = field(default_factory=list)
    response_body: bytes = b""
    loaded: bool = False  # headers and bodies read (``get``), not only the list's columns

    @property
    def request_cut(self) -> bool:
        """The request body was larger than ``BODY_LIMIT``: only its start is stored."""
        return self.request_size is not None and self.request_size > len(self.request_body)

    def to_json(self) -> dict[str, Any]:
        """Everything stored; a listed row (not ``loaded``) has no headers or bodies here,
        rather than empty ones that were not empty."""

        def text(body: bytes) -> str:
            return body.decode("utf-8", errors="replace")

        request: dict[str, Any] = {"method": self.method, "url": self.url}
        response: dict[str, Any] = {"status": self.status, "reason": self.reason}
        if self.loaded:
            request |= {
                "headers": [list(h) for h in self.request_headers],
                "body": text(self.request_body),
            }
            response |= {
                "headers": [list(h) for h in self.response_headers],
                "body": text(self.response_body),
            }
        request["size"] = self.request_size
        response["size"] = self.response_size
        return {
            "id": self.id,
            "sent_at": self.sent_at,
            "elapsed_ms": self.elapsed_ms,
            "state": self.state,
            "source": self.source,
            "profile": self.profile,
            "provider": self.provider,
            "operation": self.operation,
            "provider_id": self.provider_id,
            "email": self.email,
            "cart_id": self.cart_id,
            "request": request,
            "response": response,
            "error": {"kind": self.error_kind, "message": self.error_message}
            if self.error_kind
            else None,
        }


def now_utc() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


def _headers_json(headers: Sequence[tuple[str, str]]) -> str:
    return jsonfmt.dumps(
        [[name, mask_header_value(name, value)] for name, value in headers], indent=None
    )


def _headers_from(text: str | None) -> list[tuple[str, str]]:
    if not text:
        return []
    try:
        return [(str(a), str(b)) for a, b in jsonfmt.loads(text)]
    except (jsonfmt.JsonSyntaxError, ValueError, TypeError):
        return []


class _Writer:
    """A store's one writing thread. Each write is a function, run there in turn; its caller
    waits for its result (or its exception). Started at a write, it ends after ``IDLE``
    seconds with nothing to do (a store nobody closed holds no thread for good), and at
    ``stop``, once what it was given is done."""

    IDLE = 10.0

    def __init__(self, name: str) -> None:
        self._name = name
        self._queue: queue.SimpleQueue[tuple[Callable[[], Any], Future[Any]] | None] = (
            queue.SimpleQueue()
        )
        self._thread: threading.Thread | None = None
        self._start = threading.Lock()

    def run(self, work: Callable[[], _T]) -> _T:
        if threading.current_thread() is self._thread:
            return work()  # a write asked for while writing (never waits on itself)
        done: Future[_T] = Future()
        with self._start:  # queued and a thread there to take it, or neither
            self._queue.put((work, done))
            if self._thread is None:
                self._thread = threading.Thread(target=self._loop, name=self._name, daemon=True)
                self._thread.start()
        return done.result()

    def _loop(self) -> None:
        while True:
            try:
                item = self._queue.get(timeout=self.IDLE)
            except queue.Empty:
                with self._start:
                    if self._queue.empty():
                        self._thread = None
                        return
                continue
            if item is None:
                return
            work, done = item
            try:
                done.set_result(work())
            except BaseException as exc:  # handed to the caller, who raises it
                done.set_exception(exc)

    def stop(self) -> None:
        with self._start:
            thread, self._thread = self._thread, None
        if thread is not None:
            self._queue.put(None)
            thread.join(timeout=30)


class HistoryStore:
    """The history database. Open it once per process. Every write runs on the store's own
    writer thread, in the order it was handed over (``_Writer``): writes are single-threaded
    by construction, however many threads record (bulk has a few in flight); readers on any
    thread share the connection under its lock.

    ``read_only`` opens it for reading only: nothing is created, migrated, moved or marked,
    and a read-only file can be read (pending rows whose writer is gone are shown as
    interrupted, not written so)."""

    def __init__(self, path: Path | None = None, *, read_only: bool = False) -> None:
        if path is None:
            from app.paths import data_dir

            path = data_dir() / FILE_NAME
        self.path = path
        self.read_only = read_only
        self.recovered_from: Path | None = None  # where a corrupt file was moved, if it was
        self.interrupted = 0  # pending rows found (and marked) on opening
        self._lock = threading.Lock()
        self._writer = _Writer(f"cart-composer-history-{path.name}")
        self._owners = path.with_name(path.name + ".owners")
        self._owner: OwnerLock | None = None
        if read_only:
            self._db = self._open_for_reading()
            return
        try:
            private_dir(path.parent)
            for name in (path, *_companions(path)):
                if name.is_symlink():
                    raise OSError(f"{name} is a symbolic link; the app does not write through one")
            # Created 0600 before SQLite opens it: SQLite gives its -wal and -shm the same mode.
            private_file(path)
            for companion in _companions(path):
                if companion.exists():
                    private_file(companion)
            # Said now, not at the first send's record (SQLite may reuse a writable handle
            # this process still has, and only fail when it writes).
            for where in (path, path.parent):
                if not os.access(where, os.W_OK):
                    raise OSError(f"{where} is read-only")
        except OSError as exc:
            raise HistoryError(
                f"The history {path} cannot be used: {exc.strerror or exc}."
            ) from None
        try:
            self._db = self._open()
        except sqlite3.OperationalError as exc:
            # Cannot open or write (a read-only folder, a full disk, a lock): the file may be
            # fine, so it is left alone; only a damaged file is moved aside, below.
            raise HistoryError(f"The history {path} cannot be opened: {exc}.") from None
        except sqlite3.DatabaseError:
            self._move_aside()
            private_file(path)
            self._db = self._open()
        try:
            self._owner = OwnerLock(self._owners)
        except OSError:
            self._owner = None  # its rows are then anyone's to mark, as before owners existed
        self.interrupted = self._mark_interrupted()

    # --- opening ---------------------------------------------------------------------------

    def _open(self) -> sqlite3.Connection:
        # A new file's switch to WAL needs the file to itself: several processes opening it at
        # the same moment get SQLITE_BUSY at once (no busy wait for that), so they take turns.
        deadline = time.monotonic() + 10.0
        while True:
            try:
                return self._connect()
            except sqlite3.OperationalError as exc:
                if "locked" not in str(exc) or time.monotonic() > deadline:
                    raise
                time.sleep(0.01 + random.random() * 0.04)

    def _connect(self) -> sqlite3.Connection:
        # mode=rw: a file that cannot be written is an error now, not a read-only connection
        # whose first send's record would fail.
        uri = f"{self.path.absolute().as_uri()}?mode=rw"
        db = sqlite3.connect(
            uri, uri=True, timeout=10.0, check_same_thread=False, isolation_level=None
        )
        try:
            db.execute("PRAGMA journal_mode=WAL").fetchone()
            db.execute("PRAGMA synchronous=NORMAL")
            if db.execute("PRAGMA user_version").fetchone()[0] != SCHEMA_VERSION:
                self._migrate(db)
            db.execute("SELECT id FROM requests LIMIT 1").fetchone()  # readable, not a scan
        except BaseException:
            db.close()
            raise
        return db

    def _migrate(self, db: sqlite3.Connection) -> None:
        """Create or bring up to date, in one transaction under the write lock: a process
        that opens the same new history at the same moment waits, then finds it done."""
        db.execute("BEGIN IMMEDIATE")
        try:
            version = self._check_version(db)
            for target in range(version + 1, SCHEMA_VERSION + 1):
                for statement in _statements(_MIGRATIONS[target]):
                    db.execute(statement)
                db.execute(f"PRAGMA user_version={target}")
            db.execute("COMMIT")
        except BaseException:
            with contextlib.suppress(sqlite3.Error):
                db.execute("ROLLBACK")
            raise

    def _check_version(self, db: sqlite3.Connection) -> int:
        version = int(db.execute("PRAGMA user_version").fetchone()[0])
        tables = {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        if version == 0 and tables:
            raise sqlite3.DatabaseError("a database of another program")
        if version > SCHEMA_VERSION:
            raise HistoryError(
                f"The history {self.path} was written by a newer Cart Composer "
                f"(schema {version}); this one knows {SCHEMA_VERSION}."
            )
        return version

    def _open_for_reading(self) -> sqlite3.Connection:
        if not self.path.exists():
            db = sqlite3.connect(":memory:", check_same_thread=False, isolation_level=None)
            for version in range(1, SCHEMA_VERSION + 1):
                for statement in _statements(_MIGRATIONS[version]):
                    db.execute(statement)
            self._columns = set(_COLUMNS) | {"owner"}
            return db  # nothing sent yet: an empty history, and no file made for it
        uri = f"{self.path.resolve().as_uri()}?mode=ro"
        try:
            db = self._connect_reading(uri)
        except sqlite3.OperationalError:
            # A read-only folder: SQLite cannot make the -shm it reads WAL through. Read the
            # file as it is (what the last writer checkpointed into it).
            try:
                db = self._connect_reading(uri + "&immutable=1")
            except sqlite3.Error as exc:
                raise HistoryError(f"The history {self.path} cannot be read: {exc}.") from None
        except sqlite3.DatabaseError as exc:
            raise HistoryError(
                f"The history {self.path} is damaged ({exc}); it is left as it is. The next "
                "send moves it aside and starts a new one."
            ) from None
        return db

    def _connect_reading(self, uri: str) -> sqlite3.Connection:
        db = sqlite3.connect(
            uri, uri=True, timeout=10.0, check_same_thread=False, isolation_level=None
        )
        try:
            version = self._check_version(db)
            if version == 0:
                raise sqlite3.DatabaseError("not a history (no schema)")
            self._columns = {str(r[1]) for r in db.execute("PRAGMA table_info(requests)")}
            self._fts = version >= 3
            self._words = version >= 5
        except BaseException:
            db.close()
            raise
        return db

    def _move_aside(self) -> None:
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
        aside = self.path.with_name(f"{self.path.name}.corrupt-{stamp}")
        try:
            self.path.replace(aside)
            for extra in _companions(self.path):
                if extra.exists():
                    extra.replace(aside.with_name(aside.name + extra.name[len(self.path.name) :]))
        except OSError as exc:
            raise HistoryError(
                f"The history {self.path} is damaged and cannot be moved aside: {exc.strerror}."
            ) from None
        self.recovered_from = aside

    def _mark_interrupted(self) -> int:
        """Pending rows whose owner is gone become "interrupted"; a send still in flight in
        another process (its owner alive) is left pending."""
        with self._lock:
            owners = [
                r[0]
                for r in self._db.execute(
                    "SELECT DISTINCT owner FROM requests WHERE state='pending'"
                )
            ]
        mine = self._owner.token if self._owner else None
        gone = [o for o in owners if o != mine and not self._alive(o)]
        named = [o for o in gone if o is not None]
        clauses = ["owner IS NULL"] if None in gone else []  # rows from before owners existed
        if named:
            clauses.append(f"owner IN ({','.join('?' * len(named))})")
        count = 0
        if clauses:
            count = self._written(
                lambda db: (
                    db.execute(
                        "UPDATE requests SET state='interrupted', error_message=? "
                        f"WHERE state='pending' AND ({' OR '.join(clauses)})",
                        (_INTERRUPTED, *named),
                    ).rowcount
                )
            )
        sweep(self._owners, keep=mine)
        return count

    def _alive(self, owner: str | None) -> bool:
        return owner is not None and is_alive(self._owners, owner)

    def _written(self, work: Callable[[sqlite3.Connection], _T]) -> _T:
        """``work`` in one transaction, on the store's writer thread (the one thread that
        writes); a database failure (full disk, read-only file) is a HistoryError that says
        what to do."""
        if self.read_only:
            raise HistoryError(f"The history {self.path} was opened for reading only.")

        def transaction() -> _T:
            # The lock is the connection's, shared with readers on other threads: one
            # statement at a time on it. Writes come only from the writer's thread.
            with self._lock:
                try:
                    self._db.execute("BEGIN IMMEDIATE")
                except sqlite3.Error as exc:
                    raise self._write_error(exc) from None
                try:
                    value = work(self._db)
                    self._db.execute("COMMIT")
                except sqlite3.Error as exc:
                    self._rollback()
                    raise self._write_error(exc) from None
                except BaseException:
                    self._rollback()
                    raise
                return value

        return self._writer.run(transaction)

    def _rollback(self) -> None:
        with contextlib.suppress(sqlite3.Error):
            self._db.execute("ROLLBACK")

    def _write_error(self, exc: sqlite3.Error) -> HistoryError:
        return HistoryError(
            f"The history could not be saved ({exc}). Free some disk space or make "
            f"{self.path.parent} writable; sending still works."
        )

    def close(self) -> None:
        self._writer.stop()  # what was handed to it is written first
        self._db.close()
        if self._owner is not None:
            self._owner.release()
            self._owner = None

    # --- writing ---------------------------------------------------------------------------

    def record_pending(
        self,
        *,
        method: str,
        url: str,
        headers: Sequence[tuple[str, str]],
        body: bytes,
        profile: str,
        provider: str,
        operation: str,
        source: str,
        email: str | None = None,
        cart_id: str | None = None,
    ) -> int:
        """The row for a request about to leave; returns its id."""
        owner = self._owner.token if self._owner else None

        def insert(db: sqlite3.Connection) -> int:
            cursor = db.execute(
                "INSERT INTO requests (sent_at, state, source, profile, provider, operation, "
                "method, url, request_headers, request_body, request_size, email, cart_id, "
                "owner) VALUES (?, 'pending', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    now_utc(),
                    source,
                    profile,
                    provider,
                    operation,
                    method,
                    url,
                    _headers_json(headers),
                    body[:BODY_LIMIT],
                    len(body),
                    email,
                    cart_id,
                    owner,
                ),
            )
            assert cursor.lastrowid is not None
            return cursor.lastrowid

        return self._written(insert)

    def complete(
        self,
        row_id: int,
        *,
        state: str,
        elapsed_ms: float,
        headers: Sequence[tuple[str, str]] = (),
        body: bytes | None = None,
        status: int | None = None,
        reason: str | None = None,
        response_headers: Sequence[tuple[str, str]] = (),
        response_body: bytes = b"",
        response_size: int | None = None,
        error_kind: str | None = None,
        error_message: str | None = None,
        provider_id: str | None = None,
    ) -> None:
        if state not in OUTCOMES:
            raise ValueError(f"unknown outcome {state!r}")
        self._written(
            lambda db: db.execute(
                "UPDATE requests SET state=?, elapsed_ms=?, status=?, reason=?, "
                "response_headers=?, response_body=?, response_size=?, error_kind=?, "
                "error_message=?, provider_id=?, owner=NULL, "
                "request_headers=COALESCE(?, request_headers), "
                "request_body=COALESCE(?, request_body), "
                "request_size=COALESCE(?, request_size) WHERE id=?",
                (
                    state,
                    elapsed_ms,
                    status,
                    reason,
                    _headers_json(response_headers),
                    response_body[:BODY_LIMIT],
                    len(response_body) if response_size is None else response_size,
                    error_kind,
                    error_message,
                    provider_id,
                    _headers_json(headers) if headers else None,
                    None if body is None else body[:BODY_LIMIT],
                    None if body is None else len(body),
                    row_id,
                ),
            )
        )

    def delete(self, ids: Sequence[int]) -> int:
        marks = ",".join("?" * len(ids))
        return self._written(
            lambda db: db.execute(f"DELETE FROM requests WHERE id IN ({marks})", list(ids)).rowcount
        )

    def clear(self) -> int:
        return self._written(lambda db: db.execute("DELETE FROM requests").rowcount)

    def delete_older_than(self, moment: str) -> int:
        return self._written(
            lambda db: db.execute("DELETE FROM requests WHERE sent_at < ?", (moment,)).rowcount
        )

    # --- reading ---------------------------------------------------------------------------

    def _select(self, names: Sequence[str]) -> str:
        """The columns, as an older schema opened for reading has them (or their defaults)."""
        have = getattr(self, "_columns", None)
        if have is None:
            return ", ".join(names)
        return ", ".join(n if n in have else f"{_DEFAULTS.get(n, 'NULL')} AS {n}" for n in names)

    def _where(self, filters: HistoryFilter | None) -> tuple[str, list[Any]]:
        return (filters or HistoryFilter()).where(
            fts=getattr(self, "_fts", True), words=getattr(self, "_words", True)
        )

    def count(self, filters: HistoryFilter | None = None) -> int:
        where, args = self._where(filters)
        with self._lock:
            return int(
                self._db.execute(f"SELECT count(*) FROM requests{where}", args).fetchone()[0]
            )

    def query(
        self, filters: HistoryFilter | None = None, *, limit: int = 100, offset: int = 0
    ) -> list[HistoryEntry]:
        """In the filter's order (newest first unless it says otherwise), without bodies
        (fast for lists); ``get`` has everything."""
        where, args = self._where(filters)
        filters = filters or HistoryFilter()
        have = getattr(self, "_columns", None)
        if have is not None and filters.sort == "source" and "source" not in have:
            filters = dataclasses.replace(filters, sort="time")  # an older schema: no sources
        order = filters.order()
        sql = (
            f"SELECT {self._select([*_COLUMNS, 'owner'])} FROM requests{where}{order} "
            "LIMIT ? OFFSET ?"
        )
        with self._lock:
            rows = self._db.execute(sql, [*args, limit, offset]).fetchall()
        return [self._entry(row[:-1], row[-1]) for row in rows]

    def _entry(self, row: Sequence[Any], owner: str | None, **more: Any) -> HistoryEntry:
        values = dict(zip(_COLUMNS, row, strict=True))
        if self.read_only and values["state"] == "pending" and not self._alive(owner):
            # Its writer is gone, but a reader does not write: shown for what it is.
            values["state"], values["error_message"] = "interrupted", _INTERRUPTED
        return HistoryEntry(**values, **more)

    def profiles(self) -> list[str]:
        """The profile names that appear in the history, sorted."""
        return self._distinct("profile")

    def choices(self) -> dict[str, list[str]]:
        """What the list filters can offer: the profiles, (provider, operation) pairs as
        ``provider/operation``, and the sources that appear in the history, sorted."""
        with self._lock:
            pairs = self._db.execute(
                "SELECT DISTINCT provider, operation FROM requests ORDER BY provider, operation"
            ).fetchall()
        return {
            "profile": self._distinct("profile"),
            "operation": [f"{provider}/{operation}" for provider, operation in pairs],
            "source": self._distinct(SORTS["source"]),
        }

    def _distinct(self, column: str) -> list[str]:
        have = getattr(self, "_columns", None)
        if have is not None and column not in have:
            return []  # an older schema opened for reading
        with self._lock:
            rows = self._db.execute(f"SELECT DISTINCT {column} FROM requests ORDER BY {column}")
            return [str(row[0]) for row in rows.fetchall()]

    def get(self, row_id: int) -> HistoryEntry | None:
        names = [
            *_COLUMNS,
            "owner",
            "request_headers",
            "request_body",
            "response_headers",
            "response_body",
        ]
        sql = f"SELECT {self._select(names)} FROM requests WHERE id = ?"
        with self._lock:
            row = self._db.execute(sql, (row_id,)).fetchone()
        if row is None:
            return None
        base, owner = row[: len(_COLUMNS)], row[len(_COLUMNS)]
        req_headers, req_body, resp_headers, resp_body = row[len(_COLUMNS) + 1 :]
        return self._entry(
            base,
            owner,
            request_headers=_headers_from(req_headers),
            request_body=bytes(req_body or b""),
            response_headers=_headers_from(resp_headers),
            response_body=bytes(resp_body or b""),
            loaded=True,
        )


def _companions(path: Path) -> tuple[Path, Path]:
    return path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")


def _statements(script: str) -> Iterator[str]:
    """A migration script's statements one by one (``executescript`` would commit first)."""
    pending = ""
    for line in script.splitlines(keepends=True):
        pending += line
        if sqlite3.complete_statement(pending):
            if pending.strip():
                yield pending.strip()
            pending = ""
    if pending.strip():
        yield pending.strip()
