"""The sandbox's tunable settings: its clock, the mode its doors answer in by default, and each
provider's emulator limits (its credentials live with the emulator, in the provider's folder)."""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from app.domain.sandbox_marks import REAL, SandboxMode

__all__ = ["REAL", "SandboxConfig", "SandboxMode"]


@dataclass
class SandboxConfig:
    """What a test or a QA session may change; the defaults are the real services' values.

    ``settings`` are each emulator's limits by provider key, e.g.
    ``{"drip": {"hourly_limit": 3}, "bronto": {"token_lifetime": 2}}`` (see each emulator's
    ``info()`` for its names).
    """

    # Seconds, monotonic; tests pass a fake clock to expire tokens without waiting.
    clock: Callable[[], float] = field(default=time.monotonic)
    # How a door answers unless it is opened with a mode of its own.
    mode: SandboxMode = REAL
    settings: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
