"""What the command line's sends are wired to: the OS keyring (opened on first need) and the
built-in sandbox, whose doors serve only once a request goes out to them."""

from __future__ import annotations

from app.sandbox.runtime import EmbeddedSandbox
from app.service.sender import Sender

__all__ = ["new_sender"]


def new_sender() -> Sender:
    return Sender(sandbox=EmbeddedSandbox())
