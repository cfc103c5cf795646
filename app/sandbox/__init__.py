"""The built-in sandbox: a local emulator of Drip's Cart Activity and Bronto's carts APIs.

sandbox = Sandbox()
httpx.Client(transport=sandbox.transport())       # in-process, for unit tests
with SandboxServer(sandbox) as server: server.url  # real HTTP on 127.0.0.1
"""

from __future__ import annotations

from app.sandbox.config import SandboxConfig
from app.sandbox.emulator import ConnectionDropped, RecordedRequest, Sandbox
from app.sandbox.faults import Fault, FaultError
from app.sandbox.server import SandboxServer

__all__ = [
    "ConnectionDropped",
    "Fault",
    "FaultError",
    "RecordedRequest",
    "Sandbox",
    "SandboxConfig",
    "SandboxServer",
]
