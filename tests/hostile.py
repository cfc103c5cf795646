"""A hostile HTTP server for tests: answers that are huge, bombs, trickles, redirects, gateway
errors and junk — everything a broken or malicious endpoint can do to a client. Bodies are made
as they are sent, never held whole, so a "5 GB" answer costs the test nothing."""

from __future__ import annotations

import socket
import threading
import time
import zlib
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any

__all__ = ["HostileServer"]

GIB = 1024**3


def _gzip_bomb(inflated: int) -> Iterator[bytes]:
    """A gzip stream of ``inflated`` spaces (about 1 KB per MB), made as it goes."""
    packer = zlib.compressobj(9, zlib.DEFLATED, 31)
    block = b" " * (1024 * 1024)
    for _ in range(inflated // len(block)):
        out = packer.compress(block)
        if out:
            yield out
    yield packer.flush()


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _Server

    def log_message(self, format: str, *args: Any) -> None:
        return

    def _drain(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        if length:
            self.rfile.read(length)

    def _headers(self, status: int, headers: dict[str, str]) -> None:
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        self.end_headers()

    def _serve(self) -> None:
        self._drain()
        path = self.path.split("?", 1)[0]
        self.server.hits.append(path)
        name = path.strip("/").split("/", 1)[0].replace("-", "_")
        behaviour = getattr(self, f"_{name}", None) or getattr(self, f"_{self.server.every}")
        try:
            behaviour()
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True  # the client stopped reading: as it should
        finally:
            self.server.ended.append((path, time.monotonic()))

    do_GET = do_POST = do_PUT = _serve

    def _not_found(self) -> None:
        self._headers(404, {"Content-Length": "0"})

    def _huge(self) -> None:
        """200 JSON that claims (and goes on for) 5 GB."""
        self._headers(200, {"Content-Type": "application/json", "Content-Length": str(5 * GIB)})
        chunk = b" " * 65536
        for _ in range(5 * GIB // len(chunk)):
            self.wfile.write(chunk)
        self.close_connection = True

    def _gzip_bomb(self) -> None:
        """200 JSON, gzip-encoded, inflating to 1 GB; chunked (no length)."""
        self._headers(
            200,
            {
                "Content-Type": "application/json",
                "Content-Encoding": "gzip",
                "Transfer-Encoding": "chunked",
            },
        )
        for piece in _gzip_bomb(GIB):
            self.wfile.write(f"{len(piece):x}\r\n".encode() + piece + b"\r\n")
        self.wfile.write(b"0\r\n\r\n")

    def _trickle_body(self) -> None:
        """A 200 whose body comes 2 bytes every half second."""
        self._headers(200, {"Content-Type": "application/json", "Content-Length": "100000"})
        for _ in range(50000):
            self.wfile.write(b"  ")
            self.wfile.flush()
            time.sleep(0.5)

    def _trickle_headers(self) -> None:
        """A status line, then one byte of headers every 0.2 s, never ending."""
        self.wfile.write(b"HTTP/1.1 200 OK\r\nX-Slow: ")
        self.wfile.flush()
        for _ in range(100000):
            self.wfile.write(b"a")
            self.wfile.flush()
            time.sleep(0.2)

    def _redirect(self) -> None:
        self._headers(302, {"Location": "https://login.example.com/sso", "Content-Length": "0"})

    def _bad_gateway(self) -> None:
        body = b"<html><body><h1>502 Bad Gateway</h1></body></html>"
        self._headers(502, {"Content-Type": "text/html", "Content-Length": str(len(body))})
        self.wfile.write(body)

    def _accepted_junk(self) -> None:
        body = b"queued; see you later"
        self._headers(202, {"Content-Type": "text/plain", "Content-Length": str(len(body))})
        self.wfile.write(body)

    def _token(self, access: str) -> None:
        import json

        body = json.dumps(
            {"access_token": access, "refresh_token": "r-123456", "expires_in": 3600}
        ).encode()
        self._headers(200, {"Content-Type": "application/json", "Content-Length": str(len(body))})
        self.wfile.write(body)

    def _crlf_token(self) -> None:
        """A token that would split the Authorization header it goes into."""
        self._token("tok-4f1d\r\nX-Injected: yes")

    def _unicode_token(self) -> None:
        self._token("tok-€-4f1d")

    def _refused(self) -> None:
        body = b'{"error":"invalid_client","error_description":"Bad client credentials"}'
        self._headers(401, {"Content-Type": "application/json", "Content-Length": str(len(body))})
        self.wfile.write(body)


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False
    hits: list[str]
    ended: list[tuple[str, float]]
    every: str

    def handle_error(self, request: Any, client_address: Any) -> None:
        return  # a client hanging up on a hostile answer is the point


class HostileServer:
    """``with HostileServer() as server:`` — paths /huge, /gzip-bomb, /trickle-body,
    /trickle-headers, /redirect, /bad-gateway, /accepted-junk, /refused, /crlf-token,
    /unicode-token; any other path gets
    the behaviour named by ``every``. ``ended`` says when each answer stopped being sent."""

    def __init__(self, every: str = "not_found") -> None:
        self._server = _Server(("127.0.0.1", 0), _Handler)
        self._server.hits = []
        self._server.ended = []
        self._server.every = every.replace("-", "_")
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    @property
    def hits(self) -> list[str]:
        return self._server.hits

    @property
    def ended(self) -> list[tuple[str, float]]:
        return self._server.ended

    def __enter__(self) -> HostileServer:
        self._thread.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._server.shutdown()
        self._server.server_close()
        # Handler threads still writing to a client that left end at their next write.
        with_socket = getattr(self._server, "socket", None)
        if isinstance(with_socket, socket.socket):
            with_socket.close()
