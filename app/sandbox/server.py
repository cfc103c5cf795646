"""The sandbox's HTTP door: a threaded HTTP/1.1 server on 127.0.0.1 only.

Each request is turned into an ``httpx.Request``, handed to ``Sandbox.handle`` and the answer
written back, so the HTTP door and the MockTransport door run the very same code.
"""

from __future__ import annotations

import contextlib
import socket
import sys
import threading
import traceback
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any

import httpx

from app.domain.sizes import size_text
from app.sandbox.config import SandboxMode
from app.sandbox.emulator import ConnectionDropped, Sandbox, Trickle, json_response

__all__ = ["HOST", "SandboxServer"]

# Loopback only: the sandbox must never be reachable from another machine.
HOST = "127.0.0.1"
_HOP_BY_HOP = frozenset({"connection", "keep-alive", "transfer-encoding", "content-length"})
_MAX_BODY = 64 * 1024 * 1024


class _BadBody(ValueError):
    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False
    sandbox: Sandbox
    mode: SandboxMode | None

    def handle_error(self, request: Any, client_address: Any) -> None:
        # A client that hangs up mid-response is not the sandbox's problem; anything else is.
        if isinstance(sys.exc_info()[1], ConnectionError | TimeoutError):
            return
        super().handle_error(request, client_address)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    # Headers and body go out in two writes; with Nagle on, the body waits for the client's
    # delayed ACK (~40 ms on Linux) on every response.
    disable_nagle_algorithm = True
    server: _Server
    server_version = "CartComposerSandbox"

    def log_message(self, format: str, *args: Any) -> None:
        return  # the sandbox keeps its own log (GET /_sandbox/requests)

    def _read_body(self) -> bytes:
        """The request body, however it is framed, never more than ``_MAX_BODY`` bytes: a
        chunked upload is counted chunk by chunk, before each chunk is read."""
        if "chunked" in self.headers.get("Transfer-Encoding", "").lower():
            chunks: list[bytes] = []
            total = 0
            while True:
                line = self.rfile.readline(1024)
                try:
                    size = int(line.split(b";", 1)[0].strip() or b"0", 16)
                except ValueError:
                    raise _BadBody(400, "a chunk size is not a hexadecimal number") from None
                if size < 0:
                    raise _BadBody(400, "a chunk size is negative")
                total += size
                if total > _MAX_BODY:
                    raise _BadBody(413, f"the body is larger than {size_text(_MAX_BODY)}")
                if size == 0:
                    for _ in range(100):  # trailers, a bounded number of them
                        if self.rfile.readline(8192) in (b"\r\n", b"\n", b""):
                            break
                    return b"".join(chunks)
                chunks.append(self.rfile.read(size))
                self.rfile.readline(1024)
        try:
            length = int(self.headers.get("Content-Length") or 0)
        except ValueError:
            raise _BadBody(400, "Content-Length is not a number") from None
        if length > _MAX_BODY:
            raise _BadBody(413, f"the body is larger than {size_text(_MAX_BODY)}")
        return self.rfile.read(length) if length > 0 else b""

    def _refusal(self) -> httpx.Response | None:
        """Why this request is not for the sandbox, or None. Only requests addressed to its
        own loopback address and port: a web page the user visits can send requests to
        127.0.0.1 (a form posts cross-site without asking; DNS rebinding even reads the
        answers), but it cannot make them carry this Host and no foreign Origin."""
        port = self.server.server_address[1]
        own = {f"{HOST}:{port}", f"localhost:{port}"}
        if port == 80:
            own |= {HOST, "localhost"}
        host = self.headers.get("Host", "").strip().lower()
        if host not in own:
            return json_response(
                421,
                {
                    "error": (
                        f"The sandbox answers only requests for {HOST}:{port} or localhost:{port}; "
                        f"this one was for {host or '(no Host header)'}."
                    )
                },
            )
        origin = self.headers.get("Origin")
        if origin is not None and origin.strip().lower() not in {f"http://{h}" for h in own}:
            shown = origin.strip()[:200]
            return json_response(
                403,
                {
                    "error": (
                        f"The sandbox refuses requests from web pages (Origin: {shown}): "
                        "only the app, the command line and tools like curl may use it."
                    )
                },
            )
        return None

    def _serve(self) -> None:
        refused = self._refusal()
        if refused is not None:
            self._write(refused)
            self.close_connection = True  # its body, if any, is never read
            return
        try:
            body = self._read_body()
        except _BadBody as exc:
            self._write(json_response(exc.status, {"error": f"Request refused: {exc}."}))
            self.close_connection = True
            return
        port = self.server.server_address[1]
        # http.server decodes header values as Latin-1 (as HTTP/1.1 has them); httpx would take
        # only ASCII from str, so they go back to the bytes that came.
        headers = [
            (k.encode("latin-1"), v.encode("latin-1", errors="replace"))
            for k, v in self.headers.items()
            if k.lower() not in _HOP_BY_HOP
        ]
        request = httpx.Request(
            self.command, f"http://{HOST}:{port}{self.path}", headers=headers, content=body
        )
        try:
            response = self.server.sandbox.handle(request, self.server.mode)
        except ConnectionDropped:
            self.close_connection = True
            with contextlib.suppress(OSError):
                self.connection.shutdown(socket.SHUT_RDWR)
            return
        except Exception:  # a sandbox bug: answer 500 and say so, never hang the client
            traceback.print_exc()
            response = httpx.Response(500, content=b"The sandbox failed; see its console.\n")
        self._write(response)

    def _write(self, response: httpx.Response) -> None:
        trickle = response.stream if isinstance(response.stream, Trickle) else None
        content = trickle.content if trickle is not None else response.content
        self.send_response(response.status_code)
        for name, value in response.headers.multi_items():
            if name.lower() not in _HOP_BY_HOP:
                self.send_header(name, value)
        if response.status_code not in (204, 304) and not 100 <= response.status_code < 200:
            self.send_header("Content-Length", str(len(content)))
        self.end_headers()
        if self.command == "HEAD" or not content:
            return
        if trickle is None:
            self.wfile.write(content)
            return
        try:
            for piece in trickle:
                self.wfile.write(piece)
                self.wfile.flush()
        except OSError:
            self.close_connection = True  # the client gave up waiting

    do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = do_HEAD = do_OPTIONS = _serve


