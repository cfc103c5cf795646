"""Exporting history entries: JSON lines, and HAR 1.2 (readable by browsers' dev tools and
other API clients)."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from app import __version__
from app.domain import jsonfmt
from app.history.store import HistoryEntry

__all__ = ["har_text", "jsonl_text", "to_har", "write_har", "write_jsonl"]


def _mime(headers: list[tuple[str, str]], default: str = "application/json") -> str:
    for name, value in headers:
        if name.lower() == "content-type":
            return value
    return default


def _cut(kept: int, size: int | None) -> dict[str, Any]:
    """What marks a body the history keeps only the start of (HAR has no field for it: a
    ``comment`` for people, ``_truncated`` for tools, custom fields starting with ``_``)."""
    if size is None or size <= kept:
        return {}
    return {
        "comment": f"Cut: the history keeps the first {kept:,} of {size:,} bytes.",
        "_truncated": True,
    }


def _entry(entry: HistoryEntry) -> dict[str, Any]:
    query = urlsplit(entry.url).query
    request_text = entry.request_body.decode("utf-8", errors="replace")
    response_text = entry.response_body.decode("utf-8", errors="replace")
    wait = entry.elapsed_ms if entry.elapsed_ms is not None else 0
    sent_size = entry.request_size if entry.request_size is not None else len(entry.request_body)
    request: dict[str, Any] = {
        "method": entry.method,
        "url": entry.url,
        "httpVersion": "HTTP/1.1",
        "cookies": [],
        # As they went on the wire (Host, Content-Length and the client's own included; rows
        # written by earlier versions kept only the cart's), credentials masked.
        "headers": [{"name": n, "value": v} for n, v in entry.request_headers],
        "queryString": [{"name": n, "value": v} for n, v in parse_qsl(query)],
        "headersSize": -1,
        "bodySize": sent_size,
    }
    if sent_size:  # a GET (a Bronto cart read) has no body, and so no postData
        request["postData"] = {
            "mimeType": _mime(entry.request_headers),
            "text": request_text,
            **_cut(len(entry.request_body), sent_size),
        }
    received = entry.response_size or 0
    content: dict[str, Any] = {
        "size": received,
        "mimeType": _mime(entry.response_headers, "application/octet-stream"),
        "text": response_text,
        **_cut(len(entry.response_body), received),
    }
    har: dict[str, Any] = {
        "startedDateTime": entry.sent_at,
        "time": wait,
        "request": request,
        "response": {
            "status": entry.status or 0,
            "statusText": entry.reason or "",
            "httpVersion": "HTTP/1.1",
            "cookies": [],
            "headers": [{"name": n, "value": v} for n, v in entry.response_headers],
            "content": content,
            "redirectURL": "",
            "headersSize": -1,
            "bodySize": entry.response_size if entry.status is not None else -1,
        },
        "cache": {},
        "timings": {"send": 0, "wait": wait, "receive": 0},
        "comment": f"Cart Composer #{entry.id} · {entry.profile} · {entry.state}",
    }
    if entry.error_kind:
        har["_error"] = {"kind": entry.error_kind, "message": entry.error_message}
    return har


def to_har(entries: Iterable[HistoryEntry]) -> dict[str, Any]:
    """A HAR 1.2 log of ``entries``, oldest first (the order they were sent, as a browser's
    is), whatever order they came in."""
    ordered = sorted(entries, key=lambda e: (e.sent_at, e.id))
    return {
        "log": {
            "version": "1.2",
            "creator": {"name": "Cart Composer", "version": __version__},
            "pages": [],
            "entries": [_entry(entry) for entry in ordered],
        }
    }


def har_text(entries: Iterable[HistoryEntry]) -> str:
    """The HAR file's text (``to_har``)."""
    return jsonfmt.dumps(to_har(entries)) + "\n"


def jsonl_text(entries: Iterable[HistoryEntry]) -> str:
    """One entry's JSON a line, in the order given."""
    return "".join(jsonfmt.dumps(entry.to_json(), indent=None) + "\n" for entry in entries)


def write_har(entries: Iterable[HistoryEntry], path: Path) -> int:
    entries = list(entries)
    path.write_text(har_text(entries), encoding="utf-8")
    return len(entries)


def write_jsonl(entries: Iterable[HistoryEntry], path: Path) -> int:
    entries = list(entries)
    path.write_text(jsonl_text(entries), encoding="utf-8")
    return len(entries)
