"""A loopback HTTP server that records what it is sent and answers every POST 202 with a Drip
``request_id``: for tests that must see the very headers a request carried (a proxy's view, the
secret on the wire)."""

from __future__ import annotations

import contextlib
import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

__all__ = ["recording_server"]


class _Recording(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    seen: list[dict[str, Any]]
    request_id: str

    def log_message(self, format: str, *args: Any) -> None:
        return

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        # A proxy is sent the absolute URL as the target; a server, the path.
        self.seen.append({"target": self.path, "headers": dict(self.headers.items()), "body": body})
        answer = json.dumps({"request_id": self.request_id}).encode()
        self.send_response(202)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(answer)))
        self.end_headers()
        self.wfile.write(answer)


@contextlib.contextmanager
def recording_server(request_id: str = "r-1") -> Iterator[tuple[str, list[dict[str, Any]]]]:
    """``(host:port, seen)``: what each request was sent to, its headers and its body."""
    seen: list[dict[str, Any]] = []
    handler = type("Recording", (_Recording,), {"seen": seen, "request_id": request_id})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"127.0.0.1:{server.server_address[1]}", seen
    finally:
        server.shutdown()
        server.server_close()
