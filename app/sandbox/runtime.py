"""The embedded sandbox: one in-process server, started the first time a sandbox profile is used
and stopped when the process exits."""

from __future__ import annotations

import atexit
import threading

from app.sandbox.emulator import Sandbox
from app.sandbox.server import SandboxServer

__all__ = ["embedded_server", "stop_embedded"]

_lock = threading.Lock()
_server: SandboxServer | None = None


def embedded_server() -> SandboxServer:
    """The running embedded sandbox (started now if it is not yet), on a free loopback port."""
    global _server
    with _lock:
        if _server is None:
            server = SandboxServer(Sandbox(), port=0)
            server.start()
            _server = server
            atexit.register(stop_embedded)
        return _server


def stop_embedded() -> None:
    global _server
    with _lock:
        server, _server = _server, None
    if server is not None:
        server.stop()
