"""The history of everything sent: SQLite (stdlib), WAL, schema version in ``user_version``.

A row is written *before* the request leaves (state ``pending``) and completed after it; rows
still pending when a store is next opened become ``interrupted``: a crash or a kill mid-send
leaves a row, never nothing. Only masked headers are stored, so no secret reaches the file.
A file that is not a database (or is someone else's) is moved aside, and a fresh one created.
"""

from __future__ import annotations

import contextlib
import sqlite3
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from app.domain import jsonfmt
from app.domain.errors import CartComposerError
from app.domain.redaction import mask_header_value

__all__ = [
    "BODY_LIMIT",
    "OUTCOMES",
    "SCHEMA_VERSION",
    "HistoryEntry",
    "HistoryError",
    "HistoryFilter",
    "HistoryStore",
]

SCHEMA_VERSION = 3
FILE_NAME = "history.sqlite3"
# Response bodies are stored up to this size; the original size is kept beside them.
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
_MIGRATIONS = {1: _V1, 2: _V2, 3: _V3}
# The trigram index finds substrings of at least this many characters; shorter text is scanned.
_TRIGRAM = 3

_COLUMNS = (
    "id", "sent_at", "elapsed_ms", "state", "source", "profile", "provider", "operation",
    "method", "url", "status", "reason", "error_kind", "error_message", "provider_id", "email",
    "cart_id", "response_size",
)  # fmt: skip


class HistoryError(CartComposerError):
    """The history file could not be used; the message says where and why."""


