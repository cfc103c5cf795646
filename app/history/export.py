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

__all__ = ["to_har", "write_har", "write_jsonl"]


def _mime(headers: list[tuple[str, str]], default: str = "application/json") -> str:
    for name, value in headers:
        if name.lower() == "content-type":
            return value
    return default


def _entry(entry: HistoryEntry) -> dict[str, Any]:
    query = urlsplit(entry.url).query
    request_text = entry.request_body.decode("utf-8", errors="replace")
    response_text = entry.response_body.decode("utf-8", errors="replace")
    wait = entry.elapsed_ms if entry.elapsed_ms is not None else 0
    har: dict[str, Any] = {
        "startedDateTime": entry.sent_at,
        "time": wait,
        "request": {
            "method": entry.method,
            "url": entry.url,
            "httpVersion": "HTTP/1.1",
            "cookies": [],
            "headers": [{"name": n, "value": v} for n, v in entry.request_headers],
            "queryString": [{"name": n, "value": v} for n, v in parse_qsl(query)],
            "postData": {"mimeType": _mime(entry.request_headers), "text": request_text},
            "headersSize": -1,
            "bodySize": len(entry.request_body),
        },
        "response": {
            "status": entry.status or 0,
            "statusText": entry.reason or "",
            "httpVersion": "HTTP/1.1",
            "cookies": [],
            "headers": [{"name": n, "value": v} for n, v in entry.response_headers],
            "content": {
                "size": entry.response_size or 0,
                "mimeType": _mime(entry.response_headers, "application/octet-stream"),
                "text": response_text,
            },
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
    return {
        "log": {
            "version": "1.2",
            "creator": {"name": "Cart Composer", "version": __version__},
            "pages": [],
            "entries": [_entry(entry) for entry in entries],
        }
    }


def write_har(entries: Iterable[HistoryEntry], path: Path) -> int:
    har = to_har(entries)
    path.write_text(jsonfmt.dumps(har) + "\n", encoding="utf-8")
    return len(har["log"]["entries"])


def write_jsonl(entries: Iterable[HistoryEntry], path: Path) -> int:
    count = 0
    with path.open("w", encoding="utf-8") as out:
        for entry in entries:
            out.write(jsonfmt.dumps(entry.to_json(), indent=None) + "\n")
            count += 1
    return count
