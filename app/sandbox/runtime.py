"""The embedded sandbox: one in-process emulator, started the first time a sandbox profile is
used and stopped when the process exits. Each mode it is asked for gets a door of its own (a
loopback server) on the one emulator, so carts, tokens and the request log are shared whatever
mode a send asks for, and no send changes how another is answered."""

from __future__ import annotations

import atexit
import threading

from app.sandbox.config import REAL, SandboxMode
from app.sandbox.emulator import Sandbox
from app.sandbox.server import SandboxServer

__all__ = ["embedded_sandbox", "embedded_server", "stop_embedded"]

_lock = threading.Lock()
_sandbox: Sandbox | None = None
_servers: dict[SandboxMode, SandboxServer] = {}


def embedded_server(mode: SandboxMode = REAL) -> SandboxServer:
    """The running embedded sandbox's door for ``mode`` (started now if it is not yet), on a
    free loopback port."""
    global _sandbox
    with _lock:
        server = _servers.get(mode)
        if server is None:
            if _sandbox is None:
                _sandbox = Sandbox()
                atexit.register(stop_embedded)
            server = SandboxServer(_sandbox, port=0, mode=mode)
            server.start()
            _servers[mode] = server
        return server


def embedded_sandbox() -> Sandbox | None:
    """The embedded emulator behind every door, if one was started."""
    with _lock:
        return _sandbox


def stop_embedded() -> None:
    global _sandbox
    with _lock:
        servers = list(_servers.values())
        _servers.clear()
        _sandbox = None
    for server in servers:
        server.stop()
