"""The embedded sandbox: one in-process emulator, started the first time a sandbox profile is
sent to and stopped when the process exits. Each mode it is asked for gets a door of its own (a
loopback server) on the one emulator, so carts, tokens and the request log are shared whatever
mode a send asks for, and no send changes how another is answered.

The front ends wire it into their ``Sender`` as ``EmbeddedSandbox()`` (the service layer's
``BuiltInSandbox``): a preview only learns a door's address (its port is taken, nothing is
served); the first request through the door starts serving it."""

from __future__ import annotations

import atexit
import threading

from app.sandbox.config import REAL, SandboxMode
from app.sandbox.emulator import Sandbox
from app.sandbox.server import SandboxServer

__all__ = ["EmbeddedSandbox", "embedded_sandbox", "embedded_server", "stop_embedded"]

_lock = threading.Lock()
_sandbox: Sandbox | None = None
_servers: dict[SandboxMode, SandboxServer] = {}


def _door(mode: SandboxMode, *, serve: bool) -> SandboxServer:
    global _sandbox
    with _lock:
        server = _servers.get(mode)
        if server is None:
            if _sandbox is None:
                _sandbox = Sandbox()
                atexit.register(stop_embedded)
            server = _servers[mode] = SandboxServer(_sandbox, port=0, mode=mode)
            server.bind()
        if serve:
            server.start()  # once; a door already serving is left as it is
        return server


def embedded_server(mode: SandboxMode = REAL) -> SandboxServer:
    """The running embedded sandbox's door for ``mode`` (serving from now if it is not yet),
    on a free loopback port."""
    return _door(mode, serve=True)


class EmbeddedSandbox:
    """The embedded sandbox as a ``Sender`` is given it (``service.sender.BuiltInSandbox``)."""

    def address(self, mode: SandboxMode = REAL) -> str:
        """The base URL of ``mode``'s door; its port is taken, nothing is served yet."""
        return _door(mode, serve=False).url

    def serve(self, mode: SandboxMode = REAL) -> None:
        """The door answers from now on (before a request goes out through it)."""
        _door(mode, serve=True)

    def notes_about(self, answer_id: str) -> list[str]:
        """What the request log says of the request that got ``answer_id``."""
        sandbox = embedded_sandbox()
        return list(sandbox.notes_about(answer_id)) if sandbox is not None else []


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