@dataclass(frozen=True)
class HistoryFilter:
    provider: str | None = None
    profile: str | None = None
    outcome: str | None = None
    since: str | None = None  # ISO 8601 UTC, inclusive
    until: str | None = None  # ISO 8601 UTC, exclusive
    text: str | None = None  # email, cart id, request id, or anything in the body

    def where(self) -> tuple[str, list[Any]]:
        clauses: list[str] = []
        args: list[Any] = []
        for column, value in (
            ("provider", self.provider),
            ("profile", self.profile),
            ("state", self.outcome),
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
        if self.text and len(self.text) >= _TRIGRAM:
            # A phrase query on the trigram index: the text anywhere, case-insensitively.
            phrase = '"' + self.text.replace('"', '""') + '"'
            clauses.append("id IN (SELECT rowid FROM requests_text WHERE requests_text MATCH ?)")
            args.append(phrase)
        elif self.text:
            like = f"%{self.text}%"
            clauses.append(
                "(email LIKE ? OR cart_id LIKE ? OR provider_id LIKE ? "
                "OR CAST(request_body AS TEXT) LIKE ? OR CAST(response_body AS TEXT) LIKE ?)"
            )
            args += [like] * 5
        return (" WHERE " + " AND ".join(clauses)) if clauses else "", args


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
    request_headers: list[tuple[str, str]] = field(default_factory=list)
    request_body: bytes = b""
    response_headers: list[tuple[str, str]] = field(default_factory=list)
    response_body: bytes = b""

    def to_json(self) -> dict[str, Any]:
        def text(body: bytes) -> str:
            return body.decode("utf-8", errors="replace")

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
            "request": {
                "method": self.method,
                "url": self.url,
                "headers": [list(h) for h in self.request_headers],
                "body": text(self.request_body),
            },
            "response": {
                "status": self.status,
                "reason": self.reason,
                "headers": [list(h) for h in self.response_headers],
                "body": text(self.response_body),
                "size": self.response_size,
            },
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


class HistoryStore:
    """The history database. Open it once per process; write from one thread."""

    def __init__(self, path: Path | None = None) -> None:
        if path is None:
            from app.paths import data_dir

            path = data_dir() / FILE_NAME
        self.path = path
        self.recovered_from: Path | None = None  # where a corrupt file was moved, if it was
        self.interrupted = 0  # pending rows found (and marked) on opening
        self._lock = threading.Lock()
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise HistoryError(
                f"The history folder {path.parent} cannot be created: {exc.strerror}."
            ) from None
        try:
            self._db = self._open()
        except sqlite3.OperationalError as exc:
            # Cannot open or write (a read-only folder, a full disk, a lock): the file may be
            # fine, so it is left alone; only a damaged file is moved aside, below.
            raise HistoryError(f"The history {path} cannot be opened: {exc}.") from None
        except sqlite3.DatabaseError:
            self._move_aside()
            self._db = self._open()
        self.interrupted = self._mark_interrupted()

    # --- opening ---------------------------------------------------------------------------

    def _open(self) -> sqlite3.Connection:
        db = sqlite3.connect(self.path, timeout=5.0, check_same_thread=False, isolation_level=None)
        try:
            db.execute("PRAGMA journal_mode=WAL").fetchone()
            db.execute("PRAGMA synchronous=NORMAL")
            version = db.execute("PRAGMA user_version").fetchone()[0]
            tables = {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type='table'")}
            if version == 0 and tables:
                raise sqlite3.DatabaseError("a database of another program")
            if version > SCHEMA_VERSION:
                raise HistoryError(
                    f"The history {self.path} was written by a newer Cart Composer "
                    f"(schema {version}); this one knows {SCHEMA_VERSION}."
                )
            for target in range(version + 1, SCHEMA_VERSION + 1):
                db.executescript(
                    "BEGIN;" + _MIGRATIONS[target] + f"PRAGMA user_version={target};COMMIT;"
                )
            db.execute("SELECT id FROM requests LIMIT 1").fetchone()  # readable, not a scan
        except BaseException:
            db.close()
            raise
        return db

    def _move_aside(self) -> None:
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
        aside = self.path.with_name(f"{self.path.name}.corrupt-{stamp}")
        try:
            self.path.replace(aside)
            for suffix in ("-wal", "-shm"):
                extra = self.path.with_name(self.path.name + suffix)
                if extra.exists():
                    extra.replace(aside.with_name(aside.name + suffix))
        except OSError as exc:
            raise HistoryError(
                f"The history {self.path} is damaged and cannot be moved aside: {exc.strerror}."
            ) from None
        self.recovered_from = aside

    def _mark_interrupted(self) -> int:
        with self._write() as db:
            cursor = db.execute(
                "UPDATE requests SET state='interrupted', error_message=? WHERE state='pending'",
                ("The app stopped before the answer came; the cart may or may not have arrived.",),
            )
            return cursor.rowcount

    @contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        """One transaction; a database failure (full disk, read-only file) is a HistoryError
        that says what to do."""
        with self._lock:
            try:
                self._db.execute("BEGIN IMMEDIATE")
            except sqlite3.Error as exc:
                raise self._write_error(exc) from None
            try:
                yield self._db
                self._db.execute("COMMIT")
            except sqlite3.Error as exc:
                self._rollback()
                raise self._write_error(exc) from None
            except BaseException:
                self._rollback()
                raise

    def _rollback(self) -> None:
        with contextlib.suppress(sqlite3.Error):
            self._db.execute("ROLLBACK")

    def _write_error(self, exc: sqlite3.Error) -> HistoryError:
        return HistoryError(
            f"The history could not be saved ({exc}). Free some disk space or make "
            f"{self.path.parent} writable; sending still works."
        )

    def close(self) -> None:
        self._db.close()

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
        with self._write() as db:
            cursor = db.execute(
                "INSERT INTO requests (sent_at, state, source, profile, provider, operation, "
                "method, url, request_headers, request_body, email, cart_id) "
                "VALUES (?, 'pending', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (now_utc(), source, profile, provider, operation, method, url,
                 _headers_json(headers), body, email, cart_id),
            )  # fmt: skip
            assert cursor.lastrowid is not None
            return cursor.lastrowid

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
        with self._write() as db:
            db.execute(
                "UPDATE requests SET state=?, elapsed_ms=?, status=?, reason=?, "
                "response_headers=?, response_body=?, response_size=?, error_kind=?, "
                "error_message=?, provider_id=?, "
                "request_headers=COALESCE(?, request_headers), "
                "request_body=COALESCE(?, request_body) WHERE id=?",
                (state, elapsed_ms, status, reason, _headers_json(response_headers),
                 response_body[:BODY_LIMIT],
                 len(response_body) if response_size is None else response_size,
                 error_kind, error_message, provider_id,
                 _headers_json(headers) if headers else None, body, row_id),
            )  # fmt: skip

    def delete(self, ids: Sequence[int]) -> int:
        with self._write() as db:
            marks = ",".join("?" * len(ids))
            return db.execute(f"DELETE FROM requests WHERE id IN ({marks})", list(ids)).rowcount

    def clear(self) -> int:
        with self._write() as db:
            return db.execute("DELETE FROM requests").rowcount

    def delete_older_than(self, moment: str) -> int:
        with self._write() as db:
            return db.execute("DELETE FROM requests WHERE sent_at < ?", (moment,)).rowcount

    # --- reading ---------------------------------------------------------------------------

    def count(self, filters: HistoryFilter | None = None) -> int:
        where, args = (filters or HistoryFilter()).where()
        with self._lock:
            return int(
                self._db.execute(f"SELECT count(*) FROM requests{where}", args).fetchone()[0]
            )

    def query(
        self, filters: HistoryFilter | None = None, *, limit: int = 100, offset: int = 0
    ) -> list[HistoryEntry]:
        """Newest first, without bodies (fast for lists); ``get`` has everything."""
        where, args = (filters or HistoryFilter()).where()
        sql = (
            f"SELECT {', '.join(_COLUMNS)} FROM requests{where} "
            "ORDER BY sent_at DESC, id DESC LIMIT ? OFFSET ?"
        )
        with self._lock:
            rows = self._db.execute(sql, [*args, limit, offset]).fetchall()
        return [HistoryEntry(**dict(zip(_COLUMNS, row, strict=True))) for row in rows]

    def profiles(self) -> list[str]:
        """The profile names that appear in the history, sorted."""
        with self._lock:
            rows = self._db.execute("SELECT DISTINCT profile FROM requests ORDER BY profile")
            return [str(row[0]) for row in rows.fetchall()]

    def get(self, row_id: int) -> HistoryEntry | None:
        columns = ", ".join(_COLUMNS)
        sql = (
            f"SELECT {columns}, request_headers, request_body, response_headers, response_body "
            "FROM requests WHERE id = ?"
        )
        with self._lock:
            row = self._db.execute(sql, (row_id,)).fetchone()
        if row is None:
            return None
        base = row[: len(_COLUMNS)]
        req_headers, req_body, resp_headers, resp_body = row[len(_COLUMNS) :]
        return HistoryEntry(
            **dict(zip(_COLUMNS, base, strict=True)),
            request_headers=_headers_from(req_headers),
            request_body=bytes(req_body or b""),
            response_headers=_headers_from(resp_headers),
            response_body=bytes(resp_body or b""),
        )