class SandboxServer:
    """Serves a ``Sandbox`` on ``http://127.0.0.1:<port>``; port 0 picks a free one.

    ``start()`` returns the base URL and serves from a background thread; ``stop()`` (or
    leaving the ``with`` block) shuts it down and frees the port.
    """

    def __init__(
        self, sandbox: Sandbox | None = None, port: int = 0, mode: SandboxMode | None = None
    ) -> None:
        self.sandbox = sandbox or Sandbox()
        self.mode = mode  # None: the sandbox config's mode
        self._port = port
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        if self._server is None:
            raise RuntimeError("The sandbox server is not running.")
        return f"http://{HOST}:{self._server.server_address[1]}"

    def _bind(self) -> _Server:
        if self._server is not None:
            return self._server
        server = _Server((HOST, self._port), _Handler)
        server.sandbox = self.sandbox
        server.mode = self.mode
        self._server = server
        return server

    def bind(self) -> str:
        """Take the port (once) and return the base URL, without serving yet: requests wait in
        the socket's queue until ``start()``."""
        self._bind()
        return self.url

    @property
    def serving(self) -> bool:
        return self._thread is not None

    def start(self) -> str:
        server = self._bind()
        if self._thread is not None:
            return self.url
        self._thread = threading.Thread(
            target=server.serve_forever,
            kwargs={"poll_interval": 0.05},
            daemon=True,
            name="sandbox-http",
        )
        self._thread.start()
        return self.url

    def serve_forever(self) -> None:
        """Serve on the calling thread until ``stop()`` (or Ctrl-C in the caller)."""
        self._bind().serve_forever(poll_interval=0.1)

    def stop(self) -> None:
        server, self._server = self._server, None
        if server is None:
            return
        if self._thread is not None:
            server.shutdown()
            self._thread.join(timeout=5)
            self._thread = None
        server.server_close()

    def __enter__(self) -> SandboxServer:
        if self._server is None:
            self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()
